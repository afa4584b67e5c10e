//! A server's IPs (get_instance_ips), main and secondary marked from get_instance's
//! `main_ip`, with rDNS, a location filter, search and sort, CSV export, and the IP
//! actions: promote, rotate, delete, regenerate networking, edit rDNS.

use crate::net::actions::{Done, Runner};
use crate::net::api;
use crate::browser::set_title;
use crate::components::confirm::ConfirmDialog;
use crate::components::dns::VerdictBadge;
use crate::net::dns_cache::{Check, DnsCache};
use crate::components::tools::{prefetch, Ahead, Tool, ToolView};
use crate::components::message::{ErrorMessage, Loading};
use crate::browser::download::{file_part, save_file};
use crate::state::session::use_session;
use crate::pages::server::{server_name, use_server, ServerFrame};
use crate::browser::poll::use_poll;
use crate::state::rdns_memory::use_rdns_memory;
use crate::model::rows::{ip_rows, ips_csv, locations, search_and_sort, IpRow, IpSort, RdnsSource};
use crate::state::settings::{use_settings, ROWS_PER_PAGE};
use crate::browser::time::now_ms;
use crate::net::stale::{last_good, StaleNotice};
use hostwinds::{Action as HwAction, ActionName, Ip, LocationId, ServiceId};
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;
use leptos_router::hooks::query_signal_with_options;
use leptos_router::NavigateOptions;

const HOUR_MS: f64 = 3600.0 * 1000.0;

/// A destructive or disruptive action waiting for its confirmation.
#[derive(Debug, Clone, PartialEq)]
enum Confirm {
    SetMain(Ip),
    Delete(IpRow),
    Rotate,
    Regenerate,
}

/// A queued task being watched: Hostwinds' success only means "queued".
#[derive(Debug, Clone, PartialEq)]
enum Watch {
    None,
    MainIp { old: Option<Ip>, since_ms: f64 },
    MainChanged { old: Option<Ip>, new: Ip },
    MainNotYet { old: Option<Ip>, waited_secs: u32 },
    Network { since_ms: f64, seen_busy: bool },
    NetworkDone,
    NetworkNotYet,
}

impl Watch {
    fn running(&self) -> bool {
        matches!(self, Watch::MainIp { .. } | Watch::Network { .. })
    }
}

fn replace_opts() -> NavigateOptions {
    NavigateOptions { replace: true, scroll: false, ..Default::default() }
}

