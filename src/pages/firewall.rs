//! A server's firewall profile and its rules; switching profile with a preview of what
//! changes and a warning when mail ports would close; a JSON backup of the current profile.

use crate::net::actions::{Done, Runner};
use crate::net::api;
use crate::browser::set_title;
use crate::components::confirm::ConfirmDialog;
use crate::components::message::{ErrorMessage, Loading};
use crate::browser::download::{file_part, save_file, today};
use crate::model::firewall_diff::{closed_smtp_ports, diff, ports_text, protocol_text, rule_line};
use crate::pages::server::{server_name, use_server, ServerFrame};
use crate::state::session::use_session;
use crate::state::settings::use_settings;
use hostwinds::{Action as HwAction, ActionName, FirewallProfile, FirewallRule, ProfileName};
use leptos::prelude::*;

#[component]
pub fn FirewallPage() -> impl IntoView {
    let settings = use_settings();
    let session = use_session();
    let denied = Signal::derive(move || session.why_not(ActionName::SetInstanceFirewall));
    let runner = Runner::from_context();
    let (serviceid, instance) = use_server();
    let name = Signal::derive(move || server_name(serviceid, instance));
    Effect::new(move |_| set_title(&format!("Firewall of {}", name.get())));

    let current = LocalResource::new(move || {
        let (ep, sid) = (settings.endpoint.get(), serviceid.get());
        async move {
            match sid {
                Ok(sid) => api::firewall_profile(ep, sid).await,
                Err(message) => Err(api::ApiError { message }),
            }
        }
    });
    let profiles = LocalResource::new(move || api::firewall_profiles(settings.endpoint.get()));
    let (choice, set_choice) = signal(String::new());
    let (choice_error, set_choice_error) = signal(None::<String>);
    let (reviewing, set_reviewing) = signal(None::<(FirewallProfile, FirewallProfile)>);

    let switch = Action::new_local(move |next: &ProfileName| {
        let (endpoint, next) = (settings.endpoint.get_untracked(), next.clone());
        let sid = serviceid.get_untracked();
        async move {
            let Ok(serviceid) = sid else { return };
            let title = format!("Firewall profile switched to {next}");
            let reread = Callback::new(move |_| current.refetch());
            let action = HwAction::SetInstanceFirewall { serviceid, name: next };
            if let Done::Ok(_) = runner.run_then(endpoint, action, title, None, Some(reread)).await {
                set_choice.set(String::new());
                current.refetch();
            }
        }
    });

    let review = move |_| {
        let chosen = choice.get_untracked();
        let Some(Ok((cur, _))) = current.get_untracked() else { return };
        let Some(Ok(list)) = profiles.get_untracked() else { return };
        match list.into_iter().find(|p| p.name == chosen) {
            None => set_choice_error.set(Some("Choose a profile to switch to.".into())),
            Some(next) if next.name == cur.name => set_choice_error.set(Some(format!("{} is already this server's profile.", cur.name))),
            Some(next) => {
                set_choice_error.set(None);
                set_reviewing.set(Some((cur, next)));
            }
        }
    };

    let backup = move |_| {
        let Some(Ok((p, raw))) = current.get_untracked() else { return };
        let sid = serviceid.get_untracked().map(|s| s.to_string()).unwrap_or_default();
        let server = name.get_untracked();
        let doc = serde_json::json!({
            "serviceid": sid,
            "server": server,
            "saved": today(),
            "profile": raw,
        });
        let file = format!("firewall-{sid}-{}-{}.json", file_part(&server), today());
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
        match save_file(&file, "application/json", &text) {
            Ok(()) => runner.toaster.show(true, "Backup saved", format!("{file} holds the profile {}.", p.name), None),
            Err(e) => runner.toaster.show(false, "Backup failed", e, None),
        }
    };

    view! {
        <ServerFrame serviceid instance/>
        <Transition fallback=|| view! { <Loading label="Loading the firewall profile\u{2026}"/> }>
            {move || current.get().map(|r| match r {
                Err(e) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| current.refetch())/> }.into_any(),
                Ok((p, _)) => view! {
                    <section aria-labelledby="fw-heading">
                        <h2 id="fw-heading">"Firewall profile: " <span data-testid="profile-name">{p.name.clone()}</span></h2>
                        {(!p.description.is_empty()).then(|| view! { <p class="muted">{p.description.clone()}</p> })}
                        <RulesTable rules=p.rules.clone()/>
                        <div class="actions">
                            <button type="button" on:click=backup>"Download backup"</button>
                        </div>
                    </section>
                }.into_any(),
            })}
        </Transition>
        <section aria-labelledby="switch-heading" class="card">
            <h2 id="switch-heading">"Switch profile"</h2>
            <div class="toolbar">
                <label for="profile-choice">"New profile"</label>
                <select
                    id="profile-choice"
                    aria-describedby="profile-error"
                    prop:value=move || choice.get()
                    on:change:target=move |ev| { set_choice.set(ev.target().value()); set_choice_error.set(None); }
                >
                    <option value="">"Choose a profile\u{2026}"</option>
                    {move || profiles.get().and_then(|r| r.ok()).unwrap_or_default().into_iter().map(|p| {
                        let label = if p.description.is_empty() { p.name.clone() } else { format!("{} \u{2014} {}", p.name, p.description) };
                        view! { <option value=p.name.clone()>{label}</option> }
                    }).collect_view()}
                </select>
                <button type="button" class="primary" title=move || denied.get()
                    disabled=move || switch.pending().get() || denied.get().is_some() on:click=review>
                    {move || if switch.pending().get() { "Switching\u{2026}" } else { "Review switch" }}
                </button>
            </div>
            <p id="profile-error" class="field-error" role="alert">{move || choice_error.get()}</p>
            {move || profiles.get().and_then(|r| r.err()).map(|e| view! {
                <ErrorMessage message=e.message on_retry=Callback::new(move |_| profiles.refetch())/>
            })}
        </section>
        {move || reviewing.get().map(|(cur, next)| {
            let d = diff(&cur, &next);
            let closed = closed_smtp_ports(&cur, &next);
            let target = next.name.clone();
            let lines = |rules: Vec<FirewallRule>| rules.iter().map(|r| view! { <li class="mono">{rule_line(r)}</li> }).collect_view();
            view! {
                <ConfirmDialog
                    title=format!("Switch {} from {} to {}?", name.get_untracked(), cur.name, next.name)
                    confirm_label=format!("Switch to {}", next.name)
                    danger=!closed.is_empty()
                    on_confirm=Callback::new(move |_| {
                        set_reviewing.set(None);
                        if let Ok(n) = ProfileName::parse(&target) { switch.dispatch(n); }
                    })
                    on_cancel=Callback::new(move |_| set_reviewing.set(None))
                >
                    {(!closed.is_empty()).then(|| view! {
                        <p class="warning" role="alert">{format!(
                            "{} closes the mail ports {} that are open now: this server stops receiving and submitting mail on them.",
                            next.name,
                            closed.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
                        )}</p>
                    })}
                    <h3>{format!("Rules added ({})", d.added.len())}</h3>
                    {if d.added.is_empty() { view! { <p class="muted">"None."</p> }.into_any() } else { view! { <ul class="added">{lines(d.added.clone())}</ul> }.into_any() }}
                    <h3>{format!("Rules removed ({})", d.removed.len())}</h3>
                    {if d.removed.is_empty() { view! { <p class="muted">"None."</p> }.into_any() } else { view! { <ul class="removed">{lines(d.removed.clone())}</ul> }.into_any() }}
                    <p class="muted">{format!("{} rules stay the same. Changes apply at once and may reset open connections.", d.unchanged)}</p>
                </ConfirmDialog>
            }
        })}
    }
}

#[component]
fn RulesTable(rules: Vec<FirewallRule>) -> impl IntoView {
    if rules.is_empty() {
        return view! { <p class="empty">"This profile has no rules."</p> }.into_any();
    }
    view! {
        <table class="data rules">
            <caption>{format!("{} rules", rules.len())}</caption>
            <thead>
                <tr>
                    <th scope="col">"Direction"</th>
                    <th scope="col">"Ethertype"</th>
                    <th scope="col">"Protocol"</th>
                    <th scope="col">"Ports"</th>
                    <th scope="col">"Description"</th>
                </tr>
            </thead>
            <tbody>
                {rules.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.direction.clone()}</td>
                        <td>{r.ethertype.clone()}</td>
                        <td>{protocol_text(&r)}</td>
                        <td class="mono">{ports_text(&r)}</td>
                        <td>{r.description.clone()}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
