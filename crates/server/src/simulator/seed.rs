//! The simulator's starting state: servers across three locations, firewall profiles and
//! SMTP filters. Addresses come from the documentation ranges only.

use super::{Profile, Rule, Server, SmtpEntry};
use std::collections::BTreeMap;
use std::net::IpAddr;

pub const LOCATIONS: &[u32] = &[1, 2, 3];

fn ip(s: &str) -> IpAddr {
    s.parse().expect("seed addresses are valid")
}

fn server(
    serviceid: u64,
    hostname: &str,
    location_id: u32,
    ips: &[&str],
    rdns: &[(&str, &str)],
    firewall: &str,
) -> Server {
    let all: Vec<IpAddr> = ips.iter().map(|s| ip(s)).collect();
    Server {
        serviceid,
        hostname: hostname.to_string(),
        srvrname: format!("hwsrv-{serviceid}"),
        location_id,
        main_ip: all[0],
        private_ip: ip(&format!("10.{}.0.{}", location_id, serviceid % 250)),
        ips: all,
        ip_v6: Vec::new(),
        rdns: rdns.iter().map(|(a, n)| (ip(a), n.to_string())).collect(),
        firewall: firewall.to_string(),
        // Real instance objects carry these in plain text; the proxy must strip them.
        password: format!("Root-Pass-{serviceid}-x9!"),
        configkey: format!("cfgkey-{serviceid}-7f3a9c"),
        status: "ACTIVE".into(),
        vm_state: "active".into(),
        task_state: None,
        power_state: "Running".into(),
        main_changes: Vec::new(),
    }
}

pub fn servers() -> BTreeMap<u64, Server> {
    let mut mx1 = server(
        20001,
        "mx1.mail.example.com",
        1,
        &[
            "192.0.2.10", "192.0.2.11", "192.0.2.12", "192.0.2.13", "192.0.2.14", "192.0.2.15", "192.0.2.16",
            "192.0.2.17",
        ],
        &[
            ("192.0.2.10", "mx1.mail.example.com"),
            ("192.0.2.11", "mta1.mail.example.com"),
            ("192.0.2.12", "mta2.mail.example.com"),
            ("192.0.2.13", "mta3.mail.example.com"),
            ("192.0.2.14", "mta4.mail.example.com"),
            ("192.0.2.15", "mta5.mail.example.com"),
            ("2001:db8:100::10", "mx1.mail.example.com"),
        ],
        "smtp",
    );
    mx1.ip_v6 = vec![ip("2001:db8:100::10"), ip("2001:db8:100::11")];
    let list = vec![
        mx1,
        server(
            20002,
            "mx2.mail.example.com",
            1,
            &["198.51.100.20", "198.51.100.21", "198.51.100.22"],
            &[("198.51.100.20", "mx2.mail.example.com"), ("198.51.100.21", "bounce.mail.example.com")],
            "smtp",
        ),
        server(20003, "web1.example.net", 2, &["203.0.113.30"], &[("203.0.113.30", "web1.example.net")], "web"),
        server(
            20004,
            "relay.example.org",
            2,
            &["203.0.113.40", "203.0.113.41", "203.0.113.42", "203.0.113.43"],
            &[("203.0.113.40", "relay.example.org"), ("203.0.113.41", "relay2.example.org")],
            "default",
        ),
        server(
            20005,
            "warmup.example.com",
            3,
            &["198.51.100.50", "198.51.100.51"],
            &[("198.51.100.50", "warmup.example.com")],
            "custom",
        ),
    ];
    list.into_iter().map(|s| (s.serviceid, s)).collect()
}

/// A server with `n` IPs, for measuring large tables: one IPv4 main, the rest IPv6 (the
/// IPv4 documentation ranges hold only 768 addresses), every other one with an rDNS name.
pub fn large(n: usize) -> Server {
    let mut s = server(20099, "bulk.mail.example.com", 1, &["192.0.2.200"], &[("192.0.2.200", "bulk.mail.example.com")], "smtp");
    for i in 1..n.max(1) {
        let ip: IpAddr = format!("2001:db8:ffff::{:x}", i).parse().expect("documentation range");
        s.ip_v6.push(ip);
        if i % 2 == 0 {
            s.rdns.insert(ip, format!("h{i}.bulk.mail.example.com"));
        }
    }
    s
}

