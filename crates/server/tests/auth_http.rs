//! Who may do what, over real HTTP: sessions, roles, the cross-site check, the audit log.

use axum::extract::State;
use axum::routing::post;
use axum::Router;
use hostwinds_proxy::audit::AuditStore;
use hostwinds_proxy::auth::{now_ms, Auth, Clock, SessionKeys, TrustedHeader, Users};
use hostwinds_proxy::upstream::Upstream;
use hostwinds_proxy::{app, AppState};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
use common::{client, login, signed_in, spawn};

const KEY: &str = "hw-auth-test-key-91ab";

/// A fake Hostwinds that records every form it receives and answers success, with an
/// instance object holding the root secrets.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<Vec<(String, String)>>>>);

impl Recorder {
    fn forms(&self) -> Vec<Vec<(String, String)>> {
        self.0.lock().unwrap().clone()
    }
    fn actions(&self) -> Vec<String> {
        self.forms()
            .iter()
            .map(|f| f.iter().find(|(k, _)| k == "action").map(|(_, v)| v.clone()).unwrap_or_default())
            .collect()
    }
}

async fn fake_hostwinds(rec: Recorder) -> String {
    async fn answer(State(rec): State<Recorder>, body: String) -> String {
        let form: Vec<(String, String)> = form_urlencoded::parse(body.as_bytes()).into_owned().collect();
        let action = form.iter().find(|(k, _)| k == "action").map(|(_, v)| v.clone()).unwrap_or_default();
        rec.0.lock().unwrap().push(form);
        if action.starts_with("get_") {
            r#"{"success":{"main_ip":"192.0.2.10","hostname":"mx","password":"Root-Secret-Pass","configkey":"cfg-secret"}}"#.into()
        } else {
            r#"[{"result":"success","action":"Done","message":"ok"}]"#.into()
        }
    }
    let addr = spawn(Router::new().route("/cloud/api.php", post(answer)).with_state(rec)).await;
    format!("http://{addr}/cloud/api.php")
}

struct Proxy {
    base: String,
    rec: Recorder,
}

async fn proxy_with(auth: Auth) -> Proxy {
    proxy_on(auth, AuditStore::memory()).await
}

async fn proxy_on(auth: Auth, audit: AuditStore) -> Proxy {
    let rec = Recorder::default();
    let url = fake_hostwinds(rec.clone()).await;
    let state = AppState::new(Upstream::http(&url, Duration::from_secs(5)).unwrap(), KEY.into(), None, auth, audit);
    Proxy { base: format!("http://{}", spawn(app(state)).await), rec }
}

