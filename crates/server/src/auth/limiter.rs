//! Slowing down password guessing: after a few failures for a user name or from an address,
//! each further attempt must wait longer (1 s, 2 s, 4 s, ... up to 5 min).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

const FREE_FAILURES: u32 = 3;
const MAX_WAIT: Duration = Duration::from_secs(300);
/// Failures older than this are forgotten.
const MEMORY: Duration = Duration::from_secs(15 * 60);

#[derive(Default)]
pub struct Limiter {
    /// Failures per key, and the time of the last one (ms, from the sign-in's clock).
    failures: Mutex<HashMap<String, (u32, u64)>>,
}

fn backoff(n: u32) -> Duration {
    if n < FREE_FAILURES {
        Duration::ZERO
    } else {
        Duration::from_secs(1u64 << (n - FREE_FAILURES).min(9)).min(MAX_WAIT)
    }
}

impl Limiter {
    /// How long the caller must still wait before another attempt, if at all.
    pub fn wait(&self, keys: &[String], now_ms: u64) -> Option<Duration> {
        let since = |last: u64| Duration::from_millis(now_ms.saturating_sub(last));
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, (_, last)| since(*last) < MEMORY);
        keys.iter()
            .filter_map(|k| map.get(k))
            .filter_map(|(n, last)| backoff(*n).checked_sub(since(*last)))
            .filter(|d| !d.is_zero())
            .max()
    }

    pub fn failed(&self, keys: &[String], now_ms: u64) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            let e = map.entry(k.clone()).or_insert((0, now_ms));
            e.0 += 1;
            e.1 = now_ms;
        }
    }

    pub fn succeeded(&self, keys: &[String]) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for k in keys {
            map.remove(k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_failures_are_free_then_waits_grow() {
        let l = Limiter::default();
        let keys = vec!["user:alice".to_string()];
        let t = 1_000_000;
        for _ in 0..3 {
            assert_eq!(l.wait(&keys, t), None);
            l.failed(&keys, t);
        }
        assert_eq!(l.wait(&keys, t), Some(Duration::from_secs(1)));
        assert_eq!(l.wait(&keys, t + 1000), None);
        l.failed(&keys, t);
        assert_eq!(l.wait(&keys, t), Some(Duration::from_secs(2)));
        l.succeeded(&keys);
        assert_eq!(l.wait(&keys, t), None);
    }

    #[test]
    fn an_address_is_limited_across_user_names() {
        let l = Limiter::default();
        let t = 1_000_000;
        for n in 0..4 {
            l.failed(&[format!("user:u{n}"), "addr:192.0.2.9".into()], t);
        }
        assert!(l.wait(&["user:new".into(), "addr:192.0.2.9".into()], t).is_some());
        assert!(l.wait(&["user:new".into(), "addr:192.0.2.10".into()], t).is_none());
    }
}
