//! The IP table's DNS results (rDNS checks, PTR names), kept for the screen: a search
//! keystroke or a page change re-renders from what is known, and only rows not checked yet
//! are asked for, in one request per kind.

use crate::api;
use hostwinds::dns::{same_name, DnsCheck};
use hostwinds::Ip;
use leptos::prelude::*;
use std::collections::HashMap;

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

#[derive(Clone, Copy)]
pub struct DnsCache {
    pub checks: RwSignal<HashMap<Ip, Check>>,
    /// `Some(name)`: the PTR; `None`: looked up, none (or the lookup failed).
    pub ptrs: RwSignal<HashMap<Ip, Option<String>>>,
}

impl DnsCache {
    pub fn new() -> Self {
        DnsCache { checks: RwSignal::new(HashMap::new()), ptrs: RwSignal::new(HashMap::new()) }
    }

    /// Ask for what is not known yet: checks of `named` rows, PTRs of `unnamed` ones.
    pub fn want(self, endpoint: String, named: Vec<(Ip, String)>, unnamed: Vec<Ip>) {
        let missing: Vec<(Ip, String)> = self.checks.with_untracked(|m| {
            named.into_iter().filter(|(ip, n)| !m.get(ip).is_some_and(|c| c.is_for(n))).collect()
        });
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
        let missing: Vec<Ip> = self.ptrs.with_untracked(|m| unnamed.into_iter().filter(|ip| !m.contains_key(ip)).collect());
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
