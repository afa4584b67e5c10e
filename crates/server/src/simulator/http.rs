//! The simulator over HTTP: `POST /cloud/api.php`, form-encoded, as the live API, with its
//! faults applied; `POST /__sim/faults` changes them (for tests).

use super::{Fault, Preset, SimReply, Simulator};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use std::sync::Arc;

pub fn router(sim: Arc<Simulator>) -> Router {
    Router::new()
        .route("/cloud/api.php", post(api))
        .route("/__sim/faults", post(set_faults))
        .route("/__sim/dns", post(|State(sim): State<Arc<Simulator>>, body: Bytes| async move { apply_dns(&sim, &body) }))
        .route("/__sim/ips", post(|State(sim): State<Arc<Simulator>>, body: Bytes| async move { apply_add_ip(&sim, &body) }))
        .with_state(sim)
}

async fn api(State(sim): State<Arc<Simulator>>, body: Bytes) -> Response {
    let real = || sim.handle_form(&body);
    let reply = match sim.faults().next() {
        Fault::Pass => real(),
        Fault::Delay(d) => {
            tokio::time::sleep(d).await;
            real()
        }
        Fault::Hang => std::future::pending().await,
        // An HTTP server cannot refuse a connection it accepted: the nearest is an error page.
        Fault::Refuse => SimReply { status: 503, body: "<html><title>503 Service Unavailable</title></html>".into() },
        Fault::Replace { status, body } => SimReply { status, body },
        Fault::Truncate => real().truncated(),
    };
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    let kind = if reply.body.trim_start().starts_with('<') { "text/html" } else { "application/json" };
    (status, [(header::CONTENT_TYPE, kind)], reply.body).into_response()
}

/// `preset=NAME` sets the standing preset; with `count=N`, only the next N requests get it.
pub async fn set_faults(State(sim): State<Arc<Simulator>>, body: Bytes) -> Response {
    apply_faults(&sim, &body)
}

pub fn apply_faults(sim: &Simulator, body: &[u8]) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let get = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str());
    let preset = match Preset::parse(get("preset").unwrap_or("")) {
        Ok(p) => p,
        Err(e) => return (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": e }))).into_response(),
    };
    match get("count").map(str::parse::<usize>) {
        None => sim.faults().set(preset),
        Some(Ok(n)) => sim.faults().next_requests(preset, n),
        Some(Err(_)) => {
            return (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": "count must be a whole number" })))
                .into_response()
        }
    }
    Json(serde_json::json!({ "standing": format!("{:?}", sim.faults().standing()) })).into_response()
}

/// `POST /__sim/dns`: change the DNS test zone (see `Zone::apply`).
pub fn apply_dns(sim: &Simulator, body: &[u8]) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    match sim.change_dns(&form) {
        Ok(done) => Json(serde_json::json!({ "ok": done })).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": e }))).into_response(),
    }
}

/// `POST /__sim/ips` (form: serviceid): a new secondary IP from the location's pool.
pub fn apply_add_ip(sim: &Simulator, body: &[u8]) -> Response {
    let form: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
    let sid = form.iter().find(|(k, _)| k == "serviceid").and_then(|(_, v)| v.trim().parse::<u64>().ok());
    match sid.ok_or_else(|| "give serviceid".to_string()).and_then(|s| sim.add_ip(s)) {
        Ok(ip) => Json(serde_json::json!({ "ip": ip.to_string() })).into_response(),
        Err(e) => (StatusCode::BAD_REQUEST, Json(serde_json::json!({ "error": e }))).into_response(),
    }
}
