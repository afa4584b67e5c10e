//! Display rows built from API answers: plain functions, tested natively without a DOM.

use hostwinds::{Instance, Ip, IpEntry, ServiceId};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::Arc;

/// One line of the servers table.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerRow {
    pub serviceid: ServiceId,
    pub name: String,
    pub main_ip: String,
    pub location: String,
    pub status: String,
    pub busy: bool,
}

pub fn server_rows(list: &[Instance], query: &str) -> Vec<ServerRow> {
    let q = query.trim().to_ascii_lowercase();
    list.iter()
        .filter_map(|i| {
            let serviceid = i.serviceid?;
            let row = ServerRow {
                serviceid,
                name: i.display_name(),
                main_ip: i.main_ip.map(|ip| ip.to_string()).unwrap_or_else(|| "\u{2014}".into()),
                location: i.location_id.clone().unwrap_or_else(|| "\u{2014}".into()),
                status: i.status.clone().unwrap_or_else(|| "unknown".into()),
                busy: i.busy(),
            };
            let haystack = || {
                let mut h = format!("{} {} {}", serviceid, row.name, row.main_ip);
                for ip in i.ips.iter().chain(&i.ip_v6) {
                    h.push(' ');
                    h.push_str(&ip.to_string());
                }
                h.to_ascii_lowercase()
            };
            (q.is_empty() || haystack().contains(&q)).then_some(row)
        })
        .collect()
}

/// The distinct location ids of the servers, in numeric order.
pub fn locations(list: &[Instance]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().filter_map(|i| i.location_id.clone()).collect();
    v.sort_by_key(|l| (l.parse::<u64>().unwrap_or(u64::MAX), l.clone()));
    v.dedup();
    v
}

/// Where an rDNS name shown in the table comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RdnsSource {
    /// The IP item Hostwinds sent carried it.
    Hostwinds,
    /// Hostwinds did not say; this is the last name set through this console.
    SetHere,
}

/// One line of a server's IP table.
#[derive(Debug, Clone, PartialEq)]
pub struct IpRow {
    pub ip: Ip,
    /// The IP as text, made once: formatting 10,000 IPv6 addresses per keystroke is what costs.
    pub ip_text: Arc<str>,
    pub is_main: bool,
    /// Shared, so filtering and sorting thousands of rows copies no text.
    pub rdns: Option<Arc<str>>,
    pub rdns_source: Option<RdnsSource>,
}

impl IpRow {
    pub fn version(&self) -> &'static str {
        if self.ip.is_v6() {
            "IPv6"
        } else {
            "IPv4"
        }
    }
}

/// Rows for a server's IPs: which one is main comes from get_instance's `main_ip`, never from
/// the list. Main first, then IPv4 in numeric order, then IPv6.
/// `known` holds names set through this console (by IP), shown only where Hostwinds sent none.
pub fn ip_rows(main_ip: Option<Ip>, entries: &[IpEntry], known: &HashMap<String, String>) -> Vec<IpRow> {
    let known: HashMap<Ip, &String> = known.iter().filter_map(|(k, v)| Ip::parse(k).ok().map(|ip| (ip, v))).collect();
    let mut rows: Vec<IpRow> = entries
        .iter()
        .map(|e| {
            let (rdns, rdns_source) = match (&e.rdns, known.get(&e.ip).copied()) {
                (Some(n), _) => (Some(Arc::from(n.as_str())), Some(RdnsSource::Hostwinds)),
                (None, Some(n)) => (Some(Arc::from(n.as_str())), Some(RdnsSource::SetHere)),
                (None, None) => (None, None),
            };
            IpRow { ip: e.ip, ip_text: Arc::from(e.ip.to_string()), is_main: Some(e.ip) == main_ip, rdns, rdns_source }
        })
        .collect();
    sort_rows(&mut rows, IpSort::Role, false);
    rows
}

/// The IP table's sortable columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpSort {
    /// Main first, then IPv4 and IPv6 in numeric order.
    Role,
    Ip,
    Rdns,
}

impl IpSort {
    pub fn parse(s: &str) -> IpSort {
        match s {
            "ip" => IpSort::Ip,
            "rdns" => IpSort::Rdns,
            _ => IpSort::Role,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            IpSort::Role => "role",
            IpSort::Ip => "ip",
            IpSort::Rdns => "rdns",
        }
    }
}

/// `hay` contains `needle`. For the short texts of a row a plain scan beats `str::contains`,
/// which sets up a two-way searcher per call: 20,000 of them per keystroke on 10,000 IPs.
fn has(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    match n.first() {
        None => true,
        Some(&first) => h.len() >= n.len() && (0..=h.len() - n.len()).any(|i| h[i] == first && h[i..].starts_with(n)),
    }
}

