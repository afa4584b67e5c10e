//! The proxy's routes: `POST /api`, `GET /healthz`, and the built console.

use crate::statics;
use crate::upstream::{Upstream, UpstreamError};
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hostwinds::{Action, ActionName, Instance, Ip, ServiceId};
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;

/// Request bodies above this are refused with 413: the largest real form is a few hundred bytes.
pub const BODY_LIMIT: usize = 16 * 1024;

pub struct AppState {
    pub upstream: Upstream,
    /// The API key, added to every forwarded form and scrubbed from every answer.
    pub api_key: String,
    /// The built console; `None` when only the API is served.
    pub dist: Option<PathBuf>,
}

pub fn app(state: AppState) -> Router {
    let dist = state.dist.clone();
    let state = Arc::new(state);
    let api = Router::new()
        .route("/api", post(api_call))
        .route("/healthz", get(healthz))
        .with_state(state);
    let router = match dist {
        Some(d) => api.fallback_service(statics::service(&d)),
        None => api,
    };
    router.layer(CompressionLayer::new())
}

/// The Hostwinds-shaped refusal the console decodes like any other error.
fn refusal(status: StatusCode, action: Option<ActionName>, message: &str) -> Response {
    let mut o = serde_json::Map::new();
    o.insert("result".into(), json!("error"));
    if let Some(a) = action {
        o.insert("action".into(), json!(a.label()));
    }
    o.insert("message".into(), json!(message));
    (status, Json(serde_json::Value::Array(vec![o.into()]))).into_response()
}

async fn healthz(State(st): State<Arc<AppState>>) -> impl IntoResponse {
    let upstream = match st.upstream {
        Upstream::Sim(_) => "sim",
        Upstream::Http { .. } => "hostwinds",
    };
    Json(json!({"status": "ok", "upstream": upstream}))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

async fn api_call(State(st): State<Arc<AppState>>, req: Request) -> Response {
    if !is_form(req.headers()) {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            "Send the request form-encoded (application/x-www-form-urlencoded).",
        );
    }
    let body = match to_bytes(req.into_body(), BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return refusal(
                StatusCode::PAYLOAD_TOO_LARGE,
                None,
                &format!("The request is larger than {} KiB.", BODY_LIMIT / 1024),
            )
        }
    };
    let action = match Action::from_form_body(&body) {
        Ok(a) => a,
        Err(e) => {
            tracing::info!(action = e.action.map(|a| a.wire()).unwrap_or("-"), "refused: {}", e.message);
            return refusal(StatusCode::BAD_REQUEST, e.action, &e.message);
        }
    };
    if let Action::DeleteIp { serviceid, ip } = &action {
        if let Some(refused) = refuse_deleting_main_ip(&st, *serviceid, *ip).await {
            return refused;
        }
    }
    forward(&st, &action).await
}

/// Hostwinds refuses to delete the main IP too, but the proxy does not rely on it: a crafted
/// request must never get that far. The main IP is read from get_instance, never the list.
async fn refuse_deleting_main_ip(st: &AppState, serviceid: ServiceId, ip: Ip) -> Option<Response> {
    let name = Some(ActionName::DeleteIp);
    let form = vec![
        ("action", ActionName::GetInstance.wire().to_string()),
        ("serviceid", serviceid.to_string()),
        ("API", st.api_key.clone()),
    ];
    match st.upstream.call(&form).await {
        Ok(reply) => {
            let o = hostwinds::decode(reply.status, &reply.body);
            if !o.ok {
                // Unknown server or the like: let Hostwinds give its own answer to the delete.
                return None;
            }
            match o.data.as_ref().and_then(|d| Instance::from_value(d, None)) {
                Some(i) if i.main_ip == Some(ip) => {
                    tracing::info!(action = "delete_ip", serviceid = %serviceid, "refused: main IP");
                    Some(refusal(
                        StatusCode::BAD_REQUEST,
                        name,
                        &format!("{ip} is the main IP of server {serviceid} and cannot be deleted. Make another IP main first."),
                    ))
                }
                Some(_) => None,
                None => Some(refusal(
                    StatusCode::BAD_GATEWAY,
                    name,
                    "Could not check that the IP is not the main IP: Hostwinds sent the server in an unreadable shape. Nothing was deleted.",
                )),
            }
        }
        Err(e) => {
            let status = if matches!(e, UpstreamError::Timeout(_)) { StatusCode::GATEWAY_TIMEOUT } else { StatusCode::BAD_GATEWAY };
            Some(refusal(
                status,
                name,
                "Could not check that the IP is not the main IP: Hostwinds did not answer. Nothing was deleted.",
            ))
        }
    }
}

/// Send a validated action upstream with the key and answer with the redacted body.
async fn forward(st: &AppState, action: &Action) -> Response {
    let name = action.name();
    let mut form = action.encode();
    form.push(("API", st.api_key.clone()));
    let started = Instant::now();
    let result = st.upstream.call(&form).await;
    let ms = started.elapsed().as_millis() as u64;
    let sid = action.serviceid().map(|s| s.to_string()).unwrap_or_default();
    match result {
        Ok(reply) => {
            let body = scrub(&reply.body, &st.api_key);
            tracing::info!(action = name.wire(), serviceid = %sid, upstream_status = reply.status, ms, "forwarded");
            // Upstream auth failures (401/403) are Hostwinds refusing the key, not the
            // user's session: they reach the console as 502 so it never mistakes them for
            // a sign-in problem. The upstream status travels in a header.
            let status = match reply.status {
                200..=299 => StatusCode::OK,
                _ => StatusCode::BAD_GATEWAY,
            };
            let mut resp = (status, body).into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&reply.status.to_string()) {
                h.insert("x-upstream-status", v);
            }
            resp
        }
        Err(e) => {
            tracing::warn!(action = name.wire(), serviceid = %sid, ms, "upstream failed: {e:?}");
            let maybe_applied = if name.mutates() {
                " The request may or may not have been applied: check the server's state before trying again."
            } else {
                ""
            };
            match e {
                UpstreamError::Timeout(t) => refusal(
                    StatusCode::GATEWAY_TIMEOUT,
                    Some(name),
                    &format!("Hostwinds did not answer within {} s.{maybe_applied}", t.as_secs()),
                ),
                UpstreamError::Connect(why) => refusal(
                    StatusCode::BAD_GATEWAY,
                    Some(name),
                    &format!("The proxy could not connect to Hostwinds ({why}). Nothing was sent."),
                ),
                UpstreamError::Broken(why) => refusal(
                    StatusCode::BAD_GATEWAY,
                    Some(name),
                    &format!("The connection to Hostwinds broke before its answer arrived ({why}).{maybe_applied}"),
                ),
            }
        }
    }
}

/// Remove the root secrets and any echo of the key from an upstream body.
fn scrub(body: &str, key: &str) -> Body {
    let redacted = hostwinds::redact_text(body);
    let clean = if !key.is_empty() && redacted.contains(key) { redacted.replace(key, "[redacted]") } else { redacted };
    Body::from(clean)
}
