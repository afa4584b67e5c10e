//! Display rows built from API answers: plain functions, tested natively without a DOM.

use hostwinds::{Instance, Ip, IpEntry, ServiceId};

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

/// One line of a server's IP table.
#[derive(Debug, Clone, PartialEq)]
pub struct IpRow {
    pub ip: Ip,
    pub is_main: bool,
    pub rdns: Option<String>,
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
pub fn ip_rows(main_ip: Option<Ip>, entries: &[IpEntry]) -> Vec<IpRow> {
    let mut rows: Vec<IpRow> = entries
        .iter()
        .map(|e| IpRow { ip: e.ip, is_main: Some(e.ip) == main_ip, rdns: e.rdns.clone() })
        .collect();
    rows.sort_by_key(|r| (!r.is_main, r.ip.is_v6(), r.ip));
    rows
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
        let rows = ip_rows(Some(Ip::parse("192.0.2.10").unwrap()), &entries);
        let order: Vec<String> = rows.iter().map(|r| r.ip.to_string()).collect();
        assert_eq!(order, ["192.0.2.10", "192.0.2.3", "192.0.2.20", "2001:db8::1"]);
        assert!(rows[0].is_main && !rows[1].is_main);
        assert_eq!(rows[2].rdns.as_deref(), Some("b.example.com"));
        assert_eq!(rows[3].version(), "IPv6");
    }

    #[test]
    fn no_main_is_marked_when_the_instance_has_none() {
        let entries = IpEntry::list(&json!({"IP Addresses": [{"ip": "192.0.2.3"}]}));
        assert!(ip_rows(None, &entries).iter().all(|r| !r.is_main));
    }
}
