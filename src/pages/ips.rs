//! A server's IPs (get_instance_ips), main and secondary marked from get_instance's
//! `main_ip`, with rDNS where Hostwinds sent it and a location filter.

use crate::api::{self, ApiError};
use crate::app::set_title;
use crate::components::message::{ErrorMessage, Loading};
use crate::components::status::StatusBadge;
use crate::rows::{ip_rows, locations, IpRow};
use crate::settings::use_settings;
use hostwinds::{Instance, LocationId, ServiceId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{query_signal_with_options, use_params_map};
use leptos_router::NavigateOptions;

#[component]
pub fn IpsPage() -> impl IntoView {
    let settings = use_settings();
    let params = use_params_map();
    let serviceid = Memo::new(move |_| {
        ServiceId::parse(&params.read().get("serviceid").unwrap_or_default()).map_err(|e| e.0)
    });
    let (location, set_location) = query_signal_with_options::<String>(
        "location",
        NavigateOptions { replace: true, scroll: false, ..Default::default() },
    );
    let location_id = Memo::new(move |_| location.get().and_then(|l| LocationId::parse(&l).ok()));

    let instance = LocalResource::new(move || {
        let (ep, sid) = (settings.endpoint.get(), serviceid.get());
        async move {
            match sid {
                Ok(sid) => api::get_server(ep, sid).await,
                Err(message) => Err(ApiError { message }),
            }
        }
    });
    let ips = LocalResource::new(move || {
        let (ep, sid, loc) = (settings.endpoint.get(), serviceid.get(), location_id.get());
        async move {
            match sid {
                Ok(sid) => api::server_ips(ep, sid, loc).await,
                Err(message) => Err(ApiError { message }),
            }
        }
    });
    // Only for the location filter's choices: the IP screen works without it.
    let servers = LocalResource::new(move || api::list_servers(settings.endpoint.get()));
    let refresh = move || {
        instance.refetch();
        ips.refetch();
    };

    Effect::new(move |_| {
        let name = instance
            .get()
            .and_then(|r| r.ok())
            .map(|i| i.display_name())
            .or_else(|| serviceid.get().ok().map(|s| format!("Server {s}")))
            .unwrap_or_else(|| "Server".into());
        set_title(&format!("IPs of {name}"));
    });

    let location_options = move || {
        let mut opts = servers.get().and_then(|r| r.ok()).map(|l| locations(&l)).unwrap_or_default();
        let own = instance.get().and_then(|r| r.ok()).and_then(|i| i.location_id);
        for l in own.into_iter().chain(location.get()) {
            if !opts.contains(&l) {
                opts.push(l);
            }
        }
        opts
    };

    view! {
        <nav class="crumbs" aria-label="Breadcrumb"><A href="/servers">"Servers"</A></nav>
        <Transition fallback=|| view! { <Loading label="Loading the server\u{2026}"/> }>
            {move || instance.get().map(|r| match r {
                Ok(i) => view! { <ServerHeader instance=i/> }.into_any(),
                Err(e) => view! {
                    <h1>"Server"</h1>
                    <ErrorMessage message=e.message on_retry=Callback::new(move |_| instance.refetch())/>
                }.into_any(),
            })}
        </Transition>
        <section aria-labelledby="ips-heading">
            <h2 id="ips-heading">"IP addresses"</h2>
            <div class="toolbar">
                <label for="location-filter">"Location"</label>
                <select
                    id="location-filter"
                    prop:value=move || location.get().unwrap_or_default()
                    on:change:target=move |ev| {
                        let v = ev.target().value();
                        set_location.set((!v.is_empty()).then_some(v));
                    }
                >
                    <option value="">"All locations"</option>
                    {move || location_options().into_iter().map(|l| {
                        let selected = location.get().as_deref() == Some(l.as_str());
                        view! { <option value=l.clone() selected=selected>{format!("Location {l}")}</option> }
                    }).collect_view()}
                </select>
                <button type="button" on:click=move |_| refresh()>"Refresh"</button>
            </div>
            <Transition fallback=|| view! { <Loading label="Loading IPs\u{2026}"/> }>
                {move || match (instance.get(), ips.get()) {
                    (_, Some(Err(e))) => Some(view! {
                        <ErrorMessage message=e.message on_retry=Callback::new(move |_| ips.refetch())/>
                    }.into_any()),
                    // Without the instance, which IP is main is unknown: say so, do not guess.
                    (Some(Err(_)), Some(Ok(list))) => Some(view! {
                        <p class="note">"The server could not be read, so the main IP is not marked."</p>
                        <IpTable rows=ip_rows(None, &list) location=location.get()/>
                    }.into_any()),
                    (Some(Ok(i)), Some(Ok(list))) => Some(view! {
                        <IpTable rows=ip_rows(i.main_ip, &list) location=location.get()/>
                    }.into_any()),
                    _ => None,
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ServerHeader(instance: Instance) -> impl IntoView {
    let name = instance.display_name();
    let status = instance.status.clone().unwrap_or_else(|| "unknown".into());
    let busy = instance.busy();
    let dash = || "\u{2014}".to_string();
    let state = format!(
        "vm {} \u{b7} task {} \u{b7} power {}",
        instance.vm_state.clone().unwrap_or_else(dash),
        instance.task_state.clone().unwrap_or_else(|| "none".into()),
        instance.power_state.clone().unwrap_or_else(dash),
    );
    view! {
        <h1>{name}</h1>
        <dl class="facts">
            <div><dt>"Service ID"</dt><dd class="num">{instance.serviceid.map(|s| s.to_string()).unwrap_or_else(dash)}</dd></div>
            <div><dt>"Main IP"</dt><dd class="mono">{instance.main_ip.map(|i| i.to_string()).unwrap_or_else(dash)}</dd></div>
            <div><dt>"Location"</dt><dd>{instance.location_id.clone().unwrap_or_else(dash)}</dd></div>
            <div><dt>"Status"</dt><dd><StatusBadge status busy/>" "<span class="muted">{state}</span></dd></div>
        </dl>
    }
}

#[component]
fn IpTable(rows: Vec<IpRow>, location: Option<String>) -> impl IntoView {
    if rows.is_empty() {
        let text = match location {
            Some(l) => format!("This server has no IPs in location {l}."),
            None => "Hostwinds lists no IPs for this server.".into(),
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let count = rows.len();
    view! {
        <table class="data ips">
            <caption>{format!("{count} IP addresses")}</caption>
            <thead>
                <tr>
                    <th scope="col">"IP address"</th>
                    <th scope="col">"Role"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Reverse DNS"</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let version = r.version();
                    let (role, class) = if r.is_main { ("Main", "badge main") } else { ("Secondary", "badge") };
                    let rdns = match r.rdns {
                        Some(n) => view! { <span class="mono">{n}</span> }.into_any(),
                        None => view! { <span class="muted" title="Hostwinds sent no rDNS name for this IP">"not known"</span> }.into_any(),
                    };
                    view! {
                        <tr class:main=r.is_main>
                            <td class="mono">{r.ip.to_string()}</td>
                            <td><span class=class>{role}</span></td>
                            <td>{version}</td>
                            <td>{rdns}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
