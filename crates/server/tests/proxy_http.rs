//! The proxy over real HTTP on loopback: forwarding, refusals, redaction, static files.

use axum::routing::post;
use axum::Router;
use hostwinds_proxy::audit::AuditStore;
use hostwinds_proxy::auth::Auth;
use hostwinds_proxy::simulator::{SimConfig, Simulator};
use hostwinds_proxy::upstream::Upstream;
use hostwinds_proxy::{app, AppState};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{signed_in, spawn};

const KEY: &str = "hw-test-key-5f2c";

fn state(upstream: Upstream, key: &str, dist: Option<PathBuf>) -> AppState {
    AppState::new(upstream, key.into(), dist, Auth::demo().unwrap(), AuditStore::memory())
}

fn sim_state(dist: Option<PathBuf>) -> AppState {
    state(Upstream::sim(Arc::new(Simulator::new(SimConfig::new(KEY))), Duration::from_secs(5)), KEY, dist)
}

async fn proxy_to_url(url: String, key: &str, timeout: Duration) -> String {
    format!("http://{}", spawn(app(state(Upstream::http(&url, timeout).unwrap(), key, None))).await)
}

struct Answer {
    status: u16,
    upstream_status: Option<String>,
    body: String,
}

impl Answer {
    fn outcome(&self) -> hostwinds::Outcome {
        hostwinds::decode(self.status, &self.body)
    }
}

async fn post_form(base: &str, body: impl Into<String>) -> Answer {
    let r = signed_in(base, "admin")
        .await
        .post(format!("{base}/api"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let upstream_status = r.headers().get("x-upstream-status").map(|v| v.to_str().unwrap().to_string());
    Answer { status, upstream_status, body: r.text().await.unwrap() }
}

async fn sim_proxy() -> String {
    format!("http://{}", spawn(app(sim_state(None))).await)
}

#[tokio::test]
async fn healthz_answers_without_calling_upstream() {
    let base = proxy_to_url("http://127.0.0.1:9/cloud/api.php".into(), KEY, Duration::from_secs(1)).await;
    let r = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("\"ok\""));
}

#[tokio::test]
async fn listing_servers_strips_root_password_and_configkey() {
    let base = sim_proxy().await;
    let a = post_form(&base, "action=get_instances").await;
    assert_eq!(a.status, 200);
    let o = a.outcome();
    assert!(o.ok);
    assert_eq!(hostwinds::Instance::list(o.data.as_ref().unwrap()).len(), 5);
    for secret in ["password", "configkey", "Root-Pass", "cfgkey-", KEY] {
        assert!(!a.body.contains(secret), "{secret} leaked");
    }
}

#[tokio::test]
async fn forwards_over_http_with_the_key_and_ignores_one_sent_by_the_browser() {
    let sim = Arc::new(Simulator::new(SimConfig::new(KEY)));
    let sim_addr = spawn(hostwinds_proxy::simulator::router(sim.clone())).await;
    let base = proxy_to_url(format!("http://{sim_addr}/cloud/api.php"), KEY, Duration::from_secs(5)).await;
    let a = post_form(&base, "action=get_instance&serviceid=20001&API=attacker-key").await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.outcome().ok);
    assert!(!a.body.contains(KEY) && !a.body.contains("password"));
    let a = post_form(&base, "action=create_ip_cleanup_fee&serviceid=20002").await;
    assert!(a.outcome().ok);
    assert_eq!(a.outcome().message, "A valid serviceid is required.");
    assert_eq!(sim.invoices().len(), 1);
}

#[tokio::test]
async fn a_key_hostwinds_refuses_comes_back_as_not_authorized_never_as_401() {
    let sim = Arc::new(Simulator::new(SimConfig::new("the-real-key")));
    let sim_addr = spawn(hostwinds_proxy::simulator::router(sim)).await;
    let base = proxy_to_url(format!("http://{sim_addr}/cloud/api.php"), "an-old-key", Duration::from_secs(5)).await;
    let a = post_form(&base, "action=get_instances").await;
    assert_eq!(a.status, 502);
    assert_eq!(a.upstream_status.as_deref(), Some("401"));
    assert_eq!(a.outcome().message, "Not Authorized!");
}

