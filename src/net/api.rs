//! The one place that talks to the network: every call is a form POST to the proxy endpoint.

use gloo_net::http::Request;
// Cookies go with every call, also to an endpoint on another origin (`--allow-origin`).
use web_sys::RequestCredentials;
use hostwinds::dns::{BlocklistReport, DnsCheck, Lookup};
use hostwinds::{
    decode, Action, ActionName, ExportTable, FirewallProfile, Instance, Inventory, Ip, IpEntry, IpStatus, LocationId, Outcome,
    RdnsName, Role, ServiceId, SmtpFilter,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::cell::RefCell;
use std::fmt;
use wasm_bindgen::{JsCast, JsValue};

thread_local! {
    /// Called when the proxy says the session is gone (401): the shell sends the user to
    /// the sign-in page and back. The browser is single-threaded, so a thread-local is the
    /// whole app.
    static ON_UNAUTHORIZED: RefCell<Option<Box<dyn Fn()>>> = const { RefCell::new(None) };
}

pub fn on_unauthorized(f: impl Fn() + 'static) {
    ON_UNAUTHORIZED.with(|h| *h.borrow_mut() = Some(Box::new(f)));
}

fn unauthorized() {
    ON_UNAUTHORIZED.with(|h| {
        if let Some(f) = h.borrow().as_ref() {
            f();
        }
    });
}

/// The console header: the proxy refuses state-changing calls without it (or a same-site Origin).
const CONSOLE_HEADER: &str = "x-hostwinds-console";

/// A URL next to the endpoint: `/api` -> `/auth/me`, `https://x/hw/api` -> `https://x/hw/auth/me`.
pub fn sibling(endpoint: &str, path: &str) -> String {
    let cut = endpoint.split(['?', '#']).next().unwrap_or(endpoint);
    match cut.rfind('/') {
        Some(i) => format!("{}{path}", &cut[..=i]),
        None => format!("/{path}"),
    }
}

/// A call that produced no usable answer: nothing reached the proxy, or what answered is not
/// the proxy. Answers from Hostwinds or the proxy, errors included, are `Outcome`s instead.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl From<Outcome> for ApiError {
    /// The message as sent, with our explanation under it where one helps.
    fn from(o: Outcome) -> Self {
        let message = match hostwinds::hint(&o) {
            Some(h) => format!("{}\n{h}", o.message),
            None => o.message,
        };
        ApiError { message }
    }
}

/// One answer, read in full: what `call` and `me` decode, whether the request was sent just
/// now or by the page before the wasm started (`take_early`).
struct Raw {
    status: u16,
    upstream_status: Option<u16>,
    /// The proxy sent the call but got no answer (`x-outcome: unknown`).
    unknown: bool,
    body: String,
}

fn action_key(endpoint: &str, form: &str) -> String {
    format!("POST {endpoint}\n{form}")
}

fn get_key(url: &str) -> String {
    format!("GET {url}")
}

/// An early answer is for the screen the page opened on, which asks as soon as the app starts;
/// one sent longer ago than this is not taken (the call goes out again), so nothing stale is
/// shown as new.
const EARLY_FOR_MS: f64 = 30_000.0;

/// The answer to the request `key` if the page sent it before the wasm started (index.html's
/// early reads: a `Map` on `window` of `[sent at, answer]`, the answer a promise of `[status,
/// x-upstream-status, x-outcome, body]`, or of null when it failed). Taken once; `None`: send it.
async fn take_early(key: &str) -> Option<Raw> {
    let early: js_sys::Map = js_sys::Reflect::get(&js_sys::global(), &"hostwindsEarly".into()).ok()?.dyn_into().ok()?;
    let key = JsValue::from_str(key);
    let entry: js_sys::Array = early.get(&key).dyn_into().ok()?;
    early.delete(&key);
    if crate::browser::time::now_ms() - entry.get(0).as_f64()? > EARLY_FOR_MS {
        return None;
    }
    let answer = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&entry.get(1))).await.ok()?;
    let answer: js_sys::Array = answer.dyn_into().ok()?;
    // An answer already here would otherwise be taken in, and its screen rendered, inside the
    // caller's task (the app's first render): one long task instead of two.
    crate::browser::tasks::yield_to_browser().await;
    let status = answer.get(0).as_f64()? as u16;
    // Sent without a session: signing in is what comes next, and the call after it must not
    // find this refusal.
    if status == 401 {
        return None;
    }
    Some(Raw {
        status,
        upstream_status: answer.get(1).as_string().and_then(|s| s.parse::<u16>().ok()),
        unknown: answer.get(2).as_string().as_deref() == Some("unknown"),
        body: answer.get(3).as_string()?,
    })
}

