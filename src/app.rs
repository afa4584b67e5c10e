//! The router, the app-wide services, and the shell around every screen.

mod screens;

use crate::components::toast::{Toaster, Toasts};
use crate::net::api;
use screens::{
    ActivityRoute, AllocateRoute, AccountSmtpRoute, BulkRdnsRoute, FirewallRoute, InventoryRoute, IpsRoute, RemoveRoute, ServerSmtpRoute,
    SettingsRoute,
};
use crate::components::message::Loading;
use crate::pages::server::{serviceid_in, ServerContext, ServerTitle};
use crate::pages::{not_found::NotFound, servers::ServersPage, signin::SignInPage};
use crate::browser::poll::PageVisible;
use crate::state::later::Later;
use crate::state::rdns_memory::RdnsMemory;
use crate::state::session::{use_session, Session};
use crate::state::settings::{use_settings, Settings};
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{path, Lazy};

#[component]
pub fn App() -> impl IntoView {
    provide_context(Settings::load());
    provide_context(Session::new());
    Later::<RdnsMemory>::provide();
    provide_context(Toaster::new());
    Later::<PageVisible>::provide();
    screens::install();
    view! {
        <Router>
            <Shell/>
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let session = use_session();
    let settings = use_settings();
    let navigate = use_navigate();
    let location = use_location();

    // Any 401: to the sign-in page, and back here afterwards.
    let to_sign_in = {
        let navigate = navigate.clone();
        move || {
            session.me.set(None);
            // `search` comes without its "?".
            let search = location.search.get_untracked();
            let search = search.trim_start_matches('?');
            let here = if search.is_empty() {
                location.pathname.get_untracked()
            } else {
                format!("{}?{search}", location.pathname.get_untracked())
            };
            if !here.starts_with("/signin") {
                let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
                navigate(&format!("/signin?next={next}"), Default::default());
            }
        }
    };
    api::on_unauthorized(to_sign_in.clone());
    let who = LocalResource::new(move || {
        let ep = settings.endpoint.get();
        async move { api::who(&ep).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(w)) = who.get() {
            session.demo.set(w.demo);
            match w.me {
                Some(me) => session.me.set(Some(me)),
                None => to_sign_in(),
            }
        }
    });

    let sign_out = Action::new_local(move |_: &()| {
        let endpoint = settings.endpoint.get_untracked();
        async move { api::logout(&endpoint).await }
    });
    Effect::new(move |_| {
        if let Some(r) = sign_out.value().get() {
            match r {
                Ok(()) => {
                    session.me.set(None);
                    navigate("/signin", Default::default());
                }
                Err(e) => crate::components::toast::use_toaster().show(false, "Sign out failed", e, None),
            }
        }
    });

    // The screens wait for the first answer on who is signed in, and without a session for the
    // sign-in page: the screen's reads would only be refused (errors in the browser's console).
    let who_known = Memo::new(move |before: Option<&bool>| {
        before.copied().unwrap_or(false)
            || match who.get() {
                Some(Ok(api::Who { me: None, .. })) => location.pathname.get().starts_with("/signin"),
                Some(_) => true,
                None => false,
            }
    });
    // On a server's screens the shell shows the server's name itself: it is painted before the
    // screen's module is in (the largest text of the page's first frame).
    let on_server = Memo::new(move |_| {
        let path = location.pathname.get();
        let segment = serviceid_in(&path).filter(|_| who_known.get() && screens::is_server_screen(&path))?;
        Some(hostwinds::ServiceId::parse(segment).map_err(|e| e.0))
    });
    ServerContext::provide(on_server);
    // The first screen's module, then <Routes> (screens::first_screen_module says why). A screen
    // in the first module renders a task after the shell (as main.rs puts the first render a
    // task after the wasm's start): on a page opened on a screen the two were one long task.
    // Set once, after who is signed in is known, and never unset.
    let routes_ready = RwSignal::new(false);
    Effect::new(move |started: Option<bool>| {
        if started == Some(true) || !who_known.get() {
            return started.unwrap_or(false);
        }
        let path = location.pathname.get_untracked();
        leptos::task::spawn_local(async move {
            if screens::is_lazy(&path) {
                screens::first_screen_module(&path).await;
            } else {
                crate::browser::tasks::yield_to_browser().await;
            }
            routes_ready.set(true);
        });
        true
    });

    view! {
        <a class="skip" href="#main">"Skip to content"</a>
        <header class="top">
            <span class="brand">"Hostwinds networking"</span>
            <nav aria-label="Main">
                <A href="/servers">"Servers"</A>
                <A href="/smtp">"SMTP filters"</A>
                <A href="/rdns/bulk">"Bulk rDNS"</A>
                <A href="/inventory">"Inventory"</A>
                <A href="/activity">"Activity"</A>
                <A href="/settings">"Settings"</A>
            </nav>
            <span class="muted hint">"Press "<kbd>"?"</kbd>" for shortcuts"</span>
            {move || session.me.get().map(|me| view! {
                <div class="who">
                    <span data-testid="signed-in-as">{me.name.clone()}</span>
                    <span class="badge">{me.role.as_str()}</span>
                    <button type="button" disabled=move || sign_out.pending().get() on:click=move |_| { sign_out.dispatch(()); }>"Sign out"</button>
                </div>
            })}
        </header>
        <main id="main" tabindex="-1">
            {move || on_server.get().is_some().then(|| view! { <ServerTitle/> })}
            {move || if !who_known.get() {
                view! { <p class="muted" role="status">"Checking who is signed in\u{2026}"</p> }.into_any()
            } else if !routes_ready.get() {
                screens::is_lazy(&location.pathname.get()).then(|| view! { <Loading label="Loading the screen\u{2026}"/> }).into_any()
            } else { view! {
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/servers"/> }/>
                    <Route path=path!("/signin") view=SignInPage/>
                    <Route path=path!("/servers") view=ServersPage/>
                    <Route path=path!("/servers/:serviceid") view={Lazy::<IpsRoute>::new()}/>
                    <Route path=path!("/servers/:serviceid/firewall") view={Lazy::<FirewallRoute>::new()}/>
                    <Route path=path!("/servers/:serviceid/smtp") view={Lazy::<ServerSmtpRoute>::new()}/>
                    <Route path=path!("/servers/:serviceid/allocate") view={Lazy::<AllocateRoute>::new()}/>
                    <Route path=path!("/servers/:serviceid/remove/:ip") view={Lazy::<RemoveRoute>::new()}/>
                    <Route path=path!("/smtp") view={Lazy::<AccountSmtpRoute>::new()}/>
                    <Route path=path!("/rdns/bulk") view={Lazy::<BulkRdnsRoute>::new()}/>
                    <Route path=path!("/inventory") view={Lazy::<InventoryRoute>::new()}/>
                    <Route path=path!("/activity") view={Lazy::<ActivityRoute>::new()}/>
                    <Route path=path!("/settings") view={Lazy::<SettingsRoute>::new()}/>
                </Routes>
            }.into_any() }}
        </main>
        <Toasts/>
        <crate::components::shortcuts::Shortcuts/>
    }
}
