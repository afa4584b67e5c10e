//! What the guided workflows share: their progress saved in localStorage (per workflow and
//! server, so one can be left and resumed), each step's result message, and the pure
//! decisions they make (which IP is new, which profiles open SMTP).

use hostwinds::{FirewallProfile, Inventory, Ip, IpEntry, IpStatus, ServiceId};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// A week, in ms: an IP that appeared this recently and was never set up still counts as new.
const NEW_WITHIN_MS: f64 = 7.0 * 24.0 * 3600.0 * 1000.0;
/// An IP first seen this long after the server's first IPs appeared later than they did.
const LATER_MS: i64 = 60_000;

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

/// The server's IPs that are new: never seen by the inventory for this server (or seen as
/// removed), or seen after the server's first IPs (it appeared while the console watched),
/// recently, and still only `assigned` (nobody set it up). Never the main IP.
pub fn new_ips(serviceid: ServiceId, current: &[IpEntry], main: Option<Ip>, inventory: &Inventory, now_ms: f64) -> Vec<Ip> {
    let mine: Vec<_> = inventory.ips.iter().filter(|i| i.serviceid == serviceid.get()).collect();
    let server_first = mine.iter().map(|i| i.first_seen_ms).min().unwrap_or(0);
    current
        .iter()
        .map(|e| e.ip)
        .filter(|ip| Some(*ip) != main)
        .filter(|ip| match mine.iter().find(|i| i.ip == ip.to_string()) {
            None => true,
            Some(i) => {
                i.status == IpStatus::Removed
                    || (i.status == IpStatus::Assigned
                        && i.first_seen_ms > server_first + LATER_MS
                        && now_ms - (i.first_seen_ms as f64) < NEW_WITHIN_MS)
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
        let now = 3.0 * NEW_WITHIN_MS;
        let first = (now - 3600_000.0) as i64;
        let inv = Inventory {
            ips: vec![
                // Seen with the server from the start: not new, even though recent.
                known("192.0.2.5", IpStatus::Assigned, first),
                // Appeared later and untouched: new.
                known("192.0.2.6", IpStatus::Assigned, first + 600_000),
                // Appeared later but already set up.
                known("192.0.2.7", IpStatus::Warming, first + 600_000),
                // Back after a removal.
                known("192.0.2.9", IpStatus::Removed, first),
            ],
            ..Default::default()
        };
        let current: Vec<IpEntry> = ["192.0.2.1", "192.0.2.5", "192.0.2.6", "192.0.2.7", "192.0.2.8", "192.0.2.9"].map(entry).to_vec();
        let main = Ip::parse("192.0.2.1").ok();
        let sid = ServiceId::parse("7").unwrap();
        let found: Vec<String> = new_ips(sid, &current, main, &inv, now).iter().map(|i| i.to_string()).collect();
        assert_eq!(found, ["192.0.2.6", "192.0.2.8", "192.0.2.9"]);
        // Another server's inventory does not count.
        let other = ServiceId::parse("8").unwrap();
        assert_eq!(new_ips(other, &current, main, &inv, now).len(), 5);
    }

    #[test]
    fn a_step_has_one_record() {
        let mut l = Vec::new();
        log(&mut l, 1, false, "first try");
        log(&mut l, 1, true, "second try");
        assert_eq!(l, [StepLog { step: 1, ok: true, message: "second try".into() }]);
    }
}
