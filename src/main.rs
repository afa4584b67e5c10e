//! The Hostwinds networking console: a client-side Leptos app, compiled to wasm by Trunk (docs/build.md).

mod app;
mod browser;
mod components;
mod dialogs;
mod model;
mod net;
mod pages;
mod state;

fn main() {
    browser::crash::install();
    wasm_bindgen_futures::spawn_local(async move {
        // Starting the wasm and the first render were one long task; on a slow device two
        // shorter ones let the browser answer input and paint in between (Lighthouse's total
        // blocking time on the server list: 423 / 346 / 303 ms before, 179 / 204 / 294 after,
        // interleaved).
        browser::tasks::yield_to_browser().await;
        // The page's own "Loading" frame goes in the same task as the first render: no frame
        // is painted without either. That render is the shell; the screen follows once its
        // module is in (app.rs, `routes_ready`).
        if let Some(boot) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("boot")) {
            boot.remove();
        }
        leptos::mount::mount_to_body(app::App);
    });
}
