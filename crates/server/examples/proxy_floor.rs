//! The proxy's floor, for `cargo xtask bench`: the same stack as hostwinds-proxy (axum on
//! hyper, tokio's one-thread runtime, mimalloc, and `upstream::http_client`) forwarding each
//! `POST` body to the upstream as it is, and its answer back. None of the proxy's own work:
//! no session or role check, no validation, no key added, no redaction, no inventory.
//!
//! What it costs above nginx is the Rust HTTP stack's; what hostwinds-proxy costs above it is
//! the proxy's own. Never deployed: it checks nothing.
//!
//! With `--hyper`, the same without axum: hyper's own HTTP/1 server, a task per connection,
//! the same forwarding. What the two floors differ by is axum's (routing, extractors, boxing).
//!
//! `proxy_floor [--hyper] LISTEN UPSTREAM_URL`, e.g. `proxy_floor 127.0.0.1:0
//! http://127.0.0.1:9000/cloud/api.php`; prints `proxy floor on http://ADDR` once it listens.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hostwinds_proxy::upstream::{http_client, HttpClient};
use http_body_util::{BodyExt, Full};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Floor {
    client: HttpClient,
}

/// The body sent on as it is, and the answer's status and body back; 502 if the upstream
/// cannot be reached, 504 past the deadline.
async fn relay(f: &Floor, body: Bytes) -> (StatusCode, Bytes) {
    let req = Request::post("/")
        .header(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
        .body(Full::new(body));
    let Ok(req) = req else { return (StatusCode::INTERNAL_SERVER_ERROR, Bytes::new()) };
    // A deadline, as the proxy's: forwarding without one is not forwarding done right.
    match tokio::time::timeout(TIMEOUT, f.client.send(req)).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(_)) => (StatusCode::BAD_GATEWAY, Bytes::new()),
        Err(_) => (StatusCode::GATEWAY_TIMEOUT, Bytes::new()),
    }
}

async fn forward(State(f): State<Arc<Floor>>, body: Bytes) -> Response {
    let (status, body) = relay(&f, body).await;
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// `--hyper`: hyper's server, no axum; every request is a POST to forward.
async fn serve_hyper(listener: tokio::net::TcpListener, floor: Arc<Floor>) {
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("proxy_floor: accept: {e}");
                continue;
            }
        };
        // No TCP_NODELAY, as axum::serve (and so the proxy) does: only axum differs.
        let floor = floor.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
                let floor = floor.clone();
                async move {
                    let body = req.into_body().collect().await?.to_bytes();
                    let (status, body) = relay(&floor, body).await;
                    let mut resp = hyper::Response::new(Full::new(body));
                    *resp.status_mut() = status;
                    resp.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
                    Ok::<_, hyper::Error>(resp)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

const TIMEOUT: Duration = Duration::from_secs(30);

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let hyper_only = args.first().is_some_and(|a| a == "--hyper");
    if hyper_only {
        args.remove(0);
    }
    let (Some(listen), Some(upstream)) = (args.first(), args.get(1)) else {
        eprintln!("usage: proxy_floor [--hyper] LISTEN UPSTREAM_URL");
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
    if hyper_only {
        return serve_hyper(listener, floor).await;
    }
    let app = Router::new().fallback(post(forward)).with_state(floor);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("proxy_floor: {e}");
        std::process::exit(1);
    }
}
