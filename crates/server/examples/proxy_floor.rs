//! The proxy's floor, for `cargo xtask bench`: the same stack as hostwinds-proxy (axum on
//! hyper, tokio's one-thread runtime, mimalloc, and `upstream::http_client`) forwarding each
//! `POST` body to the upstream as it is, and its answer back. None of the proxy's own work:
//! no session or role check, no validation, no key added, no redaction, no inventory.
//!
//! What it costs above nginx is the Rust HTTP stack's; what hostwinds-proxy costs above it is
//! the proxy's own. Never deployed: it checks nothing.
//!
//! `proxy_floor LISTEN UPSTREAM_URL`, e.g. `proxy_floor 127.0.0.1:0 http://127.0.0.1:9000/cloud/api.php`;
//! prints `proxy floor on http://ADDR` once it listens.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use http_body_util::Full;
use hostwinds_proxy::upstream::{http_client, HttpClient};
use hyper::{Request, Uri};
use std::sync::Arc;
use std::time::Duration;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Floor {
    client: HttpClient,
}

async fn forward(State(f): State<Arc<Floor>>, body: Bytes) -> Response {
    let req = Request::post("/")
        .header(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
        .body(Full::new(body));
    let Ok(req) = req else { return StatusCode::INTERNAL_SERVER_ERROR.into_response() };
    // A deadline, as the proxy's: forwarding without one is not forwarding done right.
    let call = async {
        let (status, body) = f.client.send(req).await.ok()?;
        Some((status, [(header::CONTENT_TYPE, "application/json")], body).into_response())
    };
    match tokio::time::timeout(TIMEOUT, call).await {
        Ok(Some(r)) => r,
        Ok(None) => StatusCode::BAD_GATEWAY.into_response(),
        Err(_) => StatusCode::GATEWAY_TIMEOUT.into_response(),
    }
}

const TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(listen), Some(upstream)) = (args.first(), args.get(1)) else {
        eprintln!("usage: proxy_floor LISTEN UPSTREAM_URL");
        std::process::exit(2);
    };
    let url: Uri = match upstream.parse() {
        Ok(u) => u,
        Err(e) => {
            eprintln!("proxy_floor: {upstream} is not a URL: {e}");
            std::process::exit(2);
        }
    };
    let client = match http_client(&url, TIMEOUT, None) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("proxy_floor: {e}");
            std::process::exit(2);
        }
    };
    let floor = Arc::new(Floor { client });
    let app = Router::new().fallback(post(forward)).with_state(floor);
    let listener = match tokio::net::TcpListener::bind(listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("proxy_floor: cannot listen on {listen}: {e}");
            std::process::exit(2);
        }
    };
    match listener.local_addr() {
        Ok(a) => println!("proxy floor on http://{a}"),
        Err(e) => eprintln!("proxy_floor: {e}"),
    }
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("proxy_floor: {e}");
        std::process::exit(1);
    }
}
