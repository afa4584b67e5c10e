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
    leptos::mount::mount_to_body(app::App);
}
