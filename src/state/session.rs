//! Who is signed in, for the whole console: the role decides which controls are enabled
//! (the proxy enforces it anyway).

use crate::net::api::Me;
use hostwinds::{ActionName, Role};
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
    /// The proxy offers demo accounts (the simulator on loopback), from the same `/auth/me`.
    pub demo: RwSignal<bool>,
}

impl Session {
    pub fn new() -> Self {
        Session { me: RwSignal::new(None), demo: RwSignal::new(false) }
    }

    pub fn role(&self) -> Option<Role> {
        self.me.get().map(|m| m.role)
    }

    /// The tooltip of a control the role does not allow, None when it is allowed.
    pub fn why_not(&self, action: ActionName) -> Option<String> {
        match self.role() {
            Some(r) if !r.allows(action) => Some(format!("Only admins can use {} (you are signed in as {r}).", action.label())),
            _ => None,
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

/// Where to go after signing in: only a path on this site.
pub fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/signin") => n,
        _ => "/servers".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/servers/20001?location=1".into())), "/servers/20001?location=1");
        assert_eq!(safe_next(Some("//evil.example".into())), "/servers");
        assert_eq!(safe_next(Some("https://evil.example".into())), "/servers");
        assert_eq!(safe_next(Some("/signin?next=/x".into())), "/servers");
        assert_eq!(safe_next(None), "/servers");
    }
}
