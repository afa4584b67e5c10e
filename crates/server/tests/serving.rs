//! The proxy's own accept loop: a deadline for request headers, a cap on open connections,
//! and the peer address handed to the handlers.

use axum::extract::ConnectInfo;
use axum::routing::get;
use axum::Router;
use hostwinds_proxy::serving::{serve_with, Limits};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn server(limits: Limits) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let app = Router::new()
        .route("/peer", get(|ConnectInfo(p): ConnectInfo<SocketAddr>| async move { p.ip().to_string() }))
        .route("/boom", get(|| async move { panic!("a bug in a handler") as &'static str }));
    tokio::spawn(serve_with(l, app, limits, std::future::pending()));
    addr
}

const GET: &[u8] = b"GET /peer HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

async fn answer(s: &mut TcpStream, within: Duration) -> Option<String> {
    let mut all = Vec::new();
    let read = tokio::time::timeout(within, s.read_to_end(&mut all)).await;
    read.ok().map(|_| String::from_utf8_lossy(&all).into_owned())
}

#[tokio::test]
async fn headers_that_never_finish_lose_their_connection() {
    let addr = server(Limits { header_timeout: Duration::from_millis(300), max_connections: 8 }).await;
    let mut slow = TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /peer HTTP/1.1\r\nHost: a\r\n").await.unwrap();
    let got = answer(&mut slow, Duration::from_secs(5)).await.expect("closed within the deadline");
    assert!(got.is_empty() || got.starts_with("HTTP/1.1 408"), "{got}");
    // A whole request is served, with its peer address.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(GET).await.unwrap();
    let got = answer(&mut s, Duration::from_secs(5)).await.unwrap();
    assert!(got.starts_with("HTTP/1.1 200") && got.ends_with("127.0.0.1"), "{got}");
}

#[tokio::test]
async fn connections_beyond_the_cap_wait_until_one_closes() {
    let addr = server(Limits { header_timeout: Duration::from_secs(30), max_connections: 2 }).await;
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    let mut third = TcpStream::connect(addr).await.unwrap();
    third.write_all(GET).await.unwrap();
    assert!(answer(&mut third, Duration::from_millis(300)).await.is_none(), "not served while two are open");
    drop(first);
    let got = answer(&mut third, Duration::from_secs(5)).await.expect("served once one closed");
    assert!(got.starts_with("HTTP/1.1 200"), "{got}");
}

#[tokio::test]
async fn a_panicking_request_is_answered_500_and_the_proxy_goes_on() {
    let addr = server(Limits::default()).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /boom HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").await.unwrap();
    let got = answer(&mut s, Duration::from_secs(5)).await.unwrap();
    assert!(got.starts_with("HTTP/1.1 500") && got.contains("Nothing else was affected"), "{got}");
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(GET).await.unwrap();
    assert!(answer(&mut s, Duration::from_secs(5)).await.unwrap().starts_with("HTTP/1.1 200"));
}
