//! What the loopback HTTP tests share: serving a router, and clients that talk like the console.
#![allow(dead_code)] // each test binary uses its own part

use axum::Router;
use std::net::SocketAddr;

/// Serve `router` on a free loopback port, with peer addresses (as the real server does).
pub async fn spawn(router: Router) -> SocketAddr {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(l, router.into_make_service_with_connect_info::<SocketAddr>()).await.unwrap()
    });
    addr
}

/// A client with a cookie jar that sends the console's header.
pub fn client() -> reqwest::Client {
    let mut h = reqwest::header::HeaderMap::new();
    h.insert("x-hostwinds-console", reqwest::header::HeaderValue::from_static("1"));
    reqwest::Client::builder().cookie_store(true).default_headers(h).build().unwrap()
}

pub async fn login(c: &reqwest::Client, base: &str, user: &str, password: &str) -> reqwest::Response {
    c.post(format!("{base}/auth/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("username={user}&password={password}"))
        .send()
        .await
        .unwrap()
}

/// A client signed in with a demo account (its password is its name).
pub async fn signed_in(base: &str, user: &str) -> reqwest::Client {
    let c = client();
    assert_eq!(login(&c, base, user, user).await.status(), 200, "sign-in as {user}");
    c
}
