//! The screens whose code is not in the first download: `cargo xtask build` splits the wasm
//! here, and a screen's module is fetched the first time one of its screens is entered.
//!
//! Three modules, not one per screen: the IP table (the screen a server opens on), the other
//! screens of one server, and the account-wide ones. One per screen made ~100 small shared
//! modules for the IP table alone (one request each); three make eight files, four of them for
//! the IP table, fetched together. The IP table has its own module because it is the screen
//! most visits go to: its deep link loads ~64 KiB gzip less than with the other server screens.
//! The server list and sign-in stay in the first download, as every visit starts at one of them.
//!
//! A fourth module holds what a click opens on a server's screens (`Tool`): the rDNS editor,
//! an IP's blocklist report, the IP cleanup request. A deep link to an IP table no longer
//! waits for them (25.6 KiB brotli less before the table shows); they are fetched when a pointer
//! or the focus comes to the table or the cleanup button.

use crate::pages::{
    activity::ActivityPage, allocate::AllocatePage, bulk_rdns::BulkRdnsPage, firewall::FirewallPage, inventory::InventoryPage,
    ips::IpsPage, remove::RemovePage, settings::SettingsPage, smtp::{AccountSmtpPage, ServerSmtpPage},
};
use crate::components::message::Loading;
use crate::pages::{blocklists::BlocklistPanel, cleanup::CleanupDialog, rdns::RdnsEditor};
use hostwinds::{Ip, ServiceId};
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::LazyRoute;

#[derive(Clone, Copy)]
pub enum ServerScreen {
    Firewall,
    Smtp,
    Allocate,
    Remove,
}

#[derive(Clone, Copy)]
pub enum AccountScreen {
    Smtp,
    BulkRdns,
    Inventory,
    Activity,
    Settings,
}

/// A module that could not be fetched: the network, or a console updated since this page
/// was opened (its old modules are gone).
pub struct NotLoaded;

impl From<SplitLoaderError> for NotLoaded {
    fn from(_: SplitLoaderError) -> Self {
        NotLoaded
    }
}

#[wasm_split(ip_screen, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_ip_screen))]
fn ip_screen(_: ()) -> Result<AnyView, NotLoaded> {
    Ok(view! { <IpsPage/> }.into_any())
}

#[wasm_split(server_screens, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_server_screens))]
fn server_screen(which: ServerScreen) -> Result<AnyView, NotLoaded> {
    Ok(match which {
        ServerScreen::Firewall => view! { <FirewallPage/> }.into_any(),
        ServerScreen::Smtp => view! { <ServerSmtpPage/> }.into_any(),
        ServerScreen::Allocate => view! { <AllocatePage/> }.into_any(),
        ServerScreen::Remove => view! { <RemovePage/> }.into_any(),
    })
}

#[wasm_split(account_screens, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_account_screens))]
fn account_screen(which: AccountScreen) -> Result<AnyView, NotLoaded> {
    Ok(match which {
        AccountScreen::Smtp => view! { <AccountSmtpPage/> }.into_any(),
        AccountScreen::BulkRdns => view! { <BulkRdnsPage/> }.into_any(),
        AccountScreen::Inventory => view! { <InventoryPage/> }.into_any(),
        AccountScreen::Activity => view! { <ActivityPage/> }.into_any(),
        AccountScreen::Settings => view! { <SettingsPage/> }.into_any(),
    })
}

/// What a click opens on a server's screens, with the props of its component.
pub enum Tool {
    RdnsEditor { serviceid: ServiceId, ip: Ip, draft: RwSignal<String>, on_saved: Callback<(String, String)>, on_cancel: Callback<()>, on_reread: Callback<()> },
    Blocklists { ip: Ip, on_close: Callback<()> },
    Cleanup { serviceid: ServiceId, name: Signal<String>, ips: Signal<Vec<Ip>>, on_confirm: Callback<()>, on_cancel: Callback<()> },
}

