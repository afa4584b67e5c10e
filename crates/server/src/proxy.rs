//! The proxy's routes: `POST /api`, `GET /api/audit`, `/auth/*`, `GET /healthz`, and the
//! built console. Handlers stay thin: validate, check the role, audit, forward, answer; the
//! origin and the session are checked by the layers of `extract`.

use crate::audit::{Finish, NewRecord, Outcome, Query as AuditQuery};
use crate::auth::{now_ms, Caller, LoginError};
use crate::deliverability;
use crate::extract::{self, Peer, SignedIn};
use crate::respond::{json_error, refusal, with_cookie};
use crate::state::AppState;
use crate::statics;
use crate::upstream::{Upstream, UpstreamError};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FormRejection};
use axum::extract::{DefaultBodyLimit, Form, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hostwinds::{Action, ActionName, Instance, Ip, ServiceId};
use serde_json::json;
use std::sync::Arc;
use std::time::Instant;
use tower_http::compression::CompressionLayer;

/// Request bodies above this are refused with 413: the largest real form is a few hundred bytes.
pub(crate) const BODY_LIMIT: usize = 16 * 1024;

/// CORS for the consoles listed with `--allow-origin`, with their cookies; none for any other
/// origin (no header at all: the browser then keeps the answer from the page).
fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, CorsLayer};
    let origins: Vec<HeaderValue> = origins.iter().filter_map(|o| HeaderValue::from_str(o).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_credentials(true)
        .allow_methods([axum::http::Method::GET, axum::http::Method::POST])
        .allow_headers([header::CONTENT_TYPE, HeaderName::from_static(crate::auth::CONSOLE_HEADER)])
        .expose_headers([HeaderName::from_static("x-upstream-status"), HeaderName::from_static("x-outcome")])
}

/// The largest body a route takes (its `DefaultBodyLimit` below).
pub(crate) fn body_limit(path: &str) -> usize {
    match path {
        "/api/dns/checks" | "/api/dns/ptrs" => deliverability::BATCH_LIMIT,
        _ => BODY_LIMIT,
    }
}

pub fn app(state: AppState) -> Router {
    let dist = state.dist.clone();
    let state = Arc::new(state);
    // Every /api route needs a session (the layer), and hands its handler the caller.
    let signed_in = Router::new()
        .route("/api", post(api_call))
        .route("/api/audit", get(audit_log))
        .route("/api/dns/check", get(deliverability::check))
        .route("/api/dns/checks", post(deliverability::checks).layer(DefaultBodyLimit::max(body_limit("/api/dns/checks"))))
        .route("/api/dns/ptrs", post(deliverability::ptrs).layer(DefaultBodyLimit::max(body_limit("/api/dns/ptrs"))))
        .route("/api/dns/blocklists", get(deliverability::blocklists))
        .route("/api/inventory", get(deliverability::inventory))
        .route("/api/inventory/export", get(deliverability::export))
        .route("/api/inventory/status", post(deliverability::set_status))
        .route("/api/sessions/end", post(end_user_sessions))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), extract::signed_in));
    let api = Router::new()
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .route("/healthz", get(healthz))
        .route("/__sim/faults", post(sim_faults))
        .route("/__sim/dns", post(sim_dns))
        .route("/__sim/ips", post(sim_add_ip))
        .merge(signed_in)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state.clone());
    let router = match dist {
        Some(d) => api.fallback_service(statics::service(&d)),
        None => api,
    };
    // Outermost: a cross-site mutation is refused before anything else looks at it.
    router
        .layer(axum::middleware::from_fn(extract::declared_size))
        .layer(axum::middleware::from_fn_with_state(state.clone(), extract::same_origin_mutations))
        .layer(cors(&state.allowed_origins))
        .layer(CompressionLayer::new())
}

