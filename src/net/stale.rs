//! Keeping the last good answer of a read on screen when a refresh fails, marked stale.

use crate::net::api::ApiError;
use crate::components::message::ErrorMessage;
use crate::browser::time::{clock, now_ms};
use leptos::prelude::*;

/// The last value `r` loaded successfully, and when (ms since the epoch).
pub fn last_good<T>(r: LocalResource<Result<T, ApiError>>) -> RwSignal<Option<(T, f64)>>
where
    T: Clone + Send + Sync + 'static,
{
    let last = RwSignal::new(None);
    Effect::new(move |_| {
        if let Some(Ok(v)) = r.get() {
            last.set(Some((v, now_ms())));
        }
    });
    last
}

/// The error of a failed refresh above the data it could not replace.
#[component]
pub fn StaleNotice(#[prop(into)] message: String, at: f64, on_retry: Callback<()>) -> impl IntoView {
    let text = format!("{message}\nShowing what was loaded at {}: it may be out of date.", clock(at));
    view! { <ErrorMessage message=text on_retry/> }
}
