//! Letting the browser have its turn between two pieces of work.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

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

/// Resolves once the browser has painted the next frame: a requestAnimationFrame callback runs
/// just before that paint, and a zero-delay timeout from there runs after it. A page in the
/// background paints no frames; there it resolves after 200 ms.
pub async fn after_paint() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(w) = web_sys::window() else {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        };
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 200);
        let after = resolve.clone();
        let next = wasm_bindgen::closure::Closure::once_into_js(move || {
            if web_sys::window().is_none_or(|w| w.set_timeout_with_callback(&after).is_err()) {
                let _ = after.call0(&JsValue::NULL);
            }
        });
        if w.request_animation_frame(next.unchecked_ref()).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