async fn healthz(State(st): State<Arc<AppState>>) -> impl IntoResponse {
    let upstream = match st.upstream {
        Upstream::Sim { .. } => "sim",
        Upstream::Http { .. } => "hostwinds",
    };
    // `demo` lets the sign-in page show the demo accounts; it is only ever true with the
    // simulator on a loopback address.
    let dns = st.dns.as_ref().map(|d| d.describe.clone());
    Json(json!({"status": "ok", "upstream": upstream, "audit": st.audit.describe(), "dns": dns, "demo": st.auth.users.demo}))
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

fn audit_record(caller: &Caller, name: ActionName, action: Option<&Action>) -> NewRecord {
    let params: serde_json::Map<String, serde_json::Value> = action
        .map(|a| a.encode())
        .unwrap_or_default()
        .into_iter()
        .filter(|(k, _)| *k != "action" && *k != "serviceid")
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    NewRecord {
        at_ms: now_ms() as i64,
        user: caller.user.name.clone(),
        role: caller.user.role.as_str().into(),
        action: name.wire().into(),
        serviceid: action.and_then(|a| a.serviceid()).map(|s| s.get() as i64),
        params: serde_json::Value::Object(params).to_string(),
    }
}

async fn api_call(
    State(st): State<Arc<AppState>>,
    SignedIn(caller): SignedIn,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let refresh = caller.refresh.clone();
    if !is_form(&headers) {
        return refusal(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            "Send the request form-encoded (application/x-www-form-urlencoded).",
        );
    }
    // Over the limit (DefaultBodyLimit), or a body that broke off: nothing usable arrived.
    let body = match body {
        Ok(b) => b,
        Err(_) => {
            let msg = format!("The request is larger than {} KiB.", BODY_LIMIT / 1024);
            return refusal(StatusCode::PAYLOAD_TOO_LARGE, None, &msg);
        }
    };
    let action = match Action::from_form_body(&body) {
        Ok(a) => a,
        Err(e) => {
            tracing::info!(user = %caller.user.name, action = e.action.map(|a| a.wire()).unwrap_or("-"), "refused: {}", e.message);
            if let Some(name) = e.action.filter(|a| a.mutates()) {
                let fin = Finish { outcome: Outcome::Refused, message: e.message.clone(), status: 400, latency_ms: None };
                if let Err(err) = Box::pin(st.audit.record(&audit_record(&caller, name, None), &fin)).await {
                    tracing::error!("audit log write failed: {err}");
                }
            }
            return with_cookie(refusal(StatusCode::BAD_REQUEST, e.action, &e.message), refresh);
        }
    };
    let name = action.name();
    if !caller.user.role.allows(name) {
        let msg = caller.user.role.refusal(name);
        tracing::info!(user = %caller.user.name, action = name.wire(), "refused: role");
        let fin = Finish { outcome: Outcome::Refused, message: msg.clone(), status: 403, latency_ms: None };
        if let Err(err) = Box::pin(st.audit.record(&audit_record(&caller, name, Some(&action)), &fin)).await {
            tracing::error!("audit log write failed: {err}");
        }
        return with_cookie(refusal(StatusCode::FORBIDDEN, Some(name), &msg), refresh);
    }
    if !name.mutates() {
        return with_cookie(forward(&st, &action).await.response, refresh);
    }
    // A task of its own, not this request's future: a client that goes away (a closed tab, a
    // dropped connection) cancels the request, and a mutation already forwarded must still be
    // followed to its answer and its audit row finished. (Reads are dropped with the client.)
    let task = tokio::spawn(async move { mutation(&st, &caller, &action).await });
    match task.await {
        Ok(response) => with_cookie(response, refresh),
        Err(e) => {
            tracing::error!("a mutation's task failed: {e}");
            let msg = "The proxy failed while handling the call; check Activity for what was sent.";
            refusal(StatusCode::INTERNAL_SERVER_ERROR, Some(name), msg)
        }
    }
}

/// A mutation: its audit row exists before anything is sent, or nothing is sent.
async fn mutation(st: &Arc<AppState>, caller: &Caller, action: &Action) -> Response {
    let name = action.name();
    let rec = audit_record(caller, name, Some(action));
    let id = match st.audit.begin(&rec).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!("audit log write failed, mutation not sent: {e}");
            let msg = "The audit log cannot be written, so the call was not sent to Hostwinds. Nothing changed.";
            return refusal(StatusCode::SERVICE_UNAVAILABLE, Some(name), msg);
        }
    };
    let done = match action {
        Action::DeleteIp { serviceid, ip } => match refuse_deleting_main_ip(st, *serviceid, *ip).await {
            Some(r) => r,
            None => forward(st, action).await,
        },
        _ => forward(st, action).await,
    };
    if done.outcome == Outcome::Ok {
        deliverability::observe_mutation(st, action).await;
    }
    tracing::info!(user = %caller.user.name, action = name.wire(), outcome = done.outcome.as_str(), "audited");
    let fin = Finish { outcome: done.outcome, message: done.message, status: done.status, latency_ms: done.latency_ms };
    if let Err(e) = st.audit.finish(id, &fin).await {
        // The row stays "pending": the log still shows the call was made.
        tracing::error!("audit log could not record the outcome of row {id}: {e}");
    }
    done.response
}

