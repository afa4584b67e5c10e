use crate::browser::set_title;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    set_title("Not found");
    view! {
        <h1>"Page not found"</h1>
        <p>"There is no screen at this address."</p>
        <p><A href="/servers">"Go to the servers"</A></p>
    }
}
