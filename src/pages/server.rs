//! What every screen of one server shares: its id from the route, its instance, the title
//! the shell shows above them, and the header with the server's facts, its tabs and the IP
//! cleanup request.

use crate::net::api::{self, ApiError};
use crate::components::message::ErrorMessage;
use crate::components::status::StatusBadge;
use crate::dialogs::cleanup::CleanupFee;
use crate::state::settings::use_settings;
use hostwinds::{Instance, ServiceId};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

/// A route's service id, or why its segment is not one.
type RouteId = Result<ServiceId, String>;

/// The server the shell is on and its instance: read once when a server's screens are entered,
/// shared by the shell (the server's name above the screen, painted before the screen's module
/// is in) and the screens, and read again when another tab of the same server opens. Plain
/// signals, not a resource: this is in the first download, where each resource type weighs.
#[derive(Clone, Copy)]
pub struct ServerContext {
    /// The route's service id (or why it is not one), on a server's screens only.
    serviceid: Memo<Option<RouteId>>,
    endpoint: RwSignal<String>,
    /// Tagged with the service id it was read for: the last answer stays while a read is under
    /// way (no flash on a read again), and the next server must not show the last one's.
    answer: RwSignal<Option<(RouteId, Result<Instance, ApiError>)>>,
    /// Reads started: an answer is kept only when no later read has started.
    reads: StoredValue<u64>,
    /// The server whose screen was shown last since the shell came to it.
    shown: StoredValue<Option<ServiceId>>,
}

impl ServerContext {
    /// For the shell: `serviceid` is the route's, on a server's screens only.
    pub fn provide(serviceid: Memo<Option<RouteId>>) {
        let server = ServerContext {
            serviceid,
            endpoint: use_settings().endpoint,
            answer: RwSignal::new(None),
            reads: StoredValue::new(0),
            shown: StoredValue::new(None),
        };
        // A new server (or endpoint): its first screen takes this read.
        Effect::new(move |_| {
            server.endpoint.track();
            serviceid.track();
            server.shown.set_value(None);
            server.read();
        });
        provide_context(server);
    }

    fn read(&self) {
        let Some(sid) = self.serviceid.get_untracked() else { return };
        let (server, endpoint) = (*self, self.endpoint.get_untracked());
        self.reads.update_value(|n| *n += 1);
        let n = self.reads.get_value();
        leptos::task::spawn_local(async move {
            let answer = match &sid {
                Ok(id) => api::get_server(endpoint, *id).await,
                Err(message) => Err(ApiError { message: message.clone() }),
            };
            if server.reads.try_get_value() == Some(n) {
                server.answer.try_set(Some((sid, answer)));
            }
        });
    }

    /// The instance, when the answer is the current server's.
    fn current(&self) -> Option<Result<Instance, ApiError>> {
        let want = self.serviceid.get()?;
        self.answer.with(|a| a.as_ref().filter(|(sid, _)| *sid == want).map(|(_, r)| r.clone()))
    }

    /// The server's name for the title once it is known; without cloning the instance, so
    /// that code stays out of the first download.
    fn name(&self) -> Option<String> {
        let want = self.serviceid.get()?;
        self.answer.with(|a| match a {
            Some((sid, Ok(i))) if *sid == want => Some(i.display_name()),
            Some((sid, Err(_))) if *sid == want => Some("Server".into()),
            _ => None,
        })
    }
}

/// A screen's view of the server's instance (`ServerContext`): `None` while it is read.
#[derive(Clone, Copy)]
pub struct InstanceResource {
    server: ServerContext,
}

impl InstanceResource {
    pub fn get(&self) -> Option<Result<Instance, ApiError>> {
        self.server.current()
    }

    pub fn get_untracked(&self) -> Option<Result<Instance, ApiError>> {
        untrack(|| self.get())
    }

    pub fn with<R>(&self, f: impl FnOnce(&Option<Result<Instance, ApiError>>) -> R) -> R {
        f(&self.get())
    }

    pub fn refetch(&self) {
        self.server.read();
    }
}