#[component]
pub fn IpsPage() -> impl IntoView {
    let settings = use_settings();
    let session = use_session();
    let memory = use_rdns_memory();
    let runner = Runner::from_context();
    let (serviceid, instance) = use_server();
    let (location, set_location) = query_signal_with_options::<String>("location", replace_opts());
    let (search, on_search) = crate::state::search::use_search("q");
    let (sort, set_sort) = query_signal_with_options::<String>("sort", replace_opts());
    let location_id = Memo::new(move |_| location.get().and_then(|l| LocationId::parse(&l).ok()));

    // Counts finished reads: the rows built from a read are reused until the next one.
    let reads = StoredValue::new(0u64);
    let ips = LocalResource::new(move || {
        let (ep, sid, loc) = (settings.endpoint.get(), serviceid.get(), location_id.get());
        async move {
            let r = match sid {
                Ok(sid) => api::server_ips(ep, sid, loc).await,
                Err(message) => Err(api::ApiError { message }),
            };
            reads.update_value(|n| *n += 1);
            r
        }
    });
    let last_ips = last_good(ips);
    // Only for the location filter's choices: the IP screen works without it.
    let servers = LocalResource::new(move || api::list_servers(settings.endpoint.get()));
    let name = Signal::derive(move || server_name(serviceid, instance));
    Effect::new(move |_| set_title(&format!("IPs of {}", name.get())));

    let confirm = RwSignal::new(None::<Confirm>);
    // The remove workflow, offered by the delete confirmation, is in the other server
    // screens' module: fetched when the confirmation opens (not on load, where it would
    // compete with this screen's own reads: Lighthouse's LCP got 0.6 s worse).
    Effect::new(move |_| {
        if matches!(confirm.get(), Some(Confirm::Delete(_))) {
            prefetch(Ahead::ServerScreens);
        }
    });
    let watch = RwSignal::new(Watch::None);
    let editing = RwSignal::new(None::<Ip>);
    let dns = DnsCache::new();
    // The IP whose blocklist report is open.
    let blocklist_ip = RwSignal::new(None::<Ip>);
    let draft = RwSignal::new(String::new());
    let page = RwSignal::new(0usize);
    // A new search, order or location starts at the first page.
    Effect::new(move |_| {
        let _ = (search.get(), sort.get(), location.get(), settings.rows_per_page.get());
        // Only when it changes: setting it anyway would render the table twice.
        if page.get_untracked() != 0 {
            page.set(0);
        }
    });
    // One change at a time on a server: every action control waits for the running one.
    let busy = RwSignal::new(None::<ActionName>);

    let (sort_by, descending) = {
        let parsed = Memo::new(move |_| {
            let s = sort.get().unwrap_or_default();
            let desc = s.starts_with('-');
            (IpSort::parse(s.trim_start_matches('-')), desc)
        });
        (Signal::derive(move || parsed.get().0), Signal::derive(move || parsed.get().1))
    };

    // The rows as shown: the same function feeds the table and the CSV export.
    // After a failed refresh, the last good list (shown stale).
    // (A Memo over the rows missed the resource's refetches; the cache below is keyed by a
    // count of finished reads instead.)
    // A server can hold 10,000 IPs: the lists are borrowed, not cloned, and the rows built
    // from a read are kept (keyed by the read, the main IP and the names set here), so a
    // search keystroke only filters and sorts.
    let built = StoredValue::new(None::<((u64, Option<Ip>, u64), Arc<Vec<IpRow>>)>);
    let rows_now = move || -> Option<Vec<IpRow>> {
        let main = instance.with(|r| r.as_ref().and_then(|r| r.as_ref().ok()).and_then(|i| i.main_ip));
        let known = memory.names.with(|_| memory.version.get_value());
        let have = ips.with(|r| r.is_some());
        if !have {
            return None;
        }
        let key = (reads.get_value(), main, known);
        let cached = built.with_value(|b| b.as_ref().filter(|(k, _)| *k == key).map(|(_, rows)| rows.clone()));
        let rows = match cached {
            Some(rows) => rows,
            None => {
                let rows = memory.names.with(|known| {
                    ips.with(|r| match r.as_ref()? {
                        Ok(l) => Some(ip_rows(main, l, known)),
                        Err(_) => last_ips.with(|last| last.as_ref().map(|(l, _)| ip_rows(main, l, known))),
                    })
                })?;
                let rows = Arc::new(rows);
                built.set_value(Some((key, rows.clone())));
                rows
            }
        };
        Some(search_and_sort(&rows, &search.get(), sort_by.get(), descending.get()))
    };

    // Watching: re-read the instance every few seconds while a task runs.
    use_poll(
        settings.poll_secs.into(),
        Signal::derive(move || watch.get().running()),
        move || instance.refetch(),
    );
    Effect::new(move |_| {
        let Some(Ok(i)) = instance.get() else { return };
        let limit_ms = f64::from(settings.watch_limit_secs.get_untracked()) * 1000.0;
        match watch.get_untracked() {
            Watch::MainIp { old, since_ms } => {
                if let Some(new) = i.main_ip.filter(|n| Some(*n) != old) {
                    watch.set(Watch::MainChanged { old, new });
                    ips.refetch();
                } else if now_ms() - since_ms > limit_ms {
                    watch.set(Watch::MainNotYet { old, waited_secs: ((now_ms() - since_ms) / 1000.0) as u32 });
                }
            }
            Watch::Network { since_ms, seen_busy } => {
                if i.busy() {
                    if !seen_busy {
                        watch.set(Watch::Network { since_ms, seen_busy: true });
                    }
                } else if seen_busy {
                    watch.set(Watch::NetworkDone);
                    ips.refetch();
                }
                if now_ms() - since_ms > limit_ms && watch.get_untracked().running() {
                    watch.set(Watch::NetworkNotYet);
                }
            }
            _ => {}
        }
    });

    let run = Action::new_local(move |c: &Confirm| {
        let c = c.clone();
        let endpoint = settings.endpoint.get_untracked();
        let sid = serviceid.get_untracked();
        let old_main = instance.get_untracked().and_then(|r| r.ok()).and_then(|i| i.main_ip);
        async move {
            let Ok(serviceid) = sid else { return };
            let (action, title) = match &c {
                Confirm::SetMain(ip) => (HwAction::SetMainIp { serviceid, ip: *ip }, format!("{ip} is now the main IP")),
                Confirm::Delete(row) => (HwAction::DeleteIp { serviceid, ip: row.ip }, format!("{} deleted", row.ip)),
                Confirm::Rotate => (HwAction::ChangeMainIp { serviceid }, "Main IP rotation queued".to_string()),
                Confirm::Regenerate => (HwAction::RegenerateNetworking { serviceid }, "Networking rebuild queued".to_string()),
            };
            busy.set(Some(action.name()));
            let reread = Callback::new(move |_| {
                instance.refetch();
                ips.refetch();
            });
            let done = runner.run_then(endpoint, action, title, None, Some(reread)).await;
            busy.set(None);
            if let Done::Ok(_) = done {
                match c {
                    Confirm::SetMain(_) => {
                        instance.refetch();
                        ips.refetch();
                    }
                    Confirm::Delete(row) => {
                        memory.forget(&row.ip.to_string());
                        ips.refetch();
                    }
                    Confirm::Rotate => watch.set(Watch::MainIp { old: old_main, since_ms: now_ms() }),
                    Confirm::Regenerate => {
                        watch.set(Watch::Network { since_ms: now_ms(), seen_busy: false });
                        instance.refetch();
                    }
                }
            }
        }
    });
    let go = move |c: Confirm| {
        confirm.set(None);
        if busy.get_untracked().is_none() {
            busy.set(Some(ActionName::GetInstance));
            run.dispatch(c);
        }
    };
    let is_busy = Signal::derive(move || busy.get().is_some() || watch.get().running());

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

    let export = move |_| {
        let Some(rows) = rows_now() else { return };
        let inst = instance.get_untracked().and_then(|r| r.ok());
        let server = inst.as_ref().map(|i| i.display_name()).unwrap_or_default();
        let loc = inst.and_then(|i| i.location_id).unwrap_or_default();
        let sid = serviceid.get_untracked().map(|s| s.to_string()).unwrap_or_default();
        let file = format!("ips-{sid}-{}.csv", file_part(&server));
        if let Err(e) = save_file(&file, "text/csv;charset=utf-8", &ips_csv(&rows, &server, &loc)) {
            runner.toaster.show(false, "Export failed", e, None);
        }
    };

    // Rotations of this server in the last hour, by anyone (the audit log), read when the
    // rotation is about to be confirmed.
    let rotated_recently = LocalResource::new(move || {
        let asking = confirm.get() == Some(Confirm::Rotate);
        let (endpoint, sid) = (settings.endpoint.get(), serviceid.get());
        async move {
            let (true, Ok(sid)) = (asking, sid) else { return 0 };
            api::recent_successes(endpoint, sid, ActionName::ChangeMainIp, HOUR_MS).await.map(|p| p.total).unwrap_or(0)
        }
    });
    let rotated = move || rotated_recently.get().unwrap_or(0);
    let gate = move |a: ActionName| Signal::derive(move || session.why_not(a));

    // The server's header renders first, everything under it a task later: the screen's first
    // render was one ~30 ms task (Lighthouse, 4x slowed: its longest, at the LCP). Split,
    // its total blocking time fell by half (docs/benchmarks.md). What follows the header only
    // adds to the page below it, so nothing shifts.
    let rest_ready = crate::browser::tasks::after_a_yield();
    view! {
        <ServerFrame serviceid instance/>
        {move || rest_ready.get().then(|| view! {
            <section class="server-actions" aria-label="Server actions"
                on:pointerover=|_| prefetch(Ahead::ServerScreens)
                on:focusin=|_| prefetch(Ahead::ServerScreens)>
                <button type="button" title=move || gate(ActionName::ChangeMainIp).get()
                    disabled=move || is_busy.get() || gate(ActionName::ChangeMainIp).get().is_some()
                    on:click=move |_| confirm.set(Some(Confirm::Rotate))>
                    {move || if busy.get() == Some(ActionName::ChangeMainIp) { "Rotating\u{2026}" } else { "Rotate main IP" }}
                </button>
                <button type="button" title=move || gate(ActionName::RegenerateNetworking).get()
                    disabled=move || is_busy.get() || gate(ActionName::RegenerateNetworking).get().is_some()
                    on:click=move |_| confirm.set(Some(Confirm::Regenerate))>
                    {move || if busy.get() == Some(ActionName::RegenerateNetworking) { "Regenerating\u{2026}" } else { "Regenerate networking" }}
                </button>
                <button type="button" on:click=export>"Export CSV"</button>
                {move || serviceid.get().ok().map(|sid| view! {
                    <A href=format!("/servers/{sid}/allocate") attr:class="button">"New IP workflow"</A>
                    <A href=format!("/rdns/bulk?servers={sid}") attr:class="button">"Bulk rDNS"</A>
                })}
            </section>
            <WatchPanel watch instance/>
            {move || blocklist_ip.get().map(|ip| view! {
                <ToolView tool=Tool::Blocklists { ip, on_close: Callback::new(move |_| blocklist_ip.set(None)) }/>
            })}
            // The rDNS editor and blocklist report a row's buttons open are in the tools' module.
            <section aria-labelledby="ips-heading"
                on:pointerover=|_| prefetch(Ahead::ServerTools)
                on:focusin=|_| prefetch(Ahead::ServerTools)>
                <h2 id="ips-heading">"IP addresses"</h2>
                <div class="toolbar">
                    <label for="ip-search">"Search"</label>
                    <input
                        id="ip-search"
                        type="search"
                        placeholder="IP or rDNS name"
                        autocomplete="off"
                        prop:value=move || search.get()
                        on:input:target=move |ev| on_search(ev.target().value())
                    />
                    <label for="location-filter">"Location"</label>
                    <select
                        id="location-filter"
                        prop:value=move || location.get().unwrap_or_default()
                        on:change:target=move |ev| { let v = ev.target().value(); set_location.set((!v.is_empty()).then_some(v)); }
                    >
                        <option value="">"All locations"</option>
                        {move || location_options().into_iter().map(|l| {
                            let selected = location.get().as_deref() == Some(l.as_str());
                            view! { <option value=l.clone() selected=selected>{format!("Location {l}")}</option> }
                        }).collect_view()}
                    </select>
                    <button type="button" on:click=move |_| { dns.clear(); instance.refetch(); ips.refetch(); }>"Refresh"</button>
                </div>
                <Transition fallback=|| view! { <Loading label="Loading IPs\u{2026}"/> }>
                    {move || {
                        // Borrowed, never cloned: this runs on every search keystroke, and the
                        // list can hold 10,000 IPs.
                        let unknown_main = instance.with(|i| matches!(i, Some(Err(_))));
                        let failed = ips.with(|r| r.as_ref().map(|r| r.as_ref().err().map(|e| e.message.clone())))?;
                        let retry = Callback::new(move |_| ips.refetch());
                        match (failed, last_ips.with(|l| l.as_ref().map(|l| l.1))) {
                            (Some(message), None) => Some(view! { <ErrorMessage message on_retry=retry/> }.into_any()),
                            (failed, last_at) => {
                                let stale = failed.map(|message| {
                                    let at = last_at.unwrap_or_default();
                                    view! { <StaleNotice message at on_retry=retry/> }
                                });
                                let is_stale = stale.is_some();
                                let sid = serviceid.get().ok()?;
                                page.track();
                                // Read once per render below: these rarely change, and a
                                // subscription per row made every keystroke slower.
                                let per_page = settings.rows_per_page.get();
                                // The editor opens and closes rarely: the table renders again then,
                                // instead of every row watching which IP is being edited.
                                let editing_now = editing.get();
                                let (promote_denied, delete_denied) = (gate(ActionName::SetMainIp).get(), gate(ActionName::DeleteIp).get());
                                let rows = rows_now().unwrap_or_default();
                                Some(view! {
                                    {stale}
                                    {unknown_main.then(|| view! {
                                        <p class="note">"The server could not be read, so the main IP is not marked and main-IP actions are off."</p>
                                    })}
                                    <div class:stale=is_stale>
                                    <IpTable
                                        serviceid=sid
                                        page
                                        rows
                                        location=location.get_untracked()
                                        filtered=!search.get_untracked().is_empty()
                                        sort_by descending
                                        on_sort=Callback::new(move |col: IpSort| {
                                            let (cur, desc) = (sort_by.get_untracked(), descending.get_untracked());
                                            let next = if cur == col && !desc { format!("-{}", col.key()) } else { col.key().to_string() };
                                            set_sort.set((next != "role").then_some(next));
                                        })
                                        editing
                                        editing_now
                                        draft
                                        busy=is_busy.get()
                                        per_page
                                        on_per_page=Callback::new(move |n: usize| settings.save_rows_per_page(n))
                                        promote_denied
                                        delete_denied
                                        main_known=!unknown_main
                                        on_action=Callback::new(move |c: Confirm| confirm.set(Some(c)))
                                        on_blocklists=Callback::new(move |ip: Ip| blocklist_ip.set(Some(ip)))
                                        dns
                                        on_rdns_saved=Callback::new(move |(ip, name): (Ip, String)| {
                                            memory.remember(&ip.to_string(), &name);
                                            dns.forget(ip);
                                            editing.set(None);
                                            ips.refetch();
                                        })
                                        on_reread=Callback::new(move |_| { instance.refetch(); ips.refetch(); })
                                    />
                                    </div>
                                }.into_any())
                            }
                        }
                    }}
                </Transition>
            </section>
            {move || confirm.get().map(|c| {
                let server = name.get_untracked();
                let main = instance.get_untracked().and_then(|r| r.ok()).and_then(|i| i.main_ip);
                let main_text = main.map(|m| m.to_string()).unwrap_or_else(|| "the current main IP".into());
                let cancel = Callback::new(move |_| confirm.set(None));
                let ok = { let c = c.clone(); Callback::new(move |_| go(c.clone())) };
                match c {
                    Confirm::SetMain(ip) => view! {
                        <ConfirmDialog title=format!("Make {ip} the main IP of {server}?") confirm_label="Make main" on_confirm=ok on_cancel=cancel>
                            <p>{format!("{main_text} becomes a secondary IP of this server.")}</p>
                            <p>"Networking on the server may need regenerating before it uses the new main IP."</p>
                        </ConfirmDialog>
                    }.into_any(),
                    Confirm::Delete(row) => view! {
                        <ConfirmDialog title=format!("Delete {} from {server}?", row.ip) confirm_label="Delete IP" danger=true on_confirm=ok on_cancel=cancel>
                            <p>{format!("{} goes back to Hostwinds' pool: this server can no longer send mail from it.", row.ip)}</p>
                            <p class="warning">"Update the DNS records for email first: SPF, A/AAAA records and any HELO or MX names that use this IP."</p>
                            {row.rdns.map(|n| view! { <p>"Its reverse DNS name is " <strong class="mono">{n}</strong> "."</p> })}
                            <p>
                                <A href=format!("/servers/{}/remove/{}", serviceid.get_untracked().map(|s| s.to_string()).unwrap_or_default(), row.ip)>
                                    "Use the guided removal instead"
                                </A>
                                " (checks the DNS records first and updates the inventory)."
                            </p>
                        </ConfirmDialog>
                    }.into_any(),
                    Confirm::Rotate => view! {
                        <ConfirmDialog title=format!("Rotate the main IP of {server}?") confirm_label="Rotate main IP" on_confirm=ok on_cancel=cancel>
                            <p>{format!("Hostwinds assigns a new main IP from its pool; {main_text} may be released or turned into a secondary IP.")}</p>
                            <p>"Networking on the server may need regenerating afterwards."</p>
                            <p>"Repeated rotations can hit a cooldown: after about three quick changes Hostwinds still answers success but the IP stops changing for hours."</p>
                            {move || (rotated() > 0).then(|| view! {
                                <p class="warning" role="alert">{format!(
                                    "This server's main IP was rotated {} in the last hour (audit log).",
                                    match rotated() { 1 => "once".to_string(), n => format!("{n} times") }
                                )}</p>
                            })}
                        </ConfirmDialog>
                    }.into_any(),
                    Confirm::Regenerate => view! {
                        <ConfirmDialog title=format!("Regenerate networking on {server}?") confirm_label="Rebuild and reboot" danger=true on_confirm=ok on_cancel=cancel>
                            <p class="warning">"The server will reboot: Hostwinds rebuilds its network configuration and then restarts it, so it is offline for a few minutes."</p>
                            <p>"Do this in a maintenance window."</p>
                        </ConfirmDialog>
                    }.into_any(),
                }
            })}
        }.into_any())}
    }
}

