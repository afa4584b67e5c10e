//! The router, the app-wide services, and the shell around every screen.

mod screens;

pub use screens::preload_for;

use crate::components::toast::{Toaster, Toasts};
use crate::net::api;
use screens::{
    ActivityRoute, AllocateRoute, AccountSmtpRoute, BulkRdnsRoute, FirewallRoute, InventoryRoute, IpsRoute, RemoveRoute, ServerSmtpRoute,
    SettingsRoute,
};
use crate::pages::{not_found::NotFound, servers::ServersPage, signin::SignInPage};
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
    provide_context(RdnsMemory::load());
    provide_context(Toaster::new());
    crate::browser::poll::provide_page_visibility();
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

    // The screen renders a task after the shell (as main.rs puts the first render a task after
    // the wasm's start): on a page opened on a screen the two were one long task (most of
    // Lighthouse's total blocking time on the IP screen). A navigation in between (the
    // sign-in redirect) changes only what <Routes> renders first; a lazy screen's module is
    // already here (screens::preload_for).
    let screen_ready = crate::browser::tasks::after_a_yield();
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
            {move || if !who_known.get() {
                view! { <p class="muted" role="status">"Checking who is signed in\u{2026}"</p> }.into_any()
            } else if screen_ready.get() { view! {
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
            }.into_any() } else { ().into_any() }}
        </main>
        <Toasts/>
        <crate::components::shortcuts::Shortcuts/>
    }
}
