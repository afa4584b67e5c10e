//! The inventory of IPs the proxy has seen: status per IP (changed here, audited), the
//! monthly cost per server, and exports shaped like the platform's `smtp_ip_addresses` and
//! `vps_instances` tables.

use crate::net::api;
use crate::browser::set_title;
use crate::components::message::{ErrorMessage, Loading};
use crate::components::toast::use_toaster;
use crate::state::settings::use_settings;
use crate::browser::time::date_time;
use hostwinds::{ExportTable, Inventory, Ip, IpStatus, ServiceId};
use leptos::prelude::*;

#[component]
pub fn InventoryPage() -> impl IntoView {
    set_title("Inventory");
    let settings = use_settings();
    let toaster = use_toaster();
    let inventory = LocalResource::new(move || api::inventory(settings.endpoint.get()));
    let status_filter = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let show_removed = RwSignal::new(false);

    let change = Action::new_local(move |(sid, ip, status): &(ServiceId, Ip, IpStatus)| {
        let (endpoint, sid, ip, status) = (settings.endpoint.get_untracked(), *sid, *ip, *status);
        async move {
            match api::set_inventory_status(endpoint, sid, ip, status).await {
                Ok(message) => toaster.show(true, "Inventory updated", message, None),
                Err(e) => toaster.show(false, "The inventory was not changed", e.message, None),
            }
            inventory.refetch();
        }
    });

    let export_link = move |table: ExportTable, format: &'static str| {
        let href = api::inventory_export_url(&settings.endpoint.get(), table, format);
        view! { <a class="button" href=href download="">{format!("{} ({})", table.name(), format.to_uppercase())}</a> }
    };

    view! {
        <h1>"Inventory"</h1>
        <p class="muted">"Every IP the console has seen on a server, with its sending status and approximate cost. Statuses are changed here or by the workflows; every change is in the audit log."</p>
        <div class="buttons" aria-label="Exports">
            <span>"Export: "</span>
            {move || export_link(ExportTable::SmtpIpAddresses, "csv")}
            {move || export_link(ExportTable::SmtpIpAddresses, "json")}
            {move || export_link(ExportTable::VpsInstances, "csv")}
            {move || export_link(ExportTable::VpsInstances, "json")}
        </div>
        <Transition fallback=|| view! { <Loading label="Loading the inventory\u{2026}"/> }>
            {move || inventory.get().map(|r| match r {
                Err(e) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| inventory.refetch())/> }.into_any(),
                Ok(inv) => view! {
                    <CostSummary inv=inv.clone()/>
                    <section aria-labelledby="inv-ips">
                        <h2 id="inv-ips">"IPs"</h2>
                        <div class="toolbar">
                            <label for="inv-search">"Search"</label>
                            <input id="inv-search" type="search" placeholder="IP, rDNS or server" autocomplete="off"
                                prop:value=move || search.get() on:input:target=move |ev| search.set(ev.target().value())/>
                            <label for="inv-status">"Status"</label>
                            <select id="inv-status" prop:value=move || status_filter.get() on:change:target=move |ev| status_filter.set(ev.target().value())>
                                <option value="">"Any status"</option>
                                {IpStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.as_str()}</option> }).collect_view()}
                            </select>
                            <label class="check">
                                <input type="checkbox" prop:checked=move || show_removed.get() on:change:target=move |ev| show_removed.set(ev.target().checked())/>
                                "Show removed IPs"
                            </label>
                        </div>
                        <IpRows inv search=search.into() status=status_filter.into() show_removed=show_removed.into()
                            busy=Signal::derive(move || change.pending().get())
                            on_change=Callback::new(move |c: (ServiceId, Ip, IpStatus)| { change.dispatch(c); })/>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn CostSummary(inv: Inventory) -> impl IntoView {
    let lines = inv.costs();
    let total: f64 = lines.iter().map(|l| l.monthly).sum();
    let count: usize = lines.iter().map(|l| l.ips).sum();
    view! {
        <section aria-labelledby="inv-costs">
            <h2 id="inv-costs">"Monthly cost per server"</h2>
            <table class="data costs" data-testid="inventory-costs">
                <caption>{format!("Approximate: each IP at the cost recorded when first seen (default {:.2} a month).", inv.default_cost)}</caption>
                <thead><tr><th scope="col">"Server"</th><th scope="col">"IPs"</th><th scope="col">"Per month"</th></tr></thead>
                <tbody>
                    {lines.into_iter().map(|l| view! {
                        <tr data-serviceid=l.serviceid.to_string()>
                            <td>{if l.hostname.is_empty() { format!("Server {}", l.serviceid) } else { format!("{} ({})", l.hostname, l.serviceid) }}</td>
                            <td class="num">{l.ips}</td>
                            <td class="num">{format!("{:.2}", l.monthly)}</td>
                        </tr>
                    }).collect_view()}
                    <tr><th scope="row">"Total"</th><td class="num">{count}</td><td class="num" data-testid="inventory-total">{format!("{total:.2}")}</td></tr>
                </tbody>
            </table>
        </section>
    }
}