/// A finished call: the answer, and what the audit log says of it.
struct Done {
    response: Response,
    outcome: Outcome,
    message: String,
    status: u16,
    latency_ms: Option<i64>,
}

fn refused_here(status: StatusCode, name: ActionName, message: String) -> Done {
    Done {
        response: refusal(status, Some(name), &message),
        outcome: Outcome::Refused,
        message,
        status: status.as_u16(),
        latency_ms: None,
    }
}

/// Hostwinds refuses to delete the main IP too, but the proxy does not rely on it: a crafted
/// request must never get that far. The main IP is read from get_instance, never the list.
async fn refuse_deleting_main_ip(st: &AppState, serviceid: ServiceId, ip: Ip) -> Option<Done> {
    let name = ActionName::DeleteIp;
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
                Some(i) if i.main_ip == Some(ip) => Some(refused_here(
                    StatusCode::BAD_REQUEST,
                    name,
                    format!("{ip} is the main IP of server {serviceid} and cannot be deleted. Make another IP main first."),
                )),
                Some(_) => None,
                None => Some(refused_here(
                    StatusCode::BAD_GATEWAY,
                    name,
                    "Could not check that the IP is not the main IP: Hostwinds sent the server in an unreadable shape. Nothing was deleted.".into(),
                )),
            }
        }
        Err(e) => {
            let status = if matches!(e, UpstreamError::Timeout(_)) { StatusCode::GATEWAY_TIMEOUT } else { StatusCode::BAD_GATEWAY };
            Some(refused_here(
                status,
                name,
                "Could not check that the IP is not the main IP: Hostwinds did not answer. Nothing was deleted.".into(),
            ))
        }
    }
}

/// Send a validated action upstream with the key and answer with the redacted body.
async fn forward(st: &Arc<AppState>, action: &Action) -> Done {
    let name = action.name();
    let mut form = action.encode();
    form.push(("API", st.api_key.clone()));
    let started = Instant::now();
    let mut result = st.upstream.call(&form).await;
    // A read whose connection failed was never received: one more try is harmless.
    // Mutations are never retried, whatever happened.
    if name.retry_safe() && matches!(result, Err(UpstreamError::Connect(_))) {
        tracing::info!(action = name.wire(), "retrying a read once after a connect failure");
        result = st.upstream.call(&form).await;
    }
    let ms = started.elapsed().as_millis() as u64;
    let sid = action.serviceid().map(|s| s.to_string()).unwrap_or_default();
    match result {
        Ok(reply) => {
            let body = scrub(&reply.body, &st.api_key);
            if !name.mutates() && reply.status == 200 {
                deliverability::observe_read(st, action, &body);
            }
            // Only a mutation's outcome is recorded (the audit log); a read passes through.
            let (ok, message) = if name.mutates() {
                let o = hostwinds::decode(reply.status, &body);
                (o.ok, o.message)
            } else {
                ((200..300).contains(&reply.status), String::new())
            };
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
            Done {
                response: resp,
                outcome: if ok { Outcome::Ok } else { Outcome::Error },
                message,
                status: reply.status,
                latency_ms: Some(ms as i64),
            }
        }
        Err(e) => {
            tracing::warn!(action = name.wire(), serviceid = %sid, ms, "upstream failed: {e:?}");
            let maybe_applied = if name.mutates() {
                " The request may or may not have been applied: check the server's state before trying again."
            } else {
                ""
            };
            let (status, message, outcome) = match e {
                UpstreamError::Timeout(t) => (
                    StatusCode::GATEWAY_TIMEOUT,
                    format!("Hostwinds did not answer within {} s.{maybe_applied}", t.as_secs()),
                    Outcome::Unknown,
                ),
                UpstreamError::Connect(why) => (
                    StatusCode::BAD_GATEWAY,
                    format!("The proxy could not connect to Hostwinds ({why}). Nothing was sent."),
                    Outcome::Error,
                ),
                UpstreamError::Broken(why) => (
                    StatusCode::BAD_GATEWAY,
                    format!("The connection to Hostwinds broke before its answer arrived ({why}).{maybe_applied}"),
                    Outcome::Unknown,
                ),
            };
            let mut response = refusal(status, Some(name), &message);
            if outcome == Outcome::Unknown && name.mutates() {
                // Tells the console this is not a refusal: the call may have been applied.
                response.headers_mut().insert("x-outcome", HeaderValue::from_static("unknown"));
            }
            Done { response, outcome, message, status: status.as_u16(), latency_ms: Some(ms as i64) }
        }
    }
}

