//! Letting the browser have its turn between two pieces of work.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// False now, true once the browser has had its turn: a view that shows its part only when
/// this is true renders that part in a task of its own (a long first render split in two).
pub fn after_a_yield() -> ReadSignal<bool> {
    let (ready, set_ready) = signal(false);
    leptos::task::spawn_local(async move {
        yield_to_browser().await;
        set_ready.set(true);
    });
    ready
}

/// Resolves in a new task (a zero-delay timeout), after the browser has had its turn.
pub async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            // Without a window (never in a page) there is nothing to yield to: go on at once.
            if w.set_timeout_with_callback(&resolve).is_err() {
                let _ = resolve.call0(&JsValue::NULL);
            }
        } else {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
