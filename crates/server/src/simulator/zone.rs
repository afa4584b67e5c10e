//! The simulator's DNS: what the loopback DNS server (`dns.rs`) answers. PTR records come
//! from the simulated servers' rDNS, so set_rdns shows at once; A/AAAA records and DNSBL
//! listings are a test zone that tests change through `POST /__sim/dns`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What a query gets.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Addrs(Vec<IpAddr>),
    Names(Vec<String>),
    /// NXDOMAIN (or no records of the type asked).
    Nothing,
    /// No reply at all, as from a blocklist that does not answer.
    Drop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryType {
    A,
    Aaaa,
    Ptr,
    Other,
}

#[derive(Debug, Default)]
pub struct Zone {
    /// Forward records: lowercase name without the trailing dot -> addresses.
    pub records: BTreeMap<String, Vec<IpAddr>>,
    /// DNSBL listings: (zone, IP) -> answer codes (the last octet of 127.0.0.x).
    pub listings: BTreeMap<(String, IpAddr), Vec<u8>>,
    /// Zones that never answer (a blocklist timing out).
    pub silent: BTreeSet<String>,
}

fn norm(name: &str) -> String {
    name.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// The IP a reverse name stands for (`5.2.0.192.in-addr.arpa` -> 192.0.2.5).
pub fn ip_of_reverse(name: &str) -> Option<IpAddr> {
    let n = norm(name);
    if let Some(rest) = n.strip_suffix(".in-addr.arpa") {
        return v4_of_reversed(rest);
    }
    let rest = n.strip_suffix(".ip6.arpa")?;
    v6_of_nibbles(rest)
}

fn v4_of_reversed(labels: &str) -> Option<IpAddr> {
    let parts: Vec<u8> = labels.split('.').map(|l| l.parse().ok()).collect::<Option<_>>()?;
    match parts[..] {
        [d, c, b, a] => Some(IpAddr::V4(Ipv4Addr::new(a, b, c, d))),
        _ => None,
    }
}

fn v6_of_nibbles(labels: &str) -> Option<IpAddr> {
    let nibbles: Vec<u8> = labels
        .split('.')
        .map(|l| if l.len() == 1 { u8::from_str_radix(l, 16).ok() } else { None })
        .collect::<Option<_>>()?;
    if nibbles.len() != 32 {
        return None;
    }
    let mut octets = [0u8; 16];
    for (i, pair) in nibbles.iter().rev().collect::<Vec<_>>().chunks(2).enumerate() {
        octets[i] = (pair[0] << 4) | pair[1];
    }
    Some(IpAddr::V6(Ipv6Addr::from(octets)))
}

impl Zone {
    pub fn seed() -> Zone {
        let mut z = Zone::default();
        let ip = |s: &str| s.parse::<IpAddr>().expect("seed addresses are valid");
        for (name, addr) in [
            ("mx1.mail.example.com", "192.0.2.10"),
            ("mx1.mail.example.com", "2001:db8:100::10"),
            ("mta1.mail.example.com", "192.0.2.11"),
            // Points elsewhere: a stale record after an IP change.
            ("mta2.mail.example.com", "192.0.2.99"),
            // mta3 has no record at all.
            ("mta4.mail.example.com", "192.0.2.14"),
            ("mta5.mail.example.com", "192.0.2.15"),
            ("mx2.mail.example.com", "198.51.100.20"),
            ("bounce.mail.example.com", "198.51.100.21"),
            ("web1.example.net", "203.0.113.30"),
            ("relay.example.org", "203.0.113.40"),
            ("warmup.example.com", "198.51.100.50"),
        ] {
            z.records.entry(name.to_string()).or_default().push(ip(addr));
        }
        z.listings.insert(("zen.spamhaus.org".into(), ip("192.0.2.13")), vec![2, 3]);
        z.listings.insert(("bl.spamcop.net".into(), ip("192.0.2.13")), vec![2]);
        z.listings.insert(("b.barracudacentral.org".into(), ip("198.51.100.22")), vec![2]);
        z
    }

    /// Answer one question; `rdns` gives the PTR name of an IP (from the servers).
    pub fn answer(&self, qname: &str, qtype: QueryType, rdns: impl Fn(IpAddr) -> Option<String>) -> Answer {
        let name = norm(qname);
        if self.silent.iter().any(|z| name == *z || name.ends_with(&format!(".{z}"))) {
            return Answer::Drop;
        }
        if qtype == QueryType::Ptr {
            return match ip_of_reverse(&name).and_then(rdns) {
                Some(n) => Answer::Names(vec![format!("{n}.")]),
                None => Answer::Nothing,
            };
        }
        if let Some(found) = self.blocklist(&name) {
            return match (qtype, found) {
                (QueryType::A, Some(codes)) => Answer::Addrs(codes),
                _ => Answer::Nothing,
            };
        }
        let want_v4 = qtype == QueryType::A;
        match self.records.get(&name) {
            Some(addrs) if matches!(qtype, QueryType::A | QueryType::Aaaa) => {
                let a: Vec<IpAddr> = addrs.iter().copied().filter(|a| a.is_ipv4() == want_v4).collect();
                if a.is_empty() {
                    Answer::Nothing
                } else {
                    Answer::Addrs(a)
                }
            }
            _ => Answer::Nothing,
        }
    }

    /// A DNSBL question (`5.2.0.192.zen.spamhaus.org`): `Some(listing codes or None)`, or
    /// `None` when the name is not a blocklist query of a known zone.
    fn blocklist(&self, name: &str) -> Option<Option<Vec<IpAddr>>> {
        let labels: Vec<&str> = name.splitn(5, '.').collect();
        if labels.len() == 5 {
            if let Some(ip) = v4_of_reversed(&labels[..4].join(".")) {
                return Some(self.codes(labels[4], ip));
            }
        }
        // IPv6 DNSBL queries: 32 nibbles then the zone.
        let parts: Vec<&str> = name.splitn(33, '.').collect();
        if parts.len() == 33 {
            if let Some(ip) = v6_of_nibbles(&parts[..32].join(".")) {
                return Some(self.codes(parts[32], ip));
            }
        }
        None
    }

    fn codes(&self, zone: &str, ip: IpAddr) -> Option<Vec<IpAddr>> {
        self.listings
            .get(&(zone.to_string(), ip))
            .map(|codes| codes.iter().map(|c| IpAddr::V4(Ipv4Addr::new(127, 0, 0, *c))).collect())
    }

    /// Apply a `POST /__sim/dns` form: `name=N&ip=A&ip=B` sets N's records (no ip removes N);
    /// `list=IP&zone=Z&code=C` lists an IP; `delist=IP` (optionally `zone=Z`) removes listings;
    /// `silent=Z` / `answer=Z` makes a zone stop / start answering.
    pub fn apply(&mut self, form: &[(String, String)]) -> Result<String, String> {
        let get = |k: &str| form.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim());
        let parse_ip = |s: &str| s.parse::<IpAddr>().map_err(|_| format!("{s:?} is not an IP address"));
        if let Some(name) = get("name") {
            let name = norm(name);
            if name.is_empty() {
                return Err("name is empty".into());
            }
            let addrs: Vec<IpAddr> =
                form.iter().filter(|(k, v)| k == "ip" && !v.trim().is_empty()).map(|(_, v)| parse_ip(v.trim())).collect::<Result<_, _>>()?;
            if addrs.is_empty() {
                self.records.remove(&name);
                return Ok(format!("{name} removed"));
            }
            self.records.insert(name.clone(), addrs);
            return Ok(format!("{name} set"));
        }
        if let Some(ip) = get("list") {
            let ip = parse_ip(ip)?;
            let zone = norm(get("zone").ok_or("list needs zone")?);
            let code: u8 = get("code").unwrap_or("2").parse().map_err(|_| "code is a number from 1 to 255")?;
            self.listings.entry((zone, ip)).or_default().push(code);
            return Ok(format!("{ip} listed"));
        }
        if let Some(ip) = get("delist") {
            let ip = parse_ip(ip)?;
            let zone = get("zone").map(norm);
            self.listings.retain(|(z, i), _| !(*i == ip && zone.as_ref().is_none_or(|only| only == z)));
            return Ok(format!("{ip} delisted"));
        }
        if let Some(z) = get("silent") {
            self.silent.insert(norm(z));
            return Ok(format!("{z} silent"));
        }
        if let Some(z) = get("answer") {
            self.silent.remove(&norm(z));
            return Ok(format!("{z} answers"));
        }
        Err("give one of name, list, delist, silent, answer".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn reverse_names_round_trip() {
        for s in ["192.0.2.5", "2001:db8:100::10"] {
            let name = hostwinds::dns::reverse_name(ip(s));
            assert_eq!(ip_of_reverse(&name), Some(ip(s)), "{name}");
        }
        assert_eq!(ip_of_reverse("1.2.3.in-addr.arpa"), None);
    }

    #[test]
    fn answers() {
        let z = Zone::seed();
        let none = |_| None;
        assert_eq!(z.answer("MX1.mail.example.com.", QueryType::A, none), Answer::Addrs(vec![ip("192.0.2.10")]));
        assert_eq!(z.answer("mx1.mail.example.com", QueryType::Aaaa, none), Answer::Addrs(vec![ip("2001:db8:100::10")]));
        assert_eq!(z.answer("mta3.mail.example.com", QueryType::A, none), Answer::Nothing);
        let q = hostwinds::dns::blocklist_query(ip("192.0.2.13"), "zen.spamhaus.org");
        assert_eq!(z.answer(&q, QueryType::A, none), Answer::Addrs(vec![ip("127.0.0.2"), ip("127.0.0.3")]));
        let q = hostwinds::dns::blocklist_query(ip("192.0.2.10"), "zen.spamhaus.org");
        assert_eq!(z.answer(&q, QueryType::A, none), Answer::Nothing);
        let ptr = hostwinds::dns::reverse_name(ip("192.0.2.10"));
        let rdns = |a: IpAddr| (a == ip("192.0.2.10")).then(|| "mx1.mail.example.com".to_string());
        assert_eq!(z.answer(&ptr, QueryType::Ptr, rdns), Answer::Names(vec!["mx1.mail.example.com.".into()]));
    }

    #[test]
    fn tests_change_the_zone() {
        let mut z = Zone::seed();
        let f = |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        z.apply(&f(&[("name", "new.example.com"), ("ip", "192.0.2.16")])).unwrap();
        assert_eq!(z.answer("new.example.com", QueryType::A, |_| None), Answer::Addrs(vec![ip("192.0.2.16")]));
        z.apply(&f(&[("name", "new.example.com")])).unwrap();
        assert_eq!(z.answer("new.example.com", QueryType::A, |_| None), Answer::Nothing);
        z.apply(&f(&[("delist", "192.0.2.13")])).unwrap();
        let q = hostwinds::dns::blocklist_query(ip("192.0.2.13"), "bl.spamcop.net");
        assert_eq!(z.answer(&q, QueryType::A, |_| None), Answer::Nothing);
        z.apply(&f(&[("silent", "bl.spamcop.net")])).unwrap();
        assert_eq!(z.answer(&q, QueryType::A, |_| None), Answer::Drop);
        assert!(z.apply(&f(&[("list", "nope"), ("zone", "x.org")])).is_err());
        assert!(z.apply(&f(&[])).is_err());
    }
}
