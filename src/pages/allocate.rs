//! The IP allocation workflow, after an IP was added in the Hostwinds portal: find the new IP,
//! set its rDNS, check it, make sure the firewall opens SMTP, record it as warming. Progress
//! is saved per server, so the workflow can be left and resumed.

use crate::net::actions::{Done, Runner};
use crate::net::api;
use crate::browser::set_title;
use crate::components::confirm::ConfirmDialog;
use crate::components::steps::StepList;
use crate::components::dns::VerdictNote;
use crate::components::message::{ErrorMessage, Loading};
use crate::dialogs::rdns::RdnsEditor;
use crate::pages::server::{server_name, use_server, ServerFrame};
use crate::state::session::use_session;
use crate::state::settings::use_settings;
use crate::browser::time::now_ms;
use crate::state::workflow::{self, mail_profiles, new_ips, StepLog};
use hostwinds::dns::Verdict;
use hostwinds::{Action as HwAction, ActionName, Ip, IpStatus, ProfileName, RdnsName, ServiceId};
use leptos::prelude::*;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

const STEPS: [&str; 5] = [
    "Find the new IP",
    "Set its reverse DNS",
    "Check the rDNS is forward-confirmed",
    "Open the SMTP ports in the firewall",
    "Record it in the inventory as warming",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Progress {
    step: usize,
    ip: Option<String>,
    name: String,
    log: Vec<StepLog>,
}

fn key(sid: ServiceId) -> String {
    format!("hostwinds.workflow.allocate.{sid}")
}

#[component]
pub fn AllocatePage() -> impl IntoView {
    let (serviceid, instance) = use_server();
    let name = Signal::derive(move || server_name(serviceid, instance));
    Effect::new(move |_| set_title(&format!("New IP on {}", name.get())));
    view! {
        <ServerFrame serviceid instance/>
        {move || match serviceid.get() {
            Ok(sid) => view! { <Allocation serviceid=sid/> }.into_any(),
            Err(message) => view! { <ErrorMessage message/> }.into_any(),
        }}
    }
}

#[component]
fn Allocation(serviceid: ServiceId) -> impl IntoView {
    let settings = use_settings();
    let session = use_session();
    let runner = Runner::from_context();
    let progress = RwSignal::new(workflow::load::<Progress>(&key(serviceid)).unwrap_or_default());
    Effect::new(move |_| progress.with(|p| workflow::save(&key(serviceid), p)));
    let step = move || progress.with(|p| p.step);
    let ip = move || progress.with(|p| p.ip.as_deref().and_then(|i| Ip::parse(i).ok()));
    let advance = move |ok: bool, message: String| {
        progress.update(|p| {
            workflow::log(&mut p.log, p.step, ok, message);
            p.step += 1;
        })
    };

    // Step 1: the IPs the inventory did not know (read before the list, which feeds it).
    let find = Action::new_local(move |_: &()| {
        let endpoint = settings.endpoint.get_untracked();
        async move {
            let inventory = api::inventory(endpoint.clone()).await.map_err(|e| e.message)?;
            let server = api::get_server(endpoint.clone(), serviceid).await.map_err(|e| e.message)?;
            let list = api::server_ips(endpoint, serviceid, None).await.map_err(|e| e.message)?;
            let fresh = new_ips(serviceid, &list, server.main_ip, &inventory, now_ms());
            let others: Vec<Ip> = list.iter().map(|e| e.ip).filter(|i| Some(*i) != server.main_ip && !fresh.contains(i)).collect();
            Ok::<_, String>((fresh, others))
        }
    });
    let picked = RwSignal::new(None::<Ip>);

    // Step 3: the check, asked again on demand.
    let recheck = RwSignal::new(0u32);
    let check = LocalResource::new(move || {
        let (endpoint, at, _) = (settings.endpoint.get(), step(), recheck.get());
        let target = ip().zip(RdnsName::parse(&progress.with_untracked(|p| p.name.clone())).ok());
        async move {
            match (at, target) {
                (2, Some((ip, name))) => Some(api::dns_check(endpoint, ip, name, true).await),
                _ => None,
            }
        }
    });

    // Step 4: the firewall profile and the mail profiles to switch to.
    let firewall = LocalResource::new(move || {
        let (endpoint, at) = (settings.endpoint.get(), step());
        async move {
            if at != 3 {
                return None;
            }
            let current = api::firewall_profile(endpoint.clone(), serviceid).await.map(|(p, _)| p);
            let all = api::firewall_profiles(endpoint).await.unwrap_or_default();
            Some(current.map(|c| (c, mail_profiles(&all))))
        }
    });
    let switch_to = RwSignal::new(None::<String>);
    let switch = Action::new_local(move |profile: &String| {
        let (endpoint, profile) = (settings.endpoint.get_untracked(), profile.clone());
        async move {
            let Ok(name) = ProfileName::parse(&profile) else { return };
            let action = HwAction::SetInstanceFirewall { serviceid, name };
            if let Done::Ok(o) = runner.run(endpoint, action, format!("Firewall profile switched to {profile}"), None).await {
                advance(true, format!("Switched the firewall profile to {profile}: {}", o.message));
            }
        }
    });

    // Step 5.
    let record = Action::new_local(move |_: &()| {
        let endpoint = settings.endpoint.get_untracked();
        let ip = ip();
        async move {
            let Some(ip) = ip else { return };
            match api::set_inventory_status(endpoint, serviceid, ip, IpStatus::Warming).await {
                Ok(message) => advance(true, message),
                Err(e) => runner.toaster.show(false, "The inventory was not changed", e.message, None),
            }
        }
    });

    let draft = RwSignal::new(progress.with_untracked(|p| p.name.clone()));
    let restart = move |_| {
        workflow::clear(&key(serviceid));
        progress.set(Progress::default());
        picked.set(None);
        draft.set(String::new());
    };

    let current_body = move |at: usize| -> AnyView {
        match at {
            0 => view! {
                <div class="step-body">
                    <p>"Add the IP to this server in the Hostwinds portal first. Then look for it here: the console compares the server's IPs with the inventory of IPs it has seen."</p>
                    <button type="button" class="primary" disabled=move || find.pending().get() on:click=move |_| { find.dispatch(()); }>
                        {move || if find.pending().get() { "Looking\u{2026}" } else { "Find the new IP" }}
                    </button>
                    {move || find.value().get().map(|r| match r {
                        Err(message) => view! { <ErrorMessage message/> }.into_any(),
                        Ok((fresh, others)) => {
                            if picked.get_untracked().is_none() {
                                picked.set(fresh.first().copied());
                            }
                            let found = if fresh.is_empty() {
                                view! { <p class="warning" role="status">"No new IP found on this server yet. Add it in the portal and look again, or pick one of its IPs below."</p> }.into_any()
                            } else {
                                view! { <p role="status">{format!("New IP{} found: {}", if fresh.len() == 1 { "" } else { "s" }, fresh.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", "))}</p> }.into_any()
                            };
                            let radio = move |ip: Ip, label: String| view! {
                                <label class="check">
                                    <input type="radio" name="new-ip" prop:checked=move || picked.get() == Some(ip) on:change=move |_| picked.set(Some(ip))/>
                                    <span class="mono">{label}</span>
                                </label>
                            };
                            view! {
                                {found}
                                <fieldset class="server-picks">
                                    <legend>"The IP to set up"</legend>
                                    {fresh.into_iter().map(|ip| radio(ip, format!("{ip} (new)"))).collect_view()}
                                    {others.into_iter().map(|ip| radio(ip, ip.to_string())).collect_view()}
                                </fieldset>
                                <button type="button" disabled=move || picked.get().is_none() on:click=move |_| {
                                    if let Some(ip) = picked.get_untracked() {
                                        progress.update(|p| p.ip = Some(ip.to_string()));
                                        advance(true, format!("Setting up {ip}."));
                                    }
                                }>"Use this IP"</button>
                            }.into_any()
                        }
                    })}
                </div>
            }.into_any(),
            1 => match ip() {
                None => view! { <p class="field-error">"No IP chosen."</p> }.into_any(),
                Some(ip) => view! {
                    <div class="step-body">
                        <p>{format!("The name mail servers will see for {ip}; it should match the server's HELO/EHLO name.")}</p>
                        <RdnsEditor
                            serviceid
                            ip
                            draft
                            on_saved=Callback::new(move |(name, message): (String, String)| {
                                progress.update(|p| p.name = name.clone());
                                advance(true, format!("rDNS of {ip} set to {name}: {message}"));
                            })
                            on_cancel=Callback::new(move |_| draft.set(String::new()))
                            on_reread=Callback::new(move |_| {})
                        />
                    </div>
                }.into_any(),
            },
            2 => view! {
                <div class="step-body">
                    {move || match check.get().flatten() {
                        None => view! { <Loading label="Checking DNS\u{2026}"/> }.into_any(),
                        Some(Err(e)) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| recheck.update(|n| *n += 1))/> }.into_any(),
                        Some(Ok(c)) => {
                            let confirmed = c.verdict == Verdict::Confirmed;
                            let message = c.message.clone();
                            view! {
                                <VerdictNote check=c/>
                                <div class="buttons">
                                    <button type="button" on:click=move |_| recheck.update(|n| *n += 1)>"Check again"</button>
                                    {if confirmed {
                                        view! { <button type="button" class="primary" on:click=move |_| advance(true, message.clone())>"Continue"</button> }.into_any()
                                    } else {
                                        view! { <button type="button" on:click=move |_| advance(false, format!("Continued unconfirmed: {message}"))>"Continue unconfirmed"</button> }.into_any()
                                    }}
                                </div>
                            }.into_any()
                        }
                    }}
                </div>
            }.into_any(),
            3 => view! {
                <div class="step-body">
                    {move || match firewall.get().flatten() {
                        None => view! { <Loading label="Reading the firewall profile\u{2026}"/> }.into_any(),
                        Some(Err(e)) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| firewall.refetch())/> }.into_any(),
                        Some(Ok((current, _))) if current.opens_tcp_port(25) => {
                            let text = format!("The firewall profile {} opens SMTP port 25.", current.name);
                            let logged = text.clone();
                            view! {
                                <p class="field-ok" role="status">{text}</p>
                                <button type="button" class="primary" on:click=move |_| advance(true, logged.clone())>"Continue"</button>
                            }.into_any()
                        }
                        Some(Ok((current, mail))) => {
                            let denied = session.why_not(ActionName::SetInstanceFirewall);
                            let skip_text = format!("Left the firewall profile {} (SMTP closed) for an admin to switch.", current.name);
                            view! {
                                <p class="warning" role="status">{format!("The firewall profile {} does not open SMTP port 25: mail from this server will not get out.", current.name)}</p>
                                {if mail.is_empty() {
                                    view! { <p>"No firewall profile on this account opens port 25: create one in the Hostwinds portal."</p> }.into_any()
                                } else {
                                    let denied = denied.clone();
                                    mail.into_iter().map(|p| {
                                        let pname = p.name.clone();
                                        let title = denied.clone();
                                        let disabled = denied.is_some();
                                        view! {
                                            <button type="button" title=title disabled=move || disabled || switch.pending().get()
                                                on:click=move |_| switch_to.set(Some(pname.clone()))>{format!("Switch to {}", p.name)}</button>" "
                                        }
                                    }).collect_view().into_any()
                                }}
                                <button type="button" on:click=move |_| advance(false, skip_text.clone())>"Continue without switching"</button>
                                {denied.map(|d| view! { <p class="muted">{d}</p> })}
                            }.into_any()
                        }
                    }}
                </div>
            }.into_any(),
            4 => view! {
                <div class="step-body">
                    <p>"New IPs start as warming: send little from them at first and raise the volume as their reputation builds."</p>
                    <button type="button" class="primary" disabled=move || record.pending().get() on:click=move |_| { record.dispatch(()); }>
                        {move || if record.pending().get() { "Recording\u{2026}" } else { "Record as warming" }}
                    </button>
                </div>
            }.into_any(),
            _ => ().into_any(),
        }
    };

    view! {
        <section aria-labelledby="wf-heading" data-testid="allocate-workflow">
            <h2 id="wf-heading">{move || match ip() { Some(ip) => format!("New IP: {ip}"), None => "New IP".to_string() }}</h2>
            <StepList titles=&STEPS step=Signal::derive(step) log=Signal::derive(move || progress.with(|p| p.log.clone())) body=current_body/>
            {move || (step() >= STEPS.len()).then(|| view! {
                <div class="message ok" role="status" data-testid="workflow-done">
                    <p class="text">{move || format!("{} is set up and recorded as warming.", ip().map(|i| i.to_string()).unwrap_or_default())}</p>
                    <A href=format!("/servers/{serviceid}")>"Back to the IPs"</A>
                </div>
            })}
            <div class="buttons">
                <button type="button" on:click=restart>"Start over"</button>
                <A href="/inventory">"Inventory"</A>
            </div>
        </section>
        {move || switch_to.get().map(|p| {
            let label = p.clone();
            view! {
                <ConfirmDialog title=format!("Switch the firewall profile to {label}?") confirm_label="Switch profile"
                    on_confirm=Callback::new(move |_| { switch_to.set(None); switch.dispatch(p.clone()); })
                    on_cancel=Callback::new(move |_| switch_to.set(None))>
                    <p>"The server's inbound rules change at once to the new profile's. Check that it still opens every port the server needs (SSH, HTTP)."</p>
                </ConfirmDialog>
            }
        })}
    }
}
