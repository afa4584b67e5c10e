//! Bulk rDNS: a name template expanded for many IPs, each name validated, duplicates flagged.

use crate::values::{Ip, RdnsName, ServiceId};
use std::collections::HashMap;
use std::net::IpAddr;

/// The placeholders a template may use, for the help text and the error of an unknown one.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{n}", "1, 2, 3\u{2026} in the order of the selection"),
    ("{n:3}", "the same, zero-padded to 3 digits (001); any width 1\u{2013}6"),
    ("{ip-dashed}", "192-0-2-5 (IPv6: colons become dashes)"),
    ("{octet3}", "the third octet of an IPv4 (2 in 192.0.2.5)"),
    ("{octet4}", "the last octet of an IPv4 (5 in 192.0.2.5)"),
    ("{server}", "the server's service id"),
];

/// One IP to name: which server it is on, and the IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Target {
    pub serviceid: ServiceId,
    pub ip: Ip,
}

/// One line of the preview.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub target: Target,
    /// The name to set, or why there is none.
    pub name: Result<RdnsName, String>,
    /// Another row of the plan (0-based) with the same name: a conflict to fix first.
    pub duplicate_of: Option<usize>,
}

impl Planned {
    pub fn ready(&self) -> bool {
        self.name.is_ok() && self.duplicate_of.is_none()
    }
}

/// Expand `template` for the `n`-th (1-based) target.
pub fn expand(template: &str, n: usize, t: Target) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = template.trim();
    if rest.is_empty() {
        return Err("Enter a template, such as mail{n}.example.com.".into());
    }
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or_else(|| format!("A {{ in {template:?} is not closed."))?;
        let key = &after[..close];
        out.push_str(&placeholder(key, n, t)?);
        rest = &after[close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("A }} in {template:?} has no opening {{."));
    }
    out.push_str(rest);
    Ok(out)
}

fn placeholder(key: &str, n: usize, t: Target) -> Result<String, String> {
    let v4 = match t.ip.addr() {
        IpAddr::V4(a) => Some(a.octets()),
        IpAddr::V6(_) => None,
    };
    let needs_v4 = |what: &str| format!("{{{what}}} needs an IPv4 address; {} is IPv6.", t.ip);
    match key {
        "n" => Ok(n.to_string()),
        "ip-dashed" => Ok(t.ip.to_string().replace(['.', ':'], "-").trim_matches('-').to_string()),
        "octet3" => v4.map(|o| o[2].to_string()).ok_or_else(|| needs_v4(key)),
        "octet4" => v4.map(|o| o[3].to_string()).ok_or_else(|| needs_v4(key)),
        "server" => Ok(t.serviceid.to_string()),
        k if k.starts_with("n:") => match k[2..].parse::<usize>() {
            Ok(w) if (1..=6).contains(&w) => Ok(format!("{n:0w$}")),
            _ => Err(format!("{{{k}}}: the width after n: is a number from 1 to 6, such as {{n:3}}.")),
        },
        k => Err(format!(
            "Unknown placeholder {{{k}}}: use {}.",
            PLACEHOLDERS.iter().map(|(p, _)| *p).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// Every name of the run, validated, with duplicates (within the plan) flagged on the later row.
pub fn plan(template: &str, targets: &[Target]) -> Vec<Planned> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    targets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let name = expand(template, i + 1, *t).and_then(|s| RdnsName::parse(&s).map_err(|e| e.0));
            let duplicate_of = match &name {
                Ok(n) => match seen.get(n.as_str()) {
                    Some(first) => Some(*first),
                    None => {
                        seen.insert(n.as_str().to_string(), i);
                        None
                    }
                },
                Err(_) => None,
            };
            Planned { target: *t, name, duplicate_of }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(ip: &str) -> Target {
        Target { serviceid: ServiceId::parse("1001").unwrap(), ip: Ip::parse(ip).unwrap() }
    }

    #[test]
    fn templates_expand() {
        let a = t("192.0.2.5");
        assert_eq!(expand("mail{n}.example.com", 3, a).unwrap(), "mail3.example.com");
        assert_eq!(expand("mta{n:3}.example.com", 7, a).unwrap(), "mta007.example.com");
        assert_eq!(expand("{ip-dashed}.mta.example.com", 1, a).unwrap(), "192-0-2-5.mta.example.com");
        assert_eq!(expand("s{server}-{octet3}-{octet4}.example.com", 1, a).unwrap(), "s1001-2-5.example.com");
        assert_eq!(expand("{ip-dashed}.example.com", 1, t("2001:db8::1")).unwrap(), "2001-db8--1.example.com");
        assert!(expand("{octet4}.example.com", 1, t("2001:db8::1")).unwrap_err().contains("IPv4"));
        assert!(expand("mail{x}.example.com", 1, a).unwrap_err().contains("Unknown placeholder {x}"));
        assert!(expand("mail{n.example.com", 1, a).unwrap_err().contains("not closed"));
        assert!(expand("mail}.example.com", 1, a).unwrap_err().contains("no opening"));
        assert!(expand("{n:9}.example.com", 1, a).is_err());
        assert!(expand("  ", 1, a).is_err());
    }

    #[test]
    fn plans_validate_and_flag_duplicates() {
        let targets = [t("192.0.2.5"), t("192.0.2.6"), t("198.51.100.5")];
        let p = plan("mail{n}.example.com", &targets);
        assert!(p.iter().all(Planned::ready));
        assert_eq!(p[2].name.as_ref().unwrap().as_str(), "mail3.example.com");
        // Same last octet on two IPs: the second is a conflict.
        let p = plan("m{octet4}.example.com", &targets);
        assert_eq!(p[2].duplicate_of, Some(0));
        assert!(p[0].ready() && p[1].ready() && !p[2].ready());
        let p = plan("bad_{n}.example.com", &targets);
        assert!(p.iter().all(|r| r.name.is_err()));
    }
}