#[wasm_split(server_tools, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_server_tools))]
fn tool_view(tool: Tool) -> Result<AnyView, NotLoaded> {
    Ok(match tool {
        Tool::RdnsEditor { serviceid, ip, draft, on_saved, on_cancel, on_reread } => {
            view! { <RdnsEditor serviceid ip draft on_saved on_cancel on_reread/> }.into_any()
        }
        Tool::Blocklists { ip, on_close } => view! { <BlocklistPanel ip on_close/> }.into_any(),
        Tool::Cleanup { serviceid, name, ips, on_confirm, on_cancel } => {
            view! { <CleanupDialog serviceid name ips on_confirm on_cancel/> }.into_any()
        }
    })
}

/// A tool, once its module is here. Not a `<Suspense>`: that builds the view before it is in
/// the page, where a dialog cannot open nor an input take focus when their effects run. Here
/// the view is made (its component run, under this owner) when the module is in, and built
/// into the page by the render below.
#[component]
pub fn ToolView(tool: Tool) -> impl IntoView {
    let made = StoredValue::new_local(None::<AnyView>);
    let ready = RwSignal::new(false);
    leptos::task::spawn_local_scoped_with_cancellation(async move {
        let view = match tool_view(tool).await {
            Ok(view) => view,
            Err(NotLoaded) => view! { <NotLoadedMessage what="This"/> }.into_any(),
        };
        made.set_value(Some(view));
        ready.set(true);
    });
    move || match ready.get() {
        false => view! { <Loading label="Loading\u{2026}"/> }.into_any(),
        true => made.try_update_value(|v| v.take()).flatten().into_any(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Module {
    Ips,
    Server,
    Account,
    Tools,
}

impl Module {
    async fn load(self) -> Result<(), SplitLoaderError> {
        match self {
            Module::Ips => preload_ip_screen().await,
            Module::Server => preload_server_screens().await,
            Module::Account => preload_account_screens().await,
            Module::Tools => preload_server_tools().await,
        }
    }
}

/// Which module the screen at `path` is in (the routes of `src/app.rs`). The page's preload
/// script (`page` in xtask/src/console.rs) has the same rule in JavaScript, as it runs before
/// any wasm: change both (`console.test.js` opens a deep link of each module).
fn module_of(path: &str) -> Option<Module> {
    let path = path.trim_end_matches('/');
    if let Some(rest) = path.strip_prefix("/servers/").filter(|rest| !rest.is_empty()) {
        return Some(if rest.contains('/') { Module::Server } else { Module::Ips });
    }
    ["/smtp", "/rdns/bulk", "/inventory", "/activity", "/settings"].contains(&path).then_some(Module::Account)
}

/// Fetch the module of the screen the page opens on, before the app starts. leptos_router
/// 0.8's first render of a lazy route cannot be interrupted: a navigation while its module is
/// still arriving (the sign-in redirect of a deep link without a session, or a click in the
/// top bar on a slow link) left the page blank. Nothing is lost by waiting: the screen could
/// not render, nor start its reads, before its module is here anyway.
pub async fn preload_for(path: &str) {
    if let Some(m) = module_of(path) {
        // A failure shows when the screen itself is asked for.
        let _ = m.load().await;
    }
}

/// Start fetching the IP table's module before it is asked for (a pointer over the server
/// list, or focus in it), so opening a server waits only for its data.
pub fn prefetch_ip_screen() {
    prefetch(Module::Ips);
}

/// Start fetching the other server screens' module before it is asked for (a pointer over
/// or focus in the server tabs or the IP screen's actions, a delete confirmation), so those
/// screens wait only for their data.
pub fn prefetch_server_screens() {
    prefetch(Module::Server);
}

/// Start fetching the tools' module (a pointer over or focus in the IP table or the cleanup
/// button), so the editor or dialog a click opens is there at once.
pub fn prefetch_server_tools() {
    prefetch(Module::Tools);
}

/// Both modules a server's tabs lead to (a page opened on the firewall tab has not fetched the
/// IP table's).
pub fn prefetch_server_tabs() {
    prefetch(Module::Ips);
    prefetch(Module::Server);
}

/// Once per module and page; a failed fetch is tried again when one of its screens opens.
fn prefetch(m: Module) {
    thread_local! { static STARTED: std::cell::RefCell<Vec<Module>> = const { std::cell::RefCell::new(Vec::new()) }; }
    if STARTED.with_borrow_mut(|s| if s.contains(&m) { true } else { s.push(m); false }) {
        return;
    }
    leptos::task::spawn_local(async move {
        let _ = m.load().await;
    });
}

/// In place of a screen whose module did not arrive; a failed fetch is not remembered, so
/// going to the screen again tries again.
#[component]
fn ScreenNotLoaded() -> impl IntoView {
    crate::app::set_title("Screen not loaded");
    view! { <NotLoadedMessage what="This screen"/> }
}

/// Why `what` is missing, and the way out: a reload fetches the console as it is now.
#[component]
fn NotLoadedMessage(what: &'static str) -> impl IntoView {
    let reload = |_| {
        let _ = window().location().reload();
    };
    view! {
        <div class="message error" role="alert">
            <p class="text">
                {format!("{what} could not be loaded: the network failed, or the console was updated since this page was opened. Nothing was sent to Hostwinds.")}
            </p>
            <button type="button" class="primary" on:click=reload>"Reload the console"</button>
        </div>
    }
}

macro_rules! routes {
    ($($route:ident => $load:ident / $preload:ident ($screen:expr)),* $(,)?) => {$(
        pub struct $route;
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }
            async fn view(_this: Self) -> AnyView {
                match $load($screen).await {
                    Ok(view) => view,
                    Err(NotLoaded) => view! { <ScreenNotLoaded/> }.into_any(),
                }
            }
            async fn preload() {
                // A failure here shows when the screen itself is asked for.
                let _ = $preload().await;
            }
        }
    )*};
}

routes! {
    IpsRoute => ip_screen / preload_ip_screen(()),
    FirewallRoute => server_screen / preload_server_screens(ServerScreen::Firewall),
    ServerSmtpRoute => server_screen / preload_server_screens(ServerScreen::Smtp),
    AllocateRoute => server_screen / preload_server_screens(ServerScreen::Allocate),
    RemoveRoute => server_screen / preload_server_screens(ServerScreen::Remove),
    AccountSmtpRoute => account_screen / preload_account_screens(AccountScreen::Smtp),
    BulkRdnsRoute => account_screen / preload_account_screens(AccountScreen::BulkRdns),
    InventoryRoute => account_screen / preload_account_screens(AccountScreen::Inventory),
    ActivityRoute => account_screen / preload_account_screens(AccountScreen::Activity),
    SettingsRoute => account_screen / preload_account_screens(AccountScreen::Settings),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_lazy_route_is_in_its_module() {
        for p in ["/servers/20001", "/servers/1/"] {
            assert_eq!(module_of(p), Some(Module::Ips), "{p}");
        }
        for p in ["/servers/20001/firewall", "/servers/1/smtp", "/servers/1/allocate", "/servers/1/remove/192.0.2.1"] {
            assert_eq!(module_of(p), Some(Module::Server), "{p}");
        }
        for p in ["/smtp", "/rdns/bulk", "/inventory", "/activity", "/settings", "/settings/"] {
            assert_eq!(module_of(p), Some(Module::Account), "{p}");
        }
        for p in ["/", "/servers", "/servers/", "/signin", "/nowhere", "/smtpx"] {
            assert_eq!(module_of(p), None, "{p}");
        }
    }

    /// `module_of` repeats the router's paths: a lazy route it did not know would bring back
    /// the blank page of `preload_for`'s comment, so the router's own table is checked.
    #[test]
    fn module_of_knows_exactly_the_lazy_routes_of_the_router() {
        let mut lazy = 0;
        for line in include_str!("app.rs").lines().filter(|l| l.contains("<Route path=path!(\"")) {
            let path = line.split("path!(\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or_default();
            let sample = path.split('/').map(|seg| if seg.starts_with(':') { "1" } else { seg }).collect::<Vec<_>>().join("/");
            if line.contains("view={Lazy::<") {
                lazy += 1;
                assert!(module_of(&sample).is_some(), "{path} is lazy in app.rs, unknown to module_of");
            } else {
                assert_eq!(module_of(&sample), None, "{path} is in the first module");
            }
        }
        assert_eq!(lazy, 10);
    }
}
