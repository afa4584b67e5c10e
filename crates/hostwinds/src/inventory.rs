//! The inventory of IPs the proxy has seen, and its exports in the shape of the sending
//! platform's `smtp_ip_addresses` and `vps_instances` tables.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Where an IP stands for sending mail. `Removed` is ours: the IP left the server (deleted,
/// rotated away); it stays in the inventory for the record but is left out of the exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IpStatus {
    Available,
    Assigned,
    Warming,
    Warmed,
    Degraded,
    Burned,
    Quarantined,
    Removed,
}

impl IpStatus {
    pub const ALL: [IpStatus; 8] = [
        IpStatus::Available,
        IpStatus::Assigned,
        IpStatus::Warming,
        IpStatus::Warmed,
        IpStatus::Degraded,
        IpStatus::Burned,
        IpStatus::Quarantined,
        IpStatus::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IpStatus::Available => "available",
            IpStatus::Assigned => "assigned",
            IpStatus::Warming => "warming",
            IpStatus::Warmed => "warmed",
            IpStatus::Degraded => "degraded",
            IpStatus::Burned => "burned",
            IpStatus::Quarantined => "quarantined",
            IpStatus::Removed => "removed",
        }
    }

    pub fn parse(s: &str) -> Result<IpStatus, String> {
        let s = s.trim().to_ascii_lowercase();
        IpStatus::ALL.into_iter().find(|st| st.as_str() == s).ok_or_else(|| {
            format!(
                "Unknown status {s:?}: use one of {}.",
                IpStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            )
        })
    }
}

impl fmt::Display for IpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One IP of the inventory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryIp {
    pub serviceid: u64,
    pub ip: String,
    pub is_main: bool,
    pub rdns: Option<String>,
    pub status: IpStatus,
    /// Approximate monthly cost of the IP.
    pub cost: f64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
}

/// One server of the inventory (from get_instance / get_instances answers).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryServer {
    pub serviceid: u64,
    pub hostname: String,
    pub main_ip: Option<String>,
    pub private_ip: Option<String>,
    pub last_seen_ms: i64,
}

/// What `GET /api/inventory` answers.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub ips: Vec<InventoryIp>,
    pub servers: Vec<InventoryServer>,
    /// The cost given to IPs seen for the first time.
    pub default_cost: f64,
}

/// The monthly cost of one server's IPs (removed ones left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CostLine {
    pub serviceid: u64,
    pub hostname: String,
    pub ips: usize,
    pub monthly: f64,
}

/// The two tables of the platform an export can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportTable {
    SmtpIpAddresses,
    VpsInstances,
}

impl ExportTable {
    pub fn parse(s: &str) -> Result<ExportTable, String> {
        match s.trim() {
            "smtp_ip_addresses" => Ok(ExportTable::SmtpIpAddresses),
            "vps_instances" => Ok(ExportTable::VpsInstances),
            other => Err(format!("Unknown table {other:?}: use smtp_ip_addresses or vps_instances.")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            ExportTable::SmtpIpAddresses => "smtp_ip_addresses",
            ExportTable::VpsInstances => "vps_instances",
        }
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ExportTable::SmtpIpAddresses => {
                &["ip_address", "status", "approximate_cost", "rdns_hostname", "serviceid", "is_main", "first_seen", "last_seen"]
            }
            ExportTable::VpsInstances => &["serviceid", "hostname", "main_ip", "private_ip", "ips"],
        }
    }
}

impl Inventory {
    /// IPs still on a server, ordered by server then IP.
    fn current(&self) -> Vec<&InventoryIp> {
        let mut v: Vec<&InventoryIp> = self.ips.iter().filter(|i| i.status != IpStatus::Removed).collect();
        v.sort_by(|a, b| (a.serviceid, &a.ip).cmp(&(b.serviceid, &b.ip)));
        v
    }

    pub fn costs(&self) -> Vec<CostLine> {
        let names: BTreeMap<u64, &str> = self.servers.iter().map(|s| (s.serviceid, s.hostname.as_str())).collect();
        let mut by: BTreeMap<u64, CostLine> = BTreeMap::new();
        for i in self.current() {
            let line = by.entry(i.serviceid).or_insert_with(|| CostLine {
                serviceid: i.serviceid,
                hostname: names.get(&i.serviceid).copied().unwrap_or("").to_string(),
                ips: 0,
                monthly: 0.0,
            });
            line.ips += 1;
            line.monthly += i.cost;
        }
        by.into_values().map(|mut l| {
            l.monthly = (l.monthly * 100.0).round() / 100.0;
            l
        }).collect()
    }

