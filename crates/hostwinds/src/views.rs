//! Typed views of the reads' payloads (`Outcome::data`). Every view accepts the loose shapes
//! the API is known to send (arrays or keyed maps, numbers as strings) and skips items it
//! cannot read instead of failing the whole list.

use crate::decode::text_of;
use crate::values::{Ip, ServiceId};
use serde_json::{Map, Value};

fn text(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(text_of).map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

fn number(o: &Map<String, Value>, key: &str) -> Option<u64> {
    match o.get(key)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The items of a list payload: an array, or the values of a keyed map (with their keys).
fn items(v: &Value) -> Vec<(Option<&str>, &Value)> {
    match v {
        Value::Array(a) => a.iter().map(|x| (None, x)).collect(),
        Value::Object(m) => m.iter().map(|(k, x)| (Some(k.as_str()), x)).collect(),
        _ => Vec::new(),
    }
}

/// IPs from a string ("a, b" or "a b"), an array of strings, or an array of `{ip}`.
fn ip_list(v: Option<&Value>) -> Vec<Ip> {
    let mut out = Vec::new();
    match v {
        Some(Value::String(s)) => {
            out.extend(s.split([',', ' ', ';', '\n']).filter_map(|p| Ip::parse(p).ok()));
        }
        Some(Value::Array(a)) => {
            for x in a {
                match x {
                    Value::String(s) => out.extend(Ip::parse(s).ok()),
                    Value::Object(o) => out.extend(text(o, "ip").and_then(|s| Ip::parse(&s).ok())),
                    _ => {}
                }
            }
        }
        _ => {}
    }
    out
}

/// A server, from get_instance or one item of get_instances. Secrets are never read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Instance {
    pub serviceid: Option<ServiceId>,
    pub hostname: Option<String>,
    pub srvrname: Option<String>,
    pub main_ip: Option<Ip>,
    pub private_ip: Option<Ip>,
    pub ips: Vec<Ip>,
    pub ip_v6: Vec<Ip>,
    pub location_id: Option<String>,
    pub status: Option<String>,
    pub vm_state: Option<String>,
    pub task_state: Option<String>,
    pub power_state: Option<String>,
}

impl Instance {
    /// Read one instance object; `key` is its key when it came from a keyed map.
    pub fn from_value(v: &Value, key: Option<&str>) -> Option<Instance> {
        let o = v.as_object()?;
        let serviceid = ["serviceid", "service_id", "id"]
            .iter()
            .find_map(|k| text(o, k).and_then(|s| ServiceId::parse(&s).ok()))
            .or_else(|| key.and_then(|k| ServiceId::parse(k).ok()));
        Some(Instance {
            serviceid,
            hostname: text(o, "hostname"),
            srvrname: text(o, "srvrname"),
            main_ip: text(o, "main_ip").and_then(|s| Ip::parse(&s).ok()),
            private_ip: text(o, "private_ip").and_then(|s| Ip::parse(&s).ok()),
            ips: ip_list(o.get("ips")),
            ip_v6: ip_list(o.get("ip_v6")),
            location_id: text(o, "location_id"),
            status: text(o, "status"),
            vm_state: text(o, "vm_state"),
            task_state: text(o, "task_state"),
            power_state: text(o, "power_state"),
        })
    }

    /// The servers of get_instances: an array or a map keyed by service id. Items without a
    /// usable service id are skipped, since nothing could be done with them.
    pub fn list(data: &Value) -> Vec<Instance> {
        let mut v: Vec<Instance> = items(data)
            .into_iter()
            .filter_map(|(k, x)| Instance::from_value(x, k))
            .filter(|i| i.serviceid.is_some())
            .collect();
        v.sort_by_key(|i| i.serviceid);
        v
    }

    /// The name to show: hostname, else the server name, else the service id.
    pub fn display_name(&self) -> String {
        self.hostname
            .clone()
            .or_else(|| self.srvrname.clone())
            .or_else(|| self.serviceid.map(|s| format!("Server {s}")))
            .unwrap_or_else(|| "Unnamed server".into())
    }

    /// A task is running (status not ACTIVE, or a task_state set).
    pub fn busy(&self) -> bool {
        let status_active = self.status.as_deref().is_none_or(|s| s.eq_ignore_ascii_case("active"));
        let task = self
            .task_state
            .as_deref()
            .is_some_and(|t| !t.is_empty() && !t.eq_ignore_ascii_case("none") && !t.eq_ignore_ascii_case("null"));
        !status_active || task
    }
}

/// One IP of get_instance_ips. The item is only known to carry `ip`; `rdns` when present.
#[derive(Debug, Clone, PartialEq)]
pub struct IpEntry {
    pub ip: Ip,
    pub rdns: Option<String>,
}

impl IpEntry {
    /// The IPs of a get_instance_ips payload: `{"IP Addresses": [...]}` (the key has a
    /// space), or a bare array; items `{ip, rdns?}` or plain strings.
    pub fn list(data: &Value) -> Vec<IpEntry> {
        let list = match data {
            Value::Object(o) => o
                .get("IP Addresses")
                .or_else(|| o.iter().find(|(k, _)| k.eq_ignore_ascii_case("ip addresses")).map(|(_, v)| v))
                .or_else(|| o.get("ips")),
            Value::Array(_) => Some(data),
            _ => None,
        };
        let mut out: Vec<IpEntry> = Vec::new();
        // A server can hold thousands of IPs: dedupe in O(n).
        let mut seen = std::collections::HashSet::new();
        for (_, item) in list.map(items).unwrap_or_default() {
            let entry = match item {
                Value::String(s) => Ip::parse(s).ok().map(|ip| IpEntry { ip, rdns: None }),
                Value::Object(o) => text(o, "ip").and_then(|s| Ip::parse(&s).ok()).map(|ip| IpEntry {
                    ip,
                    rdns: text(o, "rdns").map(|r| r.trim_end_matches('.').to_ascii_lowercase()),
                }),
                _ => None,
            };
            if let Some(e) = entry {
                if seen.insert(e.ip) {
                    out.push(e);
                }
            }
        }
        out
    }
}

/// One rule of a firewall profile. `None` protocol means any; `None` ports mean all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FirewallRule {
    pub direction: String,
    pub ethertype: String,
    pub protocol: Option<String>,
    pub port_range_min: Option<u16>,
    pub port_range_max: Option<u16>,
    pub description: String,
}