/// Remove the root secrets and any echo of the key from an upstream body.
fn scrub(body: &str, key: &str) -> String {
    let redacted = hostwinds::redact_text(body);
    if !key.is_empty() && redacted.contains(key) {
        redacted.replace(key, "[redacted]")
    } else {
        redacted
    }
}

/// Test tooling, only with the simulator upstream: its faults (`simulator::apply_faults`),
/// its DNS zone (`Zone::apply`) and adding an IP as the portal does.
async fn sim_faults(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Response {
    sim_hook(&st, body, crate::simulator::apply_faults)
}

async fn sim_dns(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Response {
    sim_hook(&st, body, crate::simulator::apply_dns)
}

async fn sim_add_ip(State(st): State<Arc<AppState>>, body: Result<Bytes, BytesRejection>) -> Response {
    sim_hook(&st, body, crate::simulator::apply_add_ip)
}

fn sim_hook(st: &AppState, body: Result<Bytes, BytesRejection>, apply: fn(&crate::simulator::Simulator, &[u8]) -> Response) -> Response {
    let Some(sim) = st.upstream.simulator().cloned() else {
        return json_error(StatusCode::NOT_FOUND, "This exists only with the simulator upstream.");
    };
    let Ok(body) = body else {
        return json_error(StatusCode::PAYLOAD_TOO_LARGE, "Too large.");
    };
    apply(&sim, &body)
}

async fn login(
    State(st): State<Arc<AppState>>,
    Peer(peer): Peer,
    headers: HeaderMap,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        Err(FormRejection::BytesRejection(_)) => return json_error(StatusCode::PAYLOAD_TOO_LARGE, "The sign-in form is too large."),
        Err(_) => return json_error(StatusCode::BAD_REQUEST, "Send the sign-in form form-encoded (username, password)."),
    };
    let field = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.as_str()).unwrap_or("");
    let (user, password) = (field("username"), field("password"));
    if user.trim().is_empty() || password.is_empty() {
        return json_error(StatusCode::BAD_REQUEST, "Enter a user name and a password.");
    }
    // Hashing is slow on purpose and takes memory: a few at a time, off the async workers.
    let Some(turn) = st.auth.hashing_turn().await else {
        let mut r = json_error(StatusCode::SERVICE_UNAVAILABLE, "Too many sign-ins at once. Try again in a few seconds.");
        r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        return r;
    };
    let st2 = st.clone();
    let (u, p, h) = (user.to_string(), password.to_string(), headers.clone());
    let result = tokio::task::spawn_blocking(move || st2.auth.login(&u, &p, peer, &h)).await;
    drop(turn);
    match result {
        Ok(Ok((user, cookie))) => {
            tracing::info!(user = %user.name, role = user.role.as_str(), "signed in");
            with_cookie(Json(json!({"signed_in": true, "name": user.name, "role": user.role.as_str()})).into_response(), Some(cookie))
        }
        Ok(Err(LoginError::Slowed(wait))) => {
            let secs = wait.as_secs().max(1);
            let mut r = json_error(
                StatusCode::TOO_MANY_REQUESTS,
                &format!("Too many failed sign-ins. Try again in {secs} s."),
            );
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                r.headers_mut().insert(header::RETRY_AFTER, v);
            }
            r
        }
        Ok(Err(LoginError::Wrong)) => {
            tracing::info!("failed sign-in");
            json_error(StatusCode::UNAUTHORIZED, "Wrong user name or password.")
        }
        Err(_) => json_error(StatusCode::INTERNAL_SERVER_ERROR, "Sign-in failed inside the proxy."),
    }
}