#[component]
fn WatchPanel(watch: RwSignal<Watch>, instance: crate::pages::server::InstanceResource) -> impl IntoView {
    let settings = use_settings();
    let state = move || {
        instance
            .get()
            .and_then(|r| r.ok())
            .map(|i| {
                format!(
                    "status {} \u{b7} vm {} \u{b7} task {}",
                    i.status.unwrap_or_else(|| "unknown".into()),
                    i.vm_state.unwrap_or_else(|| "unknown".into()),
                    i.task_state.unwrap_or_else(|| "none".into())
                )
            })
            .unwrap_or_default()
    };
    let ip_text = |ip: Option<Ip>| ip.map(|i| i.to_string()).unwrap_or_else(|| "(unknown)".into());
    let close = move |_| watch.set(Watch::None);
    move || {
        let w = watch.get();
        let (class, body): (&str, AnyView) = match w {
            Watch::None => return None,
            Watch::MainIp { old, .. } => ("watch running", view! {
                <p><span class="spinner" aria-hidden="true"></span>{format!("Waiting for the new main IP\u{2026} (still {})", ip_text(old))}</p>
                <button type="button" on:click=close>"Stop watching"</button>
            }.into_any()),
            Watch::MainChanged { old, new } => ("watch done", view! {
                <p>{format!("The main IP changed: {} \u{2192} {new}", ip_text(old))}</p>
                <button type="button" on:click=close>"Close"</button>
            }.into_any()),
            Watch::MainNotYet { old, waited_secs } => ("watch late", view! {
                <p>{format!(
                    "The main IP has not changed yet: it is still {} after {waited_secs} s. Hostwinds accepted the request; the change can take longer, or be held back after several quick rotations.",
                    ip_text(old)
                )}</p>
                <button type="button" on:click=move |_| watch.set(Watch::MainIp { old, since_ms: now_ms() })>"Keep watching"</button>
                <button type="button" on:click=close>"Close"</button>
            }.into_any()),
            Watch::Network { .. } => ("watch running", view! {
                <p><span class="spinner" aria-hidden="true"></span>"Regenerating networking; the server reboots\u{2026} "<span class="mono">{state}</span></p>
                <button type="button" on:click=close>"Stop watching"</button>
            }.into_any()),
            Watch::NetworkDone => ("watch done", view! {
                <p>"Networking regenerated: the server is ACTIVE again. "<span class="mono">{state}</span></p>
                <button type="button" on:click=close>"Close"</button>
            }.into_any()),
            Watch::NetworkNotYet => ("watch late", view! {
                <p>{move || format!(
                    "The server has not reported ACTIVE again after {} s ({}). It may still be rebooting.",
                    settings.watch_limit_secs.get(), state()
                )}</p>
                <button type="button" on:click=move |_| watch.set(Watch::Network { since_ms: now_ms(), seen_busy: true })>"Keep watching"</button>
                <button type="button" on:click=close>"Close"</button>
            }.into_any()),
        };
        Some(view! { <div class=format!("message {class}") role="status" aria-live="polite" data-testid="watch">{body}</div> })
    }
}