/// Rows matching `query` (in the IP or the rDNS name), in the chosen order. Rows without
/// an rDNS name sort after named ones in both directions: they are the ones to fix.
pub fn search_and_sort(rows: &[IpRow], query: &str, sort: IpSort, descending: bool) -> Vec<IpRow> {
    let q = query.trim().to_ascii_lowercase();
    let mut out: Vec<IpRow> = rows
        .iter()
        .filter(|r| q.is_empty() || has(&r.ip_text, &q) || r.rdns.as_deref().is_some_and(|n| has(n, &q)))
        .cloned()
        .collect();
    sort_rows(&mut out, sort, descending);
    out
}

/// Every sort of the IP table goes through here: each `sort_by` call site is its own copy of
/// the standard library's sort in the wasm (about 3 KB), and there were six.
fn sort_rows(rows: &mut [IpRow], sort: IpSort, descending: bool) {
    rows.sort_by(|a, b| order(sort, descending, a, b));
}

fn order(sort: IpSort, descending: bool, a: &IpRow, b: &IpRow) -> Ordering {
    let o = match sort {
        IpSort::Role => (!a.is_main, a.ip.is_v6(), a.ip).cmp(&(!b.is_main, b.ip.is_v6(), b.ip)),
        IpSort::Ip => (a.ip.is_v6(), a.ip).cmp(&(b.ip.is_v6(), b.ip)),
        // Unnamed rows last in both directions; equal names by IP.
        IpSort::Rdns => {
            return match (&a.rdns, &b.rdns) {
                (Some(x), Some(y)) => if descending { y.cmp(x) } else { x.cmp(y) }.then(a.ip.cmp(&b.ip)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => a.ip.cmp(&b.ip),
            }
        }
    };
    if descending { o.reverse() } else { o }
}

/// The IP table as CSV (RFC 4180): ip, role, rdns, server, location.
pub fn ips_csv(rows: &[IpRow], server: &str, location: &str) -> String {
    let mut out = hostwinds::CsvTable::new(&["ip", "role", "rdns", "server", "location"]);
    for r in rows {
        let ip = r.ip.to_string();
        let role = if r.is_main { "main" } else { "secondary" };
        out.row([ip.as_str(), role, r.rdns.as_deref().unwrap_or_default(), server, location]);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instances() -> Vec<Instance> {
        Instance::list(&json!({
            "2": {"hostname": "mx2.example.com", "main_ip": "198.51.100.2", "location_id": "10", "status": "ACTIVE"},
            "1": {"hostname": "mx1.example.com", "main_ip": "192.0.2.1", "ips": "192.0.2.1, 192.0.2.9",
                  "location_id": "2", "status": "REBOOT"},
            "3": {"srvrname": "hwsrv-3", "location_id": "2"}
        }))
    }

    #[test]
    fn server_rows_show_what_is_known_and_filter_on_any_ip() {
        let rows = server_rows(&instances(), "");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].name, "mx1.example.com");
        assert!(rows[0].busy);
        assert_eq!(rows[2].name, "hwsrv-3");
        assert_eq!(rows[2].main_ip, "\u{2014}");
        let hit = server_rows(&instances(), "192.0.2.9");
        assert_eq!(hit.len(), 1);
        assert_eq!(hit[0].serviceid.get(), 1);
        assert_eq!(server_rows(&instances(), "MX2").len(), 1);
    }

    #[test]
    fn locations_are_distinct_and_numeric_order() {
        assert_eq!(locations(&instances()), ["2", "10"]);
    }

    #[test]
    fn main_ip_comes_from_the_instance_and_sorts_first() {
        let entries = IpEntry::list(&json!({"IP Addresses": [
            {"ip": "2001:db8::1"}, {"ip": "192.0.2.20", "rdns": "b.example.com"}, {"ip": "192.0.2.3"}, {"ip": "192.0.2.10"}
        ]}));
        let rows = ip_rows(Some(Ip::parse("192.0.2.10").unwrap()), &entries, &HashMap::new());
        let order: Vec<String> = rows.iter().map(|r| r.ip.to_string()).collect();
        assert_eq!(order, ["192.0.2.10", "192.0.2.3", "192.0.2.20", "2001:db8::1"]);
        assert!(rows[0].is_main && !rows[1].is_main);
        assert_eq!(rows[2].rdns.as_deref(), Some("b.example.com"));
        assert_eq!(rows[3].version(), "IPv6");
    }

    #[test]
    fn no_main_is_marked_when_the_instance_has_none() {
        let entries = IpEntry::list(&json!({"IP Addresses": [{"ip": "192.0.2.3"}]}));
        assert!(ip_rows(None, &entries, &HashMap::new()).iter().all(|r| !r.is_main));
    }

    fn sample() -> Vec<IpRow> {
        let entries = IpEntry::list(&json!({"IP Addresses": [
            {"ip": "192.0.2.10", "rdns": "mx.example.com"}, {"ip": "192.0.2.3", "rdns": "b.example.com"},
            {"ip": "192.0.2.20"}, {"ip": "192.0.2.4", "rdns": "a.example.com"}
        ]}));
        let known = HashMap::from([("192.0.2.20".to_string(), "set.example.com".to_string())]);
        ip_rows(Some(Ip::parse("192.0.2.10").unwrap()), &entries, &known)
    }

    fn ips(rows: &[IpRow]) -> Vec<String> {
        rows.iter().map(|r| r.ip.to_string()).collect()
    }

    #[test]
    fn names_set_here_fill_in_only_where_hostwinds_sent_none() {
        let rows = sample();
        let r = rows.iter().find(|r| r.ip.to_string() == "192.0.2.20").unwrap();
        assert_eq!((r.rdns.as_deref(), r.rdns_source), (Some("set.example.com"), Some(RdnsSource::SetHere)));
        assert_eq!(rows[0].rdns_source, Some(RdnsSource::Hostwinds));
    }

    #[test]
    fn has_finds_a_text_anywhere_and_only_there() {
        for (hay, needle) in [("2001:db8::1", "db8"), ("a", "a"), ("abc", "c"), ("abc", ""), ("", ""), ("aab", "ab")] {
            assert!(has(hay, needle), "{hay} {needle}");
        }
        for (hay, needle) in [("2001:db8::1", "db9"), ("ab", "abc"), ("", "a"), ("abab", "bb")] {
            assert!(!has(hay, needle), "{hay} {needle}");
        }
    }

    #[test]
    fn rdns_is_sortable_and_searchable() {
        let mut rows = sample();
        let unnamed = rows.iter_mut().find(|r| r.ip.to_string() == "192.0.2.20").unwrap();
        unnamed.rdns = None;
        unnamed.rdns_source = None;
        assert_eq!(ips(&search_and_sort(&rows, "", IpSort::Rdns, false)), ["192.0.2.4", "192.0.2.3", "192.0.2.10", "192.0.2.20"]);
        assert_eq!(ips(&search_and_sort(&rows, "", IpSort::Rdns, true)), ["192.0.2.10", "192.0.2.3", "192.0.2.4", "192.0.2.20"]);
        assert_eq!(ips(&search_and_sort(&rows, "", IpSort::Ip, false)), ["192.0.2.3", "192.0.2.4", "192.0.2.10", "192.0.2.20"]);
        assert_eq!(ips(&search_and_sort(&rows, "A.EXAMPLE", IpSort::Role, false)), ["192.0.2.4"]);
        assert_eq!(ips(&search_and_sort(&rows, "0.2.1", IpSort::Role, false)), ["192.0.2.10"]);
    }

    #[test]
    fn descending_orders_reverse_the_ascending_ones() {
        let mut rows = sample();
        rows.push(IpRow { ip: Ip::parse("2001:db8::1").unwrap(), ip_text: Arc::from("2001:db8::1"), is_main: false, rdns: None, rdns_source: None });
        for sort in [IpSort::Role, IpSort::Ip] {
            let mut up = ips(&search_and_sort(&rows, "", sort, false));
            up.reverse();
            assert_eq!(ips(&search_and_sort(&rows, "", sort, true)), up, "{sort:?}");
        }
        assert_eq!(ips(&search_and_sort(&rows, "", IpSort::Role, true)), ["2001:db8::1", "192.0.2.20", "192.0.2.4", "192.0.2.3", "192.0.2.10"]);
        // The unnamed IPv6 row stays last, after the named ones, in both directions.
        assert_eq!(ips(&search_and_sort(&rows, "", IpSort::Rdns, true)).last().map(String::as_str), Some("2001:db8::1"));
    }

    #[test]
    fn csv_has_a_header_quotes_and_no_formulas() {
        let rows = sample();
        let csv = ips_csv(&rows[..2], "=cmd|x, \"y\"", "1");
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(lines[0], "ip,role,rdns,server,location");
        assert_eq!(lines[1], "192.0.2.10,main,mx.example.com,\"'=cmd|x, \"\"y\"\"\",1");
        assert_eq!(lines[2].split(',').nth(1), Some("secondary"));
    }
}
