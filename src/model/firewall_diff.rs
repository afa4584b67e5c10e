//! What switching firewall profile changes: rules added and removed, and mail ports closed.

use hostwinds::{FirewallProfile, FirewallRule};

/// The ports whose closing cuts a mail server off: SMTP, SMTPS, submission.
pub const SMTP_PORTS: [u16; 3] = [25, 465, 587];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuleDiff {
    pub added: Vec<FirewallRule>,
    pub removed: Vec<FirewallRule>,
    pub unchanged: usize,
}

/// Two rules are the same rule when they let the same traffic through; descriptions aside.
fn same(a: &FirewallRule, b: &FirewallRule) -> bool {
    a.direction.eq_ignore_ascii_case(&b.direction)
        && a.ethertype.eq_ignore_ascii_case(&b.ethertype)
        && a.protocol == b.protocol
        && a.port_range_min == b.port_range_min
        && a.port_range_max == b.port_range_max
}

pub fn diff(current: &FirewallProfile, next: &FirewallProfile) -> RuleDiff {
    let added: Vec<FirewallRule> =
        next.rules.iter().filter(|r| !current.rules.iter().any(|c| same(c, r))).cloned().collect();
    let removed: Vec<FirewallRule> =
        current.rules.iter().filter(|r| !next.rules.iter().any(|n| same(n, r))).cloned().collect();
    let unchanged = next.rules.len() - added.len();
    RuleDiff { added, removed, unchanged }
}

/// Mail ports open now that the next profile would close.
pub fn closed_smtp_ports(current: &FirewallProfile, next: &FirewallProfile) -> Vec<u16> {
    SMTP_PORTS.into_iter().filter(|p| current.opens_tcp_port(*p) && !next.opens_tcp_port(*p)).collect()
}

/// "any" for a rule without a protocol.
pub fn protocol_text(r: &FirewallRule) -> String {
    r.protocol.clone().unwrap_or_else(|| "any".into())
}

/// "all", "25", or "9100\u{2013}9110".
pub fn ports_text(r: &FirewallRule) -> String {
    match (r.port_range_min, r.port_range_max) {
        (None, None) => "all".into(),
        (Some(a), None) | (None, Some(a)) => a.to_string(),
        (Some(a), Some(b)) if a == b => a.to_string(),
        (Some(a), Some(b)) => format!("{a}\u{2013}{b}"),
    }
}

/// One line per rule, for confirmations: "ingress IPv4 tcp 25 (SMTP)".
pub fn rule_line(r: &FirewallRule) -> String {
    let mut s = format!("{} {} {} {}", r.direction, r.ethertype, protocol_text(r), ports_text(r));
    if !r.description.is_empty() {
        s.push_str(&format!(" ({})", r.description));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn profile(name: &str, rules: serde_json::Value) -> FirewallProfile {
        FirewallProfile::from_value(&json!({"name": name, "security_group_rules": rules})).unwrap()
    }

    fn tcp(p: u16, d: &str) -> serde_json::Value {
        json!({"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": p, "port_range_max": p, "description": d})
    }

    #[test]
    fn diff_lists_added_and_removed_rules_ignoring_descriptions() {
        let smtp = profile("smtp", json!([tcp(22, "SSH"), tcp(25, "SMTP"), tcp(587, "Submission")]));
        let web = profile("web", json!([tcp(22, "Secure shell"), tcp(80, "HTTP"), tcp(443, "HTTPS")]));
        let d = diff(&smtp, &web);
        assert_eq!(d.added.iter().map(ports_text).collect::<Vec<_>>(), ["80", "443"]);
        assert_eq!(d.removed.iter().map(ports_text).collect::<Vec<_>>(), ["25", "587"]);
        assert_eq!(d.unchanged, 1);
        assert_eq!(closed_smtp_ports(&smtp, &web), [25, 587]);
        assert!(closed_smtp_ports(&web, &smtp).is_empty());
    }

    #[test]
    fn a_range_or_any_protocol_keeps_mail_ports_open() {
        let open_all = profile("all", json!([{"direction": "ingress", "ethertype": "IPv4", "protocol": null}]));
        let range = profile("range", json!([{"direction": "ingress", "protocol": "tcp", "port_range_min": 20, "port_range_max": 600}]));
        let smtp = profile("smtp", json!([tcp(25, ""), tcp(465, ""), tcp(587, "")]));
        assert!(closed_smtp_ports(&smtp, &open_all).is_empty());
        assert!(closed_smtp_ports(&smtp, &range).is_empty());
    }

    #[test]
    fn rule_texts() {
        let p = profile("x", json!([{"direction": "egress", "ethertype": "IPv6", "protocol": null, "port_range_min": null, "port_range_max": null, "description": "out"},
            {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": 9100, "port_range_max": 9110, "description": ""}]));
        assert_eq!(rule_line(&p.rules[0]), "egress IPv6 any all (out)");
        assert_eq!(rule_line(&p.rules[1]), "ingress IPv4 tcp 9100\u{2013}9110");
    }
}
