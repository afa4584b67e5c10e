//! The screens whose code is not in the first download: the build splits the wasm here
//! (docs/build.md), and a screen's module is fetched the first time one of its screens is
//! entered. Which paths are in which module is `lazy_routes.json`, read here, by the page's
//! preload script (put there by the build) and by the browser test of deep links.
//!
//! Three modules, not one per screen: the IP table (the screen a server opens on), the other
//! screens of one server, and the account-wide ones. One per screen made ~100 small shared
//! modules for the IP table alone (one request each); three make eight files, four of them for
//! the IP table, fetched together. The IP table has its own module because it is the screen
//! most visits go to: its deep link loads ~64 KiB gzip less than with the other server screens.
//! The server list and sign-in stay in the first download, as every visit starts at one of them.
//!
//! The page preloads an account screen's module with the first download (`with_page`). A
//! server's screens instead open with the server's name, which the shell paints from the first
//! module; their module is asked for once that frame is painted, so the two do not share the
//! line before it.
//!
//! A fourth module holds what a click opens on a server's screens (`Tool`): the rDNS editor,
//! an IP's blocklist report, the IP cleanup request. A deep link to an IP table no longer
//! waits for them (25.6 KiB brotli less before the table shows); they are fetched when a pointer
//! or the focus comes to the table or the cleanup button.

use crate::components::message::Loading;
use crate::components::tools::{Ahead, Loader, Tool};
use crate::dialogs::{blocklists::BlocklistPanel, cleanup::CleanupDialog, rdns::RdnsEditor};
use crate::pages::{
    activity::ActivityPage, allocate::AllocatePage, bulk_rdns::BulkRdnsPage, firewall::FirewallPage, inventory::InventoryPage,
    ips::IpsPage, remove::RemovePage, settings::SettingsPage, smtp::{AccountSmtpPage, ServerSmtpPage},
};
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
fn ToolView(tool: Tool) -> impl IntoView {
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

/// How the screens show tools and fetch code ahead (`components::tools`): once, at start.
pub fn install() {
    crate::components::tools::set_loader(Loader { tool: |tool| view! { <ToolView tool/> }.into_any(), ahead });
}

fn ahead(what: Ahead) {
    match what {
        Ahead::IpScreen => prefetch(Module::Ips),
        Ahead::ServerScreens => prefetch(Module::Server),
        Ahead::ServerTools => prefetch(Module::Tools),
        Ahead::ServerTabs => {
            prefetch(Module::Ips);
            prefetch(Module::Server);
        }
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

/// Which module the screen at `path` is in, by `lazy_routes.json` (each module's routes, where
/// a `:name` segment stands for any one segment), and whether the page fetches it (`with_page`).
fn module_of(path: &str) -> Option<(Module, bool)> {
    let path = path.trim_end_matches('/');
    let table: serde_json::Map<String, serde_json::Value> = serde_json::from_str(LAZY_ROUTES).ok()?;
    let (module, screens) = table.iter().find(|(_, screens)| {
        screens["routes"].as_array().is_some_and(|routes| routes.iter().filter_map(|r| r.as_str()).any(|r| route_matches(r, path)))
    })?;
    let module = match module.as_str() {
        "ip_screen" => Module::Ips,
        "server_screens" => Module::Server,
        "account_screens" => Module::Account,
        _ => return None,
    };
    Some((module, screens["with_page"] == serde_json::Value::Bool(true)))
}

/// The table of which routes are in which split module (see the module's comment).
pub const LAZY_ROUTES: &str = include_str!("lazy_routes.json");

fn route_matches(route: &str, path: &str) -> bool {
    let (mut r, mut p) = (route.split('/'), path.split('/'));
    loop {
        match (r.next(), p.next()) {
            (None, None) => return true,
            (Some(seg), Some(got)) if seg.starts_with(':') && !got.is_empty() => {}
            (Some(seg), Some(got)) if seg == got => {}
            _ => return false,
        }
    }
}

/// Whether `path` is one of a server's screens (the shell shows the server's name above it).
pub fn is_server_screen(path: &str) -> bool {
    matches!(module_of(path), Some((Module::Ips | Module::Server, _)))
}

/// Whether the screen at `path` needs a module that is not in the first download.
pub fn is_lazy(path: &str) -> bool {
    module_of(path).is_some()
}

/// Fetch the module of the screen the page opened on; the shell renders its routes once it is
/// in. leptos_router 0.8's first render of a lazy route cannot be interrupted: a navigation
/// while its module was still arriving (the sign-in redirect of a deep link without a session,
/// or a click in the top bar on a slow link) left the page blank. A module the page did not
/// fetch itself (`with_page: false`) is asked for after the shell's first frame is painted,
/// so that frame does not share the line with it.
pub async fn first_screen_module(path: &str) {
    let Some((m, with_page)) = module_of(path) else { return };
    if !with_page {
        crate::browser::tasks::after_paint().await;
    }
    // A failure shows when the screen itself is asked for.
    let _ = m.load().await;
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
    crate::browser::set_title("Screen not loaded");
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
            assert_eq!(module_of(p), Some((Module::Ips, false)), "{p}");
            assert!(is_server_screen(p) && is_lazy(p), "{p}");
        }
        for p in ["/servers/20001/firewall", "/servers/1/smtp", "/servers/1/allocate", "/servers/1/remove/192.0.2.1"] {
            assert_eq!(module_of(p), Some((Module::Server, false)), "{p}");
            assert!(is_server_screen(p), "{p}");
        }
        for p in ["/smtp", "/rdns/bulk", "/inventory", "/activity", "/settings", "/settings/"] {
            assert_eq!(module_of(p), Some((Module::Account, true)), "{p}");
            assert!(!is_server_screen(p) && is_lazy(p), "{p}");
        }
        for p in ["/", "/servers", "/servers/", "/signin", "/nowhere", "/smtpx", "/servers/1/nowhere"] {
            assert_eq!(module_of(p), None, "{p}");
            assert!(!is_server_screen(p) && !is_lazy(p), "{p}");
        }
    }
}
