//! The vocabulary of the DNS checks the proxy runs for mail deliverability: reverse names,
//! forward-confirmed rDNS verdicts, and DNS blocklist (DNSBL) queries and answer codes.
//! The lookups themselves happen in the proxy; here is only what they mean.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// The name a PTR query asks for: `5.2.0.192.in-addr.arpa.`, or the nibbles under `ip6.arpa.`.
pub fn reverse_name(ip: IpAddr) -> String {
    format!("{}.{}.", reversed_labels(ip), if ip.is_ipv4() { "in-addr.arpa" } else { "ip6.arpa" })
}

/// The DNSBL query for `ip` in `zone`: the reversed octets (or nibbles) in front of the zone.
pub fn blocklist_query(ip: IpAddr, zone: &str) -> String {
    format!("{}.{}.", reversed_labels(ip), zone.trim_end_matches('.'))
}

fn reversed_labels(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.{}", o[3], o[2], o[1], o[0])
        }
        IpAddr::V6(v6) => {
            let hex: String = v6.octets().iter().map(|b| format!("{b:02x}")).collect();
            let nibbles: Vec<String> = hex.chars().rev().map(|c| c.to_string()).collect();
            nibbles.join(".")
        }
    }
}

/// Names compare without case and without the trailing dot.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim_end_matches('.').eq_ignore_ascii_case(b.trim_end_matches('.'))
}

/// What one lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Lookup {
    /// The records found (addresses or names).
    Found { records: Vec<String> },
    /// NXDOMAIN, or the name exists without records of that type.
    Nothing,
    /// No usable answer: a timeout, SERVFAIL, a refused query.
    Failed { reason: String },
}

/// Whether a name and an IP confirm each other, the test receiving mail servers apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The name's A/AAAA records include the IP and the IP's PTR names the name.
    Confirmed,
    /// The name has no A/AAAA record.
    NoForward,
    /// The name resolves, but not to this IP.
    ResolvesElsewhere,
    /// The name points at the IP, but the IP's PTR is another name (or none).
    PtrDiffers,
    /// A lookup failed, so nothing can be said.
    Unknown,
}

impl Verdict {
    /// The forward half holds: mail servers will confirm the name once the PTR names it.
    pub fn forward_ok(self) -> bool {
        matches!(self, Verdict::Confirmed | Verdict::PtrDiffers)
    }

    pub fn label(self) -> &'static str {
        match self {
            Verdict::Confirmed => "Forward-confirmed",
            Verdict::NoForward => "Name does not resolve",
            Verdict::ResolvesElsewhere => "Resolves elsewhere",
            Verdict::PtrDiffers => "PTR differs",
            Verdict::Unknown => "Not checked",
        }
    }
}

/// The answer of `GET /api/dns/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsCheck {
    pub ip: String,
    pub name: String,
    /// A and AAAA records of `name`.
    pub forward: Lookup,
    /// PTR records of `ip`.
    pub ptr: Lookup,
    pub verdict: Verdict,
    /// One sentence for a person.
    pub message: String,
}

