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
}

/// What a row's rDNS check cell says: always one badge-shaped part, so a table slot keeps its
/// elements when its row or its check changes.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckCell {
    pub class: &'static str,
    pub label: &'static str,
    /// The tooltip: the check's sentence, or why it could not be made.
    pub title: Option<String>,
    /// Read by screen readers after the label.
    pub hidden: String,
    /// `data-verdict`, once there is one.
    pub verdict: Option<String>,
}

impl CheckCell {
    /// The cell of a row with (`has_name`) or without an rDNS name, and its check so far.
    pub fn of(has_name: bool, check: Option<&Check>) -> CheckCell {
        let muted = |label, title: Option<&String>| CheckCell { class: "muted", label, title: title.cloned(), hidden: String::new(), verdict: None };
        match (has_name, check) {
            (false, _) => muted("\u{2014}", None),
            (true, None | Some(Check::Pending(_))) => muted("\u{2026}", None),
            (true, Some(Check::Failed { message, .. })) => muted("not checked", Some(message)),
            (true, Some(Check::Done(c))) => CheckCell {
                class: crate::components::dns::verdict_class(c.verdict),
                label: c.verdict.label(),
                title: Some(c.message.clone()),
                hidden: format!(": {}", c.message),
                verdict: Some(format!("{:?}", c.verdict)),
            },
        }
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
    use super::*;
    use hostwinds::dns::Lookup;

    #[test]
    fn the_check_cell_says_what_is_known_so_far() {
        assert_eq!(CheckCell::of(false, None).label, "\u{2014}");
        assert_eq!(CheckCell::of(true, None).label, "\u{2026}");
        assert_eq!(CheckCell::of(true, Some(&Check::Pending("a.example.com".into()))).label, "\u{2026}");
        let failed = CheckCell::of(true, Some(&Check::Failed { name: "a.example.com".into(), message: "proxy down".into() }));
        assert_eq!((failed.label, failed.title.as_deref(), failed.verdict), ("not checked", Some("proxy down"), None));
        let found = |r: &str| Lookup::Found { records: vec![r.to_string()] };
        let c = DnsCheck::judge("192.0.2.1".parse().unwrap(), "a.example.com", found("192.0.2.1"), found("a.example.com."));
        let done = CheckCell::of(true, Some(&Check::Done(c.clone())));
        assert_eq!((done.label, done.class, done.verdict.as_deref()), ("Forward-confirmed", "badge good", Some("Confirmed")));
        assert_eq!(done.title.as_deref(), Some(c.message.as_str()));
        assert_eq!(done.hidden, format!(": {}", c.message));
        // A row without a name shows no check, whatever is cached for its IP.
        assert_eq!(CheckCell::of(false, Some(&Check::Done(c))).label, "\u{2014}");
    }
}
