//! Raising the invoice for an IP reputation cleanup (create_ip_cleanup_fee): support staff's
//! main job. Success is read from `result`, never from the text: the API's success message is
//! the copy-paste "A valid serviceid is required.", shown as given under "Invoice requested".
//! A fee raised for the server in the last 24 h (by anyone, from the audit log) needs a
//! second, explicit confirmation.

use crate::net::actions::Runner;
use crate::net::api;
use crate::components::tools::{prefetch, Ahead, Tool, ToolView};
use crate::components::confirm::ConfirmDialog;
use crate::state::settings::use_settings;
use crate::browser::time::now_ms;
use crate::dialogs::blocklists::BlocklistOverview;
use hostwinds::{Action as HwAction, ActionName, Ip, ServiceId};
use leptos::prelude::*;

const DAY_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// What the audit log says of an earlier fee.
#[derive(Debug, Clone, PartialEq)]
enum Earlier {
    None,
    /// Who raised it, and how many hours ago.
    By(String, f64),
    /// The log could not be read: treated like an earlier fee, to be safe.
    Unknown(String),
}

/// The button; its dialog (`CleanupDialog`) is in the tools' module, fetched when a pointer
/// or the focus comes to the button.
#[component]
pub fn CleanupFee(
    serviceid: ServiceId,
    #[prop(into)] name: Signal<String>,
    /// The server's IPs, checked against the blocklists when the dialog opens.
    #[prop(into)]
    ips: Signal<Vec<Ip>>,
) -> impl IntoView {
    let settings = use_settings();
    let runner = Runner::from_context();
    let (open, set_open) = signal(false);
    // Set the moment the request leaves, so a double click can never send two.
    let in_flight = RwSignal::new(false);

    let request = Action::new_local(move |_: &()| {
        let endpoint = settings.endpoint.get_untracked();
        async move {
            runner
                .run(endpoint, HwAction::CreateIpCleanupFee { serviceid }, "Invoice requested".into(), None)
                .await;
            in_flight.set(false);
        }
    });

    let confirm = move |_| {
        if in_flight.get_untracked() {
            return;
        }
        in_flight.set(true);
        set_open.set(false);
        request.dispatch(());
    };

    view! {
        <button
            type="button"
            class="cleanup"
            disabled=move || in_flight.get()
            on:pointerover=|_| prefetch(Ahead::ServerTools)
            on:focus=|_| prefetch(Ahead::ServerTools)
            on:click=move |_| set_open.set(true)
        >
            {move || if in_flight.get() { "Requesting IP cleanup\u{2026}" } else { "Request IP cleanup" }}
        </button>
        {move || open.get().then(|| {
            let tool = Tool::Cleanup { serviceid, name, ips, on_confirm: Callback::new(confirm), on_cancel: Callback::new(move |_| set_open.set(false)) };
            view! { <ToolView tool/> }
        })}
    }
}

/// The confirmation: what the fee is, the server's blocklist listings, and an earlier fee.
#[component]
pub fn CleanupDialog(
    serviceid: ServiceId,
    name: Signal<String>,
    ips: Signal<Vec<Ip>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let settings = use_settings();
    let (again, set_again) = signal(false);

    // Read when the dialog opens, so it reflects fees raised a moment ago by anyone.
    let earlier = LocalResource::new(move || {
        let endpoint = settings.endpoint.get();
        async move {
            match api::recent_successes(endpoint, serviceid, ActionName::CreateIpCleanupFee, DAY_MS).await {
                Ok(p) => p
                    .entries
                    .first()
                    .map(|e| Earlier::By(e.user.clone(), ((now_ms() - e.at_ms) / 3_600_000.0).max(0.0)))
                    .unwrap_or(Earlier::None),
                Err(e) => Earlier::Unknown(e.message),
            }
        }
    });
    let needs_second = move || !matches!(earlier.get(), Some(Earlier::None));

    view! {
        <ConfirmDialog
            title=format!("Request an IP cleanup for {}?", name.get_untracked())
            confirm_label="Create invoice"
            confirm_disabled=Signal::derive(move || needs_second() && !again.get())
            on_confirm
            on_cancel
        >
            <p>
                "An IP cleanup is Hostwinds' paid service for IP reputation: cleaning up a listed IP, "
                "requesting removal from spam blocklists, and IP warming."
            </p>
            <p>{format!("Confirming creates an invoice on this account for server {serviceid}.")}</p>
            <BlocklistOverview ips/>
            {move || {
                let text = match earlier.get() {
                    None => return Some(view! { <p class="muted">"Checking the audit log for an earlier request\u{2026}"</p> }.into_any()),
                    Some(Earlier::None) => return None,
                    Some(Earlier::By(user, hours)) => format!(
                        "A cleanup fee was already requested for this server {} ago by {user}. A second request creates a second invoice.",
                        ago(hours)
                    ),
                    Some(Earlier::Unknown(why)) => format!(
                        "The audit log could not be read ({why}), so an earlier request in the last 24 h cannot be ruled out."
                    ),
                };
                Some(view! {
                <div class="warning" role="alert">
                    <p>{text}</p>
                    <label class="check">
                        <input type="checkbox" prop:checked=move || again.get() on:change:target=move |ev| set_again.set(ev.target().checked())/>
                        "Yes, request another invoice"
                    </label>
                </div>
                }.into_any())
            }}
        </ConfirmDialog>
    }
}

fn ago(hours: f64) -> String {
    if hours < 1.0 {
        let m = (hours * 60.0).round().max(1.0) as u32;
        format!("{m} minute{}", if m == 1 { "" } else { "s" })
    } else {
        let h = hours.round() as u32;
        format!("{h} hour{}", if h == 1 { "" } else { "s" })
    }
}