/// What a row's button does, from its `data-act`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum RowAction {
    Blocklists,
    EditRdns,
    MakeMain,
    Delete,
}

impl RowAction {
    fn parse(s: &str) -> Option<RowAction> {
        match s {
            "blocklists" => Some(RowAction::Blocklists),
            "edit" => Some(RowAction::EditRdns),
            "main" => Some(RowAction::MakeMain),
            "delete" => Some(RowAction::Delete),
            _ => None,
        }
    }
}

/// The action and the row (its position in the table's body) of a click on a row's button;
/// None for a click elsewhere, or on a disabled button (which sends no click anyway).
fn row_action(ev: &web_sys::MouseEvent) -> Option<(RowAction, usize)> {
    use wasm_bindgen::JsCast;
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let button = target.closest("button[data-act]").ok()??;
    if button.has_attribute("disabled") {
        return None;
    }
    let action = RowAction::parse(&button.get_attribute("data-act")?)?;
    let row = button.closest("tr").ok()??.dyn_into::<web_sys::HtmlTableRowElement>().ok()?;
    usize::try_from(row.section_row_index()).ok().map(|i| (action, i))
}

#[component]
fn IpTable(
    serviceid: ServiceId,
    /// The page of rows shown (0-based).
    page: RwSignal<usize>,
    rows: Vec<IpRow>,
    location: Option<String>,
    filtered: bool,
    sort_by: Signal<IpSort>,
    descending: Signal<bool>,
    on_sort: Callback<IpSort>,
    editing: RwSignal<Option<Ip>>,
    /// The IP whose rDNS editor is open, when this render was made.
    editing_now: Option<Ip>,
    draft: RwSignal<String>,
    /// Whether a change is running on the server, when this render was made (the table renders
    /// again when that changes, instead of every row's buttons watching it).
    busy: bool,
    /// Rows per page, one of `settings::ROWS_PER_PAGE`.
    per_page: usize,
    on_per_page: Callback<usize>,
    /// Why the role may not promote or delete, when it may not.
    promote_denied: Option<String>,
    delete_denied: Option<String>,
    main_known: bool,
    on_action: Callback<Confirm>,
    on_blocklists: Callback<Ip>,
    /// The screen's DNS results (badges, PTR names).
    dns: DnsCache,
    on_rdns_saved: Callback<(Ip, String)>,
    /// Re-read the server after a call whose outcome is unknown.
    on_reread: Callback<()>,
) -> impl IntoView {
    if rows.is_empty() {
        let text = match (filtered, location) {
            (true, _) => "No IP matches the search.".to_string(),
            (false, Some(l)) => format!("This server has no IPs in location {l}."),
            (false, None) => "Hostwinds lists no IPs for this server.".into(),
        };
        return view! { <p class="empty">{text}</p> }.into_any();
    }
    let count = rows.len();
    let pages = count.div_ceil(per_page).max(1);
    let current = page.get_untracked().min(pages - 1);
    let (first, last) = (current * per_page, ((current + 1) * per_page).min(count));
    // The rows on this page in the table's order: the buttons' handler finds its row by the
    // position of the clicked one.
    let shown_rows: Vec<IpRow> = rows.into_iter().skip(first).take(per_page).collect();
    // The DNS results of the rows shown: asked for once, kept for the screen.
    let settings = use_settings();
    let named: Vec<(Ip, String)> = shown_rows.iter().filter_map(|r| r.rdns.as_deref().map(|n| (r.ip, n.to_string()))).collect();
    let unnamed: Vec<Ip> = shown_rows.iter().filter(|r| r.rdns_source != Some(RdnsSource::Hostwinds)).map(|r| r.ip).collect();
    Effect::new(move |_| dns.want(settings.endpoint.get_untracked(), named.clone(), unnamed.clone()));
    let body_rows = shown_rows.iter().map(|r| {
        let ip = r.ip;
        let (role, class) = if r.is_main { ("Main", "badge main") } else { ("Secondary", "badge") };
        let rdns_view = {
            let rdns = r.rdns.clone();
            let source = r.rdns_source;
            let cell = move |ptr: Option<String>| -> AnyView {
                match (&rdns, source, ptr) {
                    (Some(n), Some(RdnsSource::Hostwinds), _) => view! { <span class="mono">{n.clone()}</span> }.into_any(),
                    // Set here and not in DNS yet (PTRs take time): the newer name, and what DNS says.
                    (Some(n), Some(RdnsSource::SetHere), Some(p)) if !hostwinds::dns::same_name(n, &p) => view! {
                        <span class="mono">{n.clone()}</span>" "
                        <span class="muted" title="Hostwinds does not report rDNS: this is the last name set through this console">{format!("(set here; the PTR still says {p})")}</span>
                    }.into_any(),
                    (_, _, Some(p)) => view! {
                        <span class="mono">{p}</span>" "
                        <span class="muted" title="Hostwinds does not report rDNS: this is the IP's PTR record, looked up by the proxy">"(PTR)"</span>
                    }.into_any(),
                    (Some(n), Some(RdnsSource::SetHere), None) => view! {
                        <span class="mono">{n.clone()}</span>" "
                        <span class="muted" title="Hostwinds does not report rDNS: this is the last name set through this console">"(set here)"</span>
                    }.into_any(),
                    (Some(n), _, None) => view! { <span class="mono">{n.clone()}</span> }.into_any(),
                    (None, _, None) => view! { <span class="muted" title="Hostwinds sent no rDNS name for this IP, and it has no PTR record">"not known"</span> }.into_any(),
                }
            };
            // Hostwinds' own name needs no PTR, and a PTR found stays until the screen is
            // refreshed or an rDNS is set here (both render the table again): those cells are
            // shown as they are, without a subscription of their own. The others watch for
            // the lookup's answer. A keystroke then makes fewer effects per row.
            match source {
                Some(RdnsSource::Hostwinds) => cell(None),
                _ => match dns.ptrs.with_untracked(|p| p.get(&ip).cloned().flatten()) {
                    Some(found) => cell(Some(found)),
                    None => (move || cell(dns.ptrs.with(|p| p.get(&ip).cloned().flatten()))).into_any(),
                },
            }
        };
        let can_promote = main_known && !r.is_main && !ip.is_v6();
        let can_delete = main_known && !r.is_main;
        view! {
            <tr class:main=r.is_main>
                // The row's text, made once per read: formatting an IPv6 address costs.
                <td class="mono">{r.ip_text.clone()}</td>
                <td><span class=class>{role}</span></td>
                <td>{r.version()}</td>
                <td>
                    {match editing_now == Some(ip) {
                        true => view! {
                            <ToolView tool=Tool::RdnsEditor {
                                serviceid,
                                ip,
                                draft,
                                on_saved: Callback::new(move |(name, _): (String, String)| on_rdns_saved.run((ip, name))),
                                on_cancel: Callback::new(move |_| editing.set(None)),
                                on_reread,
                            }/>
                        }.into_any(),
                        false => rdns_view,
                    }}
                </td>
                <td class="dns-check">
                    {if let Some(name) = r.rdns.clone() {
                        let cell = |check: Option<Check>| match check {
                            None | Some(Check::Pending(_)) => view! { <span class="muted">"\u{2026}"</span> }.into_any(),
                            Some(Check::Failed { message, .. }) => view! { <span class="muted" title=message>"not checked"</span> }.into_any(),
                            Some(Check::Done(c)) => view! { <VerdictBadge check=c/> }.into_any(),
                        };
                        // A verdict for this name, once here, stays until the name changes, an
                        // rDNS is set here or the screen is refreshed, and each renders the
                        // table again: shown as it is, without a subscription of its own. A
                        // row still waiting watches for its answer.
                        match dns.checks.with_untracked(|m| m.get(&ip).filter(|c| c.settled_for(&name)).cloned()) {
                            Some(settled) => cell(Some(settled)),
                            None => (move || cell(dns.checks.with(|m| m.get(&ip).cloned()))).into_any(),
                        }
                    } else {
                        view! { <span class="muted">"\u{2014}"</span> }.into_any()
                    }}
                </td>
                <td class="row-actions">
                    <button type="button" data-act="blocklists" aria-label=format!("Blocklists of {}", r.ip_text)>"Blocklists"</button>
                    <button type="button" data-act="edit" aria-label=format!("Edit rDNS of {}", r.ip_text) disabled={editing_now == Some(ip)}>
                        "Edit rDNS"
                    </button>
                    {can_promote.then(|| {
                        let denied = promote_denied.is_some();
                        view! {
                            <button type="button" data-act="main" aria-label=format!("Make main {}", r.ip_text) title=promote_denied.clone()
                                disabled={denied || busy}>"Make main"</button>
                        }
                    })}
                    {can_delete.then(|| {
                        let denied = delete_denied.is_some();
                        view! {
                            <button type="button" data-act="delete" class="danger-text" aria-label=format!("Delete {}", r.ip_text) title=delete_denied.clone()
                                disabled={denied || busy}>"Delete"</button>
                        }
                    })}
                </td>
            </tr>
        }
    }).collect_view();
    let caption = if pages > 1 {
        format!("IP addresses {}\u{2013}{last} of {count}", first + 1)
    } else {
        format!("{count} IP address{}", if count == 1 { "" } else { "es" })
    };
    let header = move |col: IpSort, label: &'static str| {
        let aria = move || {
            if sort_by.get() != col {
                "none"
            } else if descending.get() {
                "descending"
            } else {
                "ascending"
            }
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="sort" on:click=move |_| on_sort.run(col)>{label}</button>
            </th>
        }
    };
    view! {
        <table class="data ips">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    {header(IpSort::Ip, "IP address")}
                    {header(IpSort::Role, "Role")}
                    <th scope="col">"Version"</th>
                    {header(IpSort::Rdns, "Reverse DNS")}
                    <th scope="col" title="Whether the rDNS name points back at the IP (forward-confirmed reverse DNS)">"rDNS check"</th>
                    <th scope="col">"Actions"</th>
                </tr>
            </thead>
            // One listener for every row's buttons: a keystroke that shows other rows then
            // creates, attaches and later removes no listener per button (four a row).
            <tbody on:click=move |ev| {
                let Some((action, index)) = row_action(&ev) else { return };
                let Some(r) = shown_rows.get(index) else { return };
                match action {
                    RowAction::Blocklists => on_blocklists.run(r.ip),
                    RowAction::EditRdns => {
                        draft.set(r.rdns.as_deref().unwrap_or_default().to_string());
                        editing.set(Some(r.ip));
                    }
                    RowAction::MakeMain => on_action.run(Confirm::SetMain(r.ip)),
                    RowAction::Delete => on_action.run(Confirm::Delete(r.clone())),
                }
            }>
                {body_rows}
            </tbody>
        </table>
        {(count > ROWS_PER_PAGE[0]).then(|| view! {
            <nav class="pager" aria-label="IP pages">
                {(pages > 1).then(|| view! {
                    <button type="button" disabled={current == 0} on:click=move |_| page.set(current.saturating_sub(1))>"Previous"</button>
                    <span>{format!("Page {} of {pages}", current + 1)}</span>
                    <button type="button" disabled={current + 1 >= pages} on:click=move |_| page.set(current + 1)>"Next"</button>
                })}
                <label for="rows-per-page">"Rows per page"</label>
                <select id="rows-per-page" on:change:target=move |ev| {
                    if let Some(n) = crate::state::settings::parse_rows_per_page(&ev.target().value()) { on_per_page.run(n) }
                }>
                    {ROWS_PER_PAGE.map(|n| view! { <option value=n.to_string() selected={n == per_page}>{n.to_string()}</option> })}
                </select>
            </nav>
        })}
    }
    .into_any()
}
