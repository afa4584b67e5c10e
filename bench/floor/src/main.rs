//! The framework's floor: the least a Leptos 0.8 app with leptos_router has to ship and do to
//! show a server's IP table like the console's, measured by `cargo xtask bench` beside the
//! console. One route with the server id in the path, one read through the proxy
//! (get_instance_ips), serde_json, the console's row markup and caption, a search box
//! filtering into pages of 25, one click listener for the rows' buttons. No sign-in, no
//! settings, no other screens, no DNS checks, no split. What the console costs above this is
//! the console's; what this costs above the static page or plain DOM code is the framework's.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::use_params_map;
use leptos_router::path;
use serde::Deserialize;

const PER_PAGE: usize = 25;

#[derive(Deserialize)]
struct Answer {
    success: Ips,
}

#[derive(Deserialize)]
struct Ips {
    #[serde(rename = "IP Addresses")]
    ips: Vec<Ip>,
}

#[derive(Clone, Deserialize)]
struct Ip {
    ip: String,
    #[serde(default)]
    rdns: Option<String>,
}

async fn server_ips(serviceid: String) -> Result<Vec<Ip>, String> {
    let body = format!("action=get_instance_ips&serviceid={serviceid}");
    let answer = gloo_net::http::Request::post("/api")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-hostwinds-console", "1")
        .body(body)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let text = answer.text().await.map_err(|e| e.to_string())?;
    serde_json::from_str::<Answer>(&text).map(|a| a.success.ips).map_err(|e| e.to_string())
}

#[component]
fn IpTable() -> impl IntoView {
    let params = use_params_map();
    let ips = LocalResource::new(move || server_ips(params.with(|p| p.get("serviceid").unwrap_or_default())));
    let (query, set_query) = signal(String::new());
    let (clicked, set_clicked) = signal(None::<String>);
    view! {
        <h1>"IP addresses"</h1>
        <label for="ip-search">"Search"</label>
        <input id="ip-search" type="search" prop:value=query on:input:target=move |ev| set_query.set(ev.target().value())/>
        <p>{move || clicked.get().map(|c| format!("Last clicked: {c}"))}</p>
        <Transition fallback=|| view! { <p>"Loading\u{2026}"</p> }>
            {move || ips.get().map(|r| match r {
                Ok(all) => {
                    let q = query.get();
                    let matching: Vec<&Ip> = all.iter().filter(|i| i.ip.contains(&q) || i.rdns.as_deref().is_some_and(|n| n.contains(&q))).collect();
                    let count = matching.len();
                    let shown: Vec<Ip> = matching.into_iter().take(PER_PAGE).cloned().collect();
                    let caption = if count > PER_PAGE { format!("IP addresses 1\u{2013}{PER_PAGE} of {count}") } else { format!("{count} IP addresses") };
                    let rows = shown.iter().map(|i| view! {
                        <tr>
                            <td class="mono">{i.ip.clone()}</td>
                            <td><span class="badge">"Secondary"</span></td>
                            <td>{if i.ip.contains(':') { "IPv6" } else { "IPv4" }}</td>
                            <td>{match &i.rdns {
                                Some(n) => view! { <span class="mono">{n.clone()}</span> }.into_any(),
                                None => view! { <span class="muted">"not known"</span> }.into_any(),
                            }}</td>
                            <td class="dns-check"><span class="muted">"\u{2014}"</span></td>
                            <td class="row-actions">
                                <button type="button" data-act="blocklists" aria-label=format!("Blocklists of {}", i.ip)>"Blocklists"</button>
                                <button type="button" data-act="edit" aria-label=format!("Edit rDNS of {}", i.ip)>"Edit rDNS"</button>
                                <button type="button" data-act="delete" class="danger-text" aria-label=format!("Delete {}", i.ip)>"Delete"</button>
                            </td>
                        </tr>
                    }).collect_view();
                    view! {
                        <table class="data ips">
                            <caption>{caption}</caption>
                            <thead><tr>
                                <th scope="col">"IP address"</th><th scope="col">"Role"</th><th scope="col">"Version"</th>
                                <th scope="col">"Reverse DNS"</th><th scope="col">"rDNS check"</th><th scope="col">"Actions"</th>
                            </tr></thead>
                            <tbody on:click=move |ev| {
                                use wasm_bindgen::JsCast;
                                let button = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|e| e.closest("button[aria-label]").ok().flatten());
                                set_clicked.set(button.and_then(|b| b.get_attribute("aria-label")));
                            }>{rows}</tbody>
                        </table>
                    }.into_any()
                }
                Err(e) => view! { <p role="alert">{e}</p> }.into_any(),
            })}
        </Transition>
    }
}

fn main() {
    leptos::mount::mount_to_body(|| view! {
        <Router>
            <main>
                <Routes fallback=|| view! { <p>"Not found"</p> }>
                    <Route path=path!("/floor/:serviceid/") view=IpTable/>
                </Routes>
            </main>
        </Router>
    })
}
