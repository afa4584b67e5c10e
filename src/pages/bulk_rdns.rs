//! Bulk reverse DNS: pick servers and IPs, give a name template, preview every name
//! (validated, duplicates flagged), then set them with a few calls in flight at a time,
//! with progress, stop/resume, per-row results and a summary of what did and did not change.

use crate::net::api::{self, ApiError};
use crate::browser::set_title;
use crate::state::bulk_run::{RowState, Run};
use crate::components::confirm::ConfirmDialog;
use crate::components::message::{ErrorMessage, Loading};
use crate::browser::download::save_file;
use crate::dialogs::rdns::PROPAGATION_NOTE;
use crate::state::rdns_memory::use_rdns_memory;
use crate::state::settings::use_settings;
use hostwinds::{plan, Action as HwAction, Instance, Ip, IpEntry, Planned, RdnsName, ServiceId, Target, PLACEHOLDERS};
use leptos::prelude::*;
use leptos_router::hooks::query_signal_with_options;
use leptos_router::NavigateOptions;
use std::collections::{HashMap, HashSet};

/// set_rdns calls in flight at once: enough to be quick, few enough to stay polite.
pub const CONCURRENCY: usize = 3;
/// IP rows listed for picking at once; the filter narrows them, "select all" takes every match.
const PICK_ROWS: usize = 200;

/// One IP that can be picked.
#[derive(Debug, Clone, PartialEq)]
struct Candidate {
    target: Target,
    server: String,
    is_main: bool,
    rdns: Option<String>,
}

/// One line of the preview: the plan's row and what else stands in its way.
#[derive(Debug, Clone, PartialEq)]
struct Preview {
    planned: Planned,
    server: String,
    current: Option<String>,
    /// Another IP (not in this run) already has the name.
    taken_by: Option<Ip>,
}

impl Preview {
    fn unchanged(&self) -> bool {
        matches!((&self.planned.name, &self.current), (Ok(n), Some(c)) if n.as_str() == c.trim_end_matches('.'))
    }
    fn problem(&self) -> Option<String> {
        match (&self.planned.name, self.planned.duplicate_of, self.taken_by) {
            (Err(e), _, _) => Some(e.clone()),
            (Ok(_), Some(first), _) => Some(format!("Same name as row {}: each IP needs its own name.", first + 1)),
            (Ok(_), None, Some(ip)) => Some(format!("Already the rDNS of {ip}.")),
            _ => None,
        }
    }
}

fn parse_servers(s: &str) -> Vec<ServiceId> {
    let mut seen = HashSet::new();
    s.split(',').filter_map(|p| ServiceId::parse(p).ok()).filter(|s| seen.insert(*s)).collect()
}

