//! A search box's text, kept in the URL (`?q=`) so a link shows the same rows, but written
//! there only when typing pauses: writing the URL re-runs the router on every keystroke.

use leptos::prelude::*;
use leptos_router::hooks::query_signal_with_options;
use leptos_router::NavigateOptions;
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(400);

/// The text (starting from the URL) and what the input calls on each edit.
pub fn use_search(key: &'static str) -> (RwSignal<String>, impl Fn(String) + Copy + 'static) {
    let (in_url, set_in_url) =
        query_signal_with_options::<String>(key, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    let text = RwSignal::new(in_url.get_untracked().unwrap_or_default());
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let edit = move |v: String| {
        text.set(v.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let write = move || set_in_url.set((!v.is_empty()).then_some(v));
        pending.set_value(set_timeout_with_handle(write, PAUSE).ok());
    };
    (text, edit)
}
