//! Signing in: user name and password, then back to where the person was.

use crate::net::api;
use crate::browser::set_title;
use crate::components::message::ErrorMessage;
use crate::state::session::{safe_next, use_session};
use crate::state::settings::use_settings;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn SignInPage() -> impl IntoView {
    set_title("Sign in");
    let settings = use_settings();
    let session = use_session();
    let navigate = use_navigate();
    let query = use_query_map();
    let (user, set_user) = signal(String::new());
    let (password, set_password) = signal(String::new());
    let (error, set_error) = signal(None::<String>);

    let submit = Action::new_local(move |(u, p): &(String, String)| {
        let (u, p, endpoint) = (u.clone(), p.clone(), settings.endpoint.get_untracked());
        async move { api::login(&endpoint, &u, &p).await }
    });
    Effect::new(move |_| {
        match submit.value().get() {
            Some(Ok(me)) => {
                session.me.set(Some(me));
                set_password.set(String::new());
                let next = safe_next(query.get_untracked().get("next"));
                navigate(&next, Default::default());
            }
            Some(Err(e)) => set_error.set(Some(e)),
            None => {}
        }
    });

    view! {
        <h1>"Sign in"</h1>
        {move || session.demo.get().then(|| view! {
            <p class="note">"This proxy runs the simulator with demo accounts: " <code>"admin"</code> " / " <code>"admin"</code>
                " and " <code>"support"</code> " / " <code>"support"</code> "."</p>
        })}
        <form class="card signin" novalidate on:submit=move |ev| {
            ev.prevent_default();
            let (u, p) = (user.get_untracked(), password.get_untracked());
            if u.trim().is_empty() || p.is_empty() {
                set_error.set(Some("Enter your user name and password.".into()));
                return;
            }
            set_error.set(None);
            submit.dispatch((u, p));
        }>
            <div class="field">
                <label for="username">"User name"</label>
                <input id="username" name="username" type="text" autocomplete="username" required autofocus
                    prop:value=move || user.get() on:input:target=move |ev| set_user.set(ev.target().value())/>
            </div>
            <div class="field">
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input:target=move |ev| set_password.set(ev.target().value())/>
            </div>
            {move || error.get().map(|e| view! { <ErrorMessage message=e/> })}
            <div class="actions">
                <button type="submit" class="primary" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { "Signing in\u{2026}" } else { "Sign in" }}
                </button>
            </div>
        </form>
    }
}
