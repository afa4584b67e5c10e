//! The deliverability routes over loopback HTTP, against the simulator and its DNS server
//! on loopback UDP (never the internet): rDNS checks, blocklists, the inventory.

use clap::Parser;
use hostwinds::dns::{BlocklistReport, DnsCheck, Listing, Verdict};
use hostwinds::Inventory;
use hostwinds_proxy::cli::{serve_state, Cli, Command};
use std::time::Duration;

mod common;
use common::{signed_in, spawn};

async fn proxy() -> String {
    let cli = Cli::try_parse_from([
        "hostwinds-proxy",
        "serve",
        "--database",
        ":memory:",
        "--dns-timeout-ms",
        "300",
        "--blocklists",
        "zen.spamhaus.org,bl.spamcop.net,silent.example.org",
        "--ip-cost",
        "3.50",
    ])
    .unwrap();
    let Command::Serve(args) = cli.command else { unreachable!() };
    let state = serve_state(&args).await.unwrap();
    format!("http://{}", spawn(hostwinds_proxy::app(state)).await)
}

async fn get(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn post(c: &reqwest::Client, url: String, form: &str) -> (u16, String) {
    let r = c.post(url).header("content-type", "application/x-www-form-urlencoded").body(form.to_string()).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn check(c: &reqwest::Client, base: &str, ip: &str, name: &str, fresh: bool) -> DnsCheck {
    let (s, body) = get(c, format!("{base}/api/dns/check?ip={ip}&name={name}{}", if fresh { "&fresh=1" } else { "" })).await;
    assert_eq!(s, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[tokio::test]
async fn rdns_checks_give_every_verdict_and_follow_set_rdns() {
    let base = proxy().await;
    let c = signed_in(&base, "support").await;
    assert_eq!(check(&c, &base, "192.0.2.10", "mx1.mail.example.com", false).await.verdict, Verdict::Confirmed);
    let v6 = check(&c, &base, "2001:db8:100::10", "mx1.mail.example.com", false).await;
    assert_eq!(v6.verdict, Verdict::Confirmed, "{v6:?}");
    let elsewhere = check(&c, &base, "192.0.2.12", "mta2.mail.example.com", false).await;
    assert_eq!(elsewhere.verdict, Verdict::ResolvesElsewhere);
    assert!(elsewhere.message.contains("192.0.2.99"), "{}", elsewhere.message);
    assert_eq!(check(&c, &base, "192.0.2.13", "mta3.mail.example.com", false).await.verdict, Verdict::NoForward);

    // A new name pointed at an IP without rDNS: forward holds, PTR differs until set_rdns.
    assert_eq!(post(&c, format!("{base}/__sim/dns"), "name=new.mail.example.com&ip=192.0.2.16").await.0, 200);
    assert_eq!(check(&c, &base, "192.0.2.16", "new.mail.example.com", false).await.verdict, Verdict::PtrDiffers);
    let (s, body) = post(&c, format!("{base}/api"), "action=set_rdns&serviceid=20001&ip=192.0.2.16&rdns=new.mail.example.com").await;
    assert_eq!(s, 200, "{body}");
    // set_rdns through the proxy drops the IP's cached checks.
    assert_eq!(check(&c, &base, "192.0.2.16", "new.mail.example.com", false).await.verdict, Verdict::Confirmed);
    // Otherwise answers are cached briefly; `fresh` asks again.
    post(&c, format!("{base}/__sim/dns"), "name=new.mail.example.com").await;
    assert_eq!(check(&c, &base, "192.0.2.16", "new.mail.example.com", false).await.verdict, Verdict::Confirmed);
    assert_eq!(check(&c, &base, "192.0.2.16", "new.mail.example.com", true).await.verdict, Verdict::NoForward);

    // A page of badges in one request.
    let r = c
        .post(format!("{base}/api/dns/checks"))
        .json(&serde_json::json!({"items": [
            {"ip": "192.0.2.10", "name": "mx1.mail.example.com"},
            {"ip": "192.0.2.12", "name": "mta2.mail.example.com"}
        ]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    let verdicts: Vec<&str> = v["checks"].as_array().unwrap().iter().map(|c| c["verdict"].as_str().unwrap()).collect();
    assert_eq!(verdicts, ["confirmed", "resolves_elsewhere"]);

    // PTR names, for IPs whose items carry no rDNS.
    let r = c.post(format!("{base}/api/dns/ptrs")).json(&serde_json::json!({"ips": ["192.0.2.11", "203.0.113.43"]})).send().await.unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["ptrs"][0]["ptr"], serde_json::json!({"kind": "found", "records": ["mta1.mail.example.com"]}));
    assert_eq!(v["ptrs"][1]["ptr"]["kind"], "nothing");
}

#[tokio::test]
async fn bad_dns_requests_are_refused_clearly() {
    let base = proxy().await;
    let c = signed_in(&base, "support").await;
    let (s, body) = get(&c, format!("{base}/api/dns/check?name=mx1.mail.example.com")).await;
    assert!(s == 400 && body.contains("IP address"), "{s} {body}");
    let (s, body) = get(&c, format!("{base}/api/dns/check?ip=192.0.2.10&name=bad_name.example.com")).await;
    assert!(s == 400 && body.contains("underscore"), "{s} {body}");
    let (s, body) = get(&c, format!("{base}/api/dns/blocklists?ip=300.1.1.1")).await;
    assert_eq!(s, 400, "{body}");
    let r = c.post(format!("{base}/api/dns/checks")).json(&serde_json::json!({"items": [{"ip": "192.0.2.1", "name": "x"}]})).send().await.unwrap();
    let (s, body) = (r.status().as_u16(), r.text().await.unwrap());
    assert!(s == 400 && body.contains("Item 1"), "{s} {body}");
    let many: Vec<_> = (0..201).map(|i| serde_json::json!({"ip": format!("192.0.2.{}", i % 250), "name": "a.example.com"})).collect();
    let r = c.post(format!("{base}/api/dns/checks")).json(&serde_json::json!({ "items": many })).send().await.unwrap();
    let (s, body) = (r.status().as_u16(), r.text().await.unwrap());
    assert!(s == 400 && body.contains("At most 200"), "{s} {body}");
    let r = c.post(format!("{base}/api/dns/checks")).body("not json").send().await.unwrap();
    let (s, body) = (r.status().as_u16(), r.text().await.unwrap());
    assert!(s == 400 && body.contains("Send {") && body.contains("items"), "{s} {body}");
    let r = c.post(format!("{base}/api/dns/ptrs")).json(&serde_json::json!({"ips": ["192.0.2.10", "nope"]})).send().await.unwrap();
    let (s, body) = (r.status().as_u16(), r.text().await.unwrap());
    assert!(s == 400 && body.contains("Item 2"), "{s} {body}");
    // A cross-site batch is refused before anything is looked up.
    let r = reqwest::Client::new().post(format!("{base}/api/dns/ptrs")).json(&serde_json::json!({"ips": []})).send().await.unwrap();
    assert_eq!(r.status(), 403);
    for (form, what) in [
        ("serviceid=x&ip=192.0.2.10&status=warming", "serviceid"),
        ("serviceid=20001&ip=192.0.2.300&status=warming", "ip"),
        ("serviceid=20001&status=warming", "missing ip"),
    ] {
        let (s, body) = post(&c, format!("{base}/api/inventory/status"), form).await;
        assert_eq!(s, 400, "{what}: {body}");
    }
    let (s, body) = get(&c, format!("{base}/api/inventory/export?table=vps_instances&format=xml")).await;
    assert!(s == 400 && body.contains("csv or json"), "{s} {body}");
    let anonymous = reqwest::Client::new();
    assert_eq!(get(&anonymous, format!("{base}/api/dns/check?ip=192.0.2.10&name=a.example.com")).await.0, 401);
    assert_eq!(get(&anonymous, format!("{base}/api/inventory")).await.0, 401);
}

#[tokio::test]
async fn blocklists_report_listed_not_listed_and_silent_zones() {
    let base = proxy().await;
    let c = signed_in(&base, "support").await;
    let (s, body) = get(&c, format!("{base}/api/dns/blocklists?ip=192.0.2.13")).await;
    assert_eq!(s, 200, "{body}");
    let r: BlocklistReport = serde_json::from_str(&body).unwrap();
    let zone = |n: &str| r.zones.iter().find(|z| z.zone == n).unwrap().clone();
    assert_eq!(zone("zen.spamhaus.org").status, Listing::Listed);
    assert!(zone("zen.spamhaus.org").reasons.iter().any(|x| x.starts_with("SBL CSS")), "{:?}", zone("zen.spamhaus.org"));
    assert_eq!(zone("bl.spamcop.net").status, Listing::Listed);
    // Not a zone the simulator knows: NXDOMAIN, not listed.
    assert_eq!(zone("silent.example.org").status, Listing::NotListed);

    // A zone that stops answering: "no answer" within the timeout, the others still answer.
    post(&c, format!("{base}/__sim/dns"), "silent=silent.example.org").await;
    post(&c, format!("{base}/__sim/dns"), "delist=192.0.2.13&zone=bl.spamcop.net").await;
    let started = std::time::Instant::now();
    let (_, body) = get(&c, format!("{base}/api/dns/blocklists?ip=192.0.2.13&fresh=1")).await;
    assert!(started.elapsed() < Duration::from_secs(3));
    let r: BlocklistReport = serde_json::from_str(&body).unwrap();
    let zone = |n: &str| r.zones.iter().find(|z| z.zone == n).unwrap().clone();
    assert_eq!(zone("silent.example.org").status, Listing::NoAnswer);
    assert_eq!(zone("bl.spamcop.net").status, Listing::NotListed);
    assert_eq!(zone("zen.spamhaus.org").status, Listing::Listed);
    assert!(r.summary().contains("1 did not answer"), "{}", r.summary());
}

async fn inventory(c: &reqwest::Client, base: &str) -> Inventory {
    let (s, body) = get(c, format!("{base}/api/inventory")).await;
    assert_eq!(s, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The inventory is written after the answer is sent: wait for it.
async fn inventory_until(c: &reqwest::Client, base: &str, ok: impl Fn(&Inventory) -> bool) -> Inventory {
    for _ in 0..50 {
        let inv = inventory(c, base).await;
        if ok(&inv) {
            return inv;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the inventory never got there: {:?}", inventory(c, base).await);
}

#[tokio::test]
async fn the_inventory_records_what_the_proxy_sees_and_exports_it() {
    let base = proxy().await;
    let c = signed_in(&base, "admin").await;
    post(&c, format!("{base}/api"), "action=get_instance&serviceid=20002").await;
    post(&c, format!("{base}/api"), "action=get_instance_ips&serviceid=20002").await;
    let inv = inventory_until(&c, &base, |i| i.ips.iter().any(|x| x.ip == "198.51.100.21" && x.rdns.is_some())).await;
    let main = inv.ips.iter().find(|x| x.ip == "198.51.100.20").unwrap();
    assert!(main.is_main && main.cost == 3.5, "{main:?}");
    assert_eq!(inv.servers.iter().find(|s| s.serviceid == 20002).unwrap().private_ip.as_deref(), Some("10.1.0.2"));

    // A status change is audited.
    let (s, body) = post(&c, format!("{base}/api/inventory/status"), "serviceid=20002&ip=198.51.100.22&status=warming").await;
    assert_eq!(s, 200, "{body}");
    assert!(body.contains("198.51.100.22 is now warming"), "{body}");
    let (s, body) = post(&c, format!("{base}/api/inventory/status"), "serviceid=20002&ip=198.51.100.22&status=sold").await;
    assert!(s == 400 && body.contains("quarantined"), "{body}");
    // Only an IP the inventory has seen on that server: not a made-up one, nor another server's.
    for form in ["serviceid=987654321&ip=192.0.2.254&status=quarantined", "serviceid=20001&ip=198.51.100.22&status=quarantined"] {
        let (s, body) = post(&c, format!("{base}/api/inventory/status"), form).await;
        assert!(s == 404 && body.contains("has never seen"), "{form}: {s} {body}");
    }
    let (_, audit) = get(&c, format!("{base}/api/audit?server=20002")).await;
    assert!(audit.contains("inventory_status") && audit.contains("warming"), "{audit}");

    // delete_ip marks it removed; exports leave removed IPs out.
    let (s, body) = post(&c, format!("{base}/api"), "action=delete_ip&serviceid=20002&ip=198.51.100.22").await;
    assert_eq!(s, 200, "{body}");
    let inv = inventory(&c, &base).await;
    assert_eq!(inv.ips.iter().find(|x| x.ip == "198.51.100.22").unwrap().status, hostwinds::IpStatus::Removed);
    let r = c.get(format!("{base}/api/inventory/export?table=smtp_ip_addresses&format=csv")).send().await.unwrap();
    assert!(r.headers()["content-disposition"].to_str().unwrap().contains("smtp_ip_addresses-"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("ip_address,status,approximate_cost,rdns_hostname"), "{csv}");
    assert!(csv.contains("198.51.100.21,assigned,3.50,bounce.mail.example.com,20002,false"), "{csv}");
    assert!(!csv.contains("198.51.100.22") && !csv.contains("192.0.2.254"), "{csv}");
    let (s, json) = get(&c, format!("{base}/api/inventory/export?table=vps_instances&format=json")).await;
    assert_eq!(s, 200);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let row = rows.as_array().unwrap().iter().find(|r| r["serviceid"] == 20002).unwrap();
    assert_eq!(row["main_ip"], "198.51.100.20");
    assert_eq!(row["ips"], serde_json::json!(["198.51.100.20", "198.51.100.21"]));
    assert_eq!(get(&c, format!("{base}/api/inventory/export?table=users")).await.0, 400);
}

#[tokio::test]
async fn without_a_resolver_the_checks_say_so_and_the_rest_works() {
    use hostwinds_proxy::audit::AuditStore;
    use hostwinds_proxy::auth::Auth;
    use hostwinds_proxy::simulator::{SimConfig, Simulator};
    use hostwinds_proxy::upstream::Upstream;
    let sim = std::sync::Arc::new(Simulator::new(SimConfig::new("k")));
    let state = hostwinds_proxy::AppState::new(Upstream::sim(sim, Duration::from_secs(5)), "k".into(), None, Auth::demo().unwrap(), AuditStore::memory());
    let base = format!("http://{}", spawn(hostwinds_proxy::app(state)).await);
    let c = signed_in(&base, "admin").await;
    let (s, body) = get(&c, format!("{base}/api/dns/blocklists?ip=192.0.2.13")).await;
    assert!(s == 503 && body.contains("--dns-resolver"), "{s} {body}");
    assert_eq!(post(&c, format!("{base}/api"), "action=get_instance&serviceid=20001").await.0, 200);
    assert_eq!(get(&c, format!("{base}/api/inventory")).await.0, 200);
}
