//! The upstream client (`upstream::http_client`, hyper-util's pool) against a loopback HTTP/1.1
//! server that counts its connections: what the proxy relies on, not the pool's own internals.

use bytes::Bytes;
use http_body_util::Full;
use hostwinds_proxy::upstream::{http_client, HttpClient};
use hyper::{Request, Uri};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The proxy keeps this many idle connections (`upstream::http_client`).
const MAX_IDLE: usize = 32;

const ANSWER: &str = r#"[{"result":"success","message":"ok"}]"#;

/// What the server saw: connections accepted, and each request's head.
#[derive(Default)]
struct Seen {
    connections: AtomicUsize,
    heads: Mutex<Vec<String>>,
}

/// A keep-alive server answering every request with `ANSWER` after `delay`.
async fn server(delay: Duration) -> (String, Arc<Seen>) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cloud/api.php?v=1", l.local_addr().unwrap());
    let seen = Arc::new(Seen::default());
    let s2 = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            s2.connections.fetch_add(1, Ordering::SeqCst);
            let seen = s2.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                loop {
                    // One request: its head, then its content-length body.
                    let head_end = loop {
                        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                            break i + 4;
                        }
                        let mut chunk = [0u8; 4096];
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                        .unwrap_or(0);
                    while buf.len() < head_end + len {
                        let mut chunk = [0u8; 4096];
                        match s.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    buf.drain(..head_end + len);
                    seen.heads.lock().unwrap().push(head);
                    tokio::time::sleep(delay).await;
                    let answer = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{ANSWER}", ANSWER.len());
                    if s.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (url, seen)
}

fn client(url: &str) -> HttpClient {
    http_client(&url.parse::<Uri>().unwrap(), Duration::from_secs(5), None).unwrap()
}

fn form() -> Request<Full<Bytes>> {
    Request::post("/")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::new(Bytes::from_static(b"action=get_instance&serviceid=20001")))
        .unwrap()
}

#[tokio::test]
async fn calls_one_after_another_share_one_kept_connection_with_the_urls_target_and_host() {
    let (url, seen) = server(Duration::ZERO).await;
    let c = client(&url);
    for _ in 0..5 {
        let (status, body) = c.send(form()).await.unwrap();
        assert_eq!(status, 200);
        assert_eq!(body, ANSWER.as_bytes());
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    let heads = seen.heads.lock().unwrap();
    assert_eq!(heads.len(), 5);
    let port = url.split(':').nth(2).and_then(|p| p.split('/').next()).unwrap();
    for h in heads.iter() {
        assert!(h.starts_with("POST /cloud/api.php?v=1 HTTP/1.1\r\n"), "{h}");
        assert!(h.to_ascii_lowercase().contains(&format!("\r\nhost: 127.0.0.1:{port}\r\n")), "{h}");
    }
}

/// `n` calls sent together, each answered 200.
async fn all_ok_at_once(c: &HttpClient, n: usize) {
    let calls: Vec<_> = (0..n)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.send(form()).await.map(|(s, _)| s.as_u16()) })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap().unwrap(), 200);
    }
}

#[tokio::test]
async fn calls_at_once_get_a_connection_each_and_at_most_max_idle_are_kept() {
    let (url, seen) = server(Duration::from_millis(200)).await;
    let c = client(&url);
    let n = MAX_IDLE + 8;
    all_ok_at_once(&c, n).await;
    assert_eq!(seen.connections.load(Ordering::SeqCst), n);
    // Kept ones serve the next calls, even at once: no new connection.
    all_ok_at_once(&c, MAX_IDLE).await;
    assert_eq!(seen.connections.load(Ordering::SeqCst), n);
}

#[tokio::test]
async fn a_call_cut_short_by_its_deadline_leaves_no_connection_behind() {
    let (url, seen) = server(Duration::from_millis(400)).await;
    let c = client(&url);
    assert!(tokio::time::timeout(Duration::from_millis(50), c.send(form())).await.is_err());
    let (status, body) = c.send(form()).await.unwrap();
    assert_eq!(status, 200);
    assert_eq!(body, ANSWER.as_bytes(), "the answer to this call, not the one cut short");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 2, "a connection with an answer still on its way is never reused");
}
