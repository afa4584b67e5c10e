//! Loading states and messages. Messages are text nodes, never markup: Hostwinds' text is
//! shown exactly as sent (line breaks kept by CSS).

use leptos::prelude::*;

#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! { <p class="loading" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>{label}</p> }
}

/// An error shown where the thing that failed would have been, with an optional retry.
#[component]
pub fn ErrorMessage(
    #[prop(into)] message: String,
    #[prop(optional, into)] on_retry: Option<Callback<()>>,
) -> impl IntoView {
    view! {
        <div class="message error" role="alert">
            <p class="text">{message}</p>
            {on_retry.map(|cb| view! { <button type="button" on:click=move |_| cb.run(())>"Retry"</button> })}
        </div>
    }
}

/// A success (or neutral) message: the result of an action as the API worded it.
#[component]
pub fn Notice(#[prop(into)] message: String) -> impl IntoView {
    view! { <div class="message ok" role="status"><p class="text">{message}</p></div> }
}
