//! Blocklist (DNSBL) checks, looked up by the proxy: one IP in detail on the IP screen, and
//! every IP of a server on the cleanup-fee confirmation (the evidence for the request).

use crate::net::api;
use crate::components::dns::BlocklistTable;
use crate::components::message::{ErrorMessage, Loading};
use crate::state::settings::use_settings;
use hostwinds::dns::Listing;
use hostwinds::Ip;
use leptos::prelude::*;

/// At most this many IPs on the cleanup confirmation: beyond it, check them one by one.
pub const OVERVIEW_LIMIT: usize = 16;

/// One IP against every zone, with "Check again" (past the proxy's short cache).
#[component]
pub fn BlocklistPanel(ip: Ip, on_close: Callback<()>) -> impl IntoView {
    let settings = use_settings();
    let fresh = RwSignal::new(0u32);
    let report = LocalResource::new(move || {
        let (endpoint, n) = (settings.endpoint.get(), fresh.get());
        api::blocklists(endpoint, ip, n > 0)
    });
    view! {
        <section class="panel" aria-labelledby="bl-heading" data-testid="blocklist-panel">
            <h2 id="bl-heading">{format!("Blocklists for {ip}")}</h2>
            <Transition fallback=|| view! { <Loading label="Checking blocklists\u{2026}"/> }>
                {move || report.get().map(|r| match r {
                    Ok(rep) => view! { <BlocklistTable report=rep/> }.into_any(),
                    Err(e) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| report.refetch())/> }.into_any(),
                })}
            </Transition>
            <div class="buttons">
                <button type="button" on:click=move |_| fresh.update(|n| *n += 1)>"Check again"</button>
                <button type="button" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
        </section>
    }
}

/// Which lists each IP of a server is on: one line per IP, listed ones first.
#[component]
pub fn BlocklistOverview(#[prop(into)] ips: Signal<Vec<Ip>>) -> impl IntoView {
    let settings = use_settings();
    let reports = LocalResource::new(move || {
        let (endpoint, ips) = (settings.endpoint.get(), ips.get());
        async move {
            // All at once: each IP's zones are looked up in parallel by the proxy too.
            let calls = ips.into_iter().take(OVERVIEW_LIMIT).map(|ip| {
                let endpoint = endpoint.clone();
                async move { (ip, api::blocklists(endpoint, ip, false).await) }
            });
            futures::future::join_all(calls).await
        }
    });
    view! {
        <div class="blocklist-overview" data-testid="blocklist-overview">
            <h3>"Blocklists now"</h3>
            <Suspense fallback=|| view! { <Loading label="Checking this server's IPs against the blocklists\u{2026}"/> }>
                {move || reports.get().map(|list| {
                    let more = ips.with_untracked(|i| i.len().saturating_sub(OVERVIEW_LIMIT));
                    let mut lines: Vec<(bool, String)> = list.into_iter().map(|(ip, r)| match r {
                        Ok(rep) => {
                            let listed: Vec<String> = rep.zones.iter().filter(|z| z.status == Listing::Listed)
                                .map(|z| format!("{} ({})", z.zone, z.reasons.join("; "))).collect();
                            if listed.is_empty() {
                                (false, format!("{ip}: {}", rep.summary()))
                            } else {
                                (true, format!("{ip}: listed on {}", listed.join(", ")))
                            }
                        }
                        Err(e) => (false, format!("{ip}: not checked ({})", e.message)),
                    }).collect();
                    lines.sort_by_key(|(listed, _)| !*listed);
                    view! {
                        <ul>
                            {lines.into_iter().map(|(listed, text)| view! { <li class:listed=listed>{text}</li> }).collect_view()}
                        </ul>
                        {(more > 0).then(|| view! { <p class="muted">{format!("{more} more IPs not shown: check them on the IP screen.")}</p> })}
                    }
                })}
            </Suspense>
        </div>
    }
}
