use super::*;
use hostwinds::{decode, Instance, IpEntry, FirewallProfile, SmtpFilter};

const KEY: &str = "test-key";

fn sim() -> Simulator {
    let mut cfg = SimConfig::new(KEY);
    cfg.task_delay = Duration::from_secs(10);
    Simulator::new(cfg)
}

fn call(sim: &Simulator, now: Instant, fields: &[(&str, &str)]) -> hostwinds::Outcome {
    let mut pairs: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    pairs.push(("API".into(), KEY.into()));
    let r = sim.handle_at(now, &pairs);
    decode(r.status, &r.body)
}

fn instance(sim: &Simulator, now: Instant, id: &str) -> Instance {
    let o = call(sim, now, &[("action", "get_instance"), ("serviceid", id)]);
    Instance::from_value(o.data.as_ref().unwrap(), None).unwrap()
}

#[test]
fn seed_has_five_servers_in_several_locations_with_one_to_eight_ipv4s() {
    let s = sim();
    let o = call(&s, Instant::now(), &[("action", "get_instances")]);
    let list = Instance::list(o.data.as_ref().unwrap());
    assert!(list.len() >= 5);
    let locations: std::collections::BTreeSet<_> = list.iter().map(|i| i.location_id.clone()).collect();
    assert!(locations.len() >= 2);
    assert!(list.iter().all(|i| (1..=8).contains(&i.ips.len())));
    assert!(list.iter().any(|i| !i.ip_v6.is_empty()));
    // The live API sends the root secrets: so does the double, for the proxy to strip.
    assert!(o.data.unwrap().to_string().contains("password"));
}

#[test]
fn a_large_server_can_be_seeded_for_measurements() {
    let mut cfg = SimConfig::new(KEY);
    cfg.large_server_ips = 10_000;
    let s = Simulator::new(cfg);
    let o = call(&s, Instant::now(), &[("action", "get_instance_ips"), ("serviceid", "20099")]);
    let ips = IpEntry::list(o.data.as_ref().unwrap());
    assert_eq!(ips.len(), 10_000);
    assert_eq!(ips.iter().filter(|e| e.rdns.is_some()).count(), 5_000);
}

#[test]
fn wrong_key_is_not_authorized() {
    let s = sim();
    let r = s.handle(&[("action".into(), "get_instances".into()), ("API".into(), "nope".into())]);
    let o = decode(r.status, &r.body);
    assert!(!o.ok);
    assert_eq!(o.message, "Not Authorized!");
}

#[test]
fn unknown_action_and_unknown_serviceid() {
    let s = sim();
    let now = Instant::now();
    let o = call(&s, now, &[("action", "reboot_everything")]);
    assert_eq!(o.message, "Invalid Action.");
    assert!(o.code.is_some());
    for action in ["get_instance", "get_instance_ips", "delete_ip", "set_rdns", "create_ip_cleanup_fee"] {
        let o = call(&s, now, &[("action", action), ("serviceid", "1"), ("ip", "192.0.2.10")]);
        assert!(!o.ok, "{action}");
        assert_eq!(o.message, "A valid serviceid is required.");
    }
}

#[test]
fn ip_items_carry_rdns_only_when_switched_on() {
    let s = sim();
    let o = call(&s, Instant::now(), &[("action", "get_instance_ips"), ("serviceid", "20001")]);
    let ips = IpEntry::list(o.data.as_ref().unwrap());
    assert_eq!(ips.len(), 10);
    assert_eq!(ips[0].rdns.as_deref(), Some("mx1.mail.example.com"));
    let mut cfg = SimConfig::new(KEY);
    cfg.rdns_in_ip_items = false;
    let bare = Simulator::new(cfg);
    let o = call(&bare, Instant::now(), &[("action", "get_instance_ips"), ("serviceid", "20001")]);
    assert!(IpEntry::list(o.data.as_ref().unwrap()).iter().all(|e| e.rdns.is_none()));
    assert!(!o.data.unwrap().to_string().contains("rdns"));
}