impl DnsCheck {
    /// Judge the lookups of `name` (A/AAAA) and `ip` (PTR).
    pub fn judge(ip: IpAddr, name: &str, forward: Lookup, ptr: Lookup) -> DnsCheck {
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let (verdict, message) = match (&forward, &ptr) {
            (Lookup::Failed { reason }, _) => {
                (Verdict::Unknown, format!("The A/AAAA lookup of {name} failed ({reason}), so it is not known whether it points at {ip}."))
            }
            (Lookup::Nothing, _) => (
                Verdict::NoForward,
                format!("{name} has no A/AAAA record: mail servers will treat the rDNS of {ip} as unconfirmed until {name} points at {ip}."),
            ),
            (Lookup::Found { records }, _) if !records.iter().any(|r| r.parse::<IpAddr>().ok() == Some(ip)) => (
                Verdict::ResolvesElsewhere,
                format!(
                    "{name} points at {}, not at {ip}: mail servers will treat the rDNS as unconfirmed until its A/AAAA record names {ip}.",
                    records.join(", ")
                ),
            ),
            (Lookup::Found { .. }, Lookup::Found { records }) if records.iter().any(|r| same_name(r, &name)) => {
                (Verdict::Confirmed, format!("{name} points at {ip} and {ip} points back at {name}: forward-confirmed."))
            }
            (Lookup::Found { .. }, Lookup::Found { records }) => (
                Verdict::PtrDiffers,
                format!(
                    "{name} points at {ip}, but the PTR of {ip} is {}. Setting the rDNS to {name} confirms it.",
                    records.iter().map(|r| r.trim_end_matches('.')).collect::<Vec<_>>().join(", ")
                ),
            ),
            (Lookup::Found { .. }, Lookup::Nothing) => (
                Verdict::PtrDiffers,
                format!("{name} points at {ip}, but {ip} has no PTR record yet. Setting the rDNS to {name} confirms it."),
            ),
            (Lookup::Found { .. }, Lookup::Failed { reason }) => (
                Verdict::Unknown,
                format!("{name} points at {ip}, but the PTR lookup of {ip} failed ({reason})."),
            ),
        };
        DnsCheck { ip: ip.to_string(), name, forward, ptr, verdict, message }
    }
}

/// A blocklist zone's documented answer codes (the last octet of a 127.0.0.x answer).
struct ZoneCodes {
    zone: &'static str,
    codes: &'static [(u8, &'static str)],
    /// Answers that are not listings but the zone refusing the query.
    errors: &'static [(Ipv4Addr, &'static str)],
}

const KNOWN_ZONES: &[ZoneCodes] = &[
    ZoneCodes {
        zone: "zen.spamhaus.org",
        codes: &[
            (2, "SBL: Spamhaus SBL, a direct spam source or spam operation"),
            (3, "SBL CSS: snowshoe spam, low-reputation sending"),
            (4, "XBL: exploited host (CBL), such as a botnet infection"),
            (5, "XBL: exploited host"),
            (6, "XBL: exploited host"),
            (7, "XBL: exploited host"),
            (9, "SBL DROP: hijacked or criminal network"),
            (10, "PBL: ISP-maintained policy listing (end-user range, should not send directly)"),
            (11, "PBL: Spamhaus-maintained policy listing (should not send directly)"),
        ],
        errors: &[
            (Ipv4Addr::new(127, 255, 255, 252), "query malformed (typing error in the zone name)"),
            (Ipv4Addr::new(127, 255, 255, 254), "query refused: Spamhaus does not answer public or open resolvers"),
            (Ipv4Addr::new(127, 255, 255, 255), "query refused: excessive number of queries"),
        ],
    },
    ZoneCodes { zone: "bl.spamcop.net", codes: &[(2, "SpamCop: reported as a spam source by SpamCop users")], errors: &[] },
    ZoneCodes {
        zone: "b.barracudacentral.org",
        codes: &[(2, "Barracuda Reputation Block List: poor sending reputation")],
        errors: &[],
    },
    ZoneCodes { zone: "psbl.surriel.com", codes: &[(2, "PSBL: sent mail to spam traps")], errors: &[] },
    ZoneCodes {
        zone: "dnsbl.sorbs.net",
        codes: &[
            (2, "SORBS HTTP proxy"),
            (3, "SORBS SOCKS proxy"),
            (4, "SORBS misc proxy"),
            (5, "SORBS open SMTP relay"),
            (6, "SORBS spam source"),
            (7, "SORBS vulnerable web server"),
            (8, "SORBS block request"),
            (9, "SORBS zombie (hijacked network)"),
            (10, "SORBS dynamic IP range"),
            (11, "SORBS bad configuration"),
            (12, "SORBS no mail from this domain"),
            (14, "SORBS no server should run here"),
        ],
        errors: &[],
    },
];

/// The zones queried when none are configured.
pub const DEFAULT_BLOCKLISTS: &[&str] = &["zen.spamhaus.org", "bl.spamcop.net", "b.barracudacentral.org", "psbl.surriel.com"];

/// What one zone says of one IP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Listing {
    Listed,
    NotListed,
    /// A timeout, a failure, or an answer that is the zone refusing rather than a listing.
    NoAnswer,
}

