//! The router, the app-wide services, and the shell around every screen.

use crate::components::toast::{Toaster, Toasts};
use crate::history::History;
use crate::pages::{
    activity::ActivityPage, firewall::FirewallPage, ips::IpsPage, not_found::NotFound, servers::ServersPage,
    settings::SettingsPage, smtp::{AccountSmtpPage, ServerSmtpPage},
};
use crate::rdns_memory::RdnsMemory;
use crate::settings::Settings;
use leptos::prelude::*;
use leptos_router::components::{Redirect, Route, Router, Routes, A};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    provide_context(Settings::load());
    provide_context(History::load());
    provide_context(RdnsMemory::load());
    provide_context(Toaster::new());
    crate::poll::provide_page_visibility();
    view! {
        <Router>
            <a class="skip" href="#main">"Skip to content"</a>
            <header class="top">
                <span class="brand">"Hostwinds networking"</span>
                <nav aria-label="Main">
                    <A href="/servers">"Servers"</A>
                    <A href="/smtp">"SMTP filters"</A>
                    <A href="/activity">"Activity"</A>
                    <A href="/settings">"Settings"</A>
                </nav>
            </header>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/servers"/> }/>
                    <Route path=path!("/servers") view=ServersPage/>
                    <Route path=path!("/servers/:serviceid") view=IpsPage/>
                    <Route path=path!("/servers/:serviceid/firewall") view=FirewallPage/>
                    <Route path=path!("/servers/:serviceid/smtp") view=ServerSmtpPage/>
                    <Route path=path!("/smtp") view=AccountSmtpPage/>
                    <Route path=path!("/activity") view=ActivityPage/>
                    <Route path=path!("/settings") view=SettingsPage/>
                </Routes>
            </main>
            <Toasts/>
        </Router>
    }
}

/// Set the document title for the screen being shown.
pub fn set_title(page: &str) {
    document().set_title(&format!("{page} \u{b7} Hostwinds networking console"));
}
