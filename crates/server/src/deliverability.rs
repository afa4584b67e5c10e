//! The deliverability routes: DNS checks (`/api/dns/*`) and the IP inventory
//! (`/api/inventory*`). Any signed-in user may read them; status changes are audited.

use crate::audit::{Finish, NewRecord, Outcome};
use crate::auth::now_ms;
use crate::extract::SignedIn;
use crate::inventory::{SeenIps, SeenServer};
use crate::respond::{json_error, with_cookie};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FormRejection};
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::stream::{self, StreamExt};
use hostwinds::{Action, ExportTable, Instance, Ip, IpEntry, IpStatus, RdnsName, ServiceId};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// At most this many names in one `POST /api/dns/checks` (a page of the IP table).
pub const MAX_CHECKS: usize = 200;
/// The largest batch body (`DefaultBodyLimit` on the batch routes).
pub const BATCH_LIMIT: usize = 64 * 1024;
/// Lookups of one batch in flight at once.
const CHECK_CONCURRENCY: usize = 16;

/// A query string or form, as its pairs: each route reads the fields it knows.
type Pairs = Vec<(String, String)>;

fn field<'a>(pairs: &'a [(String, String)], k: &str) -> Option<&'a str> {
    pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim())
}

fn dns(st: &AppState) -> Result<&crate::dns::Dns, Response> {
    st.dns.as_deref().ok_or_else(|| json_error(StatusCode::SERVICE_UNAVAILABLE, "DNS checks are off on this proxy: it found no DNS resolver (start it with --dns-resolver)."))
}

fn parse_ip(v: Option<&str>) -> Result<Ip, Response> {
    match v {
        None | Some("") => Err(json_error(StatusCode::BAD_REQUEST, "Give the IP address to check (ip=...).")),
        Some(v) => Ip::parse(v).map_err(|e| json_error(StatusCode::BAD_REQUEST, &e.0)),
    }
}

fn parse_name(v: Option<&str>) -> Result<RdnsName, Response> {
    RdnsName::parse(v.unwrap_or("")).map_err(|e| json_error(StatusCode::BAD_REQUEST, &e.0))
}

fn no_store(mut r: Response) -> Response {
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `GET /api/dns/check?ip=&name=[&fresh=1]`: whether the name and the IP confirm each other.
pub async fn check(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, Query(q): Query<Pairs>) -> Response {
    let (ip, name, dns) = match (parse_ip(field(&q, "ip")), parse_name(field(&q, "name")), dns(&st)) {
        (Ok(ip), Ok(name), Ok(dns)) => (ip, name, dns),
        (Err(r), _, _) | (_, Err(r), _) | (_, _, Err(r)) => return r,
    };
    let result = dns.check(ip.addr(), name.as_str(), field(&q, "fresh") == Some("1")).await;
    with_cookie(no_store(Json(result).into_response()), c.refresh)
}

#[derive(Deserialize)]
struct CheckItem {
    ip: String,
    name: String,
}

#[derive(Deserialize)]
struct CheckBatch {
    items: Vec<CheckItem>,
}

/// What both batch routes check first: DNS checks on, and a JSON body of the given shape
/// with at most MAX_CHECKS items (`len` counts them).
fn batch<'a, T: serde::de::DeserializeOwned>(
    st: &'a AppState,
    body: Result<Bytes, BytesRejection>,
    shape: &str,
    len: impl Fn(&T) -> usize,
) -> Result<(&'a crate::dns::Dns, T), Response> {
    let dns = dns(st)?;
    let Ok(body) = body else {
        return Err(json_error(StatusCode::PAYLOAD_TOO_LARGE, "The list is too large."));
    };
    let batch: T = serde_json::from_slice(&body)
        .map_err(|e| json_error(StatusCode::BAD_REQUEST, &format!("Send {shape} ({e}).")))?;
    if len(&batch) > MAX_CHECKS {
        return Err(json_error(StatusCode::BAD_REQUEST, &format!("At most {MAX_CHECKS} items per request.")));
    }
    Ok((dns, batch))
}

/// Each item parsed, or the first that does not, named by its place in the list.
fn parse_items<I, T>(items: &[I], parse: impl Fn(&I) -> Result<T, hostwinds::ValueError>) -> Result<Vec<T>, Response> {
    items
        .iter()
        .enumerate()
        .map(|(n, i)| parse(i).map_err(|e| json_error(StatusCode::BAD_REQUEST, &format!("Item {}: {}", n + 1, e.0))))
        .collect()
}

