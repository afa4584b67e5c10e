//! Running one mutation the way every screen does: call the proxy and show its result
//! message as the API sent it. The proxy writes the audit record.

use crate::net::api::{self, ApiError};
use crate::components::toast::Toaster;
use hostwinds::{Action, Outcome};
use leptos::prelude::Callback;

/// What a finished mutation came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Done {
    /// `result` was success.
    Ok(Outcome),
    /// Hostwinds (or the proxy) said no; nothing changed.
    Refused(Outcome),
    /// No usable answer: whether it was applied is unknown.
    Unknown(ApiError),
}

impl Done {
    pub fn message(&self) -> String {
        match self {
            Done::Ok(o) | Done::Refused(o) => o.message.clone(),
            Done::Unknown(e) => e.message.clone(),
        }
    }
}

/// Services a mutation needs, taken from context once by the screen.
#[derive(Clone, Copy)]
pub struct Runner {
    pub toaster: Toaster,
}

impl Runner {
    pub fn from_context() -> Runner {
        Runner { toaster: crate::components::toast::use_toaster() }
    }

    /// Run `action`; `title_ok` names the success in the toast (the API's message follows it).
    pub async fn run(self, endpoint: String, action: Action, title_ok: String, note: Option<String>) -> Done {
        self.run_then(endpoint, action, title_ok, note, None).await
    }

    /// As `run`; `reread` re-reads the server's state, offered when the outcome is unknown
    /// (never resending the call blindly).
    pub async fn run_then(
        self,
        endpoint: String,
        action: Action,
        title_ok: String,
        note: Option<String>,
        reread: Option<Callback<()>>,
    ) -> Done {
        let label = action.name().label();
        let done = match api::call(&endpoint, &action).await {
            Ok(o) if o.ok => Done::Ok(o),
            Ok(o) => Done::Refused(o),
            Err(e) => Done::Unknown(e),
        };
        let message = done.message();
        let shown = if message.is_empty() { "(Hostwinds sent no message.)".to_string() } else { message.clone() };
        match &done {
            Done::Ok(_) => self.toaster.show(true, title_ok, shown, note),
            Done::Refused(o) => {
                self.toaster.show(false, format!("{label} failed"), shown, hostwinds::hint(o).map(str::to_string))
            }
            Done::Unknown(_) => {
                let note = (!message.contains("may or may not have been applied"))
                    .then(|| "The request may or may not have been applied: check the server's state before trying again.".to_string());
                self.toaster.show_with_action(false, format!("{label}: outcome unknown"), shown, note, reread.map(|cb| ("Re-read server state".to_string(), cb)))
            }
        }
        done
    }
}