/// The route's service id (or why it is not one) and the server's instance.
pub fn use_server() -> (Memo<Result<ServiceId, String>>, InstanceResource) {
    let server = expect_context::<ServerContext>();
    let params = use_params_map();
    let serviceid = Memo::new(move |_| {
        ServiceId::parse(&params.read().get("serviceid").unwrap_or_default()).map_err(|e| e.0)
    });
    let instance = InstanceResource { server };
    // Another tab of the server the shell is on: its state may have moved since the last read.
    if let Ok(sid) = serviceid.get_untracked() {
        if server.shown.get_value() == Some(sid) {
            instance.refetch();
        }
        server.shown.set_value(Some(sid));
    }
    (serviceid, instance)
}

/// The service id segment of a path under `/servers/<id>`.
pub fn serviceid_in(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/servers/")?;
    let seg = rest.split('/').next().unwrap_or_default();
    (!seg.is_empty()).then_some(seg)
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

/// Above every screen of a server, from the shell: the way back to the list and the server's
/// name. In the first module, so it is painted while the screen's own module arrives.
#[component]
pub fn ServerTitle() -> impl IntoView {
    let server = expect_context::<ServerContext>();
    let name = Memo::new(move |_| server.name());
    // Another heading once the name is known, not new text in the first one: the browser
    // counts an element's first paint only, and the name arriving is what the page waits for
    // (its largest contentful paint).
    view! {
        <nav class="crumbs" aria-label="Breadcrumb"><A href="/servers">"Servers"</A></nav>
        {move || match name.get() {
            None => Either::Left(view! { <h1>{match server.serviceid.get() {
                Some(Ok(sid)) => format!("Server {sid}"),
                _ => "Server".to_string(),
            }}</h1> }),
            Some(name) => Either::Right(view! { <h1>{name}</h1> }),
        }}
    }
}

#[component]
pub fn ServerFrame(
    serviceid: Memo<Result<ServiceId, String>>,
    instance: InstanceResource,
) -> impl IntoView {
    view! {
        // While loading, the header's own shape with placeholders: a one-line "Loading" in its
        // place made everything below jump when the server arrived (Lighthouse's layout shift).
        {move || match instance.get() {
            None => view! { <ServerHeaderLoading/> }.into_any(),
            Some(Ok(i)) => view! { <ServerHeader instance=i/> }.into_any(),
            Some(Err(e)) => view! {
                <ErrorMessage message=e.message on_retry=Callback::new(move |_| instance.refetch())/>
            }.into_any(),
        }}
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
fn ServerHeaderLoading() -> impl IntoView {
    // Each with the class its value will have: the same font, the same height.
    let wait = |class: &'static str| view! { <dd class=class aria-hidden="true">"\u{2026}"</dd> };
    view! {
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
        <dl class="facts">
            <div><dt>"Service ID"</dt><dd class="num">{instance.serviceid.map(|s| s.to_string()).unwrap_or_else(dash)}</dd></div>
            <div><dt>"Main IP"</dt><dd class="mono" data-testid="main-ip">{instance.main_ip.map(|i| i.to_string()).unwrap_or_else(dash)}</dd></div>
            <div><dt>"Location"</dt><dd>{instance.location_id.clone().unwrap_or_else(dash)}</dd></div>
            <div class="status"><dt>"Status"</dt><dd><StatusBadge status busy/>" "<span class="muted" data-testid="server-state">{state}</span></dd></div>
        </dl>
    }
}

#[cfg(test)]
mod tests {
    use super::serviceid_in;

    #[test]
    fn the_service_id_segment_of_a_servers_path() {
        assert_eq!(serviceid_in("/servers/20001"), Some("20001"));
        assert_eq!(serviceid_in("/servers/20001/firewall"), Some("20001"));
        assert_eq!(serviceid_in("/servers/abc/smtp"), Some("abc"), "parsed, and refused, by ServiceId");
        for p in ["/servers", "/servers/", "/servers//x", "/smtp", "/"] {
            assert_eq!(serviceid_in(p), None, "{p}");
        }
    }
}