#[tokio::test]
async fn requests_that_do_not_validate_are_refused_with_400_and_a_message() {
    let base = sim_proxy().await;
    for (body, needle) in [
        ("", "no action"),
        ("action=drop_everything", "Unknown action"),
        ("action=get_instance", "service ID"),
        ("action=get_instance&serviceid=12x", "digits"),
        ("action=set_rdns&serviceid=20001&ip=192.0.2.11&rdns=mail_1.example.com", "underscore"),
        ("action=delete_ip&serviceid=20001&ip=999.1.1.1", "not an IP address"),
        ("action=get_instance&serviceid=1&serviceid=2", "more than once"),
    ] {
        let a = post_form(&base, body).await;
        assert_eq!(a.status, 400, "{body}");
        let o = a.outcome();
        assert!(!o.ok);
        assert!(o.message.contains(needle), "{body}: {}", o.message);
    }
}

#[tokio::test]
async fn oversized_and_non_form_bodies_are_refused() {
    let base = sim_proxy().await;
    let a = post_form(&base, format!("action=get_instances&pad={}", "x".repeat(20_000))).await;
    assert_eq!(a.status, 413);
    assert!(a.outcome().message.contains("larger than"));
    // A declared 10 GB body is refused on its headers, without waiting for any of it.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(base.trim_start_matches("http://")).await.unwrap();
    let head = "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Hostwinds-Console: 1\r\nContent-Length: 10000000000\r\n\r\n";
    s.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    let n = tokio::time::timeout(std::time::Duration::from_secs(5), s.read(&mut answer)).await.expect("answered at once").unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    let r = signed_in(&base, "admin")
        .await
        .post(format!("{base}/api"))
        .header("content-type", "application/json")
        .body(r#"{"action":"get_instances"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    assert!(hostwinds::decode(415, &r.text().await.unwrap()).message.contains("form-encoded"));
}

#[tokio::test]
async fn an_unreachable_upstream_is_a_clear_502() {
    // Bind then drop, so nothing listens on the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let base = proxy_to_url(format!("http://127.0.0.1:{port}/cloud/api.php"), KEY, Duration::from_secs(2)).await;
    let a = post_form(&base, "action=get_instances").await;
    assert_eq!(a.status, 502);
    assert!(a.outcome().message.contains("could not connect"), "{}", a.outcome().message);
}

#[tokio::test]
async fn a_silent_upstream_times_out_with_504_and_says_a_mutation_may_have_happened() {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        loop {
            if let Ok((s, _)) = l.accept().await {
                held.push(s); // accept and never answer
            }
        }
    });
    let base = proxy_to_url(format!("http://{addr}/cloud/api.php"), KEY, Duration::from_secs(1)).await;
    let a = post_form(&base, "action=set_rdns&serviceid=20001&ip=192.0.2.11&rdns=mta1.example.com").await;
    assert_eq!(a.status, 504);
    let o = a.outcome();
    assert!(o.message.contains("did not answer within 1 s"));
    assert!(o.message.contains("may or may not have been applied"));
    assert_eq!(o.action.as_deref(), Some("Set rDNS"));
    // A delete stops at the proxy's main-IP check, so nothing was sent.
    let a = post_form(&base, "action=delete_ip&serviceid=20001&ip=192.0.2.11").await;
    assert_eq!(a.status, 504);
    assert!(a.outcome().message.contains("Nothing was deleted"));
}

/// A one-shot upstream on loopback that reads a request's head and then writes `answer` as it
/// is (raw bytes: what a broken server sends), then closes. Counts the connections it took.
async fn raw_upstream(answer: &'static [u8]) -> (std::net::SocketAddr, Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let taken = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = taken.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let _ = s.read(&mut buf).await;
                let _ = s.write_all(answer).await;
                let _ = s.shutdown().await;
            });
        }
    });
    (addr, taken)
}

