//! The IP removal workflow: make sure the IP is not main (promote another first), see its
//! rDNS and the DNS records to remove (checked until the name no longer points at it, or the
//! user confirms they handled it), delete it, mark it removed in the inventory, and reconcile
//! billing. Progress is saved per server and IP, so it can be left and resumed.

use crate::net::actions::{Done, Runner};
use crate::net::api;
use crate::browser::set_title;
use crate::components::confirm::ConfirmDialog;
use crate::components::steps::StepList;
use crate::components::dns::VerdictNote;
use crate::components::message::{ErrorMessage, Loading};
use crate::pages::server::{server_name, use_server, InstanceResource, ServerFrame};
use crate::state::rdns_memory::use_rdns_memory;
use crate::state::session::use_session;
use crate::state::settings::use_settings;
use crate::state::workflow::{self, StepLog};
use hostwinds::{Action as HwAction, ActionName, Ip, IpStatus, RdnsName, ServiceId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

const STEPS: [&str; 5] = [
    "Make sure it is not the main IP",
    "Remove the DNS records that use it",
    "Delete the IP",
    "Mark it removed in the inventory",
    "Reconcile billing",
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Progress {
    step: usize,
    log: Vec<StepLog>,
}

fn key(sid: ServiceId, ip: Ip) -> String {
    format!("hostwinds.workflow.remove.{sid}.{ip}")
}

#[component]
pub fn RemovePage() -> impl IntoView {
    let (serviceid, instance) = use_server();
    let params = use_params_map();
    let ip = Memo::new(move |_| Ip::parse(&params.read().get("ip").unwrap_or_default()).map_err(|e| e.0));
    let name = Signal::derive(move || server_name(serviceid, instance));
    Effect::new(move |_| set_title(&format!("Remove an IP from {}", name.get())));
    view! {
        <ServerFrame serviceid instance/>
        {move || match (serviceid.get(), ip.get()) {
            (Ok(sid), Ok(ip)) => view! { <Removal serviceid=sid ip instance/> }.into_any(),
            (Err(message), _) | (_, Err(message)) => view! { <ErrorMessage message/> }.into_any(),
        }}
    }
}

#[component]
fn Removal(serviceid: ServiceId, ip: Ip, instance: InstanceResource) -> impl IntoView {
    let settings = use_settings();
    let session = use_session();
    let memory = use_rdns_memory();
    let runner = Runner::from_context();
    let progress = RwSignal::new(workflow::load::<Progress>(&key(serviceid, ip)).unwrap_or_default());
    Effect::new(move |_| progress.with(|p| workflow::save(&key(serviceid, ip), p)));
    let step = move || progress.with(|p| p.step);
    let advance = move |ok: bool, message: String| {
        progress.update(|p| {
            workflow::log(&mut p.log, p.step, ok, message);
            p.step += 1;
        })
    };

    let ips = LocalResource::new(move || api::server_ips(settings.endpoint.get(), serviceid, None));
    let main = move || instance.get().and_then(|r| r.ok()).and_then(|i| i.main_ip);
    let rdns = move || -> Option<String> {
        let listed = ips.get().and_then(|r| r.ok()).and_then(|l| l.into_iter().find(|e| e.ip == ip)).and_then(|e| e.rdns);
        listed.or_else(|| memory.names.with(|m| m.get(&ip.to_string()).cloned()))
    };
    let on_server = move || ips.get().and_then(|r| r.ok()).map(|l| l.iter().any(|e| e.ip == ip));

    // Step 1: promote another IP first when this one is main.
    let promote_to = RwSignal::new(None::<Ip>);
    let promote = Action::new_local(move |new_main: &Ip| {
        let (endpoint, new_main) = (settings.endpoint.get_untracked(), *new_main);
        async move {
            let action = HwAction::SetMainIp { serviceid, ip: new_main };
            runner.run(endpoint, action, format!("{new_main} is now the main IP"), None).await;
            instance.refetch();
        }
    });

    // Step 2: does the rDNS name still point at the IP?
    let recheck = RwSignal::new(0u32);
    let handled = RwSignal::new(false);
    let check = LocalResource::new(move || {
        let (endpoint, at, _) = (settings.endpoint.get(), step(), recheck.get());
        let name = rdns().and_then(|n| RdnsName::parse(&n).ok());
        async move {
            match (at, name) {
                (1, Some(n)) => Some(api::dns_check(endpoint, ip, n, true).await),
                _ => None,
            }
        }
    });

    // Step 3.
    let confirming = RwSignal::new(false);
    let delete = Action::new_local(move |_: &()| {
        let endpoint = settings.endpoint.get_untracked();
        async move {
            let done = runner.run(endpoint, HwAction::DeleteIp { serviceid, ip }, format!("{ip} deleted"), None).await;
            if let Done::Ok(o) = done {
                memory.forget(&ip.to_string());
                advance(true, format!("Deleted {ip}: {}", o.message));
            }
        }
    });

    // Step 4.
    let mark = Action::new_local(move |_: &()| {
        let endpoint = settings.endpoint.get_untracked();
        async move {
            match api::set_inventory_status(endpoint, serviceid, ip, IpStatus::Removed).await {
                Ok(message) => advance(true, message),
                Err(e) => runner.toaster.show(false, "The inventory was not changed", e.message, None),
            }
        }
    });

    let current_body = move |at: usize| -> AnyView {
        match at {
            0 => view! {
                <div class="step-body">
                    {move || match (instance.get(), on_server()) {
                        (None, _) | (_, None) => view! { <Loading label="Reading the server\u{2026}"/> }.into_any(),
                        (Some(Err(e)), _) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| instance.refetch())/> }.into_any(),
                        (_, Some(false)) => view! {
                            <p class="warning" role="status">{format!("{ip} is not on this server (any more). If it was removed elsewhere, mark it removed in the inventory.")}</p>
                            <button type="button" on:click=move |_| progress.update(|p| {
                                workflow::log(&mut p.log, 0, false, format!("{ip} was no longer on the server."));
                                p.step = 3;
                            })>"Skip to the inventory"</button>
                        }.into_any(),
                        (Some(Ok(i)), Some(true)) if i.main_ip == Some(ip) => {
                            let denied = session.why_not(ActionName::SetMainIp);
                            let others: Vec<Ip> = i.ips.iter().copied().filter(|o| *o != ip).collect();
                            view! {
                                <p class="warning" role="status">{format!("{ip} is the main IP of this server: it cannot be deleted. Make another IP main first.")}</p>
                                {others.into_iter().map(|o| {
                                    let (title, disabled) = (denied.clone(), denied.is_some());
                                    view! { <button type="button" title=title disabled=move || disabled || promote.pending().get() on:click=move |_| promote_to.set(Some(o))>{format!("Make {o} main")}</button>" " }
                                }).collect_view()}
                            }.into_any()
                        }
                        (Some(Ok(_)), Some(true)) => view! {
                            <p class="field-ok" role="status">{format!("{ip} is a secondary IP of this server.")}</p>
                            <button type="button" class="primary" on:click=move |_| advance(true, format!("{ip} is not the main IP ({} is).", main().map(|m| m.to_string()).unwrap_or_default()))>"Continue"</button>
                        }.into_any(),
                    }}
                </div>
            }.into_any(),
            1 => view! {
                <div class="step-body">
                    {move || match rdns() {
                        None => view! { <p>{format!("No rDNS name is known for {ip}. Check your DNS for records that use it: A/AAAA records, SPF ip4:/ip6: entries, HELO/EHLO names.")}</p> }.into_any(),
                        Some(n) => view! {
                            <p>"Its reverse DNS name is "<strong class="mono">{n.clone()}</strong>". Before deleting, remove:"</p>
                            <ul>
                                <li>{format!("the A/AAAA record of {n} if it points at {ip}")}</li>
                                <li>{format!("{ip} from SPF records (ip4:/ip6: entries)")}</li>
                                <li>{format!("HELO/EHLO or MX names that use {n}")}</li>
                            </ul>
                            {move || match check.get().flatten() {
                                None => view! { <Loading label="Checking DNS\u{2026}"/> }.into_any(),
                                Some(Err(e)) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| recheck.update(|n| *n += 1))/> }.into_any(),
                                Some(Ok(c)) => {
                                    let points = c.verdict.forward_ok();
                                    view! {
                                        {points.then(|| view! { <p class="warning" role="alert">{format!("{} still points at {ip}.", c.name)}</p> })}
                                        {(!points).then(|| view! { <p class="field-ok" role="status">{format!("{} no longer points at {ip}.", c.name)}</p> })}
                                        <VerdictNote check=c/>
                                    }.into_any()
                                }
                            }}
                        }.into_any(),
                    }}
                    <label class="check">
                        <input type="checkbox" prop:checked=move || handled.get() on:change:target=move |ev| handled.set(ev.target().checked())/>
                        "I have removed or moved the DNS records that use this IP"
                    </label>
                    <div class="buttons">
                        <button type="button" on:click=move |_| recheck.update(|n| *n += 1)>"Check again"</button>
                        {move || {
                            let clear = check.get().flatten().and_then(|r| r.ok()).is_some_and(|c| !c.verdict.forward_ok());
                            let ok = clear || handled.get();
                            view! {
                                <button type="button" class="primary" disabled=move || !ok on:click=move |_| {
                                    let msg = if clear { "The rDNS name no longer points at the IP.".to_string() } else { "DNS records handled (confirmed by the user).".to_string() };
                                    advance(clear, msg);
                                }>"Continue"</button>
                            }
                        }}
                    </div>
                </div>
            }.into_any(),
            2 => {
                let denied = session.why_not(ActionName::DeleteIp);
                let disabled = denied.is_some();
                view! {
                    <div class="step-body">
                        <p>{format!("{ip} goes back to Hostwinds' pool: this server can no longer send mail from it.")}</p>
                        <button type="button" class="danger" title=denied.clone() disabled=move || disabled || delete.pending().get() on:click=move |_| confirming.set(true)>
                            {move || if delete.pending().get() { "Deleting\u{2026}" } else { "Delete the IP" }}
                        </button>
                        {denied.map(|d| view! { <p class="muted">{d}</p> })}
                    </div>
                }.into_any()
            }
            3 => view! {
                <div class="step-body">
                    <button type="button" class="primary" disabled=move || mark.pending().get() on:click=move |_| { mark.dispatch(()); }>"Mark removed in the inventory"</button>
                </div>
            }.into_any(),
            4 => view! {
                <div class="step-body">
                    <p class="warning">"Reconcile billing: check that the next Hostwinds invoice no longer charges for this IP, and take it out of the platform's records (the inventory's exports and cost summary leave it out from now on)."</p>
                    <button type="button" class="primary" on:click=move |_| advance(true, "Billing reminder acknowledged.".into())>"Done"</button>
                </div>
            }.into_any(),
            _ => ().into_any(),
        }
    };

    view! {
        <section aria-labelledby="wf-heading" data-testid="remove-workflow">
            <h2 id="wf-heading">{format!("Remove {ip}")}</h2>
            <StepList titles=&STEPS step=Signal::derive(step) log=Signal::derive(move || progress.with(|p| p.log.clone())) body=current_body/>
            {move || (step() >= STEPS.len()).then(|| view! {
                <div class="message ok" role="status" data-testid="workflow-done">
                    <p class="text">{format!("{ip} is removed and recorded.")}</p>
                    <A href=format!("/servers/{serviceid}")>"Back to the IPs"</A>
                </div>
            })}
            <div class="buttons">
                <button type="button" on:click=move |_| { workflow::clear(&key(serviceid, ip)); progress.set(Progress::default()); handled.set(false); }>"Start over"</button>
            </div>
        </section>
        {move || promote_to.get().map(|o| view! {
            <ConfirmDialog title=format!("Make {o} the main IP?") confirm_label="Make main"
                on_confirm=Callback::new(move |_| { promote_to.set(None); promote.dispatch(o); })
                on_cancel=Callback::new(move |_| promote_to.set(None))>
                <p>{format!("{ip} becomes a secondary IP, which can then be deleted. Networking on the server may need regenerating.")}</p>
            </ConfirmDialog>
        })}
        {move || confirming.get().then(|| view! {
            <ConfirmDialog title=format!("Delete {ip}?") confirm_label="Delete IP" danger=true
                on_confirm=Callback::new(move |_| { confirming.set(false); delete.dispatch(()); })
                on_cancel=Callback::new(move |_| confirming.set(false))>
                <p>{format!("{ip} goes back to Hostwinds' pool. This cannot be undone from the console.")}</p>
            </ConfirmDialog>
        })}
    }
}
