//! Preferences: the proxy endpoint, checked as a URL, kept in localStorage, with a button
//! that tries it and shows the result message.

use crate::api;
use crate::app::set_title;
use crate::components::message::{ErrorMessage, Notice};
use crate::settings::{parse_endpoint, use_settings, DEFAULT_ENDPOINT};
use hostwinds::{Action as HwAction, Instance};
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
