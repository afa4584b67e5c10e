//! The proxy against a misbehaving Hostwinds: retries only for reads, clear errors, no hang,
//! and no work left running for a client that went away.

use axum::routing::post;
use axum::Router;
use hostwinds_proxy::audit::AuditStore;
use hostwinds_proxy::auth::Auth;
use hostwinds_proxy::simulator::{Preset, SimConfig, Simulator};
use hostwinds_proxy::upstream::Upstream;
use hostwinds_proxy::{app, AppState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

mod common;
use common::{signed_in, spawn};

const KEY: &str = "hw-faults-key";

struct Rig {
    base: String,
    sim: Arc<Simulator>,
    client: reqwest::Client,
}

async fn rig(timeout: Duration) -> Rig {
    rig_with(SimConfig::new(KEY), timeout).await
}

async fn rig_with(config: SimConfig, timeout: Duration) -> Rig {
    let sim = Arc::new(Simulator::new(config));
    let state = AppState::new(Upstream::sim(sim.clone(), timeout), KEY.into(), None, Auth::demo().unwrap(), AuditStore::memory());
    let base = format!("http://{}", spawn(app(state)).await);
    let client = signed_in(&base, "admin").await;
    Rig { base, sim, client }
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    outcome: hostwinds::Outcome,
}

async fn call(r: &Rig, body: &str) -> Answer {
    let resp = r
        .client
        .post(format!("{}/api", r.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let up = headers.get("x-upstream-status").and_then(|v| v.to_str().ok()?.parse().ok()).unwrap_or(status);
    let outcome = hostwinds::decode(up, &resp.text().await.unwrap());
    Answer { status, headers, outcome }
}

#[tokio::test]
async fn a_read_is_retried_once_after_a_refused_connection() {
    let r = rig(Duration::from_secs(5)).await;
    r.sim.faults().next_requests(Preset::Refused, 1);
    let a = call(&r, "action=get_instances").await;
    assert_eq!(a.status, 200, "{}", a.outcome.message);
    r.sim.faults().next_requests(Preset::Refused, 2);
    let a = call(&r, "action=get_instances").await;
    assert_eq!(a.status, 502);
    assert!(a.outcome.message.contains("could not connect") && a.outcome.message.contains("Nothing was sent"));
}

#[tokio::test]
async fn a_mutation_is_never_retried() {
    let r = rig(Duration::from_secs(5)).await;
    r.sim.faults().next_requests(Preset::Refused, 1);
    let a = call(&r, "action=set_rdns&serviceid=20004&ip=203.0.113.43&rdns=mta9.example.org").await;
    assert_eq!(a.status, 502, "a retry would have succeeded");
    let ips = call(&r, "action=get_instance_ips&serviceid=20004").await;
    assert!(!ips.outcome.data.unwrap().to_string().contains("mta9"), "nothing was applied");
}

#[tokio::test]
async fn a_silent_hostwinds_is_a_504_whose_outcome_is_unknown() {
    let r = rig(Duration::from_secs(1)).await;
    r.sim.faults().next_requests(Preset::Timeout, 1);
    let a = call(&r, "action=change_main_ip&serviceid=20003").await;
    assert_eq!(a.status, 504);
    assert_eq!(a.headers["x-outcome"], "unknown");
    assert!(a.outcome.message.contains("may or may not have been applied"));
    r.sim.faults().next_requests(Preset::Timeout, 2);
    let a = call(&r, "action=get_instances").await;
    assert_eq!(a.status, 504, "a timed-out read is not retried either: it may be slow, not down");
    assert!(!a.headers.contains_key("x-outcome"), "a read has no outcome to doubt");
}

#[tokio::test]
async fn error_pages_malformed_bodies_and_refused_keys_are_clear_errors() {
    let r = rig(Duration::from_secs(5)).await;
    r.sim.faults().next_requests(Preset::FiveXx, 1);
    let a = call(&r, "action=get_instances").await;
    assert_eq!(a.status, 502);
    assert!(a.outcome.message.contains("web page instead of an API answer (HTTP 50"), "{}", a.outcome.message);

    r.sim.faults().next_requests(Preset::Malformed, 4);
    let mut messages = Vec::new();
    for _ in 0..4 {
        let a = call(&r, "action=get_instances").await;
        assert!(!a.outcome.ok);
        messages.push(a.outcome.message);
    }
    for needle in ["incomplete", "web page", "empty", "neither a result nor data"] {
        assert!(messages.iter().any(|m| m.contains(needle)), "{needle}: {messages:?}");
    }

    r.sim.faults().next_requests(Preset::NotAuthorized, 1);
    let a = call(&r, "action=get_instances").await;
    assert_eq!(a.outcome.message, "Not Authorized!");
    assert!(hostwinds::hint(&a.outcome).unwrap().contains("allow-list"));

    r.sim.faults().next_requests(Preset::Slow, 1);
    let started = std::time::Instant::now();
    assert!(call(&r, "action=get_instances").await.outcome.ok);
    assert!(started.elapsed() >= Duration::from_secs(2), "slow means slow");
}

#[tokio::test]
async fn a_client_that_goes_away_leaves_no_upstream_call_running() {
    // A Hostwinds that takes 5 s; it notes when its handler is dropped unfinished.
    let dropped = Arc::new(AtomicBool::new(false));
    struct Guard(Arc<AtomicBool>);
    impl Drop for Guard {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let d = dropped.clone();
    let slow = Router::new().route(
        "/cloud/api.php",
        post(move || {
            let d = d.clone();
            async move {
                let g = Guard(d);
                tokio::time::sleep(Duration::from_secs(5)).await;
                std::mem::forget(g);
                "[]"
            }
        }),
    );
    let up = spawn(slow).await;
    let state = AppState::new(Upstream::http(&format!("http://{up}/cloud/api.php"), Duration::from_secs(20)).unwrap(), KEY.into(), None, Auth::demo().unwrap(), AuditStore::memory());
    let base = format!("http://{}", spawn(app(state)).await);
    let c = signed_in(&base, "admin").await;
    let r = c
        .post(format!("{base}/api"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=get_instances")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(r.is_err(), "the client gave up");
    // Waits for the drop, up to a deadline far below the upstream's 5 s answer.
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    while !dropped.load(Ordering::SeqCst) && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(dropped.load(Ordering::SeqCst), "the proxy dropped its upstream call when the client left");
}

#[tokio::test]
async fn a_mutation_whose_client_goes_away_is_followed_to_its_answer_and_audited() {
    let mut config = SimConfig::new(KEY);
    config.slow = Duration::from_millis(1200);
    let Rig { base, sim, client: c } = rig_with(config, Duration::from_secs(10)).await;
    sim.faults().next_requests(Preset::Slow, 1);
    let r = c
        .post(format!("{base}/api"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=set_rdns&serviceid=20001&ip=192.0.2.11&rdns=gone.example.com")
        .timeout(Duration::from_millis(200))
        .send()
        .await;
    assert!(r.is_err(), "the client gave up before Hostwinds answered");
    // The row is finished once Hostwinds answers (1.2 s), with a deadline well past that.
    let deadline = std::time::Instant::now() + Duration::from_secs(8);
    let row = loop {
        let log: serde_json::Value = c.get(format!("{base}/api/audit?server=20001")).send().await.unwrap().json().await.unwrap();
        let row = log["entries"].as_array().and_then(|e| e.first()).cloned().unwrap_or_default();
        if row["outcome"] != "pending" || std::time::Instant::now() > deadline {
            break row;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!((row["action"].as_str(), row["outcome"].as_str()), (Some("set_rdns"), Some("ok")), "{row}");
    // And the change was made.
    let r = c.post(format!("{base}/api")).header("content-type", "application/x-www-form-urlencoded").body("action=get_instance_ips&serviceid=20001");
    assert!(r.send().await.unwrap().text().await.unwrap().contains("gone.example.com"));
}