/// Free addresses per location, handed out by change_main_ip and taken back by delete_ip.
pub fn pool() -> BTreeMap<u32, Vec<IpAddr>> {
    let mut p = BTreeMap::new();
    p.insert(1, (100..=140).map(|n| ip(&format!("192.0.2.{n}"))).collect());
    p.insert(2, (100..=140).map(|n| ip(&format!("203.0.113.{n}"))).collect());
    p.insert(3, (100..=140).map(|n| ip(&format!("198.51.100.{n}"))).collect());
    p
}

fn rule(direction: &str, ethertype: &str, protocol: Option<&str>, ports: Option<(u16, u16)>, d: &str) -> Rule {
    Rule {
        direction: direction.into(),
        ethertype: ethertype.into(),
        protocol: protocol.map(str::to_string),
        port_range_min: ports.map(|p| p.0),
        port_range_max: ports.map(|p| p.1),
        description: d.into(),
    }
}

fn tcp(port: u16, d: &str) -> Rule {
    rule("ingress", "IPv4", Some("tcp"), Some((port, port)), d)
}

fn egress_all() -> Vec<Rule> {
    vec![
        rule("egress", "IPv4", None, None, "All outbound IPv4"),
        rule("egress", "IPv6", None, None, "All outbound IPv6"),
    ]
}

pub fn profiles() -> Vec<Profile> {
    let with_egress = |mut v: Vec<Rule>| {
        v.extend(egress_all());
        v
    };
    vec![
        Profile {
            id: "fw-3c1e2a90-default".into(),
            name: "default".into(),
            description: "Standard web/SSH access".into(),
            rules: with_egress(vec![
                tcp(22, "SSH"),
                tcp(80, "HTTP"),
                tcp(443, "HTTPS"),
                rule("ingress", "IPv4", Some("icmp"), None, "Ping"),
            ]),
        },
        Profile {
            id: "fw-8b77d1c4-smtp".into(),
            name: "smtp".into(),
            description: "Email server (ports 25, 465, 587, 993, 995)".into(),
            rules: with_egress(vec![
                tcp(22, "SSH"),
                tcp(25, "SMTP"),
                tcp(465, "SMTPS (implicit TLS submission)"),
                tcp(587, "Submission"),
                tcp(993, "IMAPS"),
                tcp(995, "POP3S"),
                rule("ingress", "IPv6", Some("tcp"), Some((25, 25)), "SMTP over IPv6"),
                rule("ingress", "IPv4", Some("icmp"), None, "Ping"),
            ]),
        },
        Profile {
            id: "fw-52a0e6f1-web".into(),
            name: "web".into(),
            description: "HTTP/HTTPS only".into(),
            rules: with_egress(vec![tcp(80, "HTTP"), tcp(443, "HTTPS")]),
        },
        Profile {
            id: "fw-d4f09b37-custom".into(),
            name: "custom".into(),
            description: "User-defined rules: SSH, SMTP relay on 25 and 2525, metrics".into(),
            rules: with_egress(vec![
                tcp(22, "SSH"),
                tcp(25, "SMTP"),
                tcp(2525, "Alternate SMTP relay"),
                rule("ingress", "IPv4", Some("tcp"), Some((9100, 9110)), "Metrics exporters"),
                rule("ingress", "IPv4", Some("udp"), Some((53, 53)), "DNS"),
            ]),
        },
    ]
}

pub fn smtp_filters() -> Vec<SmtpEntry> {
    vec![
        SmtpEntry { serviceid: 20001, kind: "spam".into(), created: "2026-09-14 08:12:40".into(), invoice_id: 884102 },
        SmtpEntry { serviceid: 20001, kind: "outbound".into(), created: "2026-10-02 17:45:03".into(), invoice_id: 887551 },
        SmtpEntry { serviceid: 20002, kind: "spam".into(), created: "2026-10-21 11:03:19".into(), invoice_id: 889930 },
        SmtpEntry { serviceid: 20004, kind: "blacklist".into(), created: "2026-11-05 09:30:00".into(), invoice_id: 891207 },
    ]
}
