//! Preferences: the proxy endpoint, checked as a URL, kept in localStorage, with a button
//! that tries it and shows the result message.

use crate::net::api;
use crate::browser::set_title;
use crate::components::field::NumberField;
use crate::components::confirm::ConfirmDialog;
use crate::components::message::{ErrorMessage, Notice};
use crate::state::session::use_session;
use crate::state::settings::{
    Theme, parse_endpoint, parse_poll_secs, parse_watch_limit, use_settings, DEFAULT_ENDPOINT, DEFAULT_POLL_SECS,
    DEFAULT_WATCH_LIMIT_SECS,
};
use hostwinds::{Action as HwAction, Instance, Role};
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    set_title("Settings");
    let settings = use_settings();
    let (draft, set_draft) = signal(settings.endpoint.get_untracked());
    // The error shows once the user has left the field or tried to save, not mid-typing.
    let (checked, set_checked) = signal(false);
    let error = Memo::new(move |_| parse_endpoint(&draft.get()).err());
    let (saved, set_saved) = signal(None::<Result<String, String>>);

    // Tries an endpoint with a harmless read and reports what came back.
    let test = Action::new_local(move |endpoint: &String| {
        let endpoint = endpoint.clone();
        async move {
            match api::call(&endpoint, &HwAction::GetInstances).await {
                Ok(o) if o.ok => {
                    let n = o.data.as_ref().map(|d| Instance::list(d).len()).unwrap_or(0);
                    Ok(format!("Connected to {endpoint}: the proxy answered and Hostwinds listed {n} servers."))
                }
                Ok(o) => Err(o.message),
                Err(e) => Err(e.message),
            }
        }
    });

    let save = move || {
        set_checked.set(true);
        match parse_endpoint(&draft.get_untracked()) {
            Ok(ep) => {
                let r = settings.save_endpoint(ep.clone()).map(|_| format!("Saved. Calls now go to {ep}."));
                set_draft.set(ep);
                set_saved.set(Some(r));
            }
            Err(_) => set_saved.set(None),
        }
    };

    view! {
        <h1>"Settings"</h1>
        <form class="card" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
            <div class="field">
                <label for="endpoint">"Proxy endpoint"</label>
                <input
                    id="endpoint"
                    name="endpoint"
                    type="text"
                    inputmode="url"
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby="endpoint-help endpoint-error"
                    aria-invalid=move || (checked.get() && error.get().is_some()).to_string()
                    prop:value=move || draft.get()
                    on:input:target=move |ev| { set_draft.set(ev.target().value()); set_saved.set(None); }
                    on:blur=move |_| set_checked.set(true)
                />
                <p id="endpoint-help" class="help">
                    "Where the console sends its calls. The default, " <code>{DEFAULT_ENDPOINT}</code>
                    ", is the proxy that served this page. The API key stays on the proxy."
                </p>
                <p id="endpoint-error" class="field-error" role="alert">
                    {move || checked.get().then(|| error.get()).flatten()}
                </p>
            </div>
            <div class="actions">
                <button type="submit" class="primary">"Save"</button>
                <button
                    type="button"
                    disabled=move || test.pending().get()
                    on:click=move |_| {
                        set_checked.set(true);
                        if let Ok(ep) = parse_endpoint(&draft.get_untracked()) {
                            test.dispatch(ep);
                        }
                    }
                >
                    {move || if test.pending().get() { "Testing\u{2026}" } else { "Test connection" }}
                </button>
                <button
                    type="button"
                    on:click=move |_| { set_draft.set(DEFAULT_ENDPOINT.to_string()); save(); }
                >
                    "Reset to default"
                </button>
            </div>
        </form>
        <Appearance/>
        <WatchTimings/>
        <EndSessions/>
        <div class="results" aria-live="polite">
            {move || saved.get().map(|r| match r {
                Ok(m) => view! { <Notice message=m/> }.into_any(),
                Err(m) => view! { <ErrorMessage message=m/> }.into_any(),
            })}
            {move || test.value().get().map(|r| match r {
                Ok(m) => view! { <Notice message=m/> }.into_any(),
                Err(m) => view! { <ErrorMessage message=m/> }.into_any(),
            })}
        </div>
    }
}

