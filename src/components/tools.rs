//! What a click opens on a server's screens (`Tool`), and fetching a screen's code before it
//! is asked for. The screens name them here; the shell (`app/screens.rs`, which splits the wasm
//! and so imports every screen) says how they load, once at start, so no screen imports it.

use hostwinds::{Ip, ServiceId};
use leptos::prelude::*;
use std::sync::OnceLock;

/// What a click opens on a server's screens, with the props of its component.
pub enum Tool {
    RdnsEditor { serviceid: ServiceId, ip: Ip, draft: RwSignal<String>, on_saved: Callback<(String, String)>, on_cancel: Callback<()>, on_reread: Callback<()> },
    Blocklists { ip: Ip, on_close: Callback<()> },
    Cleanup { serviceid: ServiceId, name: Signal<String>, ips: Signal<Vec<Ip>>, on_confirm: Callback<()>, on_cancel: Callback<()> },
}

/// Code worth fetching before it is needed: a pointer or the focus is on its way to it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ahead {
    /// The IP table (a pointer over the server list).
    IpScreen,
    /// The other screens of a server (its tabs, the IP screen's actions, a delete confirmation).
    ServerScreens,
    /// What a click opens there (the IP table, the cleanup button).
    ServerTools,
    /// Both modules a server's tabs lead to.
    ServerTabs,
}

/// How tools are shown and code fetched ahead: set by the shell at start.
#[derive(Clone, Copy)]
pub struct Loader {
    pub tool: fn(Tool) -> AnyView,
    pub ahead: fn(Ahead),
}

static LOADER: OnceLock<Loader> = OnceLock::new();

/// The shell's loader; a second call changes nothing.
pub fn set_loader(loader: Loader) {
    let _ = LOADER.set(loader);
}

/// Start fetching `what` (once per page; nothing before the shell has started).
pub fn prefetch(what: Ahead) {
    if let Some(l) = LOADER.get() {
        (l.ahead)(what);
    }
}

/// A tool, shown once its code is here.
#[component]
pub fn ToolView(tool: Tool) -> impl IntoView {
    LOADER.get().map(|l| (l.tool)(tool))
}