/// `POST /api/dns/checks` with `{"items":[{"ip","name"}]}`: the badges of a page of IPs.
pub async fn checks(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, body: Result<Bytes, BytesRejection>) -> Response {
    let shape = r#"{"items": [{"ip": ..., "name": ...}]}"#;
    let (dns, b) = match batch(&st, body, shape, |b: &CheckBatch| b.items.len()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let parsed = match parse_items(&b.items, |i| Ok((Ip::parse(&i.ip)?, RdnsName::parse(&i.name)?))) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let results: Vec<_> = stream::iter(parsed)
        .map(|(ip, name)| async move { dns.check(ip.addr(), name.as_str(), false).await })
        .buffered(CHECK_CONCURRENCY)
        .collect()
        .await;
    with_cookie(no_store(Json(json!({ "checks": results })).into_response()), c.refresh)
}

#[derive(Deserialize)]
struct PtrBatch {
    ips: Vec<String>,
}

/// `POST /api/dns/ptrs` with `{"ips":[...]}`: the PTR names of IPs whose items carry no rDNS.
pub async fn ptrs(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, body: Result<Bytes, BytesRejection>) -> Response {
    let (dns, b) = match batch(&st, body, r#"{"ips": [...]}"#, |b: &PtrBatch| b.ips.len()) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let ips = match parse_items(&b.ips, |i| Ip::parse(i)) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let results: Vec<_> = stream::iter(ips)
        .map(|ip| async move { json!({"ip": ip.to_string(), "ptr": dns.ptr(ip.addr()).await}) })
        .buffered(CHECK_CONCURRENCY)
        .collect()
        .await;
    with_cookie(no_store(Json(json!({ "ptrs": results })).into_response()), c.refresh)
}

/// `GET /api/dns/blocklists?ip=[&fresh=1]`: the IP against every configured zone.
pub async fn blocklists(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, Query(q): Query<Pairs>) -> Response {
    let (ip, dns) = match (parse_ip(field(&q, "ip")), dns(&st)) {
        (Ok(ip), Ok(d)) => (ip, d),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let report = dns.blocklists(ip.addr(), field(&q, "fresh") == Some("1"), now_ms()).await;
    tracing::info!(user = %c.user.name, ip = %ip, listed = report.listed().count(), "blocklist check");
    with_cookie(no_store(Json(report).into_response()), c.refresh)
}

/// `GET /api/inventory`: every IP and server seen, with the default cost.
pub async fn inventory(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn) -> Response {
    match st.inventory.read().await {
        Ok(inv) => with_cookie(no_store(Json(inv).into_response()), c.refresh),
        Err(e) => {
            tracing::error!("inventory read failed: {e}");
            json_error(StatusCode::SERVICE_UNAVAILABLE, "The inventory cannot be read right now.")
        }
    }
}

/// `GET /api/inventory/export?table=smtp_ip_addresses|vps_instances&format=csv|json`.
pub async fn export(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, Query(q): Query<Pairs>) -> Response {
    let table = match ExportTable::parse(field(&q, "table").unwrap_or("")) {
        Ok(t) => t,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let format = field(&q, "format").unwrap_or("csv").to_ascii_lowercase();
    if format != "csv" && format != "json" {
        return json_error(StatusCode::BAD_REQUEST, "format is csv or json.");
    }
    let inv = match st.inventory.read().await {
        Ok(i) => i,
        Err(e) => {
            tracing::error!("inventory read failed: {e}");
            return json_error(StatusCode::SERVICE_UNAVAILABLE, "The inventory cannot be read right now.");
        }
    };
    let day = hostwinds::iso(now_ms() as i64)[..10].to_string();
    let (body, kind) = if format == "csv" {
        (inv.csv(table), "text/csv; charset=utf-8")
    } else {
        (serde_json::Value::Array(inv.rows(table).into_iter().map(serde_json::Value::Object).collect()).to_string(), "application/json")
    };
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}-{day}.{format}\"", table.name())) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    with_cookie(no_store(r), c.refresh)
}

/// `POST /api/inventory/status` (form: serviceid, ip, status): audited like a mutation.
pub async fn set_status(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, form: Result<Form<Pairs>, FormRejection>) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(FormRejection::BytesRejection(_)) => return json_error(StatusCode::PAYLOAD_TOO_LARGE, "Too large."),
        Err(_) => return json_error(StatusCode::BAD_REQUEST, "Send the form form-encoded (serviceid, ip, status)."),
    };
    let sid = match ServiceId::parse(field(&form, "serviceid").unwrap_or("")) {
        Ok(s) => s,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e.0),
    };
    let ip = match parse_ip(field(&form, "ip")) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let status = match IpStatus::parse(field(&form, "status").unwrap_or("")) {
        Ok(s) => s,
        Err(e) => return json_error(StatusCode::BAD_REQUEST, &e),
    };
    let rec = NewRecord {
        at_ms: now_ms() as i64,
        user: c.user.name.clone(),
        role: c.user.role.as_str().into(),
        action: "inventory_status".into(),
        serviceid: Some(sid.get() as i64),
        params: json!({"ip": ip.to_string(), "status": status.as_str()}).to_string(),
    };
    let id = match st.audit.begin(&rec).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!("audit log write failed, inventory not changed: {e}");
            return json_error(StatusCode::SERVICE_UNAVAILABLE, "The audit log cannot be written, so the inventory was not changed.");
        }
    };
    let result = st.inventory.update_status(sid.get() as i64, &ip.to_string(), status).await;
    let (outcome, message, code) = match &result {
        Ok(true) => (Outcome::Ok, format!("{ip} is now {status} in the inventory."), StatusCode::OK),
        Ok(false) => (
            Outcome::Refused,
            format!("The inventory has never seen {ip} on server {sid}, so its status was not changed. Open the server's IPs and try again."),
            StatusCode::NOT_FOUND,
        ),
        Err(e) => {
            tracing::error!("inventory write failed: {e}");
            (Outcome::Error, "The inventory could not be written.".to_string(), StatusCode::SERVICE_UNAVAILABLE)
        }
    };
    let fin = Finish { outcome, message: message.clone(), status: code.as_u16(), latency_ms: None };
    if let Err(e) = st.audit.finish(id, &fin).await {
        tracing::error!("audit log could not record the outcome of row {id}: {e}");
    }
    let resp = match result {
        Ok(true) => Json(json!({"ok": true, "message": message})).into_response(),
        _ => json_error(code, &message),
    };
    with_cookie(resp, c.refresh)
}

