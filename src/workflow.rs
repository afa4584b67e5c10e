//! What the guided workflows share: their progress saved in localStorage (per workflow and
//! server, so one can be left and resumed), each step's result message, and the pure
//! decisions they make (which IP is new, which profiles open SMTP).

use hostwinds::{FirewallProfile, Inventory, Ip, IpEntry, IpStatus, ServiceId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A day, in ms: an IP first seen this recently and never set up still counts as new.
const NEW_WITHIN_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// The record of one finished step, as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepLog {
    pub step: usize,
    pub ok: bool,
    pub message: String,
}

pub fn log(logs: &mut Vec<StepLog>, step: usize, ok: bool, message: impl Into<String>) {
    logs.retain(|l| l.step != step);
    logs.push(StepLog { step, ok, message: message.into() });
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn load<T: DeserializeOwned>(key: &str) -> Option<T> {
    storage()?.get_item(key).ok().flatten().and_then(|s| serde_json::from_str(&s).ok())
}

pub fn save<T: Serialize>(key: &str, value: &T) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(value)) {
        let _ = s.set_item(key, &json);
    }
}

pub fn clear(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// The server's IPs that are new: never seen by the inventory for this server, or first seen
/// in the last day and still only `assigned` (nobody has set them up). Never the main IP.
pub fn new_ips(serviceid: ServiceId, current: &[IpEntry], main: Option<Ip>, inventory: &Inventory, now_ms: f64) -> Vec<Ip> {
    current
        .iter()
        .map(|e| e.ip)
        .filter(|ip| Some(*ip) != main)
        .filter(|ip| {
            let known = inventory.ips.iter().find(|i| i.serviceid == serviceid.get() && i.ip == ip.to_string());
            match known {
                None => true,
                Some(i) => i.status == IpStatus::Assigned && now_ms - (i.first_seen_ms as f64) < NEW_WITHIN_MS,
            }
        })
        .collect()
}

/// Profiles that open SMTP (port 25), the ones a mail server can switch to.
pub fn mail_profiles(profiles: &[FirewallProfile]) -> Vec<FirewallProfile> {
    profiles.iter().filter(|p| p.opens_tcp_port(25)).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hostwinds::InventoryIp;

    fn entry(ip: &str) -> IpEntry {
        IpEntry { ip: Ip::parse(ip).unwrap(), rdns: None }
    }

    fn known(ip: &str, status: IpStatus, first_seen_ms: i64) -> InventoryIp {
        InventoryIp { serviceid: 7, ip: ip.into(), is_main: false, rdns: None, status, cost: 4.99, first_seen_ms, last_seen_ms: 0 }
    }

    #[test]
    fn new_ips_are_unseen_or_recent_and_untouched() {
        let day = NEW_WITHIN_MS;
        let now = 10.0 * day;
        let inv = Inventory {
            ips: vec![
                known("192.0.2.5", IpStatus::Assigned, 0),
                known("192.0.2.6", IpStatus::Assigned, (now - 1000.0) as i64),
                known("192.0.2.7", IpStatus::Warming, (now - 1000.0) as i64),
            ],
            ..Default::default()
        };
        let current: Vec<IpEntry> = ["192.0.2.1", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8"].map(entry).to_vec();
        let main = Ip::parse("192.0.2.1").ok();
        let sid = ServiceId::parse("7").unwrap();
        let found: Vec<String> = new_ips(sid, &current, main, &inv, now).iter().map(|i| i.to_string()).collect();
        assert_eq!(found, ["192.0.2.6", "192.0.2.8"]);
        // Another server's inventory does not count.
        let other = ServiceId::parse("8").unwrap();
        assert_eq!(new_ips(other, &current, main, &inv, now).len(), 4);
    }

    #[test]
    fn a_step_has_one_record() {
        let mut l = Vec::new();
        log(&mut l, 1, false, "first try");
        log(&mut l, 1, true, "second try");
        assert_eq!(l, [StepLog { step: 1, ok: true, message: "second try".into() }]);
    }
}
