//! rDNS names set through this console, by IP, kept in localStorage: shown where Hostwinds'
//! IP items carry no `rdns` (the live API is only known to send `ip`).

use crate::state::later::Later;
use leptos::prelude::*;
use std::collections::HashMap;

const KEY: &str = "hostwinds.rdns";
const MAX: usize = 5000;

#[derive(Clone, Copy)]
pub struct RdnsMemory {
    pub names: RwSignal<HashMap<String, String>>,
    /// Counts changes, so screens can tell cheaply whether what they built from it is current.
    pub version: StoredValue<u64>,
}

impl RdnsMemory {
    pub fn load() -> RdnsMemory {
        let map = storage()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|s| serde_json::from_str::<HashMap<String, String>>(&s).ok())
            .unwrap_or_default();
        RdnsMemory { names: RwSignal::new(map), version: StoredValue::new(0) }
    }

    pub fn remember(&self, ip: &str, name: &str) {
        self.names.update(|m| {
            if m.len() >= MAX && !m.contains_key(ip) {
                return;
            }
            m.insert(ip.to_string(), name.to_string());
        });
        self.save();
    }

    pub fn forget(&self, ip: &str) {
        self.names.update(|m| {
            m.remove(ip);
        });
        self.save();
    }

    fn save(&self) {
        self.version.update_value(|v| *v += 1);
        if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&self.names.get_untracked())) {
            let _ = s.set_item(KEY, &json);
        }
    }
}

/// Read from localStorage the first time a screen asks (`Later`).
pub fn use_rdns_memory() -> RdnsMemory {
    Later::<RdnsMemory>::get(RdnsMemory::load)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