#[component]
fn IpRows(
    inv: Inventory,
    search: Signal<String>,
    status: Signal<String>,
    show_removed: Signal<bool>,
    busy: Signal<bool>,
    on_change: Callback<(ServiceId, Ip, IpStatus)>,
) -> impl IntoView {
    let names: std::collections::HashMap<u64, String> = inv.servers.iter().map(|s| (s.serviceid, s.hostname.clone())).collect();
    move || {
        let (q, st, removed) = (search.get().trim().to_ascii_lowercase(), status.get(), show_removed.get());
        let rows: Vec<_> = inv
            .ips
            .iter()
            .filter(|i| removed || i.status != IpStatus::Removed || st == "removed")
            .filter(|i| st.is_empty() || i.status.as_str() == st)
            .filter(|i| {
                q.is_empty()
                    || i.ip.contains(&q)
                    || i.rdns.as_deref().is_some_and(|n| n.contains(&q))
                    || names.get(&i.serviceid).is_some_and(|n| n.to_ascii_lowercase().contains(&q))
            })
            .cloned()
            .collect();
        if rows.is_empty() {
            return view! { <p class="empty">"No IP matches. The inventory fills as servers and their IPs are opened in the console."</p> }.into_any();
        }
        view! {
            <table class="data inventory">
                <caption>{format!("{} IPs", rows.len())}</caption>
                <thead><tr>
                    <th scope="col">"Server"</th><th scope="col">"IP address"</th><th scope="col">"rDNS"</th>
                    <th scope="col">"Status"</th><th scope="col">"Cost"</th><th scope="col">"First seen"</th><th scope="col">"Last seen"</th>
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|i| {
                        let parsed = ServiceId::try_from(i.serviceid).ok().zip(Ip::parse(&i.ip).ok());
                        let label = format!("Status of {}", i.ip);
                        let server = names.get(&i.serviceid).cloned().unwrap_or_default();
                        view! {
                            <tr data-ip=i.ip.clone()>
                                <td>{format!("{server} ({})", i.serviceid)}</td>
                                <td class="mono">{i.ip.clone()}{i.is_main.then(|| view! { " "<span class="badge main">"Main"</span> })}</td>
                                <td class="mono">{i.rdns.clone().unwrap_or_default()}</td>
                                <td>
                                    <select aria-label=label disabled=move || busy.get() || parsed.is_none()
                                        on:change:target=move |ev| {
                                            if let (Some((sid, ip)), Ok(s)) = (parsed, IpStatus::parse(&ev.target().value())) {
                                                on_change.run((sid, ip, s));
                                            }
                                        }>
                                        {IpStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == i.status>{s.as_str()}</option> }).collect_view()}
                                    </select>
                                </td>
                                <td class="num">{format!("{:.2}", i.cost)}</td>
                                <td>{date_time(i.first_seen_ms as f64)}</td>
                                <td>{date_time(i.last_seen_ms as f64)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    }
}