/// `POST /api/sessions/end` (form: username): an admin ends every session of a user, on every
/// proxy sharing the database (within `state::ENDED_EVERY`); audited as `end_sessions`.
async fn end_user_sessions(State(st): State<Arc<AppState>>, SignedIn(c): SignedIn, form: Result<Form<Vec<(String, String)>>, FormRejection>) -> Response {
    let Ok(Form(form)) = form else {
        return json_error(StatusCode::BAD_REQUEST, "Send the form form-encoded (username).");
    };
    let name = form.iter().find(|(k, _)| k == "username").map(|(_, v)| v.trim()).unwrap_or("");
    let rec = NewRecord {
        at_ms: now_ms() as i64,
        user: c.user.name.clone(),
        role: c.user.role.as_str().into(),
        action: "end_sessions".into(),
        serviceid: None,
        params: json!({"username": name}).to_string(),
    };
    let refused = if c.user.role != hostwinds::Role::Admin {
        Some((StatusCode::FORBIDDEN, format!("Only admins can end sessions (you are signed in as {}).", c.user.role.as_str())))
    } else if name.is_empty() {
        Some((StatusCode::BAD_REQUEST, "Enter the user name whose sessions to end.".to_string()))
    } else if st.auth.users.get(name).is_none() {
        Some((StatusCode::NOT_FOUND, format!("There is no user named \u{201c}{name}\u{201d} in the users file.")))
    } else {
        None
    };
    if let Some((status, message)) = refused {
        let fin = Finish { outcome: Outcome::Refused, message: message.clone(), status: status.as_u16(), latency_ms: None };
        if let Err(e) = Box::pin(st.audit.record(&rec, &fin)).await {
            tracing::error!("audit log write failed: {e}");
        }
        return with_cookie(json_error(status, &message), c.refresh);
    }
    // As a Hostwinds mutation: the row first, or nothing is done.
    let id = match st.audit.begin(&rec).await {
        Ok(id) => id,
        Err(e) => {
            tracing::error!("audit log write failed, sessions not ended: {e}");
            return json_error(StatusCode::SERVICE_UNAVAILABLE, "The audit log cannot be written, so no session was ended.");
        }
    };
    let now = now_ms();
    st.auth.end_user_sessions([(name.to_string(), now)]);
    let (outcome, status, message) = match st.audit.end_user_sessions(name, now as i64).await {
        Ok(()) => (Outcome::Ok, StatusCode::OK, format!("Every session of {name} is ended; they must sign in again.")),
        Err(e) => {
            tracing::error!("could not record ending sessions for the other proxies: {e}");
            let msg = format!("The sessions of {name} are ended on this proxy, but the database could not be written: other proxies may still take them.");
            (Outcome::Error, StatusCode::SERVICE_UNAVAILABLE, msg)
        }
    };
    let fin = Finish { outcome, message: message.clone(), status: status.as_u16(), latency_ms: None };
    if let Err(e) = st.audit.finish(id, &fin).await {
        tracing::error!("audit log could not record the outcome of row {id}: {e}");
    }
    let resp = match outcome {
        Outcome::Ok => Json(json!({"ok": true, "message": message})).into_response(),
        _ => json_error(status, &message),
    };
    with_cookie(resp, c.refresh)
}