/// The session cookie a sign-in answer sets (`name=value`), to send by hand.
fn session_cookie(r: &reqwest::Response) -> String {
    r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

/// `/auth/me` and `/api` with a cookie sent by hand: whether they take it.
async fn taken(base: &str, cookie: &str) -> (bool, u16) {
    let plain = reqwest::Client::new();
    let me = who(plain.get(format!("{base}/auth/me")).header("cookie", cookie)).await;
    let api = plain
        .post(format!("{base}/api"))
        .header("cookie", cookie)
        .header("x-hostwinds-console", "1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=get_instances")
        .send()
        .await
        .unwrap();
    (me["signed_in"] == true, api.status().as_u16())
}

#[tokio::test]
async fn logout_ends_the_session_even_for_a_cookie_saved_before_it() {
    let p = proxy().await;
    let c = client();
    let cookie = session_cookie(&login(&c, &p.base, "admin", "admin").await);
    assert_eq!(taken(&p.base, &cookie).await, (true, 200));
    let r = c.post(format!("{}/auth/logout", p.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(taken(&p.base, &cookie).await, (false, 401), "the saved cookie no longer works");
    // Signing in again starts a new session.
    let again = session_cookie(&login(&client(), &p.base, "admin", "admin").await);
    assert_eq!(taken(&p.base, &again).await, (true, 200));
}

#[tokio::test]
async fn an_admin_ends_every_session_of_a_user_and_only_an_admin_may() {
    let p = proxy().await;
    let first = session_cookie(&login(&client(), &p.base, "support", "support").await);
    let second = session_cookie(&login(&client(), &p.base, "support", "support").await);
    let admin = signed_in(&p.base, "admin").await;
    let support = signed_in(&p.base, "support").await;
    let end = |c: &reqwest::Client, user: &str| {
        c.post(format!("{}/api/sessions/end", p.base)).header("content-type", "application/x-www-form-urlencoded").body(format!("username={user}")).send()
    };
    let r = end(&support, "admin").await.unwrap();
    assert_eq!(r.status(), 403, "support may not");
    assert_eq!(end(&admin, "nobody").await.unwrap().status(), 404);
    let r = end(&admin, "support").await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("Every session of support is ended"));
    for cookie in [&first, &second] {
        assert_eq!(taken(&p.base, cookie).await, (false, 401), "both of support's sessions");
    }
    assert_eq!(support.get(format!("{}/auth/me", p.base)).send().await.unwrap().json::<serde_json::Value>().await.unwrap()["signed_in"], false);
    // The admin's own session goes on, and support can sign in again.
    assert_eq!(admin.get(format!("{}/auth/me", p.base)).send().await.unwrap().json::<serde_json::Value>().await.unwrap()["signed_in"], true);
    let again = session_cookie(&login(&client(), &p.base, "support", "support").await);
    assert_eq!(taken(&p.base, &again).await, (true, 200));
    let log = audit(&admin, &p.base, "action=end_sessions").await;
    let outcomes: Vec<&str> = log["entries"].as_array().unwrap().iter().map(|e| e["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["ok", "refused", "refused"], "newest first");
}

#[tokio::test]
async fn a_logout_on_one_proxy_ends_the_session_on_the_others_sharing_the_database() {
    let dir = std::env::temp_dir().join(format!("hw-ended-{}-{}", std::process::id(), now_ms()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("proxy.sqlite");
    let secret = b"a shared secret of at least thirty-two bytes".to_vec();
    let make = || Auth::new(Users::demo().unwrap(), SessionKeys::new(secret.clone()).unwrap(), Duration::from_secs(600), false, None);
    let a = proxy_on(make(), AuditStore::open_sqlite(&db).unwrap()).await;
    let b = proxy_on(make(), AuditStore::open_sqlite(&db).unwrap()).await;
    let c = client();
    let cookie = session_cookie(&login(&c, &a.base, "admin", "admin").await);
    assert_eq!(taken(&b.base, &cookie).await, (true, 200), "one session, both proxies");
    c.post(format!("{}/auth/logout", a.base)).send().await.unwrap();
    // The other proxy reads ended sessions at most every 2 s: wait for it, with a deadline.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while taken(&b.base, &cookie).await != (false, 401) {
        assert!(std::time::Instant::now() < deadline, "the other proxy still takes the cookie");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let _ = std::fs::remove_dir_all(&dir);
}

async fn proxy() -> Proxy {
    proxy_with(Auth::demo().unwrap()).await
}

async fn api(c: &reqwest::Client, base: &str, body: &str) -> (u16, String) {
    let r = c
        .post(format!("{base}/api"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn audit(c: &reqwest::Client, base: &str, query: &str) -> serde_json::Value {
    let r = c.get(format!("{base}/api/audit?{query}")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json().await.unwrap()
}

/// `/auth/me`'s answer: always 200, `signed_in` says whether the request carried a session.
async fn who(req: reqwest::RequestBuilder) -> serde_json::Value {
    let r = req.send().await.unwrap();
    assert_eq!(r.status(), 200, "/auth/me answers 200 signed in or not");
    r.json().await.unwrap()
}

#[tokio::test]
async fn without_a_session_every_api_route_is_401_and_me_says_nobody() {
    let p = proxy().await;
    let c = client();
    let (status, body) = api(&c, &p.base, "action=get_instances").await;
    assert_eq!(status, 401);
    assert!(hostwinds::decode(status, &body).message.contains("Sign in"));
    assert_eq!(who(c.get(format!("{}/auth/me", p.base))).await, serde_json::json!({"signed_in": false, "demo": true}));
    assert_eq!(c.get(format!("{}/api/audit", p.base)).send().await.unwrap().status(), 401);
    // Every /api route, read or write, by the layer that guards them all.
    for path in ["/api/dns/check?ip=192.0.2.10&name=a.example.com", "/api/dns/blocklists?ip=192.0.2.10", "/api/inventory", "/api/inventory/export?table=vps_instances&format=csv"] {
        let r = c.get(format!("{}{path}", p.base)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"], "Not signed in.", "{path}");
    }
    for path in ["/api/dns/checks", "/api/dns/ptrs", "/api/inventory/status"] {
        assert_eq!(c.post(format!("{}{path}", p.base)).body("{}").send().await.unwrap().status(), 401, "{path}");
    }
    assert!(p.rec.forms().is_empty(), "nothing reached Hostwinds");
}

#[tokio::test]
async fn every_route_that_changes_something_refuses_another_site() {
    let p = proxy().await;
    let c = signed_in(&p.base, "admin").await;
    for path in ["/api", "/api/dns/checks", "/api/dns/ptrs", "/api/inventory/status", "/auth/login", "/auth/logout", "/__sim/faults", "/nowhere"] {
        let r = c.post(format!("{}{path}", p.base)).header("origin", "https://evil.example").body("action=get_instances").send().await.unwrap();
        assert_eq!(r.status(), 403, "{path}");
        let body = r.text().await.unwrap();
        assert!(hostwinds::decode(403, &body).message.contains("Cross-site") || body.contains("Cross-site"), "{path}: {body}");
    }
    assert!(p.rec.forms().is_empty(), "nothing reached Hostwinds");
}

#[tokio::test]
async fn sign_in_me_and_sign_out() {
    let p = proxy().await;
    let c = client();
    let r = login(&c, &p.base, "support", "support").await;
    assert_eq!(r.status(), 200);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"));
    let me = who(c.get(format!("{}/auth/me", p.base))).await;
    assert_eq!((me["signed_in"].as_bool(), me["name"].as_str(), me["role"].as_str()), (Some(true), Some("support"), Some("support")));
    let out = c.post(format!("{}/auth/logout", p.base)).send().await.unwrap();
    assert!(out.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    assert_eq!(who(c.get(format!("{}/auth/me", p.base))).await["signed_in"], false);
}

#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let p = proxy().await;
    let r = client()
        .post(format!("{}/auth/login", p.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-proto", "https")
        .body("username=admin&password=admin")
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
}

#[tokio::test]
async fn wrong_passwords_get_one_message_and_repeated_failures_slow_down() {
    let clock = Clock::manual(now_ms());
    let p = proxy_with(Auth::demo().unwrap().with_clock(clock.clone())).await;
    let c = client();
    let unknown = login(&c, &p.base, "nobody", "x").await;
    assert_eq!(unknown.status(), 401);
    let unknown: serde_json::Value = unknown.json().await.unwrap();
    let wrong = login(&c, &p.base, "admin", "wrong").await;
    assert_eq!(wrong.status(), 401);
    let wrong: serde_json::Value = wrong.json().await.unwrap();
    assert_eq!(unknown, wrong, "the same message whether the user exists or not");
    assert_eq!(wrong["error"], "Wrong user name or password.");
    login(&c, &p.base, "admin", "wrong").await;
    // Three failures from this address: the next attempt must wait, even with the right password.
    let slowed = login(&c, &p.base, "admin", "admin").await;
    assert_eq!(slowed.status(), 429);
    assert!(slowed.headers().contains_key("retry-after"));
    let body: serde_json::Value = slowed.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("Too many failed sign-ins"));
    clock.advance(Duration::from_millis(900));
    assert_eq!(login(&c, &p.base, "admin", "admin").await.status(), 429, "still within the second");
    clock.advance(Duration::from_millis(200));
    assert_eq!(login(&c, &p.base, "admin", "admin").await.status(), 200);
}

#[tokio::test]
async fn guesses_sent_at_once_are_limited_like_guesses_in_a_row() {
    let p = proxy().await;
    let guesses = (0..20).map(|_| {
        let base = p.base.clone();
        async move { login(&client(), &base, "admin", "wrong").await }
    });
    let answers = futures_util::future::join_all(guesses).await;
    let statuses: Vec<u16> = answers.iter().map(|r| r.status().as_u16()).collect();
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!((1..=3).contains(&checked), "three free failures, not more: {statuses:?}");
    assert!(statuses.iter().all(|s| [401, 429, 503].contains(s)), "{statuses:?}");
    assert!(answers.iter().filter(|r| r.status() != 401).all(|r| r.headers().contains_key("retry-after")), "{statuses:?}");
}

#[tokio::test]
async fn an_idle_session_expires() {
    let clock = Clock::manual(now_ms());
    let auth = Auth::new(Users::demo().unwrap(), SessionKeys::random(), Duration::from_secs(600), false, None).with_clock(clock.clone());
    let p = proxy_with(auth).await;
    let c = signed_in(&p.base, "admin").await;
    assert_eq!(api(&c, &p.base, "action=get_instances").await.0, 200);
    clock.advance(Duration::from_secs(599));
    assert_eq!(api(&c, &p.base, "action=get_instances").await.0, 200, "used within the idle limit");
    clock.advance(Duration::from_secs(602));
    assert_eq!(api(&c, &p.base, "action=get_instances").await.0, 401);
}

#[tokio::test]
async fn support_is_refused_every_admin_action_and_nothing_reaches_hostwinds() {
    let p = proxy().await;
    let c = signed_in(&p.base, "support").await;
    for (body, label) in [
        ("action=change_main_ip&serviceid=5", "Change Main IP (change_main_ip)"),
        ("action=set_main_ip&serviceid=5&ip=192.0.2.11", "Set Main IP (set_main_ip)"),
        ("action=delete_ip&serviceid=5&ip=192.0.2.11", "Delete IP (delete_ip)"),
        ("action=regenerate_networking&serviceid=5", "Regenerate Networking (regenerate_networking)"),
        ("action=set_instance_firewall&serviceid=5&name=web", "Set Instance Firewall Profile (set_instance_firewall)"),
    ] {
        let (status, text) = api(&c, &p.base, body).await;
        assert_eq!(status, 403, "{body}");
        let o = hostwinds::decode(status, &text);
        assert_eq!(o.message, format!("The support role cannot use {label}: ask an admin."));
    }
    assert!(p.rec.forms().is_empty(), "no refused call reached Hostwinds");
    // What support may do goes through.
    assert_eq!(api(&c, &p.base, "action=set_rdns&serviceid=5&ip=192.0.2.11&rdns=mail.example.com").await.0, 200);
    assert_eq!(api(&c, &p.base, "action=create_ip_cleanup_fee&serviceid=5").await.0, 200);
    assert_eq!(api(&c, &p.base, "action=get_smtp_filters").await.0, 200);
    assert_eq!(p.rec.actions(), ["set_rdns", "create_ip_cleanup_fee", "get_smtp_filters"]);
}

#[tokio::test]
async fn cross_origin_posts_are_refused() {
    let p = proxy().await;
    let c = signed_in(&p.base, "admin").await;
    let r = c
        .post(format!("{}/api", p.base))
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=delete_ip&serviceid=5&ip=192.0.2.11")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // A plain client without Origin and without the console header is refused too.
    let bare = reqwest::Client::new();
    let r = bare
        .post(format!("{}/auth/login", p.base))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("username=admin&password=admin")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    // The same origin passes.
    let r = c
        .post(format!("{}/api", p.base))
        .header("origin", p.base.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=get_instances")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(p.rec.actions(), ["get_instances"]);
}

#[tokio::test]
async fn an_api_field_from_the_browser_is_never_forwarded() {
    let p = proxy().await;
    let c = signed_in(&p.base, "admin").await;
    api(&c, &p.base, "action=get_instance&serviceid=5&API=browser-key&API=another").await;
    api(&c, &p.base, "API=browser-key&action=set_rdns&serviceid=5&ip=192.0.2.11&rdns=mail.example.com").await;
    for form in p.rec.forms() {
        let keys: Vec<&str> = form.iter().filter(|(k, _)| k == "API").map(|(_, v)| v.as_str()).collect();
        assert_eq!(keys, [KEY], "exactly the proxy's key, once");
    }
}

#[tokio::test]
async fn every_mutation_is_audited_including_refused_ones_and_no_secret_is_in_any_row() {
    let p = proxy().await;
    let admin = signed_in(&p.base, "admin").await;
    let support = signed_in(&p.base, "support").await;
    api(&admin, &p.base, "action=set_rdns&serviceid=5&ip=192.0.2.11&rdns=mail.example.com").await;
    api(&support, &p.base, "action=delete_ip&serviceid=5&ip=192.0.2.11").await; // role
    api(&admin, &p.base, "action=delete_ip&serviceid=5&ip=192.0.2.10").await; // main IP
    api(&admin, &p.base, "action=set_rdns&serviceid=5&ip=192.0.2.11&rdns=bad_name").await; // invalid
    let (_, body) = api(&admin, &p.base, "action=get_instance&serviceid=5").await; // a read: not audited
    for secret in ["Root-Secret-Pass", "cfg-secret", "password", "configkey", KEY] {
        assert!(!body.contains(secret), "{secret} in a response");
    }

    let log = audit(&admin, &p.base, "per_page=50").await;
    let text = log.to_string();
    for secret in ["Root-Secret-Pass", "cfg-secret", KEY] {
        assert!(!text.contains(secret), "{secret} in the audit log");
    }
    let rows = log["entries"].as_array().unwrap();
    assert_eq!(log["total"], 4);
    let summary: Vec<(String, String, String)> = rows
        .iter()
        .map(|r| (r["user"].as_str().unwrap().into(), r["action"].as_str().unwrap().into(), r["outcome"].as_str().unwrap().into()))
        .collect();
    assert_eq!(
        summary,
        [
            ("admin".into(), "set_rdns".into(), "refused".into()),
            ("admin".into(), "delete_ip".into(), "refused".into()),
            ("support".into(), "delete_ip".into(), "refused".into()),
            ("admin".into(), "set_rdns".into(), "ok".into()),
        ]
    );
    let ok = &rows[3];
    assert_eq!(ok["params"]["rdns"], "mail.example.com");
    assert_eq!(ok["serviceid"], 5);
    assert_eq!(ok["role"], "admin");
    assert_eq!(ok["message"], "ok");
    assert!(ok["latency_ms"].as_i64().is_some());
    assert!(rows[1]["message"].as_str().unwrap().contains("is the main IP"));

    // Filters and paging.
    assert_eq!(audit(&admin, &p.base, "user=support").await["total"], 1);
    assert_eq!(audit(&admin, &p.base, "action=set_rdns&outcome=ok").await["total"], 1);
    assert_eq!(audit(&admin, &p.base, "server=5&per_page=1&page=2").await["entries"].as_array().unwrap().len(), 1);
    let r = admin.get(format!("{}/api/audit?outcome=maybe", p.base)).send().await.unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn a_trusted_header_counts_only_from_configured_peers() {
    let header = "x-forwarded-user";
    let from_loopback = Auth::new(
        Users::demo().unwrap(),
        SessionKeys::random(),
        Duration::from_secs(60),
        false,
        Some(TrustedHeader { header: header.into(), peers: vec!["127.0.0.1".parse().unwrap()] }),
    );
    let p = proxy_with(from_loopback).await;
    let c = client();
    let me = c.get(format!("{}/auth/me", p.base)).header(header, "support").send().await.unwrap();
    assert_eq!(me.status(), 200);
    assert_eq!(me.json::<serde_json::Value>().await.unwrap()["role"], "support");
    let r = c
        .post(format!("{}/api", p.base))
        .header(header, "support")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("action=regenerate_networking&serviceid=5")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "roles still apply");
    let unknown = who(c.get(format!("{}/auth/me", p.base)).header(header, "mallory")).await;
    assert_eq!(unknown["signed_in"], false, "only users in the users file");

    let elsewhere = Auth::new(
        Users::demo().unwrap(),
        SessionKeys::random(),
        Duration::from_secs(60),
        false,
        Some(TrustedHeader { header: header.into(), peers: vec!["192.0.2.1".parse().unwrap()] }),
    );
    let p = proxy_with(elsewhere).await;
    let me = who(c.get(format!("{}/auth/me", p.base)).header(header, "admin")).await;
    assert_eq!(me["signed_in"], false, "the header is ignored from other peers");
}

#[tokio::test]
async fn demo_accounts_only_with_the_simulator_on_loopback() {
    use clap::Parser;
    let parse = |args: &[&str]| {
        let mut all = vec!["hostwinds-proxy", "serve", "--database", ":memory:"];
        all.extend_from_slice(args);
        match hostwinds_proxy::cli::Cli::parse_from(all).command {
            hostwinds_proxy::cli::Command::Serve(a) => a,
            _ => unreachable!(),
        }
    };
    std::env::set_var("HOSTWINDS_API_KEY", "k");
    let err = hostwinds_proxy::cli::serve_state(&parse(&["--upstream", "http://127.0.0.1:9/x"])).await.err().unwrap();
    assert!(err.contains("--users FILE is required"), "{err}");
    let err = hostwinds_proxy::cli::serve_state(&parse(&["--listen", "0.0.0.0:8080"])).await.err().unwrap();
    assert!(err.contains("--users FILE is required"), "{err}");
    let ok = hostwinds_proxy::cli::serve_state(&parse(&[])).await.unwrap();
    assert!(ok.auth.users.demo);
}

#[tokio::test]
async fn a_session_from_one_proxy_works_on_another_with_the_same_secret() {
    let secret = b"a shared secret of at least thirty-two bytes".to_vec();
    let make = || Auth::new(Users::demo().unwrap(), SessionKeys::new(secret.clone()).unwrap(), Duration::from_secs(60), false, None);
    let (a, b) = (proxy_with(make()).await, proxy_with(make()).await);
    let r = login(&client(), &a.base, "admin", "admin").await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    let me = client().get(format!("{}/auth/me", b.base)).header("cookie", cookie.clone()).send().await.unwrap();
    assert_eq!(me.status(), 200, "the second proxy accepts the first one's session");
    let other = proxy_with(Auth::demo().unwrap()).await;
    let me = who(client().get(format!("{}/auth/me", other.base)).header("cookie", cookie)).await;
    assert_eq!(me["signed_in"], false, "a proxy with another secret does not");
}