/// Light, dark, or as the system says.
#[component]
fn Appearance() -> impl IntoView {
    let settings = use_settings();
    view! {
        <fieldset class="card">
            <legend>"Appearance"</legend>
            {[(Theme::System, "As the system"), (Theme::Light, "Light"), (Theme::Dark, "Dark")].into_iter().map(|(t, label)| view! {
                <label class="check">
                    <input type="radio" name="theme" value=t.key()
                        prop:checked=move || settings.theme.get() == t
                        on:change=move |_| settings.save_theme(t)/>
                    {label}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

/// How queued tasks are watched: how often, and for how long before saying "not yet".
#[component]
fn WatchTimings() -> impl IntoView {
    let settings = use_settings();
    let poll = RwSignal::new(settings.poll_secs.get_untracked().to_string());
    let limit = RwSignal::new(settings.watch_limit_secs.get_untracked().to_string());
    let poll_error = Memo::new(move |_| parse_poll_secs(&poll.get()).err());
    let limit_error = Memo::new(move |_| parse_watch_limit(&limit.get()).err());
    let (result, set_result) = signal(None::<Result<String, String>>);
    let save = move || {
        if let (Ok(p), Ok(l)) = (parse_poll_secs(&poll.get_untracked()), parse_watch_limit(&limit.get_untracked())) {
            set_result.set(Some(
                settings.save_timings(p, l).map(|_| format!("Saved. Queued tasks are checked every {p} s for up to {l} s.")),
            ));
        }
    };
    view! {
        <form class="card" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
            <h2>"Watching queued tasks"</h2>
            <p class="help">"A main IP rotation or a networking rebuild is only queued when Hostwinds says success: the IP screen checks the server until the change shows."</p>
            <NumberField id="poll-secs" label="Check every (seconds)" min=1 max=60 value=poll error=poll_error
                on_edit=Callback::new(move |_| set_result.set(None))/>
            <NumberField id="watch-limit" label="Give up after (seconds)" min=5 max=7200 value=limit error=limit_error
                on_edit=Callback::new(move |_| set_result.set(None))/>
            <div class="actions">
                <button type="submit" class="primary" disabled=move || poll_error.get().is_some() || limit_error.get().is_some()>"Save timings"</button>
                <button type="button" on:click=move |_| {
                    poll.set(DEFAULT_POLL_SECS.to_string());
                    limit.set(DEFAULT_WATCH_LIMIT_SECS.to_string());
                    save();
                }>"Reset timings"</button>
            </div>
            {move || result.get().map(|r| match r {
                Ok(m) => view! { <Notice message=m/> }.into_any(),
                Err(m) => view! { <ErrorMessage message=m/> }.into_any(),
            })}
        </form>
    }
}

/// An admin ends every session of a user (a lost device, someone who left), on every proxy
/// sharing the database.
#[component]
fn EndSessions() -> impl IntoView {
    let settings = use_settings();
    let session = use_session();
    let user = RwSignal::new(String::new());
    let (error, set_error) = signal(None::<String>);
    let (confirming, set_confirming) = signal(None::<String>);
    let (result, set_result) = signal(None::<Result<String, String>>);
    let end = Action::new_local(move |name: &String| {
        let (endpoint, name) = (settings.endpoint.get_untracked(), name.clone());
        async move { api::end_user_sessions(endpoint, name).await }
    });
    Effect::new(move |_| {
        if let Some(r) = end.value().get() {
            set_result.set(Some(r.map_err(|e| e.message)));
        }
    });
    let not_admin = move || session.role() != Some(Role::Admin);
    let ask = move || {
        let name = user.get_untracked().trim().to_string();
        if name.is_empty() {
            set_error.set(Some("Enter the user name whose sessions to end.".into()));
            return;
        }
        set_error.set(None);
        set_result.set(None);
        set_confirming.set(Some(name));
    };
    view! {
        <form class="card" novalidate on:submit=move |ev| { ev.prevent_default(); ask(); }>
            <h2>"Sessions"</h2>
            <p class="help">"End every session of a user, on every proxy sharing the database: they are signed out at once and must sign in again."</p>
            <div class="field">
                <label for="end-user">"User name"</label>
                <input id="end-user" type="text" autocomplete="off" spellcheck="false"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby="end-user-error"
                    prop:value=move || user.get()
                    on:input:target=move |ev| { user.set(ev.target().value()); set_error.set(None); set_result.set(None); }/>
                <p id="end-user-error" class="field-error">{move || error.get()}</p>
            </div>
            <div class="actions">
                <button type="submit" class="danger" disabled=move || not_admin() || end.pending().get()
                    title=move || not_admin().then(|| "Only admins can end sessions.".to_string())>
                    {move || if end.pending().get() { "Ending sessions\u{2026}" } else { "End all sessions" }}
                </button>
            </div>
            {move || result.get().map(|r| match r {
                Ok(m) => view! { <Notice message=m/> }.into_any(),
                Err(m) => view! { <ErrorMessage message=m/> }.into_any(),
            })}
        </form>
        {move || confirming.get().map(|name| view! {
            <ConfirmDialog title=format!("End every session of {name}?") confirm_label="End all sessions" danger=true
                on_confirm=Callback::new(move |_| {
                    if let Some(n) = confirming.get_untracked() {
                        end.dispatch(n);
                    }
                    set_confirming.set(None);
                })
                on_cancel=Callback::new(move |_| set_confirming.set(None))>
                <p>{format!("{name} is signed out on every browser and must sign in again.")}</p>
            </ConfirmDialog>
        })}
    }
}