#[test]
fn location_filter() {
    let s = sim();
    let now = Instant::now();
    let n = |loc: &str| {
        let o = call(&s, now, &[("action", "get_instance_ips"), ("serviceid", "20001"), ("location_id", loc)]);
        (o.ok, o.data.map(|d| IpEntry::list(&d).len()), o.message)
    };
    assert_eq!(n("1").1, Some(10));
    assert_eq!(n("2").1, Some(0));
    let (ok, _, msg) = n("77");
    assert!(!ok);
    assert_eq!(msg, "Location Id is invalid.");
}

#[test]
fn deleting_main_or_unassigned_ip_is_refused_and_secondary_goes() {
    let s = sim();
    let now = Instant::now();
    let o = call(&s, now, &[("action", "delete_ip"), ("serviceid", "20002"), ("ip", "198.51.100.20")]);
    assert!(!o.ok);
    let o = call(&s, now, &[("action", "delete_ip"), ("serviceid", "20002"), ("ip", "192.0.2.99")]);
    assert!(!o.ok);
    let o = call(&s, now, &[("action", "delete_ip"), ("serviceid", "20002"), ("ip", "198.51.100.22")]);
    assert!(o.ok);
    assert_eq!(o.message, "IP removed");
    assert_eq!(instance(&s, now, "20002").ips.len(), 2);
}

#[test]
fn set_main_ip_needs_an_assigned_ip() {
    let s = sim();
    let now = Instant::now();
    let o = call(&s, now, &[("action", "set_main_ip"), ("serviceid", "20002"), ("ip", "192.0.2.99")]);
    assert!(!o.ok);
    let o = call(&s, now, &[("action", "set_main_ip"), ("serviceid", "20002"), ("ip", "198.51.100.21")]);
    assert!(o.ok);
    assert_eq!(o.action, None);
    assert_eq!(instance(&s, now, "20002").main_ip.unwrap().to_string(), "198.51.100.21");
}

#[test]
fn change_main_ip_is_queued_then_happens_after_the_delay() {
    let s = sim();
    let t0 = Instant::now();
    let o = call(&s, t0, &[("action", "change_main_ip"), ("serviceid", "20003")]);
    assert!(o.ok);
    let before = instance(&s, t0 + Duration::from_secs(5), "20003");
    assert_eq!(before.main_ip.unwrap().to_string(), "203.0.113.30");
    assert_eq!(before.task_state.as_deref(), Some("changing_ip"));
    let after = instance(&s, t0 + Duration::from_secs(11), "20003");
    assert_ne!(after.main_ip.unwrap().to_string(), "203.0.113.30");
    assert!(after.ips.iter().any(|i| i.to_string() == "203.0.113.30"), "old main stays as secondary");
    assert_eq!(after.task_state, None);
}

#[test]
fn after_three_quick_changes_the_ip_stops_changing_but_success_is_said() {
    let s = sim();
    let mut t = Instant::now();
    let mut mains = Vec::new();
    for _ in 0..4 {
        let o = call(&s, t, &[("action", "change_main_ip"), ("serviceid", "20004")]);
        assert!(o.ok);
        t += Duration::from_secs(11);
        mains.push(instance(&s, t, "20004").main_ip.unwrap());
    }
    assert_ne!(mains[0], mains[1]);
    assert_ne!(mains[1], mains[2]);
    assert_eq!(mains[2], mains[3], "the fourth change is swallowed by the cooldown");
}