#[component]
pub fn BulkRdnsPage() -> impl IntoView {
    set_title("Bulk reverse DNS");
    let settings = use_settings();
    let memory = use_rdns_memory();
    let opts = NavigateOptions { replace: true, scroll: false, ..Default::default() };
    let (servers_q, set_servers_q) = query_signal_with_options::<String>("servers", opts);
    let chosen = Memo::new(move |_| parse_servers(&servers_q.get().unwrap_or_default()));

    let servers = LocalResource::new(move || api::list_servers(settings.endpoint.get()));
    let ips = LocalResource::new(move || {
        let (endpoint, chosen) = (settings.endpoint.get(), chosen.get());
        async move {
            let calls = chosen.into_iter().map(|sid| {
                let endpoint = endpoint.clone();
                async move { (sid, api::server_ips(endpoint, sid, None).await) }
            });
            futures::future::join_all(calls).await
        }
    });

    let selected = RwSignal::new(HashSet::<Target>::new());
    let filter = RwSignal::new(String::new());
    let template = RwSignal::new(String::new());
    let run = RwSignal::new(None::<Run>);
    let active = RwSignal::new(0usize);
    let confirming = RwSignal::new(false);

    let server_names = move || -> HashMap<ServiceId, Instance> {
        servers.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().filter_map(|i| Some((i.serviceid?, i))).collect()
    };
    // Every IP of the chosen servers, in the servers' order then Hostwinds' order.
    let candidates = move || -> Vec<Candidate> {
        let names = server_names();
        let Some(lists) = ips.get() else { return Vec::new() };
        memory.names.with(|remembered| {
            let mut out = Vec::new();
            for (sid, list) in lists.into_iter().filter_map(|(sid, r)| r.ok().map(|l: Vec<IpEntry>| (sid, l))) {
                let inst = names.get(&sid);
                let server = inst.map(|i| i.display_name()).unwrap_or_else(|| format!("Server {sid}"));
                let main = inst.and_then(|i| i.main_ip);
                out.extend(list.into_iter().map(|e| Candidate {
                    target: Target { serviceid: sid, ip: e.ip },
                    server: server.clone(),
                    is_main: main == Some(e.ip),
                    rdns: e.rdns.or_else(|| remembered.get(&e.ip.to_string()).cloned()),
                }));
            }
            out
        })
    };
    let preview = Memo::new(move |_| {
        let all = candidates();
        let chosen: Vec<&Candidate> = selected.with(|s| all.iter().filter(|c| s.contains(&c.target)).collect());
        let targets: Vec<Target> = chosen.iter().map(|c| c.target).collect();
        let in_run: HashSet<Target> = targets.iter().copied().collect();
        let taken: HashMap<String, Ip> = all
            .iter()
            .filter(|c| !in_run.contains(&c.target))
            .filter_map(|c| c.rdns.as_ref().map(|n| (n.trim_end_matches('.').to_ascii_lowercase(), c.target.ip)))
            .collect();
        plan(&template.get(), &targets)
            .into_iter()
            .zip(chosen)
            .map(|(p, c)| {
                let taken_by = p.name.as_ref().ok().and_then(|n| taken.get(n.as_str()).copied());
                Preview { planned: p, server: c.server.clone(), current: c.rdns.clone(), taken_by }
            })
            .collect::<Vec<_>>()
    });
    let to_send = move || preview.with(|p| p.iter().filter(|r| r.problem().is_none() && !r.unchanged()).count());
    let blocked = move || preview.with(|p| p.iter().any(|r| r.problem().is_some()));
    let running = move || run.with(|r| r.as_ref().is_some_and(|r| !r.finished()));

    let spawn_workers = move || {
        let endpoint = settings.endpoint.get_untracked();
        let want = CONCURRENCY.saturating_sub(active.get_untracked());
        for _ in 0..want {
            active.update(|a| *a += 1);
            let endpoint = endpoint.clone();
            leptos::task::spawn_local(async move {
                loop {
                    // `try_`: the page may have been left; the run then ends quietly.
                    let Some(Some(i)) = run.try_update(|r| r.as_mut().and_then(Run::take_next)) else { break };
                    let Some(Some((target, name))) =
                        run.try_with_untracked(|r| r.as_ref().map(|r| (r.rows[i].target, r.rows[i].name.clone())))
                    else {
                        break;
                    };
                    let action = HwAction::SetRdns { serviceid: target.serviceid, ip: target.ip, rdns: name.clone() };
                    let state = match api::call(&endpoint, &action).await {
                        Ok(o) if o.ok => {
                            memory.remember(&target.ip.to_string(), name.as_str());
                            RowState::Changed(o.message)
                        }
                        Ok(o) => RowState::Failed(ApiError::from(o).message),
                        Err(e) => RowState::Unknown(e.message),
                    };
                    if run.try_update(|r| if let Some(r) = r.as_mut() { r.finish(i, state) }).is_none() {
                        break;
                    }
                }
                let _ = active.try_update(|a| *a = a.saturating_sub(1));
                if active.try_get_untracked() == Some(0) && run.try_with_untracked(|r| r.as_ref().is_some_and(Run::finished)) == Some(true) {
                    ips.refetch();
                }
            });
        }
    };
    let start = move || {
        confirming.set(false);
        let rows: Vec<(Target, RdnsName, Option<String>)> = preview.with_untracked(|p| {
            p.iter()
                .filter(|r| r.problem().is_none() && !r.unchanged())
                .filter_map(|r| r.planned.name.clone().ok().map(|n| (r.planned.target, n, r.current.clone())))
                .collect()
        });
        if rows.is_empty() {
            return;
        }
        run.set(Some(Run::new(rows)));
        spawn_workers();
    };

    let toggle_server = move |sid: ServiceId, on: bool| {
        let mut list = chosen.get_untracked();
        list.retain(|s| *s != sid);
        if on {
            list.push(sid);
        } else {
            selected.update(|s| s.retain(|t| t.serviceid != sid));
        }
        let v = list.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(",");
        set_servers_q.set((!v.is_empty()).then_some(v));
    };
    let matching = move || -> Vec<Candidate> {
        let f = filter.get().trim().to_ascii_lowercase();
        candidates()
            .into_iter()
            .filter(|c| {
                f.is_empty()
                    || c.target.ip.to_string().contains(&f)
                    || c.rdns.as_deref().is_some_and(|n| n.to_ascii_lowercase().contains(&f))
                    || c.server.to_ascii_lowercase().contains(&f)
            })
            .collect()
    };
    let locked = move || run.with(|r| r.is_some());

    view! {
        <h1>"Bulk reverse DNS"</h1>
        <p class="muted">"Set the rDNS of many IPs, on one server or several, from one name template."</p>

        <section aria-labelledby="bulk-servers">
            <h2 id="bulk-servers">"1. Servers"</h2>
            <Transition fallback=|| view! { <Loading label="Loading servers\u{2026}"/> }>
                {move || servers.get().map(|r| match r {
                    Err(e) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| servers.refetch())/> }.into_any(),
                    Ok(list) => view! {
                        <fieldset class="server-picks" disabled=locked>
                            <legend class="visually-hidden">"Servers to take IPs from"</legend>
                            {list.into_iter().filter_map(|i| {
                                let sid = i.serviceid?;
                                let on = move || chosen.get().contains(&sid);
                                Some(view! {
                                    <label class="check">
                                        <input type="checkbox" prop:checked=on on:change:target=move |ev| toggle_server(sid, ev.target().checked())/>
                                        {format!("{} ({sid})", i.display_name())}
                                    </label>
                                })
                            }).collect_view()}
                        </fieldset>
                    }.into_any(),
                })}
            </Transition>
        </section>

        <section aria-labelledby="bulk-ips">
            <h2 id="bulk-ips">"2. IPs"</h2>
            <Transition fallback=|| view! { <Loading label="Loading IPs\u{2026}"/> }>
                {move || {
                    let lists = ips.get()?;
                    if lists.is_empty() {
                        return Some(view! { <p class="empty">"Choose one or more servers above."</p> }.into_any());
                    }
                    let failures: Vec<String> = lists.iter().filter_map(|(sid, r)| r.as_ref().err().map(|e| format!("Server {sid}: {}", e.message))).collect();
                    let rows = matching();
                    let total = rows.len();
                    let all_targets: Vec<Target> = rows.iter().map(|c| c.target).collect();
                    let none_targets = all_targets.clone();
                    Some(view! {
                        {failures.into_iter().map(|m| view! { <ErrorMessage message=m on_retry=Callback::new(move |_| ips.refetch())/> }).collect_view()}
                        <div class="toolbar">
                            <label for="bulk-filter">"Filter"</label>
                            <input id="bulk-filter" type="search" placeholder="IP, rDNS or server" autocomplete="off"
                                prop:value=move || filter.get() on:input:target=move |ev| filter.set(ev.target().value())/>
                            <button type="button" disabled=locked on:click=move |_| selected.update(|s| s.extend(all_targets.iter().copied()))>
                                {format!("Select all {total} shown")}
                            </button>
                            <button type="button" disabled=locked on:click=move |_| selected.update(|s| for t in &none_targets { s.remove(t); })>"Select none"</button>
                            <span data-testid="bulk-selected">{move || format!("{} selected", selected.with(|s| s.len()))}</span>
                        </div>
                        <table class="data picks">
                            <caption class="visually-hidden">"IPs to name"</caption>
                            <thead><tr><th scope="col">"Pick"</th><th scope="col">"Server"</th><th scope="col">"IP address"</th><th scope="col">"Current rDNS"</th></tr></thead>
                            <tbody>
                                {rows.into_iter().take(PICK_ROWS).map(|c| {
                                    let t = c.target;
                                    let on = move || selected.with(|s| s.contains(&t));
                                    view! {
                                        <tr>
                                            <td><input type="checkbox" aria-label=format!("Pick {}", t.ip) disabled=locked prop:checked=on
                                                on:change:target=move |ev| { let on = ev.target().checked(); selected.update(|s| { if on { s.insert(t); } else { s.remove(&t); } }); }/></td>
                                            <td>{c.server.clone()}</td>
                                            <td class="mono">{t.ip.to_string()}{c.is_main.then(|| view! { " "<span class="badge main">"Main"</span> })}</td>
                                            <td class="mono">{c.rdns.clone().unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        {(total > PICK_ROWS).then(|| view! { <p class="muted">{format!("{} more IPs match: narrow the filter, or use \u{201c}Select all\u{201d}.", total - PICK_ROWS)}</p> })}
                    }.into_any())
                }}
            </Transition>
        </section>

        <section aria-labelledby="bulk-names">
            <h2 id="bulk-names">"3. Names"</h2>
            <div class="field">
                <label for="bulk-template">"Name template"</label>
                <input id="bulk-template" type="text" class="wide" placeholder="mail{n}.example.com" autocomplete="off" spellcheck="false"
                    aria-describedby="bulk-template-help" disabled=locked
                    prop:value=move || template.get() on:input:target=move |ev| template.set(ev.target().value())/>
                <ul id="bulk-template-help" class="help">
                    {PLACEHOLDERS.iter().map(|(p, what)| view! { <li><code>{*p}</code>" \u{2014} "{*what}</li> }).collect_view()}
                </ul>
            </div>
            {move || {
                let rows = preview.get();
                if rows.is_empty() {
                    return view! { <p class="empty">"Pick IPs above to see their new names."</p> }.into_any();
                }
                view! {
                    <table class="data preview" data-testid="bulk-preview">
                        <caption>{format!("{} names", rows.len())}</caption>
                        <thead><tr><th scope="col">"#"</th><th scope="col">"Server"</th><th scope="col">"IP address"</th><th scope="col">"Now"</th><th scope="col">"New name"</th><th scope="col">"Check"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().enumerate().map(|(i, r)| {
                                let problem = r.problem();
                                let check = match (&problem, r.unchanged()) {
                                    (Some(p), _) => view! { <span class="field-error">{p.clone()}</span> }.into_any(),
                                    (None, true) => view! { <span class="muted">"Already set: skipped"</span> }.into_any(),
                                    (None, false) => view! { <span class="badge good">"OK"</span> }.into_any(),
                                };
                                view! {
                                    <tr class:conflict=problem.is_some()>
                                        <td class="num">{i + 1}</td>
                                        <td>{r.server.clone()}</td>
                                        <td class="mono">{r.planned.target.ip.to_string()}</td>
                                        <td class="mono">{r.current.clone().unwrap_or_default()}</td>
                                        <td class="mono">{r.planned.name.as_ref().map(|n| n.to_string()).unwrap_or_default()}</td>
                                        <td>{check}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            }}
            <div class="buttons">
                <button type="button" class="primary" disabled=move || { locked() || blocked() || to_send() == 0 } on:click=move |_| confirming.set(true)>
                    {move || format!("Set rDNS on {} IPs", to_send())}
                </button>
                {move || (blocked() && !locked()).then(|| view! { <span class="field-error">"Fix the rows marked above first."</span> })}
            </div>
        </section>

        {move || run.with(|r| r.is_some()).then(|| view! { <RunPanel run running=Signal::derive(running) active
            on_stop=Callback::new(move |_| run.update(|r| if let Some(r) = r.as_mut() { r.stopped = true }))
            on_resume=Callback::new(move |_| { run.update(|r| if let Some(r) = r.as_mut() { r.stopped = false }); spawn_workers(); })
            on_retry=Callback::new(move |_| { run.update(|r| if let Some(r) = r.as_mut() { r.retry_failed(); }); spawn_workers(); })
            on_clear=Callback::new(move |_| { run.set(None); selected.set(HashSet::new()); })
        /> })}

        {move || confirming.get().then(|| {
            let n = to_send();
            let servers = preview.with_untracked(|p| p.iter().map(|r| r.planned.target.serviceid).collect::<HashSet<_>>().len());
            view! {
                <ConfirmDialog
                    title=format!("Set the rDNS of {n} IPs on {servers} server{}?", if servers == 1 { "" } else { "s" })
                    confirm_label="Set rDNS"
                    on_confirm=Callback::new(move |_| start())
                    on_cancel=Callback::new(move |_| confirming.set(false))
                >
                    <p>{format!("{CONCURRENCY} changes run at a time; you can stop the run and resume it.")}</p>
                    <NamesCheck names=preview.with_untracked(|p| p.iter()
                        .filter(|r| r.problem().is_none() && !r.unchanged())
                        .filter_map(|r| r.planned.name.as_ref().ok().map(|n| (r.planned.target.ip, n.to_string())))
                        .collect())/>
                    <p>{PROPAGATION_NOTE}</p>
                </ConfirmDialog>
            }
        })}
    }
}

/// Before the run: whether each new name points at its IP (the forward half of a
/// forward-confirmed rDNS), so names mail servers will not confirm are known first.
#[component]
fn NamesCheck(names: Vec<(Ip, String)>) -> impl IntoView {
    let settings = use_settings();
    let total = names.len();
    let checks = LocalResource::new(move || {
        let (endpoint, names) = (settings.endpoint.get(), names.clone());
        async move {
            let mut out = Vec::with_capacity(names.len());
            for chunk in names.chunks(crate::net::api::MAX_CHECKS) {
                out.extend(api::dns_checks(endpoint.clone(), chunk.to_vec()).await?);
            }
            Ok::<_, ApiError>(out)
        }
    });
    view! {
        <div data-testid="bulk-dns">
            {move || match checks.get() {
                None => view! { <p class="muted" role="status">"Checking the new names in DNS\u{2026}"</p> }.into_any(),
                Some(Err(e)) => view! { <p class="muted">{format!("The names could not be checked in DNS: {}", e.message)}</p> }.into_any(),
                Some(Ok(list)) => {
                    let unconfirmed: Vec<String> = list.iter().filter(|c| !c.verdict.forward_ok())
                        .map(|c| format!("{} \u{2192} {}: {}", c.ip, c.name, c.verdict.label())).collect();
                    if unconfirmed.is_empty() {
                        view! { <p class="field-ok" role="status">{format!("All {total} names point at their IPs.")}</p> }.into_any()
                    } else {
                        view! {
                            <div class="warning" role="status">
                                <p>{format!("{} of {total} names do not point at their IPs: mail servers will treat that rDNS as unconfirmed until their A/AAAA records do. You can still set them.", unconfirmed.len())}</p>
                                <ul>{unconfirmed.into_iter().take(20).map(|t| view! { <li class="mono">{t}</li> }).collect_view()}</ul>
                            </div>
                        }.into_any()
                    }
                }
            }}
        </div>
    }
}

#[component]
fn RunPanel(
    run: RwSignal<Option<Run>>,
    running: Signal<bool>,
    active: RwSignal<usize>,
    on_stop: Callback<()>,
    on_resume: Callback<()>,
    on_retry: Callback<()>,
    on_clear: Callback<()>,
) -> impl IntoView {
    let toaster = crate::components::toast::use_toaster();
    let counts = move || run.with(|r| r.as_ref().map(Run::counts).unwrap_or_default());
    let stopped = move || run.with(|r| r.as_ref().is_some_and(|r| r.stopped));
    let download = move |_| {
        let Some(csv) = run.with_untracked(|r| r.as_ref().map(Run::csv)) else { return };
        if let Err(e) = save_file("bulk-rdns-results.csv", "text/csv;charset=utf-8", &csv) {
            toaster.show(false, "Download failed", e, None);
        }
    };
    view! {
        <section class="panel" aria-labelledby="bulk-run" data-testid="bulk-run">
            <h2 id="bulk-run">"Progress"</h2>
            <progress max=move || counts().total() value=move || counts().done() aria-label="Bulk rDNS progress"></progress>
            <p role="status" aria-live="polite" data-testid="bulk-summary">
                {move || {
                    let c = counts();
                    let state = if running.get() && stopped() {
                        "Stopping: the changes already sent finish\u{2026} "
                    } else if running.get() {
                        "Running\u{2026} "
                    } else if stopped() && c.waiting > 0 {
                        "Stopped. "
                    } else {
                        "Finished. "
                    };
                    format!("{state}{}", run.with(|r| r.as_ref().map(Run::summary).unwrap_or_default()))
                }}
            </p>
            <div class="buttons">
                {move || if running.get() && !stopped() {
                    view! { <button type="button" on:click=move |_| on_stop.run(())>"Stop"</button> }.into_any()
                } else if stopped() && counts().waiting > 0 {
                    view! { <button type="button" class="primary" disabled=move || { active.get() > 0 } on:click=move |_| on_resume.run(())>"Resume"</button> }.into_any()
                } else {
                    ().into_any()
                }}
                {move || (!running.get() && counts().failed > 0).then(|| view! {
                    <button type="button" on:click=move |_| on_retry.run(())>{format!("Retry the {} failed", counts().failed)}</button>
                })}
                <button type="button" on:click=download>"Download results (CSV)"</button>
                {move || (!running.get()).then(|| view! { <button type="button" on:click=move |_| on_clear.run(())>"New run"</button> })}
            </div>
            <table class="data results">
                <caption class="visually-hidden">"Results per IP"</caption>
                <thead><tr><th scope="col">"IP address"</th><th scope="col">"Name"</th><th scope="col">"Result"</th></tr></thead>
                <tbody>
                    {move || run.with(|r| r.as_ref().map(|r| r.rows.iter().map(|row| {
                        let (label, class, message) = match &row.state {
                            RowState::Waiting => ("Not sent", "badge", String::new()),
                            RowState::Running => ("Sending\u{2026}", "badge", String::new()),
                            RowState::Changed(m) => ("Changed", "badge good", m.clone()),
                            RowState::Failed(m) => ("Failed", "badge bad", m.clone()),
                            RowState::Unknown(m) => ("Unknown", "badge warn", m.clone()),
                        };
                        view! {
                            <tr data-ip=row.target.ip.to_string()>
                                <td class="mono">{row.target.ip.to_string()}</td>
                                <td class="mono">{row.name.to_string()}</td>
                                <td><span class=class>{label}</span>" "<span class="text">{message}</span></td>
                            </tr>
                        }
                    }).collect_view()))}
                </tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::parse_servers;

    #[test]
    fn server_lists_in_the_url_skip_bad_ids() {
        let s = parse_servers("20001,x,20002,,20001");
        assert_eq!(s.iter().map(|s| s.get()).collect::<Vec<_>>(), [20001, 20002]);
    }
}