#[tokio::test]
async fn an_answer_cut_off_mid_way_is_a_502_that_says_the_connection_broke() {
    let (addr, _) = raw_upstream(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 900\r\n\r\n[{\"result\":\"success\",").await;
    let base = proxy_to_url(format!("http://{addr}/cloud/api.php"), KEY, Duration::from_secs(2)).await;
    let a = post_form(&base, "action=set_rdns&serviceid=20001&ip=192.0.2.11&rdns=mta1.example.com").await;
    assert_eq!(a.status, 502);
    let m = a.outcome().message;
    assert!(m.contains("broke before its answer arrived") && m.contains("may or may not have been applied"), "{m}");
}

#[tokio::test]
async fn an_https_upstream_that_does_not_speak_tls_is_a_502_and_nothing_is_sent() {
    // The TLS handshake fails on a plain HTTP answer: no form ever leaves the proxy.
    let (addr, taken) = raw_upstream(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
    let base = proxy_to_url(format!("https://{addr}/cloud/api.php"), KEY, Duration::from_secs(2)).await;
    let a = post_form(&base, "action=change_main_ip&serviceid=20003").await;
    assert_eq!(a.status, 502);
    let m = a.outcome().message;
    assert!(m.contains("could not connect") && m.contains("Nothing was sent"), "{m}");
    assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 1, "a mutation is not tried again");
}

#[tokio::test]
async fn the_form_goes_once_as_a_form_post_and_a_redirect_is_not_followed() {
    use std::sync::Mutex;
    let seen: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let followed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (rec, flag) = (seen.clone(), followed.clone());
    let fake = Router::new()
        .route(
            "/api.php",
            post(move |headers: axum::http::HeaderMap, body: String| async move {
                let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
                rec.lock().unwrap().push((h("content-type"), h("user-agent"), body));
                (axum::http::StatusCode::FOUND, [("location", "/elsewhere")], "")
            }),
        )
        .route(
            "/elsewhere",
            post(move || async move {
                flag.store(true, std::sync::atomic::Ordering::SeqCst);
                "[]"
            }),
        );
    let addr = spawn(fake).await;
    let base = proxy_to_url(format!("http://{addr}/api.php"), KEY, Duration::from_secs(2)).await;
    let a = post_form(&base, "action=get_instances").await;
    assert_eq!(a.status, 502);
    assert_eq!(a.upstream_status.as_deref(), Some("302"));
    assert!(!followed.load(std::sync::atomic::Ordering::SeqCst), "the form, with its key, went elsewhere");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let (ctype, agent, body) = &seen[0];
    assert_eq!(ctype, "application/x-www-form-urlencoded");
    assert!(agent.starts_with("hostwinds-proxy/"), "{agent}");
    assert_eq!(body, &format!("action=get_instances&API={KEY}"));
}

/// A CONNECT proxy on loopback that answers each CONNECT with `status` and, when it is 200,
/// tunnels to where it was asked. Keeps each request's head.
async fn connect_proxy(status: &'static str) -> (std::net::SocketAddr, Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let heads: Arc<std::sync::Mutex<Vec<String>>> = Arc::default();
    let kept = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = l.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).await.unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_string();
                kept.lock().unwrap().push(head.clone());
                let _ = s.write_all(format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\n\r\n").as_bytes()).await;
                if !status.starts_with("200") {
                    return;
                }
                let target = head.split_whitespace().nth(1).unwrap_or("").to_string();
                if let Ok(mut t) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut s, &mut t).await;
                }
            });
        }
    });
    (addr, heads)
}

#[tokio::test]
async fn an_https_upstream_is_reached_through_the_http_proxy_named_with_its_credentials() {
    // Behind the proxy, a server that is not TLS: the handshake inside the tunnel fails, which
    // is as far as a test without Hostwinds' certificate can go. It shows the tunnel was used.
    let (up, taken) = raw_upstream(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n").await;
    let (px, heads) = connect_proxy("200 Connection established").await;
    let url = format!("https://{up}/cloud/api.php");
    let via = hostwinds_proxy::upstream::Via::parse(&url, &format!("http://ops:s3cret@{px}")).unwrap().unwrap();
    assert_eq!(via.describe(), px.to_string(), "no credentials in what is logged");
    let upstream = Upstream::http_via(&url, Duration::from_secs(2), Some(&via)).unwrap();
    let base = format!("http://{}", spawn(app(state(upstream, KEY, None))).await);
    let a = post_form(&base, "action=change_main_ip&serviceid=20003").await;
    assert_eq!(a.status, 502);
    assert!(a.outcome().message.contains("could not connect"), "{}", a.outcome().message);
    let heads = heads.lock().unwrap();
    assert_eq!(heads.len(), 1, "{heads:?}");
    assert!(heads[0].starts_with(&format!("CONNECT {up} HTTP/1.1")), "{}", heads[0]);
    let auth = heads[0].lines().find_map(|l| l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case("proxy-authorization")));
    assert_eq!(auth.map(|(_, v)| v.trim()), Some("Basic b3BzOnMzY3JldA=="), "base64 of ops:s3cret: {}", heads[0]);
    assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 1, "the tunnel reached the upstream");
}