/// `POST /auth/logout`: the session ends here at once, and on the other proxies sharing the
/// database within `state::ENDED_EVERY`; the cookie is cleared too.
async fn logout(State(st): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    if let Some(sid) = st.auth.session_id(&headers) {
        let now = now_ms();
        st.auth.end_sessions([(sid.clone(), now)]);
        if let Err(e) = st.audit.end_session(&sid, now as i64).await {
            // Ended on this proxy only: say so, the others keep taking the cookie until it expires.
            tracing::error!("could not record a logout for the other proxies: {e}");
        }
    }
    with_cookie(Json(json!({"ok": true})).into_response(), Some(st.auth.logout_cookie(&headers)))
}

/// `GET /auth/me`: `{"signed_in": true, "name", "role", "demo"}`, or `{"signed_in": false, "demo"}`
/// (`demo` lets the sign-in page name the demo accounts without a second request).
async fn me(State(st): State<Arc<AppState>>, Peer(peer): Peer, headers: HeaderMap) -> Response {
    st.sync_ended().await;
    match st.auth.caller(&headers, peer) {
        Some(c) => with_cookie(
            Json(json!({"signed_in": true, "name": c.user.name, "role": c.user.role.as_str(), "demo": st.auth.users.demo}))
                .into_response(),
            c.refresh,
        ),
        // A plain answer, not a 401: asking who is signed in is how every first visit starts,
        // and the browser reports a 401 as an error on the page.
        None => Json(json!({"signed_in": false, "demo": st.auth.users.demo})).into_response(),
    }
}

/// `GET /api/audit?server=&user=&action=&outcome=&from=&to=&page=&per_page=` (times in ms).
async fn audit_log(State(st): State<Arc<AppState>>, SignedIn(caller): SignedIn, Query(pairs): Query<Vec<(String, String)>>) -> Response {
    let mut q = AuditQuery { page: 1, per_page: 50, ..Default::default() };
    for (k, v) in pairs.into_iter().filter(|(_, v)| !v.trim().is_empty()) {
        let v = v.trim().to_string();
        let int = |what: &str| v.parse::<i64>().map_err(|_| format!("{what} must be a whole number, not {v:?}"));
        let r: Result<(), String> = match k.as_str() {
            "server" => ServiceId::parse(&v).map(|s| q.serviceid = Some(s.get() as i64)).map_err(|e| e.0),
            "user" => {
                q.user = Some(v);
                Ok(())
            }
            "action" => match ActionName::from_wire(&v) {
                Some(a) => {
                    q.action = Some(a.wire().into());
                    Ok(())
                }
                // The proxy's own audited changes.
                None if ["inventory_status", "end_sessions"].contains(&v.as_str()) => {
                    q.action = Some(v);
                    Ok(())
                }
                None => Err(format!("unknown action {v:?}")),
            },
            "outcome" => match v.as_str() {
                "ok" | "error" | "refused" | "unknown" | "pending" => {
                    q.outcome = Some(v);
                    Ok(())
                }
                _ => Err("outcome is one of ok, error, refused, unknown, pending".into()),
            },
            "from" => int("from").map(|n| q.from_ms = Some(n)),
            "to" => int("to").map(|n| q.to_ms = Some(n)),
            "page" => int("page").map(|n| q.page = n.clamp(1, 1_000_000) as u32),
            "per_page" => int("per_page").map(|n| q.per_page = n.clamp(1, 200) as u32),
            _ => Err(format!("unknown filter {k:?}")),
        };
        if let Err(e) = r {
            return json_error(StatusCode::BAD_REQUEST, &e);
        }
    }
    match st.audit.query(&q).await {
        Ok(page) => with_cookie(Json(page).into_response(), caller.refresh),
        Err(e) => {
            tracing::error!("audit log read failed: {e}");
            json_error(StatusCode::SERVICE_UNAVAILABLE, "The audit log cannot be read right now.")
        }
    }
}
