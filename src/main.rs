//! The Hostwinds networking console: a client-side Leptos app, compiled to wasm by Trunk.

mod api;
mod app;
mod components;
mod pages;
mod rows;
mod settings;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
