//! A console on another origin (`--allow-origin`): CORS with cookies for the listed origins,
//! nothing for the others, and the cross-site check taking the listed ones.

use hostwinds_proxy::audit::AuditStore;
use hostwinds_proxy::auth::Auth;
use hostwinds_proxy::simulator::{SimConfig, Simulator};
use hostwinds_proxy::upstream::Upstream;
use hostwinds_proxy::{app, AppState};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{signed_in, spawn};

const CONSOLE: &str = "http://console.example:8081";

async fn proxy() -> String {
    let sim = Arc::new(Simulator::new(SimConfig::new("k")));
    let mut state = AppState::new(Upstream::sim(sim, Duration::from_secs(5)), "k".into(), None, Auth::demo().unwrap(), AuditStore::memory());
    state.allowed_origins = vec![CONSOLE.into()];
    format!("http://{}", spawn(app(state)).await)
}

#[tokio::test]
async fn a_listed_origin_gets_cors_with_credentials_and_others_get_nothing() {
    let base = proxy().await;
    let plain = reqwest::Client::new();
    let preflight = |origin: &'static str| {
        plain
            .request(reqwest::Method::OPTIONS, format!("{base}/api"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type,x-hostwinds-console")
            .send()
    };
    let r = preflight(CONSOLE).await.unwrap();
    let h = r.headers();
    assert_eq!(h["access-control-allow-origin"], CONSOLE);
    assert_eq!(h["access-control-allow-credentials"], "true");
    assert!(h["access-control-allow-headers"].to_str().unwrap().contains("x-hostwinds-console"));
    let r = preflight("http://evil.example").await.unwrap();
    assert!(!r.headers().contains_key("access-control-allow-origin"), "an origin not listed");

    let me = plain.get(format!("{base}/auth/me")).header("origin", CONSOLE).send().await.unwrap();
    assert_eq!(me.headers()["access-control-allow-origin"], CONSOLE);
    let me = plain.get(format!("{base}/auth/me")).header("origin", "http://evil.example").send().await.unwrap();
    assert!(!me.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn the_cross_site_check_takes_a_listed_origin_and_refuses_others() {
    let base = proxy().await;
    let c = signed_in(&base, "admin").await;
    let post = |origin: &'static str| {
        c.post(format!("{base}/api"))
            .header("origin", origin)
            .header("content-type", "application/x-www-form-urlencoded")
            .body("action=get_instances")
            .send()
    };
    let r = post(CONSOLE).await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["access-control-allow-origin"], CONSOLE);
    assert_eq!(post("http://evil.example").await.unwrap().status(), 403);
}

#[test]
fn allow_origin_takes_origins_only() {
    use hostwinds_proxy::cli::parse_origin;
    assert_eq!(parse_origin("HTTPS://Console.Example.com/").unwrap(), "https://console.example.com");
    assert_eq!(parse_origin("http://127.0.0.1:8081").unwrap(), "http://127.0.0.1:8081");
    for bad in ["*", "https://*", "console.example.com", "ftp://x.example", "https://x.example/path", "https://x.example?q", "https://"] {
        assert!(parse_origin(bad).is_err(), "{bad} accepted");
    }
}
