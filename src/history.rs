//! This browser's own record of the actions it ran: kept in localStorage, bounded in size.
//! It feeds the activity page and the "done recently" warnings (rotations, cleanup fees).

use hostwinds::{Action, ActionName, ServiceId};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const KEY: &str = "hostwinds.history";
/// Enough for weeks of one person's work, small enough for localStorage.
pub const MAX_ENTRIES: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Milliseconds since the epoch (the browser's clock).
    pub at_ms: f64,
    pub serviceid: Option<u64>,
    /// The wire name, e.g. `set_rdns`.
    pub action: String,
    /// The parameters other than the action and server, e.g. `ip=192.0.2.5 rdns=mail.example.com`.
    pub params: String,
    pub ok: bool,
    pub message: String,
}

impl Entry {
    pub fn new(at_ms: f64, action: &Action, ok: bool, message: &str) -> Entry {
        Entry {
            at_ms,
            serviceid: action.serviceid().map(ServiceId::get),
            action: action.wire_name().to_string(),
            params: describe_params(action),
            ok,
            message: message.to_string(),
        }
    }

    pub fn label(&self) -> String {
        ActionName::from_wire(&self.action).map(|a| a.label().to_string()).unwrap_or_else(|| self.action.clone())
    }
}

/// The parameters of an action as `key=value` words, without `action` and `serviceid`.
pub fn describe_params(action: &Action) -> String {
    action
        .encode()
        .into_iter()
        .filter(|(k, _)| *k != "action" && *k != "serviceid")
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Newest first, at most `max`.
pub fn push_bounded(entries: &mut Vec<Entry>, e: Entry, max: usize) {
    entries.insert(0, e);
    entries.truncate(max);
}

/// Successful runs of `action` on `serviceid` in the last `window_ms`, newest first.
pub fn recent<'a>(
    entries: &'a [Entry],
    serviceid: ServiceId,
    action: ActionName,
    now_ms: f64,
    window_ms: f64,
) -> Vec<&'a Entry> {
    entries
        .iter()
        .filter(|e| e.ok && e.serviceid == Some(serviceid.get()) && e.action == action.wire())
        .filter(|e| now_ms - e.at_ms <= window_ms && e.at_ms <= now_ms + 60_000.0)
        .collect()
}

/// Read stored entries; anything unreadable is dropped rather than failing the console.
pub fn parse_stored(s: &str) -> Vec<Entry> {
    serde_json::from_str::<Vec<serde_json::Value>>(s)
        .map(|v| v.into_iter().filter_map(|x| serde_json::from_value(x).ok()).take(MAX_ENTRIES).collect())
        .unwrap_or_default()
}

/// The history as an app-wide service.
#[derive(Clone, Copy)]
pub struct History {
    pub entries: RwSignal<Vec<Entry>>,
}

impl History {
    pub fn load() -> History {
        let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten()).map(|s| parse_stored(&s)).unwrap_or_default();
        History { entries: RwSignal::new(stored) }
    }

    pub fn record(&self, action: &Action, ok: bool, message: &str) {
        let e = Entry::new(now_ms(), action, ok, message);
        self.entries.update(|v| push_bounded(v, e, MAX_ENTRIES));
        self.save();
    }

    pub fn clear(&self) {
        self.entries.set(Vec::new());
        self.save();
    }

    fn save(&self) {
        if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&self.entries.get_untracked())) {
            // A full storage only loses the record, never the action.
            let _ = s.set_item(KEY, &json);
        }
    }
}

pub fn use_history() -> History {
    expect_context::<History>()
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use hostwinds::{Ip, RdnsName};

    fn sid(n: u64) -> ServiceId {
        ServiceId::try_from(n).unwrap()
    }

    #[test]
    fn params_leave_out_action_and_server() {
        let a = Action::SetRdns {
            serviceid: sid(5),
            ip: Ip::parse("192.0.2.1").unwrap(),
            rdns: RdnsName::parse("mail.example.com").unwrap(),
        };
        assert_eq!(describe_params(&a), "ip=192.0.2.1 rdns=mail.example.com");
        let e = Entry::new(1.0, &a, true, "rDNS record updated.");
        assert_eq!(e.serviceid, Some(5));
        assert_eq!(e.label(), "Set rDNS");
    }

    #[test]
    fn the_history_is_bounded_newest_first() {
        let mut v = Vec::new();
        for i in 0..10 {
            push_bounded(&mut v, Entry::new(i as f64, &Action::GetInstances, true, ""), 3);
        }
        assert_eq!(v.iter().map(|e| e.at_ms).collect::<Vec<_>>(), [9.0, 8.0, 7.0]);
    }

    #[test]
    fn recent_counts_only_successes_on_that_server_in_the_window() {
        let fee = |s, at, ok| Entry::new(at, &Action::CreateIpCleanupFee { serviceid: sid(s) }, ok, "");
        let v = vec![fee(1, 1000.0, true), fee(1, 900.0, false), fee(2, 1000.0, true), fee(1, 10.0, true)];
        let r = recent(&v, sid(1), ActionName::CreateIpCleanupFee, 1100.0, 500.0);
        assert_eq!(r.len(), 1);
        assert_eq!(recent(&v, sid(1), ActionName::ChangeMainIp, 1100.0, 500.0).len(), 0);
    }

    #[test]
    fn stored_history_survives_junk() {
        assert!(parse_stored("not json").is_empty());
        let good = serde_json::to_string(&vec![Entry::new(1.0, &Action::GetInstances, true, "m")]).unwrap();
        let mixed = format!("[{}, 5, {{\"x\":1}}]", &good[1..good.len() - 1]);
        assert_eq!(parse_stored(&mixed).len(), 1);
    }
}
