//! The Hostwinds networking console: a client-side Leptos app, compiled to wasm by Trunk.

mod actions;
mod api;
mod app;
mod components;
mod download;
mod firewall_diff;
mod pages;
mod poll;
mod rdns_memory;
mod rows;
mod session;
mod settings;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