async fn send_form(endpoint: &str, form: String) -> Result<Raw, ApiError> {
    let request = Request::post(endpoint)
        .credentials(RequestCredentials::Include)
        .header("content-type", "application/x-www-form-urlencoded")
        // Marks the call as the console's own; a plain cross-site form cannot set it.
        .header(CONSOLE_HEADER, "1")
        .body(form)
        .map_err(|e| ApiError { message: format!("The request could not be built: {e}") })?;
    let resp = request.send().await.map_err(|e| ApiError {
        message: format!(
            "Could not reach the proxy at {endpoint} ({e}). Check the connection, and the endpoint in Settings.{}", cross_origin_hint(endpoint)
        ),
    })?;
    let status = resp.status();
    let upstream_status = resp.headers().get("x-upstream-status").and_then(|s| s.parse::<u16>().ok());
    let unknown = resp.headers().get("x-outcome").as_deref() == Some("unknown");
    let body = resp.text().await.map_err(|e| ApiError {
        message: format!("The answer from {endpoint} was cut off ({e}). The request may or may not have been applied."),
    })?;
    Ok(Raw { status, upstream_status, unknown, body })
}

/// Send one action to the proxy at `endpoint` and decode whatever comes back.
pub async fn call(endpoint: &str, action: &Action) -> Result<Outcome, ApiError> {
    let form = action.encode_form();
    let raw = match take_early(&action_key(endpoint, &form)).await {
        Some(raw) => raw,
        None => send_form(endpoint, form).await?,
    };
    if raw.status == 401 && raw.upstream_status.is_none() {
        unauthorized();
        return Err(ApiError { message: "Your session has ended: sign in again.".into() });
    }
    if raw.unknown {
        // The proxy sent the call but got no answer: not a refusal, not a success.
        return Err(ApiError { message: decode(raw.status, &raw.body).message });
    }
    Ok(interpret(endpoint, raw.status, raw.upstream_status, &raw.body)?)
}

/// Tell the proxy's answers (its own refusals, or Hostwinds' answers it forwarded) from
/// anything else answering at the endpoint, such as a web server that is not the proxy.
pub fn interpret(endpoint: &str, status: u16, upstream_status: Option<u16>, body: &str) -> Result<Outcome, ApiError> {
    if let Some(up) = upstream_status {
        // Forwarded from Hostwinds: decode against the status Hostwinds gave.
        return Ok(decode(up, body));
    }
    if serde_json::from_str::<serde_json::Value>(body.trim()).is_ok() {
        return Ok(decode(status, body));
    }
    Err(ApiError {
        message: format!(
            "The endpoint {endpoint} answered HTTP {status} with something that is not the console's proxy. Check the proxy endpoint in Settings."
        ),
    })
}

/// A read that must succeed: an error outcome becomes an `ApiError` with its message.
async fn read(endpoint: &str, action: Action) -> Result<serde_json::Value, ApiError> {
    let o = call(endpoint, &action).await?;
    if !o.ok {
        return Err(o.into());
    }
    o.data.ok_or_else(|| ApiError { message: "Hostwinds answered without data.".into() })
}

pub async fn list_servers(endpoint: String) -> Result<Vec<Instance>, ApiError> {
    Ok(Instance::list(&read(&endpoint, Action::GetInstances).await?))
}

pub async fn get_server(endpoint: String, serviceid: ServiceId) -> Result<Instance, ApiError> {
    let data = read(&endpoint, Action::GetInstance { serviceid }).await?;
    let mut i = Instance::from_value(&data, None)
        .ok_or_else(|| ApiError { message: "Hostwinds sent a server in a shape the console cannot read.".into() })?;
    i.serviceid.get_or_insert(serviceid);
    Ok(i)
}

pub async fn server_ips(
    endpoint: String,
    serviceid: ServiceId,
    location_id: Option<LocationId>,
) -> Result<Vec<IpEntry>, ApiError> {
    Ok(IpEntry::list(&read(&endpoint, Action::GetInstanceIps { serviceid, location_id }).await?))
}