/// Feed the inventory from a read's answer, in the background (never in the answer's way).
pub fn observe_read(st: &Arc<AppState>, action: &Action, body: &str) {
    let (servers_wanted, sid) = match action {
        Action::GetInstances => (true, None),
        Action::GetInstance { serviceid } => (false, Some(*serviceid)),
        Action::GetInstanceIps { serviceid, .. } => (false, Some(*serviceid)),
        _ => return,
    };
    // One recording per server (or of the list) every few seconds is plenty.
    let key = sid.map(|s| s.get() as i64).unwrap_or(0) * 4 + action_slot(action);
    if !st.inventory.due(key) {
        return;
    }
    let (st, action, body) = (st.clone(), action.clone(), body.to_string());
    tokio::spawn(async move {
        let o = hostwinds::decode(200, &body);
        let Some(data) = o.data.filter(|_| o.ok) else { return };
        let (servers, lists) = match &action {
            Action::GetInstanceIps { serviceid, location_id } => {
                let ips: Vec<(String, Option<String>)> =
                    IpEntry::list(&data).into_iter().map(|e| (e.ip.to_string(), e.rdns)).collect();
                // An empty list is not believable for a server (it always has its main IP).
                let complete = location_id.is_none() && !ips.is_empty();
                (vec![], vec![SeenIps { serviceid: serviceid.get() as i64, ips, complete }])
            }
            Action::GetInstance { serviceid } => match Instance::from_value(&data, None) {
                Some(mut i) => {
                    i.serviceid.get_or_insert(*serviceid);
                    seen_instances(vec![i])
                }
                None => return,
            },
            _ if servers_wanted => seen_instances(Instance::list(&data)),
            _ => return,
        };
        if let Err(e) = st.inventory.saw(servers, lists, now_ms() as i64).await {
            tracing::warn!("inventory not updated: {e}");
        }
    });
}

fn action_slot(a: &Action) -> i64 {
    match a {
        Action::GetInstances => 1,
        Action::GetInstance { .. } => 2,
        _ => 3,
    }
}

/// Servers and their IPs from instance objects (no rDNS there; the lists are complete when
/// they hold the main IP).
fn seen_instances(list: Vec<Instance>) -> (Vec<SeenServer>, Vec<SeenIps>) {
    let mut servers = Vec::new();
    let mut lists = Vec::new();
    for i in list {
        let Some(sid) = i.serviceid else { continue };
        let sid = sid.get() as i64;
        let mut ips: Vec<(String, Option<String>)> = i.ips.iter().chain(&i.ip_v6).map(|ip| (ip.to_string(), None)).collect();
        if let Some(m) = i.main_ip.filter(|m| !i.ips.contains(m)) {
            ips.push((m.to_string(), None));
        }
        let complete = i.main_ip.is_some_and(|m| i.ips.contains(&m));
        servers.push(SeenServer {
            serviceid: sid,
            hostname: i.display_name(),
            main_ip: i.main_ip.map(|m| m.to_string()),
            private_ip: i.private_ip.map(|p| p.to_string()),
        });
        if !ips.is_empty() {
            lists.push(SeenIps { serviceid: sid, ips, complete });
        }
    }
    (servers, lists)
}

/// After a successful mutation: what it changed in the inventory.
pub async fn observe_mutation(st: &AppState, action: &Action) {
    let now = now_ms() as i64;
    let r = match action {
        Action::SetRdns { serviceid, ip, rdns } => {
            if let Some(d) = &st.dns {
                d.forget(ip.addr());
            }
            st.inventory.set_rdns(serviceid.get() as i64, &ip.to_string(), rdns.as_str(), now).await
        }
        Action::DeleteIp { serviceid, ip } => {
            st.inventory.set_status(serviceid.get() as i64, &ip.to_string(), IpStatus::Removed, now).await
        }
        _ => Ok(()),
    };
    if let Some(sid) = action.serviceid() {
        for slot in 2..=3 {
            st.inventory.changed(sid.get() as i64 * 4 + slot);
        }
    }
    if let Err(e) = r {
        tracing::warn!("inventory not updated after {}: {e}", action.name().wire());
    }
}