impl FirewallRule {
    fn from_value(v: &Value) -> Option<FirewallRule> {
        let o = v.as_object()?;
        // A port that is present but not a port makes the rule unreadable: reading it as
        // "all ports" would misstate what the firewall lets in.
        let port = |k: &str| -> Result<Option<u16>, ()> {
            match o.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(_) => number(o, k).and_then(|n| u16::try_from(n).ok()).map(Some).ok_or(()),
            }
        };
        let (port_range_min, port_range_max) = (port("port_range_min").ok()?, port("port_range_max").ok()?);
        Some(FirewallRule {
            direction: text(o, "direction").unwrap_or_else(|| "ingress".into()).to_ascii_lowercase(),
            ethertype: text(o, "ethertype").unwrap_or_else(|| "IPv4".into()),
            protocol: text(o, "protocol").filter(|p| !p.eq_ignore_ascii_case("null")).map(|p| p.to_ascii_lowercase()),
            port_range_min,
            port_range_max,
            description: text(o, "description").unwrap_or_default(),
        })
    }

    /// Whether an ingress rule lets `port` in over TCP.
    pub fn opens_tcp_port(&self, port: u16) -> bool {
        if self.direction != "ingress" {
            return false;
        }
        if self.protocol.as_deref().is_some_and(|p| p != "tcp") {
            return false;
        }
        match (self.port_range_min, self.port_range_max) {
            (None, None) => true,
            (Some(a), None) | (None, Some(a)) => a == port,
            (Some(a), Some(b)) => a <= port && port <= b,
        }
    }
}

/// A firewall profile with its rules.
#[derive(Debug, Clone, PartialEq)]
pub struct FirewallProfile {
    pub id: Option<String>,
    pub name: String,
    pub description: String,
    pub rules: Vec<FirewallRule>,
}

impl FirewallProfile {
    pub fn from_value(v: &Value) -> Option<FirewallProfile> {
        match v {
            Value::String(s) if !s.trim().is_empty() => Some(FirewallProfile {
                id: None,
                name: s.trim().to_string(),
                description: String::new(),
                rules: Vec::new(),
            }),
            Value::Object(o) => Some(FirewallProfile {
                id: text(o, "id"),
                name: text(o, "name")?,
                description: text(o, "description").unwrap_or_default(),
                rules: o
                    .get("security_group_rules")
                    .map(items)
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|(_, r)| FirewallRule::from_value(r))
                    .collect(),
            }),
            _ => None,
        }
    }

    /// The profiles of get_firewall_profiles: an array or keyed map of profiles or names.
    pub fn list(data: &Value) -> Vec<FirewallProfile> {
        items(data).into_iter().filter_map(|(_, v)| FirewallProfile::from_value(v)).collect()
    }

    pub fn opens_tcp_port(&self, port: u16) -> bool {
        self.rules.iter().any(|r| r.opens_tcp_port(port))
    }
}

