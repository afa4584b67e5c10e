//! Raising the invoice for an IP reputation cleanup (create_ip_cleanup_fee): support staff's
//! main job. Success is read from `result`, never from the text: the API's success message is
//! the copy-paste "A valid serviceid is required.", shown as given under "Invoice requested".

use crate::actions::Runner;
use crate::components::confirm::ConfirmDialog;
use crate::history::{now_ms, recent, use_history};
use crate::settings::use_settings;
use hostwinds::{Action as HwAction, ActionName, ServiceId};
use leptos::prelude::*;

const DAY_MS: f64 = 24.0 * 3600.0 * 1000.0;

#[component]
pub fn CleanupFee(serviceid: ServiceId, #[prop(into)] name: Signal<String>) -> impl IntoView {
    let settings = use_settings();
    let history = use_history();
    let runner = Runner::from_context();
    let (open, set_open) = signal(false);
    let (again, set_again) = signal(false);
    // Set the moment the request leaves, so a double click can never send two.
    let in_flight = RwSignal::new(false);

    let earlier = Memo::new(move |_| {
        let entries = history.entries.get();
        recent(&entries, serviceid, ActionName::CreateIpCleanupFee, now_ms(), DAY_MS)
            .first()
            .map(|e| ((now_ms() - e.at_ms) / 3_600_000.0).max(0.0))
    });

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
            on:click=move |_| { set_again.set(false); set_open.set(true); }
        >
            {move || if in_flight.get() { "Requesting IP cleanup\u{2026}" } else { "Request IP cleanup" }}
        </button>
        {move || open.get().then(|| view! {
            <ConfirmDialog
                title=format!("Request an IP cleanup for {}?", name.get_untracked())
                confirm_label="Create invoice"
                confirm_disabled=Signal::derive(move || earlier.get().is_some() && !again.get())
                on_confirm=Callback::new(confirm)
                on_cancel=Callback::new(move |_| set_open.set(false))
            >
                <p>
                    "An IP cleanup is Hostwinds' paid service for IP reputation: cleaning up a listed IP, "
                    "requesting removal from spam blocklists, and IP warming."
                </p>
                <p>{format!("Confirming creates an invoice on this account for server {serviceid}.")}</p>
                {move || earlier.get().map(|hours| view! {
                    <div class="warning" role="alert">
                        <p>{format!(
                            "A cleanup fee was already requested for this server {} ago. A second request creates a second invoice.",
                            ago(hours)
                        )}</p>
                        <label class="check">
                            <input type="checkbox" prop:checked=move || again.get() on:change:target=move |ev| set_again.set(ev.target().checked())/>
                            "Yes, request another invoice"
                        </label>
                    </div>
                })}
            </ConfirmDialog>
        })}
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