/// One zone's answer for one IP, in `GET /api/dns/blocklists`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ZoneResult {
    pub zone: String,
    pub status: Listing,
    /// The answer addresses, as returned (127.0.0.2, ...).
    #[serde(default)]
    pub codes: Vec<String>,
    /// What the codes mean, where the zone documents them; else why there is no answer.
    #[serde(default)]
    pub reasons: Vec<String>,
}

impl ZoneResult {
    /// Read the A records a zone answered for a listed IP.
    pub fn from_answer(zone: &str, lookup: &Lookup) -> ZoneResult {
        let zone_s = zone.trim_end_matches('.').to_ascii_lowercase();
        let known = KNOWN_ZONES.iter().find(|z| z.zone == zone_s);
        let (status, codes, reasons) = match lookup {
            Lookup::Nothing => (Listing::NotListed, vec![], vec![]),
            Lookup::Failed { reason } => (Listing::NoAnswer, vec![], vec![reason.clone()]),
            Lookup::Found { records } => {
                let addrs: Vec<Ipv4Addr> = records.iter().filter_map(|r| r.parse().ok()).collect();
                let refusals: Vec<String> = addrs
                    .iter()
                    .filter_map(|a| known.and_then(|z| z.errors.iter().find(|(e, _)| e == a)).map(|(_, why)| why.to_string()))
                    .collect();
                if !refusals.is_empty() {
                    (Listing::NoAnswer, records.clone(), refusals)
                } else if addrs.is_empty() || addrs.iter().any(|a| a.octets()[..3] != [127, 0, 0]) {
                    // Not a 127.0.0.x code: a wildcard or a parked zone, not a listing.
                    (Listing::NoAnswer, records.clone(), vec![format!("unexpected answer {} (not a 127.0.0.x code)", records.join(", "))])
                } else {
                    let reasons = addrs
                        .iter()
                        .map(|a| {
                            let code = a.octets()[3];
                            known
                                .and_then(|z| z.codes.iter().find(|(c, _)| *c == code))
                                .map(|(_, why)| why.to_string())
                                .unwrap_or_else(|| format!("listed (code {a})"))
                        })
                        .collect();
                    (Listing::Listed, records.clone(), reasons)
                }
            }
        };
        ZoneResult { zone: zone_s, status, codes, reasons }
    }
}

/// The answer of `GET /api/dns/blocklists`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocklistReport {
    pub ip: String,
    pub zones: Vec<ZoneResult>,
    /// When the lookups ran (ms since the epoch): results are cached briefly.
    pub checked_at_ms: u64,
}

impl BlocklistReport {
    pub fn listed(&self) -> impl Iterator<Item = &ZoneResult> {
        self.zones.iter().filter(|z| z.status == Listing::Listed)
    }

    /// "Listed on 2 of 4 lists", "Not listed (4 lists)", with unanswered zones counted.
    pub fn summary(&self) -> String {
        let listed = self.listed().count();
        let silent = self.zones.iter().filter(|z| z.status == Listing::NoAnswer).count();
        let total = self.zones.len();
        let base = if listed > 0 {
            format!("Listed on {listed} of {total} blocklists")
        } else {
            format!("Not listed on {} of {total} blocklists", total - silent)
        };
        if silent > 0 {
            format!("{base} ({silent} did not answer)")
        } else {
            base
        }
    }
}

