//! SMTP spam filters (get_smtp_filters), for the whole account or one server.

use crate::net::api;
use crate::browser::set_title;
use crate::components::message::{ErrorMessage, Loading};
use crate::pages::server::{server_name, use_server, ServerFrame};
use crate::state::settings::use_settings;
use hostwinds::{ServiceId, SmtpFilter};
use leptos::prelude::*;

#[component]
pub fn AccountSmtpPage() -> impl IntoView {
    set_title("SMTP filters");
    let settings = use_settings();
    let filters = LocalResource::new(move || api::smtp_filters(settings.endpoint.get(), None));
    view! {
        <h1>"SMTP filters"</h1>
        <p class="muted">"Spam filters on the whole account, with the invoice each one came with."</p>
        <FiltersView filters empty="This account has no SMTP filters."/>
    }
}

#[component]
pub fn ServerSmtpPage() -> impl IntoView {
    let settings = use_settings();
    let (serviceid, instance) = use_server();
    let name = Signal::derive(move || server_name(serviceid, instance));
    Effect::new(move |_| set_title(&format!("SMTP filters of {}", name.get())));
    let filters = LocalResource::new(move || {
        let (ep, sid) = (settings.endpoint.get(), serviceid.get());
        async move {
            match sid {
                Ok(sid) => api::smtp_filters(ep, Some::<ServiceId>(sid)).await,
                Err(message) => Err(api::ApiError { message }),
            }
        }
    });
    view! {
        <ServerFrame serviceid instance/>
        <h2>"SMTP filters"</h2>
        <FiltersView filters empty="This server has no SMTP filters."/>
    }
}

#[component]
fn FiltersView(filters: LocalResource<Result<Vec<SmtpFilter>, api::ApiError>>, empty: &'static str) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <Loading label="Loading SMTP filters\u{2026}"/> }>
            {move || filters.get().map(|r| match r {
                Err(e) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| filters.refetch())/> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="empty">{empty}</p> }.into_any(),
                Ok(list) => view! {
                    <table class="data smtp">
                        <caption>{format!("{} filters", list.len())}</caption>
                        <thead><tr><th scope="col">"Type"</th><th scope="col">"Created"</th><th scope="col">"Invoice"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|f| view! {
                                <tr>
                                    <td>{f.kind}</td>
                                    <td class="mono">{f.created}</td>
                                    <td class="num">{f.invoice_id.unwrap_or_else(|| "\u{2014}".into())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            })}
        </Transition>
    }
}
