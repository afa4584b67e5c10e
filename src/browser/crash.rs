//! A panic must never leave a dead page: it is logged, and the page is replaced by a clear
//! "something went wrong" view with a reload button.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub fn install() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        show();
    }));
}

fn show() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else { return };
    let Some(body) = doc.body() else { return };
    body.set_inner_html(
        r#"<main class="crash" role="alert"><h1>Something went wrong</h1>
<p>The console hit an error it cannot recover from. Nothing more was sent to Hostwinds.
Reload the page to carry on; an action that was running may or may not have been applied, so check the server's state.</p>
<button type="button" id="crash-reload" class="primary">Reload the console</button></main>"#,
    );
    if let Some(button) = doc.get_element_by_id("crash-reload") {
        let reload = Closure::<dyn Fn()>::new(|| {
            if let Some(w) = web_sys::window() {
                let _ = w.location().reload();
            }
        });
        let _ = button.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
        // The page is gone after a reload: leaking the one closure is the point.
        reload.forget();
    }
}

/// For the browser test of this view only: `window.wasmBindings.crash_for_test()`.
#[cfg(feature = "test-hooks")]
#[wasm_bindgen]
pub fn crash_for_test() {
    panic!("crash requested by a test");
}
