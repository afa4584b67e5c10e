//! The proxy's audit log: every mutating call by anyone — time, user, server, action,
//! parameters, outcome and message — filtered and paged, with the filters in the URL.

use crate::net::api::{self, AuditQuery};
use crate::browser::set_title;
use crate::components::message::{ErrorMessage, Loading};
use crate::state::settings::use_settings;
use hostwinds::{ActionName, ServiceId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::query_signal_with_options;
use leptos_router::NavigateOptions;

const PER_PAGE: u32 = 50;

#[component]
pub fn ActivityPage() -> impl IntoView {
    set_title("Activity");
    let settings = use_settings();
    let opts = || NavigateOptions { replace: true, scroll: false, ..Default::default() };
    let (server, set_server) = query_signal_with_options::<String>("server", opts());
    let (user, set_user) = query_signal_with_options::<String>("user", opts());
    let (action, set_action) = query_signal_with_options::<String>("action", opts());
    let (outcome, set_outcome) = query_signal_with_options::<String>("outcome", opts());
    let (page, set_page) = query_signal_with_options::<u32>("page", opts());

    let server_error = Memo::new(move |_| server.get().and_then(|s| ServiceId::parse(&s).err()).map(|e| e.0));
    let query = Memo::new(move |_| AuditQuery {
        server: server.get().and_then(|s| ServiceId::parse(&s).ok()),
        user: user.get(),
        action: action.get().and_then(|a| ActionName::from_wire(&a)),
        outcome: outcome.get(),
        from_ms: None,
        page: page.get().unwrap_or(1).max(1),
        per_page: PER_PAGE,
    });
    let log = LocalResource::new(move || api::audit(settings.endpoint.get(), query.get()));
    // Any filter change starts again at page 1.
    let set_filter = move |set: SignalSetter<Option<String>>, v: String| {
        set.set((!v.trim().is_empty()).then_some(v));
        set_page.set(None);
    };

    view! {
        <h1>"Activity"</h1>
        <p class="muted">"Every change made through this console, by anyone: the proxy's audit log. Refused calls are listed too."</p>
        <div class="toolbar filters">
            <label for="f-server">"Server"</label>
            <input id="f-server" type="search" inputmode="numeric" placeholder="Service ID" autocomplete="off"
                aria-invalid=move || server_error.get().is_some().to_string() aria-describedby="f-server-error"
                prop:value=move || server.get().unwrap_or_default()
                on:change:target=move |ev| set_filter(set_server, ev.target().value())/>
            <label for="f-user">"User"</label>
            <input id="f-user" type="search" autocomplete="off"
                prop:value=move || user.get().unwrap_or_default()
                on:change:target=move |ev| set_filter(set_user, ev.target().value())/>
            <label for="f-action">"Action"</label>
            <select id="f-action" prop:value=move || action.get().unwrap_or_default()
                on:change:target=move |ev| set_filter(set_action, ev.target().value())>
                <option value="">"All changes"</option>
                {ActionName::ALL.into_iter().filter(|a| a.mutates()).map(|a| view! {
                    <option value=a.wire() selected=move || action.get().as_deref() == Some(a.wire())>{a.label()}</option>
                }).collect_view()}
            </select>
            <label for="f-outcome">"Result"</label>
            <select id="f-outcome" prop:value=move || outcome.get().unwrap_or_default()
                on:change:target=move |ev| set_filter(set_outcome, ev.target().value())>
                {[("", "Any"), ("ok", "Success"), ("error", "Error"), ("refused", "Refused"), ("unknown", "Unknown"), ("pending", "Pending")]
                    .into_iter().map(|(v, l)| view! { <option value=v selected=move || outcome.get().as_deref().unwrap_or("") == v>{l}</option> }).collect_view()}
            </select>
        </div>
        <p id="f-server-error" class="field-error">{move || server_error.get()}</p>
        <Transition fallback=|| view! { <Loading label="Loading the audit log\u{2026}"/> }>
            {move || log.get().map(|r| match r {
                Err(e) => view! { <ErrorMessage message=e.message on_retry=Callback::new(move |_| log.refetch())/> }.into_any(),
                Ok(p) if p.entries.is_empty() => view! { <p class="empty">"No changes match."</p> }.into_any(),
                Ok(p) => {
                    let pages = p.total.div_ceil(u64::from(p.per_page.max(1))).max(1) as u32;
                    let current = p.page;
                    view! {
                        <table class="data activity">
                            <caption>{format!("{} changes, page {current} of {pages}", p.total)}</caption>
                            <thead><tr>
                                <th scope="col">"Time"</th><th scope="col">"User"</th><th scope="col">"Server"</th>
                                <th scope="col">"Action"</th><th scope="col">"Parameters"</th><th scope="col">"Result"</th>
                                <th scope="col">"Message"</th>
                            </tr></thead>
                            <tbody>
                                {p.entries.into_iter().map(|e| {
                                    let when = crate::browser::time::date_time(e.at_ms);
                                    let class = match e.outcome.as_str() { "ok" => "badge good", "error" | "refused" => "badge bad", _ => "badge warn" };
                                    let (label, params) = (e.label(), e.params_text());
                                    view! {
                                        <tr>
                                            <td class="mono">{when}</td>
                                            <td>{e.user.clone()}" "<span class="muted">{format!("({})", e.role)}</span></td>
                                            <td>{e.serviceid.map(|s| view! { <A href=format!("/servers/{s}")>{s.to_string()}</A> })}</td>
                                            <td>{label}</td>
                                            <td class="mono">{params}</td>
                                            <td><span class=class>{e.outcome.clone()}</span></td>
                                            <td class="text">{e.message.clone()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                        <nav class="pager" aria-label="Pages">
                            <button type="button" disabled={current <= 1} on:click=move |_| set_page.set((current > 2).then_some(current - 1))>"Previous"</button>
                            <button type="button" disabled={current >= pages} on:click=move |_| set_page.set(Some(current + 1))>"Next"</button>
                        </nav>
                    }.into_any()
                }
            })}
        </Transition>
    }
}
