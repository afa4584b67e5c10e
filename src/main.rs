//! The Hostwinds networking console: a client-side Leptos app, compiled to wasm (`cargo xtask build`).

mod actions;
mod api;
mod app;
mod bulk_run;
mod components;
mod crash;
mod dns_cache;
mod download;
mod firewall_diff;
mod lazy_screens;
mod pages;
mod poll;
mod rdns_memory;
mod rows;
mod search;
mod session;
mod settings;
mod stale;
mod time;
mod workflow;

fn main() {
    crash::install();
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    // The first screen's module, when it is a lazy one, before anything renders (see there).
    wasm_bindgen_futures::spawn_local(async move {
        lazy_screens::preload_for(&path).await;
        leptos::mount::mount_to_body(app::App);
    });
}
