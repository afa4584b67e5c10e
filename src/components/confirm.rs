//! A confirmation in a modal `<dialog>`: the page behind is inert (focus stays inside),
//! Escape cancels, and focus starts on Cancel so Enter never confirms by accident.
//! Mount it only while it is open.

use leptos::html;
use leptos::prelude::*;

#[component]
pub fn ConfirmDialog(
    #[prop(into)] title: String,
    #[prop(into)] confirm_label: String,
    /// Styles the confirm button as destructive.
    #[prop(optional)]
    danger: bool,
    /// Keeps the confirm button disabled, e.g. until a second confirmation is ticked.
    #[prop(optional, into)]
    confirm_disabled: Option<Signal<bool>>,
    on_confirm: Callback<()>,
    on_cancel: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let cancel_button = NodeRef::<html::Button>::new();
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
            if let Some(b) = cancel_button.get() {
                let _ = b.focus();
            }
        }
    });
    let disabled = move || confirm_disabled.map(|s| s.get()).unwrap_or(false);
    let confirm_class = if danger { "danger" } else { "primary" };
    view! {
        <dialog
            node_ref=dialog
            class="confirm"
            aria-labelledby="confirm-title"
            on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); on_cancel.run(()); }
        >
            <form method="dialog" on:submit=move |ev| { ev.prevent_default(); if !disabled() { on_confirm.run(()); } }>
                <h2 id="confirm-title">{title}</h2>
                <div class="confirm-body">{children()}</div>
                <div class="actions">
                    <button type="button" node_ref=cancel_button on:click=move |_| on_cancel.run(())>"Cancel"</button>
                    <button type="submit" class=confirm_class disabled=disabled>{confirm_label}</button>
                </div>
            </form>
        </dialog>
    }
}