#[tokio::test]
async fn a_proxy_that_refuses_the_tunnel_is_a_502_and_nothing_is_sent() {
    let (up, taken) = raw_upstream(b"").await;
    let (px, _) = connect_proxy("407 Proxy Authentication Required").await;
    let url = format!("https://{up}/cloud/api.php");
    let via = hostwinds_proxy::upstream::Via::parse(&url, &format!("http://{px}")).unwrap();
    let upstream = Upstream::http_via(&url, Duration::from_secs(2), via.as_ref()).unwrap();
    let base = format!("http://{}", spawn(app(state(upstream, KEY, None))).await);
    let a = post_form(&base, "action=set_rdns&serviceid=20001&ip=192.0.2.11&rdns=mta1.example.com").await;
    assert_eq!(a.status, 502);
    let m = a.outcome().message;
    assert!(m.contains("could not connect") && m.contains("Nothing was sent"), "{m}");
    assert_eq!(taken.load(std::sync::atomic::Ordering::SeqCst), 0);
}

#[test]
fn only_https_upstreams_use_a_proxy_and_only_an_http_one() {
    use hostwinds_proxy::upstream::Via;
    assert!(Via::parse("http://127.0.0.1:9/cloud/api.php", "http://127.0.0.1:3128").unwrap().is_none(), "the local simulator is reached directly");
    let err = Via::parse("https://api.hostwinds.com/cloud/api.php", "https://proxy.example:3128").err().unwrap();
    assert!(err.contains("http://host:port"), "{err}");
}

#[test]
fn an_upstream_url_that_is_not_http_is_refused_at_start() {
    for bad in ["ftp://example.com/api.php", "http://", "api.hostwinds.com/api.php", "not a url"] {
        let err = Upstream::http(bad, Duration::from_secs(1)).err().unwrap_or_else(|| panic!("{bad} was taken"));
        assert!(err.contains(bad), "{err}");
    }
    assert!(Upstream::http("https://api.hostwinds.com/api.php", Duration::from_secs(1)).is_ok());
}

