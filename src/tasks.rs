//! Letting the browser have its turn between two pieces of work.

use wasm_bindgen::JsValue;

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
