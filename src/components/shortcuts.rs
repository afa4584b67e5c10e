//! Keyboard shortcuts an operator expects: `/` search the table, `g s` servers, `g m` SMTP
//! filters, `g a` activity, `g i` inventory, `g b` bulk rDNS, `g o` settings, `?` this list. Keys typed into a field, or with
//! a modifier, are left alone.

use leptos::html;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

/// Where `g` + key goes.
pub fn go_to(key: &str) -> Option<&'static str> {
    match key {
        "s" => Some("/servers"),
        "m" => Some("/smtp"),
        "a" => Some("/activity"),
        "i" => Some("/inventory"),
        "b" => Some("/rdns/bulk"),
        "o" => Some("/settings"),
        _ => None,
    }
}

const LIST: &[(&str, &str)] = &[
    ("/", "Search the table on this screen"),
    ("g then s", "Servers"),
    ("g then m", "SMTP filters"),
    ("g then a", "Activity"),
    ("g then i", "Inventory"),
    ("g then b", "Bulk rDNS"),
    ("g then o", "Settings"),
    ("?", "Show or hide this list"),
    ("Esc", "Close a dialog or the rDNS editor"),
];

fn typing_in_a_field(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .map(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.closest("[contenteditable], dialog").ok().flatten().is_some()
        })
        .unwrap_or(false)
}

#[component]
pub fn Shortcuts() -> impl IntoView {
    let navigate = use_navigate();
    let (open, set_open) = signal(false);
    let g_at = StoredValue::new(f64::NEG_INFINITY);
    // Lives as long as the app.
    let _ = window_event_listener(leptos::ev::keydown, move |ev: web_sys::KeyboardEvent| {
        if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || ev.default_prevented() || typing_in_a_field(&ev) {
            return;
        }
        let key = ev.key();
        let now = crate::browser::time::now_ms();
        let after_g = now - g_at.get_value() < 1500.0;
        g_at.set_value(f64::NEG_INFINITY);
        match key.as_str() {
            "/" => {
                let search = document()
                    .query_selector("main input[type=search]")
                    .ok()
                    .flatten()
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
                if let Some(input) = search {
                    ev.prevent_default();
                    let _ = input.focus();
                }
            }
            "?" => set_open.update(|o| *o = !*o),
            "g" => g_at.set_value(now),
            k if after_g => {
                if let Some(path) = go_to(k) {
                    ev.prevent_default();
                    navigate(path, Default::default());
                }
            }
            _ => {}
        }
    });

    let dialog = NodeRef::<html::Dialog>::new();
    Effect::new(move |_| {
        if let Some(d) = dialog.get() {
            if !d.open() {
                let _ = d.show_modal();
            }
        }
    });
    move || {
        open.get().then(|| view! {
            <dialog node_ref=dialog class="confirm" aria-labelledby="shortcuts-title"
                on:cancel=move |ev: leptos::ev::Event| { ev.prevent_default(); set_open.set(false); }>
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                <dl class="shortcuts">
                    {LIST.iter().map(|(k, what)| view! { <dt><kbd>{*k}</kbd></dt><dd>{*what}</dd> }).collect_view()}
                </dl>
                <div class="actions">
                    <button type="button" class="primary" autofocus on:click=move |_| set_open.set(false)>"Close"</button>
                </div>
            </dialog>
        })
    }
}

#[cfg(test)]
mod tests {
    use super::go_to;

    #[test]
    fn g_keys_go_to_screens() {
        assert_eq!(go_to("s"), Some("/servers"));
        assert_eq!(go_to("x"), None);
    }
}