#[test]
fn regenerate_networking_moves_through_reboot_to_active() {
    let s = sim();
    let t0 = Instant::now();
    let o = call(&s, t0, &[("action", "regenerate_networking"), ("serviceid", "20005")]);
    assert!(o.ok);
    assert_eq!(o.message, "Regenerating Network for Server#20005");
    assert_eq!(instance(&s, t0 + Duration::from_secs(1), "20005").status.as_deref(), Some("REBUILD"));
    let mid = instance(&s, t0 + Duration::from_secs(6), "20005");
    assert_eq!(mid.status.as_deref(), Some("REBOOT"));
    assert!(mid.busy());
    let done = instance(&s, t0 + Duration::from_secs(10), "20005");
    assert_eq!(done.status.as_deref(), Some("ACTIVE"));
    assert!(!done.busy());
    // A second one while busy is refused.
    call(&s, t0 + Duration::from_secs(20), &[("action", "regenerate_networking"), ("serviceid", "20005")]);
    let o = call(&s, t0 + Duration::from_secs(21), &[("action", "regenerate_networking"), ("serviceid", "20005")]);
    assert!(!o.ok);
}

#[test]
fn set_rdns_accepts_rdns_and_the_deprecated_rdata() {
    let s = sim();
    let now = Instant::now();
    let o = call(&s, now, &[("action", "set_rdns"), ("serviceid", "20004"), ("ip", "203.0.113.43"), ("rdns", "mta9.example.org")]);
    assert!(o.ok);
    assert_eq!(o.message, "rDNS record updated.");
    let o = call(&s, now, &[("action", "set_rdns"), ("serviceid", "20004"), ("ip", "203.0.113.42"), ("rdata", "mta8.example.org")]);
    assert!(o.ok);
    let o = call(&s, now, &[("action", "get_instance_ips"), ("serviceid", "20004")]);
    let ips = IpEntry::list(o.data.as_ref().unwrap());
    assert!(ips.iter().any(|e| e.rdns.as_deref() == Some("mta9.example.org")));
    let o = call(&s, now, &[("action", "set_rdns"), ("serviceid", "20004"), ("ip", "203.0.113.42"), ("rdns", "not a name")]);
    assert!(!o.ok);
}

#[test]
fn firewall_profiles_and_switching() {
    let s = sim();
    let now = Instant::now();
    let o = call(&s, now, &[("action", "get_firewall_profiles")]);
    let names: Vec<String> = FirewallProfile::list(o.data.as_ref().unwrap()).into_iter().map(|p| p.name).collect();
    assert_eq!(names, ["default", "smtp", "web", "custom"]);
    let o = call(&s, now, &[("action", "get_instance_firewall_profile"), ("serviceid", "20001")]);
    let p = FirewallProfile::from_value(o.data.as_ref().unwrap()).unwrap();
    assert!([25, 465, 587, 993, 995].iter().all(|port| p.opens_tcp_port(*port)));
    assert!(!call(&s, now, &[("action", "set_instance_firewall"), ("serviceid", "20001"), ("name", "nope")]).ok);
    let o = call(&s, now, &[("action", "set_instance_firewall"), ("serviceid", "20001"), ("name", "web")]);
    assert!(o.ok);
    let o = call(&s, now, &[("action", "get_instance_firewall_profile"), ("serviceid", "20001")]);
    assert_eq!(FirewallProfile::from_value(o.data.as_ref().unwrap()).unwrap().name, "web");
}

#[test]
fn smtp_filters_for_account_and_server() {
    let s = sim();
    let now = Instant::now();
    let all = call(&s, now, &[("action", "get_smtp_filters")]);
    assert_eq!(SmtpFilter::list(all.data.as_ref().unwrap()).len(), 4);
    let one = call(&s, now, &[("action", "get_smtp_filters"), ("serviceid", "20003")]);
    assert!(one.ok);
    assert!(SmtpFilter::list(one.data.as_ref().unwrap()).is_empty());
}

#[test]
fn cleanup_fee_succeeds_with_the_copy_paste_message() {
    let s = sim();
    let o = call(&s, Instant::now(), &[("action", "create_ip_cleanup_fee"), ("serviceid", "20002")]);
    assert!(o.ok);
    assert_eq!(o.message, "A valid serviceid is required.");
    assert_eq!(s.invoices().len(), 1);
}
