//! The simulator over HTTP: `POST /cloud/api.php`, form-encoded, as the live API.

use super::Simulator;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::Router;
use std::sync::Arc;

pub fn router(sim: Arc<Simulator>) -> Router {
    Router::new().route("/cloud/api.php", post(api)).with_state(sim)
}

async fn api(State(sim): State<Arc<Simulator>>, body: Bytes) -> impl IntoResponse {
    let reply = sim.handle_form(&body);
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "application/json")], reply.body)
}
