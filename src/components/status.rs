//! A server's status as a badge: ACTIVE is calm, anything else draws the eye.

use leptos::prelude::*;

#[component]
pub fn StatusBadge(#[prop(into)] status: String, #[prop(optional)] busy: bool) -> impl IntoView {
    let class = if busy || !status.eq_ignore_ascii_case("active") { "badge warn" } else { "badge good" };
    view! { <span class=class>{status}</span> }
}
