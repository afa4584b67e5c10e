//! What routes check before their handler runs, applied as layers so that a new route cannot
//! forget it: every state-changing request must come from this console's origin, and every
//! `/api` route needs a session, whose caller (with role) `SignedIn` hands to the handler.

use crate::auth::{same_origin, Caller};
use crate::respond::{json_error, refusal, CROSS_SITE};
use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use std::net::SocketAddr;
use std::sync::Arc;

/// `POST /api` answers in Hostwinds' envelope, which the console decodes as any error; the
/// other routes answer `{"error": ...}`.
fn refuse(path: &str, status: StatusCode, message: &str) -> Response {
    if path == "/api" {
        refusal(status, None, message)
    } else {
        json_error(status, message)
    }
}

/// A body declared larger than its route takes is refused at once (413), before any of it
/// arrives: the extractors' `DefaultBodyLimit` alone would wait for the declared length.
pub async fn declared_size(req: Request, next: Next) -> Response {
    let limit = crate::proxy::body_limit(req.uri().path());
    let declared = req.headers().get(axum::http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return refusal(StatusCode::PAYLOAD_TOO_LARGE, None, &format!("The request is larger than {} KiB.", limit / 1024));
    }
    next.run(req).await
}

/// Layer on every route: a request that may change something (any method but GET, HEAD,
/// OPTIONS, TRACE) needs an `Origin` naming this host or the console's header.
/// An origin listed with `--allow-origin` passes too.
pub async fn same_origin_mutations(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let listed = req
        .headers()
        .get(axum::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| st.allowed_origins.iter().any(|a| a.eq_ignore_ascii_case(o)));
    if !req.method().is_safe() && !same_origin(req.headers()) && !listed {
        tracing::warn!("refused a cross-site {} {}", req.method(), req.uri().path());
        return refuse(req.uri().path(), StatusCode::FORBIDDEN, CROSS_SITE);
    }
    next.run(req).await
}

/// Layer on the `/api` routes: no session, no handler.
pub async fn signed_in(State(st): State<Arc<AppState>>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0);
    st.sync_ended().await;
    match st.auth.caller(req.headers(), peer) {
        Some(caller) => {
            req.extensions_mut().insert(caller);
            next.run(req).await
        }
        None if req.uri().path() == "/api" => refuse("/api", StatusCode::UNAUTHORIZED, "Sign in to use the console (no session, or it expired)."),
        None => refuse(req.uri().path(), StatusCode::UNAUTHORIZED, "Not signed in."),
    }
}

/// The caller `signed_in` found. On a route outside that layer it is a 401, never a pass.
pub struct SignedIn(pub Caller);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        match parts.extensions.get::<Caller>() {
            Some(c) => Ok(SignedIn(c.clone())),
            None => Err(refuse(parts.uri.path(), StatusCode::UNAUTHORIZED, "Not signed in.")),
        }
    }
}

/// The peer's address, when the server recorded it (it feeds the sign-in limiter and the
/// trusted-header check); never a rejection.
pub struct Peer(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Peer(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0)))
    }
}
