//! The servers of the account (get_instances); a row opens that server's IPs.

use crate::net::api;
use crate::browser::set_title;
use crate::components::message::{ErrorMessage, Loading};
use crate::components::status::StatusBadge;
use crate::model::rows::{server_rows, ServerRow};
use crate::state::settings::use_settings;
use crate::net::stale::{last_good, StaleNotice};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use wasm_bindgen::JsCast;

#[component]
pub fn ServersPage() -> impl IntoView {
    set_title("Servers");
    let settings = use_settings();
    let servers = LocalResource::new(move || api::list_servers(settings.endpoint.get()));
    let last = last_good(servers);
    // The filter lives in the URL so a support ticket can link to what was seen.
    let (query, on_query) = crate::state::search::use_search("q");

    view! {
        <h1>"Servers"</h1>
        <div class="toolbar">
            <label for="server-filter">"Filter"</label>
            <input
                id="server-filter"
                type="search"
                placeholder="Hostname, IP or service ID"
                autocomplete="off"
                prop:value=move || query.get()
                on:input:target=move |ev| on_query(ev.target().value())
            />
            <button type="button" on:click=move |_| servers.refetch()>"Refresh"</button>
        </div>
        <Transition fallback=|| view! { <Loading label="Loading servers\u{2026}"/> }>
            {move || {
                let table = move |list: &[hostwinds::Instance]| {
                    let rows = server_rows(list, &query.get());
                    view! { <ServersTable rows total=list.len()/> }
                };
                let retry = Callback::new(move |_| servers.refetch());
                servers.get().map(|r| match (r, last.get()) {
                    (Ok(list), _) => table(&list).into_any(),
                    // A failed refresh keeps the last good list on screen, marked stale.
                    (Err(e), Some((list, at))) => view! {
                        <StaleNotice message=e.message at on_retry=retry/>
                        <div class="stale">{table(&list)}</div>
                    }.into_any(),
                    (Err(e), None) => view! { <ErrorMessage message=e.message on_retry=retry/> }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn ServersTable(rows: Vec<ServerRow>, total: usize) -> impl IntoView {
    if total == 0 {
        return view! { <p class="empty">"This account has no servers."</p> }.into_any();
    }
    if rows.is_empty() {
        return view! { <p class="empty">"No server matches the filter."</p> }.into_any();
    }
    let navigate = use_navigate();
    let shown = rows.len();
    view! {
        <table
            class="data servers"
            on:pointerover=|_| crate::components::tools::prefetch(crate::components::tools::Ahead::IpScreen)
            on:focusin=|_| crate::components::tools::prefetch(crate::components::tools::Ahead::IpScreen)
        >
            <caption>{format!("{shown} of {total} servers")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Service ID"</th>
                    <th scope="col">"Hostname"</th>
                    <th scope="col">"Main IP"</th>
                    <th scope="col">"Location"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let href = format!("/servers/{}", r.serviceid);
                    let nav = navigate.clone();
                    let target = href.clone();
                    // The whole row opens the server; the link inside stays the keyboard
                    // and middle-click way in, so clicks on it are left to it.
                    let open = move |ev: web_sys::MouseEvent| {
                        let on_link = ev
                            .target()
                            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                            .and_then(|el| el.closest("a").ok().flatten())
                            .is_some();
                        if !on_link {
                            nav(&target, Default::default());
                        }
                    };
                    view! {
                        <tr class="clickable" on:click=open>
                            <td class="num">{r.serviceid.to_string()}</td>
                            <td><A href=href>{r.name}</A></td>
                            <td class="mono">{r.main_ip}</td>
                            <td>{r.location}</td>
                            <td><StatusBadge status=r.status busy=r.busy/></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