/// The server's firewall profile, typed, and as Hostwinds sent it (for backups).
pub async fn firewall_profile(
    endpoint: String,
    serviceid: ServiceId,
) -> Result<(FirewallProfile, serde_json::Value), ApiError> {
    let data = read(&endpoint, Action::GetInstanceFirewallProfile { serviceid }).await?;
    let p = FirewallProfile::from_value(&data).ok_or_else(|| ApiError {
        message: "Hostwinds sent a firewall profile in a shape the console cannot read.".into(),
    })?;
    Ok((p, data))
}

pub async fn firewall_profiles(endpoint: String) -> Result<Vec<FirewallProfile>, ApiError> {
    Ok(FirewallProfile::list(&read(&endpoint, Action::GetFirewallProfiles).await?))
}

pub async fn smtp_filters(endpoint: String, serviceid: Option<ServiceId>) -> Result<Vec<SmtpFilter>, ApiError> {
    Ok(SmtpFilter::list(&read(&endpoint, Action::GetSmtpFilters { serviceid }).await?))
}

/// The signed-in person, from `/auth/me` or `/auth/login`.
#[derive(Debug, Clone, PartialEq)]
pub struct Me {
    pub name: String,
    pub role: Role,
}

#[derive(Deserialize)]
struct MeWire {
    signed_in: bool,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    demo: bool,
}

#[derive(Deserialize)]
struct ErrorWire {
    error: String,
}

/// `/auth/me`'s answer: who is signed in, if anyone, and whether the proxy offers demo accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct Who {
    pub me: Option<Me>,
    /// The simulator on loopback: the sign-in page names the demo accounts.
    pub demo: bool,
}

/// `/auth/me`'s answer (or `/auth/login`'s).
fn parse_who(body: &str) -> Result<Who, ApiError> {
    let w: MeWire = serde_json::from_str(body)
        .map_err(|_| ApiError { message: "The proxy sent an unreadable answer about who is signed in.".into() })?;
    if !w.signed_in {
        return Ok(Who { me: None, demo: w.demo });
    }
    let role = Role::parse(&w.role).ok_or_else(|| ApiError { message: format!("The proxy named an unknown role \u{201c}{}\u{201d}.", w.role) })?;
    Ok(Who { me: Some(Me { name: w.name, role }), demo: w.demo })
}

fn error_text(status: u16, body: &str) -> String {
    serde_json::from_str::<ErrorWire>(body)
        .map(|e| e.error)
        .unwrap_or_else(|_| format!("The proxy answered HTTP {status}."))
}

/// A GET to the proxy: its status and body.
async fn get(url: &str) -> Result<(u16, String), ApiError> {
    let raw = match take_early(&get_key(url)).await {
        Some(raw) => raw,
        None => send_get(url).await?,
    };
    Ok((raw.status, raw.body))
}

async fn send_get(url: &str) -> Result<Raw, ApiError> {
    let resp = Request::get(url)
        .credentials(RequestCredentials::Include)
        .send()
        .await
        .map_err(|e| ApiError { message: format!("Could not reach the proxy at {url} ({e}).{}", cross_origin_hint(url)) })?;
    let status = resp.status();
    Ok(Raw { status, upstream_status: None, unknown: false, body: resp.text().await.unwrap_or_default() })
}

/// Who is signed in (`me` is `None` when nobody is), and whether demo accounts are offered.
pub async fn who(endpoint: &str) -> Result<Who, ApiError> {
    let (status, body) = get(&sibling(endpoint, "auth/me")).await?;
    match status {
        200 => parse_who(&body),
        s => Err(ApiError { message: error_text(s, &body) }),
    }
}

pub async fn login(endpoint: &str, username: &str, password: &str) -> Result<Me, String> {
    let url = sibling(endpoint, "auth/login");
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("username", username)
        .append_pair("password", password)
        .finish();
    let resp = Request::post(&url)
        .credentials(RequestCredentials::Include)
        .header("content-type", "application/x-www-form-urlencoded")
        .header(CONSOLE_HEADER, "1")
        .body(body)
        .map_err(|e| e.to_string())?
        .send()
        .await
        .map_err(|e| format!("Could not reach the proxy at {url} ({e}).{}", cross_origin_hint(&url)))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    if status == 200 {
        match parse_who(&text) {
            Ok(Who { me: Some(me), .. }) => Ok(me),
            Ok(Who { me: None, .. }) => Err("The proxy did not sign you in.".into()),
            Err(e) => Err(e.message),
        }
    } else {
        Err(error_text(status, &text))
    }
}