#[tokio::test]
async fn upstream_html_errors_pass_as_502_and_echoed_keys_are_scrubbed() {
    let fake = Router::new()
        .route(
            "/html",
            post(|| async { (axum::http::StatusCode::SERVICE_UNAVAILABLE, "<html><title>503 Service Unavailable</title></html>") }),
        )
        .route("/echo", post(|body: String| async move { format!(r#"[{{"result":"error","message":"got {body}"}}]"#) }));
    let addr = spawn(fake).await;
    let base = proxy_to_url(format!("http://{addr}/html"), KEY, Duration::from_secs(2)).await;
    let a = post_form(&base, "action=get_instances").await;
    assert_eq!(a.status, 502);
    assert_eq!(a.upstream_status.as_deref(), Some("503"));
    assert!(a.outcome().message.contains("503 Service Unavailable"));
    let base = proxy_to_url(format!("http://{addr}/echo"), KEY, Duration::from_secs(2)).await;
    let a = post_form(&base, "action=get_instances").await;
    assert!(!a.body.contains(KEY), "{}", a.body);
    assert!(a.body.contains("[redacted]"));
}

#[tokio::test]
async fn the_console_is_served_with_deep_links_wasm_mime_and_compression() {
    let dist = std::env::temp_dir().join(format!("hw-dist-{}", std::process::id()));
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), format!("<!doctype html><title>Console</title>{}", " ".repeat(2000))).unwrap();
    std::fs::write(dist.join("console-0123456789abcdef_bg.wasm"), vec![0u8; 4096]).unwrap();
    let base = format!("http://{}", spawn(app(sim_state(Some(dist.clone())))).await);
    let client = signed_in(&base, "admin").await;
    let r = client.get(format!("{base}/servers/20001")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.text().await.unwrap().contains("<title>Console</title>"));
    let r = client
        .get(format!("{base}/console-0123456789abcdef_bg.wasm"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(r.headers()["content-encoding"], "gzip");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    // A precompressed file is sent as it is.
    std::fs::write(dist.join("app-0123456789abcdef.js"), "console.log('plain')").unwrap();
    std::fs::write(dist.join("app-0123456789abcdef.js.br"), b"BROTLI-BYTES").unwrap();
    let r = client.get(format!("{base}/app-0123456789abcdef.js")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.bytes().await.unwrap().as_ref(), b"BROTLI-BYTES");
    // The split's modules sit in a hashed directory: immutable too.
    std::fs::create_dir_all(dist.join("pkg-0123456789abcdef")).unwrap();
    std::fs::write(dist.join("pkg-0123456789abcdef").join("chunk_3.wasm"), vec![0u8; 64]).unwrap();
    let r = client.get(format!("{base}/pkg-0123456789abcdef/chunk_3.wasm")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert!(r.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    // The API still answers next to the files.
    assert!(post_form(&base, "action=get_firewall_profiles").await.outcome().ok);
    let _ = std::fs::remove_dir_all(dist);
}

#[tokio::test]
async fn a_url_upstream_without_a_key_says_what_to_set() {
    use clap::Parser;
    std::env::remove_var("HOSTWINDS_API_KEY");
    let cli = hostwinds_proxy::cli::Cli::parse_from(["hostwinds-proxy", "serve", "--upstream", "https://clients.hostwinds.com/cloud/api.php"]);
    let hostwinds_proxy::cli::Command::Serve(args) = cli.command else { panic!() };
    let err = hostwinds_proxy::cli::serve_state(&args).await.err().expect("must refuse");
    assert!(err.contains("HOSTWINDS_API_KEY") && err.contains("--api-key-file"), "{err}");
    let cli = hostwinds_proxy::cli::Cli::parse_from(["hostwinds-proxy", "serve", "--upstream", "ftp://x"]);
    let hostwinds_proxy::cli::Command::Serve(args) = cli.command else { panic!() };
    assert!(hostwinds_proxy::cli::serve_state(&args).await.err().unwrap().contains("--upstream"));
}

#[tokio::test]
async fn deleting_the_main_ip_is_refused_by_the_proxy_whatever_the_console_sends() {
    let sim = Arc::new(Simulator::new(SimConfig::new(KEY)));
    let base = format!("http://{}", spawn(app(state(Upstream::sim(sim.clone(), Duration::from_secs(5)), KEY, None))).await);
    let a = post_form(&base, "action=delete_ip&serviceid=20002&ip=198.51.100.20").await;
    assert_eq!(a.status, 400);
    let o = a.outcome();
    assert!(o.message.contains("is the main IP"), "{}", o.message);
    assert_eq!(o.action.as_deref(), Some("Delete IP"));
    // Other spellings of the same address: IPv4-mapped IPv6, in words or in hex.
    for ip in ["::ffff:198.51.100.20", "::ffff:c633:6414", "0:0:0:0:0:FFFF:198.51.100.20"] {
        let a = post_form(&base, &format!("action=delete_ip&serviceid=20002&ip={}", ip.replace(':', "%3A"))).await;
        assert_eq!(a.status, 400, "{ip}: {}", a.body);
        assert!(a.outcome().message.contains("198.51.100.20 is the main IP"), "{ip}: {}", a.outcome().message);
    }
    // Still there.
    let a = post_form(&base, "action=get_instance_ips&serviceid=20002").await;
    assert!(a.body.contains("198.51.100.20"));
    // A secondary goes.
    let a = post_form(&base, "action=delete_ip&serviceid=20002&ip=198.51.100.22").await;
    assert!(a.outcome().ok, "{}", a.body);
    // An unknown server gets Hostwinds' own answer.
    let a = post_form(&base, "action=delete_ip&serviceid=1&ip=198.51.100.22").await;
    assert_eq!(a.outcome().message, "A valid serviceid is required.");
}