/// A blocklist zone as configured: a DNS name, checked at start-up.
pub fn parse_zone(s: &str) -> Result<String, String> {
    let z = s.trim().trim_end_matches('.').to_ascii_lowercase();
    let ok = !z.is_empty()
        && z.len() <= 200
        && z.contains('.')
        && z.split('.').all(|l| !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    if ok {
        Ok(z)
    } else {
        Err(format!("{s:?} is not a DNS zone name such as zen.spamhaus.org"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn found(r: &[&str]) -> Lookup {
        Lookup::Found { records: r.iter().map(|s| s.to_string()).collect() }
    }

    #[test]
    fn reverse_names_and_blocklist_queries() {
        assert_eq!(reverse_name(ip("192.0.2.5")), "5.2.0.192.in-addr.arpa.");
        assert_eq!(blocklist_query(ip("192.0.2.5"), "zen.spamhaus.org."), "5.2.0.192.zen.spamhaus.org.");
        let v6 = reverse_name(ip("2001:db8::1"));
        assert!(v6.starts_with("1.0.0.0.0.0.0.0") && v6.ends_with(".8.b.d.0.1.0.0.2.ip6.arpa."), "{v6}");
        assert_eq!(v6.split('.').count(), 32 + 3);
    }

    #[test]
    fn verdicts() {
        let a = ip("192.0.2.5");
        let v = |f, p| DnsCheck::judge(a, "Mail.Example.com.", f, p).verdict;
        assert_eq!(v(found(&["192.0.2.5"]), found(&["mail.example.com."])), Verdict::Confirmed);
        assert_eq!(v(found(&["192.0.2.9", "192.0.2.5"]), found(&["MAIL.example.com"])), Verdict::Confirmed);
        assert_eq!(v(Lookup::Nothing, found(&["mail.example.com."])), Verdict::NoForward);
        assert_eq!(v(found(&["192.0.2.9"]), found(&["mail.example.com."])), Verdict::ResolvesElsewhere);
        assert_eq!(v(found(&["192.0.2.5"]), found(&["other.example.com."])), Verdict::PtrDiffers);
        assert_eq!(v(found(&["192.0.2.5"]), Lookup::Nothing), Verdict::PtrDiffers);
        assert_eq!(v(Lookup::Failed { reason: "timeout".into() }, Lookup::Nothing), Verdict::Unknown);
        let c = DnsCheck::judge(a, "mail.example.com", found(&["192.0.2.9"]), Lookup::Nothing);
        assert!(c.message.contains("192.0.2.9") && c.message.contains("unconfirmed"), "{}", c.message);
        assert!(Verdict::PtrDiffers.forward_ok() && !Verdict::NoForward.forward_ok());
    }

    #[test]
    fn blocklist_answers_decode() {
        let r = ZoneResult::from_answer("zen.spamhaus.org", &found(&["127.0.0.2", "127.0.0.10"]));
        assert_eq!(r.status, Listing::Listed);
        assert!(r.reasons[0].starts_with("SBL") && r.reasons[1].starts_with("PBL"), "{:?}", r.reasons);
        let r = ZoneResult::from_answer("ZEN.spamhaus.org.", &found(&["127.255.255.254"]));
        assert_eq!(r.status, Listing::NoAnswer);
        assert!(r.reasons[0].contains("public or open resolvers"));
        assert_eq!(ZoneResult::from_answer("bl.example.net", &Lookup::Nothing).status, Listing::NotListed);
        let r = ZoneResult::from_answer("bl.example.net", &found(&["127.0.0.4"]));
        assert_eq!((r.status, r.reasons[0].as_str()), (Listing::Listed, "listed (code 127.0.0.4)"));
        assert_eq!(ZoneResult::from_answer("bl.example.net", &found(&["203.0.113.1"])).status, Listing::NoAnswer);
        let r = ZoneResult::from_answer("bl.example.net", &Lookup::Failed { reason: "no answer within 1500 ms".into() });
        assert_eq!((r.status, r.reasons.len()), (Listing::NoAnswer, 1));
    }

    #[test]
    fn report_summaries() {
        let z = |s| ZoneResult { zone: "z.example".into(), status: s, codes: vec![], reasons: vec![] };
        let rep = |zones| BlocklistReport { ip: "192.0.2.5".into(), zones, checked_at_ms: 0 };
        assert_eq!(rep(vec![z(Listing::Listed), z(Listing::NotListed)]).summary(), "Listed on 1 of 2 blocklists");
        assert_eq!(rep(vec![z(Listing::NotListed), z(Listing::NoAnswer)]).summary(), "Not listed on 1 of 2 blocklists (1 did not answer)");
    }

    #[test]
    fn zones_parse() {
        assert_eq!(parse_zone(" Zen.Spamhaus.org. ").unwrap(), "zen.spamhaus.org");
        assert!(parse_zone("localhost").is_err() && parse_zone("bad zone.org").is_err() && parse_zone("").is_err());
    }
}
