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
    /// An attempt starting: refused with the wait if one is due, else counted as a failure
    /// at once (`succeeded` clears it), in one step, so that attempts made at the same time
    /// cannot all pass the check before any is counted.
    pub fn attempt(&self, keys: &[String], now_ms: u64) -> Option<Duration> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let since = |last: u64| Duration::from_millis(now_ms.saturating_sub(last));
        map.retain(|_, (_, last)| since(*last) < MEMORY);
        let wait = keys
            .iter()
            .filter_map(|k| map.get(k))
            .filter_map(|(n, last)| backoff(*n).checked_sub(since(*last)))
            .filter(|d| !d.is_zero())
            .max();
        if wait.is_none() {
            for k in keys {
                let e = map.entry(k.clone()).or_insert((0, now_ms));
                e.0 += 1;
                e.1 = now_ms;
            }
        }
        wait
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
            assert_eq!(l.attempt(&keys, t), None);
        }
        assert_eq!(l.attempt(&keys, t), Some(Duration::from_secs(1)));
        assert_eq!(l.attempt(&keys, t + 1000), None);
        assert_eq!(l.attempt(&keys, t + 1000), Some(Duration::from_secs(2)));
        l.succeeded(&keys);
        assert_eq!(l.attempt(&keys, t + 1000), None);
    }

    #[test]
    fn attempts_count_when_they_start() {
        let l = Limiter::default();
        let keys = vec!["user:alice".to_string(), "addr:192.0.2.9".to_string()];
        let t = 1_000_000;
        // Four at once, none finished yet: the fourth waits, as it would after three failures.
        assert_eq!((0..4).map(|_| l.attempt(&keys, t).is_none()).collect::<Vec<_>>(), [true, true, true, false]);
        // A right password clears what its start counted.
        l.succeeded(&keys);
        assert_eq!(l.attempt(&keys, t), None);
    }

    #[test]
    fn an_address_is_limited_across_user_names() {
        let l = Limiter::default();
        let t = 1_000_000;
        for n in 0..3 {
            assert_eq!(l.attempt(&[format!("user:u{n}"), "addr:192.0.2.9".into()], t), None);
        }
        assert!(l.attempt(&["user:new".into(), "addr:192.0.2.9".into()], t).is_some());
        assert!(l.attempt(&["user:new".into(), "addr:192.0.2.10".into()], t).is_none());
    }
}