pub async fn logout(endpoint: &str) -> Result<(), String> {
    let url = sibling(endpoint, "auth/logout");
    let resp = Request::post(&url)
        .credentials(RequestCredentials::Include)
        .header(CONSOLE_HEADER, "1")
        .send()
        .await
        .map_err(|e| format!("Could not reach the proxy at {url} ({e}).{}", cross_origin_hint(&url)))?;
    if resp.status() == 200 {
        Ok(())
    } else {
        Err(error_text(resp.status(), &resp.text().await.unwrap_or_default()))
    }
}

/// One row of the proxy's audit log.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at_ms: f64,
    pub user: String,
    pub role: String,
    pub action: String,
    pub serviceid: Option<u64>,
    #[serde(default)]
    pub params: serde_json::Value,
    pub outcome: String,
    #[serde(default)]
    pub message: String,
}

impl AuditEntry {
    pub fn label(&self) -> String {
        ActionName::from_wire(&self.action).map(|a| a.label().to_string()).unwrap_or_else(|| self.action.clone())
    }

    /// `ip=192.0.2.5 rdns=mail.example.com`.
    pub fn params_text(&self) -> String {
        match &self.params {
            serde_json::Value::Object(m) => m
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())))
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AuditPage {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub entries: Vec<AuditEntry>,
}

/// Filters of the audit log; empty ones are left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditQuery {
    pub server: Option<ServiceId>,
    pub user: Option<String>,
    pub action: Option<ActionName>,
    pub outcome: Option<String>,
    pub from_ms: Option<f64>,
    pub page: u32,
    pub per_page: u32,
}

impl AuditQuery {
    pub fn to_query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(v) = self.server {
            s.append_pair("server", &v.to_string());
        }
        if let Some(v) = self.user.as_deref().filter(|u| !u.trim().is_empty()) {
            s.append_pair("user", v.trim());
        }
        if let Some(v) = self.action {
            s.append_pair("action", v.wire());
        }
        if let Some(v) = self.outcome.as_deref().filter(|o| !o.is_empty()) {
            s.append_pair("outcome", v);
        }
        if let Some(v) = self.from_ms {
            s.append_pair("from", &format!("{}", v as i64));
        }
        s.append_pair("page", &self.page.max(1).to_string());
        s.append_pair("per_page", &self.per_page.clamp(1, 200).to_string());
        s.finish()
    }
}

/// Successful runs of `action` on `server` in the last `within_ms`, by anyone: the newest
/// one in `entries`, how many in `total`. What the "done recently" warnings read.
pub async fn recent_successes(
    endpoint: String,
    server: ServiceId,
    action: ActionName,
    within_ms: f64,
) -> Result<AuditPage, ApiError> {
    let q = AuditQuery {
        server: Some(server),
        action: Some(action),
        outcome: Some("ok".into()),
        from_ms: Some(js_sys::Date::now() - within_ms),
        page: 1,
        per_page: 1,
        ..Default::default()
    };
    audit(endpoint, q).await
}

pub async fn audit(endpoint: String, q: AuditQuery) -> Result<AuditPage, ApiError> {
    get_json(&format!("{}?{}", sibling(&endpoint, "api/audit"), q.to_query_string()), "an audit log").await
}

/// Read one of the proxy's own JSON answers (`what` names it in the error).
async fn get_json<T: DeserializeOwned>(url: &str, what: &str) -> Result<T, ApiError> {
    let (status, body) = get(url).await?;
    own_answer(status, &body, what)
}