    /// The rows of `table`, each a map of its columns (the JSON export).
    pub fn rows(&self, table: ExportTable) -> Vec<serde_json::Map<String, serde_json::Value>> {
        use serde_json::{json, Map};
        match table {
            ExportTable::SmtpIpAddresses => self
                .current()
                .into_iter()
                .map(|i| {
                    let mut m = Map::new();
                    m.insert("ip_address".into(), json!(i.ip));
                    m.insert("status".into(), json!(i.status.as_str()));
                    m.insert("approximate_cost".into(), json!(format!("{:.2}", i.cost)));
                    m.insert("rdns_hostname".into(), json!(i.rdns));
                    m.insert("serviceid".into(), json!(i.serviceid));
                    m.insert("is_main".into(), json!(i.is_main));
                    m.insert("first_seen".into(), json!(iso(i.first_seen_ms)));
                    m.insert("last_seen".into(), json!(iso(i.last_seen_ms)));
                    m
                })
                .collect(),
            ExportTable::VpsInstances => {
                let mut ips: BTreeMap<u64, Vec<&str>> = BTreeMap::new();
                for i in self.current() {
                    ips.entry(i.serviceid).or_default().push(&i.ip);
                }
                let mut servers: Vec<&InventoryServer> = self.servers.iter().collect();
                servers.sort_by_key(|s| s.serviceid);
                servers
                    .into_iter()
                    .map(|s| {
                        let mut m = Map::new();
                        m.insert("serviceid".into(), json!(s.serviceid));
                        m.insert("hostname".into(), json!(s.hostname));
                        m.insert("main_ip".into(), json!(s.main_ip));
                        m.insert("private_ip".into(), json!(s.private_ip));
                        m.insert("ips".into(), json!(ips.get(&s.serviceid).cloned().unwrap_or_default()));
                        m
                    })
                    .collect()
            }
        }
    }

    /// CSV with a header row: lists (`ips`) become one comma-separated field.
    pub fn csv(&self, table: ExportTable) -> String {
        let cols = table.columns();
        let mut out = crate::CsvTable::new(cols);
        for row in self.rows(table) {
            let cells: Vec<String> = cols
                .iter()
                .map(|c| match row.get(*c) {
                    None | Some(serde_json::Value::Null) => String::new(),
                    Some(serde_json::Value::String(s)) => s.clone(),
                    Some(serde_json::Value::Array(a)) => {
                        a.iter().map(|v| v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string())).collect::<Vec<_>>().join(",")
                    }
                    Some(v) => v.to_string(),
                })
                .collect();
            out.row(cells.iter().map(String::as_str));
        }
        out.finish()
    }
}

/// `2026-12-01T09:00:00Z` from ms since the epoch (UTC; the civil-from-days algorithm).
pub fn iso(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inv() -> Inventory {
        let ip = |sid, ip: &str, main, status, cost| InventoryIp {
            serviceid: sid,
            ip: ip.into(),
            is_main: main,
            rdns: Some(format!("mail.{ip}.example.com")),
            status,
            cost,
            first_seen_ms: 0,
            last_seen_ms: 1_764_579_600_000,
        };
        Inventory {
            ips: vec![
                ip(2, "198.51.100.7", true, IpStatus::Assigned, 4.99),
                ip(1, "192.0.2.6", false, IpStatus::Warming, 4.99),
                ip(1, "192.0.2.5", true, IpStatus::Assigned, 4.99),
                ip(1, "192.0.2.9", false, IpStatus::Removed, 4.99),
            ],
            servers: vec![
                InventoryServer { serviceid: 1, hostname: "mta1, east".into(), main_ip: Some("192.0.2.5".into()), private_ip: Some("10.0.0.5".into()), last_seen_ms: 0 },
                InventoryServer { serviceid: 2, hostname: "mta2".into(), main_ip: Some("198.51.100.7".into()), private_ip: None, last_seen_ms: 0 },
            ],
            default_cost: 4.99,
        }
    }

    #[test]
    fn statuses_round_trip() {
        for s in IpStatus::ALL {
            assert_eq!(IpStatus::parse(s.as_str()), Ok(s));
        }
        assert!(IpStatus::parse("sold").unwrap_err().contains("quarantined"));
    }

    #[test]
    fn smtp_ip_addresses_export() {
        let csv = inv().csv(ExportTable::SmtpIpAddresses);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], "ip_address,status,approximate_cost,rdns_hostname,serviceid,is_main,first_seen,last_seen");
        assert_eq!(lines.len(), 4, "removed IPs are left out: {csv}");
        assert_eq!(lines[1], "192.0.2.5,assigned,4.99,mail.192.0.2.5.example.com,1,true,1970-01-01T00:00:00Z,2025-12-01T09:00:00Z");
        assert!(lines[2].starts_with("192.0.2.6,warming,"));
    }

    #[test]
    fn vps_instances_export_and_costs() {
        let i = inv();
        let csv = i.csv(ExportTable::VpsInstances);
        assert_eq!(csv.lines().nth(1), Some("1,\"mta1, east\",192.0.2.5,10.0.0.5,\"192.0.2.5,192.0.2.6\""));
        assert_eq!(csv.lines().nth(2), Some("2,mta2,198.51.100.7,,198.51.100.7"));
        let rows = i.rows(ExportTable::VpsInstances);
        assert_eq!(rows[0]["ips"], serde_json::json!(["192.0.2.5", "192.0.2.6"]));
        let costs = i.costs();
        assert_eq!((costs[0].ips, costs[0].monthly), (2, 9.98));
        assert_eq!(costs[1].hostname, "mta2");
        assert!(ExportTable::parse("users").is_err());
        assert!(csv.ends_with("\r\n") && !csv.replace("\r\n", "").contains('\r'), "CRLF rows: {csv:?}");
    }
}