/// One SMTP filter entry of get_smtp_filters.
#[derive(Debug, Clone, PartialEq)]
pub struct SmtpFilter {
    pub kind: String,
    pub created: String,
    pub invoice_id: Option<String>,
}

impl SmtpFilter {
    /// `{spam: [{type, created, invoice_id}]}`, or a bare array of entries.
    pub fn list(data: &Value) -> Vec<SmtpFilter> {
        let list = match data {
            Value::Object(o) => o.get("spam"),
            Value::Array(_) => Some(data),
            _ => None,
        };
        list.map(items)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(_, v)| {
                let o = v.as_object()?;
                Some(SmtpFilter {
                    kind: text(o, "type").unwrap_or_else(|| "unknown".into()),
                    created: text(o, "created").unwrap_or_default(),
                    invoice_id: text(o, "invoice_id"),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode;
    use serde_json::json;

    #[test]
    fn instances_from_a_keyed_map_take_the_key_as_serviceid() {
        let o = decode(
            200,
            r#"{"success":{"20001":{"main_ip":"192.0.2.10","ips":"192.0.2.10, 192.0.2.11","hostname":"mx1",
               "location_id":"2","status":"ACTIVE","password":"x","configkey":"y"},
               "20000":{"serviceid":"20000","main_ip":"198.51.100.5","ips":["198.51.100.5"],"ip_v6":"2001:db8::5"},
               "junk": 5}}"#,
        );
        let list = Instance::list(o.data.as_ref().unwrap());
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].serviceid.unwrap().get(), 20000);
        assert_eq!(list[0].ip_v6[0].to_string(), "2001:db8::5");
        assert_eq!(list[1].ips.len(), 2);
        assert_eq!(list[1].location_id.as_deref(), Some("2"));
    }

    #[test]
    fn instance_numbers_may_be_strings_or_numbers() {
        let i = Instance::from_value(&json!({"serviceid": 12, "location_id": 3}), None).unwrap();
        assert_eq!(i.serviceid.unwrap().get(), 12);
        assert_eq!(i.location_id.as_deref(), Some("3"));
    }

    #[test]
    fn busy_instances() {
        let mut i = Instance { status: Some("ACTIVE".into()), ..Default::default() };
        assert!(!i.busy());
        i.task_state = Some("rebooting".into());
        assert!(i.busy());
        i.task_state = None;
        i.status = Some("REBOOT".into());
        assert!(i.busy());
    }

    #[test]
    fn ip_list_reads_the_key_with_a_space_and_both_item_shapes() {
        let d = json!({"IP Addresses": [{"ip": "192.0.2.1", "rdns": "Mail.Example.com."}, {"ip": "2001:DB8::1"},
            "192.0.2.3", {"ip": "nonsense"}, {"ip": "192.0.2.1"}, 7]});
        let l = IpEntry::list(&d);
        assert_eq!(l.len(), 3);
        assert_eq!(l[0].rdns.as_deref(), Some("mail.example.com"));
        assert_eq!(l[1].ip.to_string(), "2001:db8::1");
        assert_eq!(l[1].rdns, None);
        assert!(IpEntry::list(&json!("x")).is_empty());
    }

    #[test]
    fn firewall_profile_with_null_protocol_and_string_ports() {
        let d = json!({"id": "abc", "name": "smtp", "description": "Mail", "security_group_rules": [
            {"direction": "ingress", "ethertype": "IPv4", "protocol": "tcp", "port_range_min": "25", "port_range_max": 25, "description": "SMTP"},
            {"direction": "egress", "ethertype": "IPv6", "protocol": null, "port_range_min": null, "port_range_max": null, "description": "all out"},
            {"direction": "ingress", "protocol": "tcp", "port_range_min": 99999}
        ]});
        let p = FirewallProfile::from_value(&d).unwrap();
        assert_eq!(p.rules.len(), 2, "the rule with port 99999 is unreadable");
        assert_eq!(p.rules[1].protocol, None);
        assert!(p.opens_tcp_port(25));
        assert!(!p.opens_tcp_port(587));
    }

    #[test]
    fn profile_lists_and_smtp_filters() {
        assert_eq!(FirewallProfile::list(&json!(["default", {"name": "web"}, 3])).len(), 2);
        let f = SmtpFilter::list(&json!({"spam": [{"type": "outbound", "created": "2026-01-02", "invoice_id": 991}]}));
        assert_eq!(f[0].invoice_id.as_deref(), Some("991"));
        assert!(SmtpFilter::list(&json!({"spam": []})).is_empty());
    }
}
