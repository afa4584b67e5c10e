//! Editing the reverse DNS of one IP in place (set_rdns with the `rdns` field, never the
//! deprecated `rdata`): validated as the user types, a warning for a bare domain.

use crate::net::actions::{Done, Runner};
use crate::net::api;
use crate::components::dns::VerdictNote;
use crate::state::settings::use_settings;
use hostwinds::{Action as HwAction, Ip, RdnsName, ServiceId};
use leptos::html;
use leptos::prelude::*;

const CHECK_PAUSE: std::time::Duration = std::time::Duration::from_millis(350);

pub const PROPAGATION_NOTE: &str = "Reverse DNS changes can take 24\u{2013}48 hours to propagate.";

/// What the field holds: a name to send (maybe with a warning), or why it cannot be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    Empty,
    Invalid(String),
    Valid { name: RdnsName, warning: Option<String> },
}

pub fn check(input: &str) -> Check {
    if input.trim().is_empty() {
        return Check::Empty;
    }
    match RdnsName::parse(input) {
        Err(e) => Check::Invalid(e.0),
        Ok(name) => {
            let warning = name.is_bare_domain().then(|| {
                format!(
                    "{name} is a bare domain. rDNS should name the mail server itself, matching its HELO/EHLO name, such as mail.{name}."
                )
            });
            Check::Valid { name, warning }
        }
    }
}

#[component]
pub fn RdnsEditor(
    serviceid: ServiceId,
    ip: Ip,
    /// Kept by the screen, so a refresh of the table does not lose what was typed.
    draft: RwSignal<String>,
    /// The name saved and Hostwinds' message.
    on_saved: Callback<(String, String)>,
    on_cancel: Callback<()>,
    on_reread: Callback<()>,
) -> impl IntoView {
    let settings = use_settings();
    let runner = Runner::from_context();
    let input = NodeRef::<html::Input>::new();
    let (tried, set_tried) = signal(false);
    let (refused, set_refused) = signal(None::<String>);
    let state = Memo::new(move |_| check(&draft.get()));
    // The DNS check of the name being typed, once typing pauses.
    let to_check = RwSignal::new(None::<RdnsName>);
    let pending = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let name = match state.get() {
            Check::Valid { name, .. } => Some(name),
            _ => None,
        };
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        match name {
            None => to_check.set(None),
            Some(n) => pending.set_value(set_timeout_with_handle(move || to_check.set(Some(n)), CHECK_PAUSE).ok()),
        }
    });
    let recheck = RwSignal::new(0u32);
    let dns = LocalResource::new(move || {
        let (endpoint, name, _) = (settings.endpoint.get(), to_check.get(), recheck.get());
        async move {
            match name {
                Some(n) => Some(api::dns_check(endpoint, ip, n, true).await),
                None => None,
            }
        }
    });

    let save = Action::new_local(move |name: &RdnsName| {
        let (endpoint, name) = (settings.endpoint.get_untracked(), name.clone());
        async move {
            let action = HwAction::SetRdns { serviceid, ip, rdns: name.clone() };
            let done = runner
                .run_then(endpoint, action, format!("rDNS set for {ip}"), Some(PROPAGATION_NOTE.into()), Some(on_reread))
                .await;
            match done {
                Done::Ok(o) => on_saved.run((name.to_string(), o.message)),
                other => set_refused.set(Some(other.message())),
            }
        }
    });

    Effect::new(move |_| {
        if let Some(el) = input.get() {
            let _ = el.focus();
            el.select();
        }
    });

    let submit = move || {
        set_tried.set(true);
        if save.pending().get_untracked() {
            return;
        }
        if let Check::Valid { name, .. } = state.get_untracked() {
            set_refused.set(None);
            save.dispatch(name);
        }
    };
    let error_id = format!("rdns-error-{}", ip.to_string().replace([':', '.'], "-"));
    let described = error_id.clone();

    view! {
        <form class="rdns-editor" novalidate on:submit=move |ev| { ev.prevent_default(); submit(); }>
            <input
                node_ref=input
                type="text"
                aria-label=format!("Reverse DNS name for {ip}")
                aria-describedby=described
                aria-invalid=move || matches!(state.get(), Check::Invalid(_)).to_string()
                placeholder="mail.example.com"
                autocomplete="off"
                spellcheck="false"
                prop:value=move || draft.get()
                on:input:target=move |ev| draft.set(ev.target().value())
                on:keydown=move |ev| if ev.key() == "Escape" { ev.prevent_default(); on_cancel.run(()); }
            />
            <button
                type="submit"
                class="primary"
                disabled=move || save.pending().get() || !matches!(state.get(), Check::Valid { .. })
            >
                {move || if save.pending().get() { "Saving\u{2026}" } else { "Save" }}
            </button>
            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            <div id=error_id class="field-messages" aria-live="polite">
                {move || match state.get() {
                    Check::Invalid(m) => Some(view! { <p class="field-error">{m}</p> }.into_any()),
                    Check::Empty if tried.get() => Some(view! { <p class="field-error">"Enter a hostname, such as mail.example.com."</p> }.into_any()),
                    Check::Valid { warning: Some(w), .. } => Some(view! { <p class="field-warning">{w}</p> }.into_any()),
                    _ => None,
                }}
                {move || refused.get().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                {move || match (to_check.get(), dns.get().flatten()) {
                    (None, _) => None,
                    (Some(n), Some(Ok(c))) if c.name == n.as_str() => Some(view! {
                        <VerdictNote check=c/>
                        <button type="button" class="link" on:click=move |_| recheck.update(|n| *n += 1)>"Check DNS again"</button>
                    }.into_any()),
                    (Some(_), Some(Err(e))) => Some(view! { <p class="muted">{format!("The DNS check could not run: {}", e.message)}</p> }.into_any()),
                    (Some(_), _) => Some(view! { <p class="muted" role="status">"Checking DNS\u{2026}"</p> }.into_any()),
                }}
                <p class="help">{PROPAGATION_NOTE}</p>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::{check, Check};

    #[test]
    fn bare_domains_warn_and_bad_names_are_invalid() {
        assert!(matches!(check("mail.example.com"), Check::Valid { warning: None, .. }));
        match check("Example.com") {
            Check::Valid { warning: Some(w), name } => {
                assert_eq!(name.as_str(), "example.com");
                assert!(w.contains("HELO") && w.contains("mail.example.com"));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(check("bad_name.example.com"), Check::Invalid(_)));
        assert_eq!(check("  "), Check::Empty);
    }
}