fn own_answer<T: DeserializeOwned>(status: u16, body: &str, what: &str) -> Result<T, ApiError> {
    match status {
        200 => serde_json::from_str(body)
            .map_err(|_| ApiError { message: format!("The proxy sent {what} the console cannot read.") }),
        401 => {
            unauthorized();
            Err(ApiError { message: "Your session has ended: sign in again.".into() })
        }
        s => Err(ApiError { message: error_text(s, body) }),
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Whether `name` and `ip` confirm each other (A/AAAA and PTR, looked up by the proxy).
pub async fn dns_check(endpoint: String, ip: Ip, name: RdnsName, fresh: bool) -> Result<DnsCheck, ApiError> {
    let (ip, fresh) = (ip.to_string(), if fresh { "1" } else { "0" });
    let url = format!("{}?{}", sibling(&endpoint, "api/dns/check"), query(&[("ip", &ip), ("name", name.as_str()), ("fresh", fresh)]));
    get_json(&url, "a DNS check").await
}

#[derive(Deserialize)]
struct ChecksWire {
    checks: Vec<DnsCheck>,
}

/// The most names the proxy checks in one request.
pub const MAX_CHECKS: usize = 200;

/// The checks of many names at once (the badges of a page of the IP table).
pub async fn dns_checks(endpoint: String, items: Vec<(Ip, String)>) -> Result<Vec<DnsCheck>, ApiError> {
    let items: Vec<serde_json::Value> =
        items.iter().map(|(ip, name)| serde_json::json!({"ip": ip.to_string(), "name": name})).collect();
    let body = serde_json::json!({ "items": items }).to_string();
    let (status, text) = post(&sibling(&endpoint, "api/dns/checks"), "application/json", body).await?;
    own_answer::<ChecksWire>(status, &text, "DNS checks").map(|w| w.checks)
}

#[derive(Deserialize)]
struct PtrWire {
    ip: String,
    ptr: Lookup,
}

#[derive(Deserialize)]
struct PtrsWire {
    ptrs: Vec<PtrWire>,
}

/// The PTR names of IPs (the first of each), for IPs whose items carry no rDNS.
pub async fn dns_ptrs(endpoint: String, ips: Vec<Ip>) -> Result<Vec<(String, String)>, ApiError> {
    let ips: Vec<String> = ips.iter().map(|i| i.to_string()).collect();
    let body = serde_json::json!({ "ips": ips }).to_string();
    let (status, text) = post(&sibling(&endpoint, "api/dns/ptrs"), "application/json", body).await?;
    let w: PtrsWire = own_answer(status, &text, "PTR names")?;
    Ok(w.ptrs
        .into_iter()
        .filter_map(|p| match p.ptr {
            Lookup::Found { records } => records.into_iter().next().map(|n| (p.ip, n)),
            _ => None,
        })
        .collect())
}

/// The IP against the proxy's blocklist zones; `fresh` skips the proxy's short cache.
pub async fn blocklists(endpoint: String, ip: Ip, fresh: bool) -> Result<BlocklistReport, ApiError> {
    let (ip, fresh) = (ip.to_string(), if fresh { "1" } else { "0" });
    let url = format!("{}?{}", sibling(&endpoint, "api/dns/blocklists"), query(&[("ip", &ip), ("fresh", fresh)]));
    get_json(&url, "a blocklist report").await
}

pub async fn inventory(endpoint: String) -> Result<Inventory, ApiError> {
    get_json(&sibling(&endpoint, "api/inventory"), "an inventory").await
}

/// Where the browser downloads an export from (the session cookie goes along).
pub fn inventory_export_url(endpoint: &str, table: ExportTable, format: &str) -> String {
    format!("{}?{}", sibling(endpoint, "api/inventory/export"), query(&[("table", table.name()), ("format", format)]))
}

#[derive(Deserialize)]
struct MessageWire {
    message: String,
}

/// Record an IP's status in the inventory (audited); the proxy's message on success.
pub async fn set_inventory_status(endpoint: String, serviceid: ServiceId, ip: Ip, status: IpStatus) -> Result<String, ApiError> {
    let (sid, ip) = (serviceid.to_string(), ip.to_string());
    let body = query(&[("serviceid", &sid), ("ip", &ip), ("status", status.as_str())]);
    let (code, text) = post(&sibling(&endpoint, "api/inventory/status"), "application/x-www-form-urlencoded", body).await?;
    own_answer::<MessageWire>(code, &text, "an answer").map(|m| m.message)
}

/// End every session of `username` (admins only): the proxy's message.
pub async fn end_user_sessions(endpoint: String, username: String) -> Result<String, ApiError> {
    let body = query(&[("username", &username)]);
    let (code, text) = post(&sibling(&endpoint, "api/sessions/end"), "application/x-www-form-urlencoded", body).await?;
    own_answer::<MessageWire>(code, &text, "an answer").map(|m| m.message)
}

/// For a call that never reached an answer: when the endpoint is on another origin, the likely
/// cause besides the network (the browser hides which it was).
fn cross_origin_hint(url: &str) -> String {
    let page = web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default();
    // A relative endpoint, or one under this page's origin: same origin.
    if page.is_empty() || !url.contains("://") || url.starts_with(&(page.clone() + "/")) {
        return String::new();
    }
    format!(" The proxy is on another origin than this console: if it is running, start it with --allow-origin {page}.")
}

/// A POST to the proxy's own routes, marked as the console's.
async fn post(url: &str, content_type: &str, body: String) -> Result<(u16, String), ApiError> {
    let resp = Request::post(url)
        .credentials(RequestCredentials::Include)
        .header("content-type", content_type)
        .header(CONSOLE_HEADER, "1")
        .body(body)
        .map_err(|e| ApiError { message: format!("The request could not be built: {e}") })?
        .send()
        .await
        .map_err(|e| ApiError { message: format!("Could not reach the proxy at {url} ({e}).{}", cross_origin_hint(url)) })?;
    Ok((resp.status(), resp.text().await.unwrap_or_default()))
}

#[cfg(test)]
mod tests {
    use super::{interpret, parse_who, sibling, AuditQuery, Me, Who};
    use hostwinds::Role;

    #[test]
    fn who_is_signed_in_comes_from_the_answer_not_its_status() {
        assert_eq!(parse_who(r#"{"signed_in":false}"#), Ok(Who { me: None, demo: false }));
        assert_eq!(parse_who(r#"{"signed_in":false,"demo":true}"#), Ok(Who { me: None, demo: true }));
        assert_eq!(
            parse_who(r#"{"signed_in":true,"name":"ann","role":"support","demo":false}"#),
            Ok(Who { me: Some(Me { name: "ann".into(), role: Role::Support }), demo: false })
        );
        assert!(parse_who(r#"{"signed_in":true,"name":"ann","role":"root"}"#).unwrap_err().message.contains("unknown role"));
        assert!(parse_who(r#"{"name":"ann","role":"admin"}"#).unwrap_err().message.contains("unreadable"));
        assert!(parse_who("<html>").is_err());
    }

    #[test]
    fn auth_and_audit_live_next_to_the_endpoint() {
        assert_eq!(sibling("/api", "auth/me"), "/auth/me");
        assert_eq!(sibling("/hw/api", "auth/me"), "/hw/auth/me");
        assert_eq!(sibling("/api", "api/audit"), "/api/audit");
        assert_eq!(sibling("https://c.example/api?x=1", "auth/login"), "https://c.example/auth/login");
    }

    #[test]
    fn audit_queries_leave_out_empty_filters() {
        let q = AuditQuery { user: Some(" ".into()), page: 2, per_page: 25, ..Default::default() };
        assert_eq!(q.to_query_string(), "page=2&per_page=25");
        let q = AuditQuery {
            server: hostwinds::ServiceId::parse("7").ok(),
            action: Some(hostwinds::ActionName::CreateIpCleanupFee),
            outcome: Some("ok".into()),
            from_ms: Some(1000.0),
            page: 0,
            per_page: 500,
            ..Default::default()
        };
        assert_eq!(q.to_query_string(), "server=7&action=create_ip_cleanup_fee&outcome=ok&from=1000&page=1&per_page=200");
    }

    #[test]
    fn forwarded_answers_decode_against_the_upstream_status() {
        let o = interpret("/api", 502, Some(503), "<html><title>Down</title></html>").unwrap();
        assert!(o.message.contains("HTTP 503") && o.message.contains("Down"));
    }

    #[test]
    fn proxy_refusals_decode() {
        let o = interpret("/api", 400, None, r#"[{"result":"error","message":"Unknown action"}]"#).unwrap();
        assert!(!o.ok);
        assert_eq!(o.message, "Unknown action");
    }

    #[test]
    fn something_else_at_the_endpoint_points_to_settings() {
        let e = interpret("/nope", 405, None, "").unwrap_err();
        assert!(e.message.contains("/nope") && e.message.contains("405") && e.message.contains("Settings"));
        assert!(interpret("/x", 200, None, "<!doctype html><title>Console</title>").is_err());
    }
}
