//! What every screen of one server shares: its id from the route, its instance, and the
//! header with the server's facts, its tabs and the IP cleanup request.

use crate::net::api::{self, ApiError};
use crate::components::message::ErrorMessage;
use crate::components::status::StatusBadge;
use crate::dialogs::cleanup::CleanupFee;
use crate::state::settings::use_settings;
use hostwinds::{Instance, ServiceId};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

pub type InstanceResource = LocalResource<Result<Instance, ApiError>>;

/// The route's service id (or why it is not one) and the server's instance.
pub fn use_server() -> (Memo<Result<ServiceId, String>>, InstanceResource) {
    let settings = use_settings();
    let params = use_params_map();
    let serviceid = Memo::new(move |_| {
        ServiceId::parse(&params.read().get("serviceid").unwrap_or_default()).map_err(|e| e.0)
    });
    let instance = LocalResource::new(move || {
        let (ep, sid) = (settings.endpoint.get(), serviceid.get());
        async move {
            match sid {
                Ok(sid) => api::get_server(ep, sid).await,
                Err(message) => Err(ApiError { message }),
            }
        }
    });
    (serviceid, instance)
}

/// The name to use for the server in titles and confirmations.
pub fn server_name(serviceid: Memo<Result<ServiceId, String>>, instance: InstanceResource) -> String {
    instance
        .get()
        .and_then(|r| r.ok())
        .map(|i| i.display_name())
        .or_else(|| serviceid.get().ok().map(|s| format!("Server {s}")))
        .unwrap_or_else(|| "Server".into())
}

#[component]
pub fn ServerFrame(
    serviceid: Memo<Result<ServiceId, String>>,
    instance: InstanceResource,
) -> impl IntoView {
    view! {
        <nav class="crumbs" aria-label="Breadcrumb"><A href="/servers">"Servers"</A></nav>
        // While loading, the header's own shape with placeholders: a one-line "Loading" in its
        // place made everything below jump when the server arrived (Lighthouse's layout shift).
        <Transition fallback=move || view! { <ServerHeaderLoading serviceid/> }>
            {move || instance.get().map(|r| match r {
                Ok(i) => view! { <ServerHeader instance=i/> }.into_any(),
                Err(e) => view! {
                    <h1>"Server"</h1>
                    <ErrorMessage message=e.message on_retry=Callback::new(move |_| instance.refetch())/>
                }.into_any(),
            })}
        </Transition>
        {move || serviceid.get().ok().map(|sid| {
            let name = Signal::derive(move || server_name(serviceid, instance));
            let ips = Signal::derive(move || {
                instance.get().and_then(|r| r.ok()).map(|i| i.ips.iter().chain(&i.ip_v6).copied().collect()).unwrap_or_default()
            });
            let base = format!("/servers/{sid}");
            // `exact`, so the IPs tab is not also current on the other tabs.
            let tab_link = move |href: String, label: &'static str| view! { <A href=href exact=true>{label}</A> };
            view! {
                <div class="server-bar">
                    // The tabs lead to two modules: the IP table's and the other server screens'.
                    <nav class="tabs" aria-label="Server"
                        on:pointerover=|_| crate::components::tools::prefetch(crate::components::tools::Ahead::ServerTabs)
                        on:focusin=|_| crate::components::tools::prefetch(crate::components::tools::Ahead::ServerTabs)>
                        {tab_link(base.clone(), "IPs")}
                        {tab_link(format!("{base}/firewall"), "Firewall")}
                        {tab_link(format!("{base}/smtp"), "SMTP filters")}
                    </nav>
                    <CleanupFee serviceid=sid name ips/>
                </div>
            }
        })}
    }
}

#[component]
fn ServerHeaderLoading(serviceid: Memo<Result<ServiceId, String>>) -> impl IntoView {
    let name = serviceid.get_untracked().map(|s| format!("Server {s}")).unwrap_or_else(|_| "Server".into());
    // Each with the class its value will have: the same font, the same height.
    let wait = |class: &'static str| view! { <dd class=class aria-hidden="true">"\u{2026}"</dd> };
    view! {
        <h1>{name}</h1>
        <p class="visually-hidden" role="status">"Loading the server\u{2026}"</p>
        <dl class="facts">
            <div><dt>"Service ID"</dt>{wait("num muted")}</div>
            <div><dt>"Main IP"</dt>{wait("mono muted")}</div>
            <div><dt>"Location"</dt>{wait("muted")}</div>
            // The status line's own markup (badge, then the state): the same line height.
            <div class="status"><dt>"Status"</dt><dd aria-hidden="true"><span class="badge">"\u{2026}"</span>" "<span class="muted">"\u{2026}"</span></dd></div>
        </dl>
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
            <div><dt>"Main IP"</dt><dd class="mono" data-testid="main-ip">{instance.main_ip.map(|i| i.to_string()).unwrap_or_else(dash)}</dd></div>
            <div><dt>"Location"</dt><dd>{instance.location_id.clone().unwrap_or_else(dash)}</dd></div>
            <div class="status"><dt>"Status"</dt><dd><StatusBadge status busy/>" "<span class="muted" data-testid="server-state">{state}</span></dd></div>
        </dl>
    }
}
