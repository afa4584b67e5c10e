//! The IP table's DNS results (rDNS checks, PTR names), kept for the screen: a search
//! keystroke or a page change re-renders from what is known, and only rows not checked yet
//! are asked for, in one request per kind.

use crate::net::api;
use hostwinds::dns::{same_name, DnsCheck};
use hostwinds::Ip;
use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Asked for this name, no answer yet.
    Pending(String),
    Done(DnsCheck),
    Failed { name: String, message: String },
}

impl Check {
    fn is_for(&self, name: &str) -> bool {
        match self {
            Check::Pending(n) | Check::Failed { name: n, .. } => same_name(n, name),
            Check::Done(c) => same_name(&c.name, name),
        }
    }

    /// The answer for `name` is here (a verdict or a failure): `want` never asks again for it,
    /// and only `forget` or `clear` take it away.
    pub fn settled_for(&self, name: &str) -> bool {
        !matches!(self, Check::Pending(_)) && self.is_for(name)
    }
}

/// How long the rows shown must stay before their DNS results are asked for.
const SETTLE: Duration = Duration::from_millis(150);

#[derive(Clone, Copy)]
pub struct DnsCache {
    pub checks: RwSignal<HashMap<Ip, Check>>,
    /// `Some(name)`: the PTR; `None`: looked up, none (or the lookup failed).
    pub ptrs: RwSignal<HashMap<Ip, Option<String>>>,
    /// The ask waiting for the rows to settle.
    waiting: StoredValue<Option<TimeoutHandle>>,
}

impl DnsCache {
    pub fn new() -> Self {
        DnsCache { checks: RwSignal::new(HashMap::new()), ptrs: RwSignal::new(HashMap::new()), waiting: StoredValue::new(None) }
    }

    /// Ask for what is not known yet of the rows shown, once they have stayed `SETTLE`: a
    /// search being typed asks for the rows it ends on, not for every page on the way, and a
    /// screen just opened paints its table before the lookups start.
    pub fn want(self, endpoint: String, named: Vec<(Ip, String)>, unnamed: Vec<Ip>) {
        if let Some(h) = self.waiting.try_get_value().flatten() {
            h.clear();
        }
        let h = set_timeout_with_handle(move || self.ask(endpoint, named, unnamed), SETTLE).ok();
        let _ = self.waiting.try_set_value(h);
    }

    /// Checks of `named` rows, PTRs of `unnamed` ones, for those not known yet. (The screen may
    /// be gone by now: nothing here assumes it is not.)
    fn ask(self, endpoint: String, named: Vec<(Ip, String)>, unnamed: Vec<Ip>) {
        let Some(missing) = self.checks.try_with_untracked(|m| {
            named.into_iter().filter(|(ip, n)| !m.get(ip).is_some_and(|c| c.is_for(n))).collect::<Vec<_>>()
        }) else {
            return;
        };
        if !missing.is_empty() {
            self.checks.update(|m| {
                for (ip, n) in &missing {
                    m.insert(*ip, Check::Pending(n.clone()));
                }
            });
            let endpoint = endpoint.clone();
            leptos::task::spawn_local(async move {
                let result = api::dns_checks(endpoint, missing.clone()).await;
                let _ = self.checks.try_update(|m| match result {
                    Ok(list) => {
                        for c in list {
                            if let Ok(ip) = Ip::parse(&c.ip) {
                                m.insert(ip, Check::Done(c));
                            }
                        }
                    }
                    Err(e) => {
                        for (ip, name) in missing {
                            m.insert(ip, Check::Failed { name, message: e.message.clone() });
                        }
                    }
                });
            });
        }
        let Some(missing) = self.ptrs.try_with_untracked(|m| unnamed.into_iter().filter(|ip| !m.contains_key(ip)).collect::<Vec<_>>()) else {
            return;
        };
        if !missing.is_empty() {
            // Marked looked-up at once, so a re-render does not ask again while this runs.
            self.ptrs.update(|m| {
                for ip in &missing {
                    m.insert(*ip, None);
                }
            });
            leptos::task::spawn_local(async move {
                if let Ok(found) = api::dns_ptrs(endpoint, missing).await {
                    let _ = self.ptrs.try_update(|m| {
                        for (ip, name) in found {
                            if let Ok(ip) = Ip::parse(&ip) {
                                m.insert(ip, Some(name));
                            }
                        }
                    });
                }
            });
        }
    }

    /// The IP's DNS changed (rDNS set): ask again next time.
    pub fn forget(self, ip: Ip) {
        self.checks.update(|m| {
            m.remove(&ip);
        });
        self.ptrs.update(|m| {
            m.remove(&ip);
        });
    }

    pub fn clear(self) {
        self.checks.set(HashMap::new());
        self.ptrs.set(HashMap::new());
    }
}

#[cfg(test)]
mod tests {
    use super::Check;

    #[test]
    fn only_an_answer_for_the_same_name_is_settled() {
        let failed = Check::Failed { name: "mta3.mail.example.com".into(), message: "timed out".into() };
        assert!(failed.settled_for("MTA3.mail.example.com."), "names compare as DNS does");
        assert!(!failed.settled_for("mta3b.mail.example.com"), "another name is asked for");
        assert!(!Check::Pending("mta3.mail.example.com".into()).settled_for("mta3.mail.example.com"), "still waiting");
    }
}
