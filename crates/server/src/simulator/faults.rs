//! Misbehaviour on demand, so the proxy and console are tested against a Hostwinds that is
//! slow, silent, broken or refusing. A standing preset (`--faults`) plus one-shot overrides
//! for the next requests (`POST /__sim/faults`), for tests.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    None,
    /// Answers, after seconds of latency.
    Slow,
    /// Never answers.
    Timeout,
    /// An HTML error page with 502 or 503.
    FiveXx,
    /// Connection refused (in-process only: over HTTP, point the proxy at a closed port).
    Refused,
    /// Truncated JSON, HTML with 200, an empty body, a JSON string: in turn.
    Malformed,
    /// A seeded fraction of calls fail in one of the ways above (never by hanging).
    Flaky,
    /// "Not Authorized!", as for a key whose allow-list lacks the caller's IP.
    NotAuthorized,
}

impl Preset {
    pub const NAMES: &'static str = "none, slow, timeout, 5xx, refused, malformed, flaky, not-authorized";

    pub fn parse(s: &str) -> Result<Preset, String> {
        Ok(match s.trim().to_ascii_lowercase().as_str() {
            "" | "none" => Preset::None,
            "slow" => Preset::Slow,
            "timeout" => Preset::Timeout,
            "5xx" => Preset::FiveXx,
            "refused" => Preset::Refused,
            "malformed" => Preset::Malformed,
            "flaky" => Preset::Flaky,
            "not-authorized" => Preset::NotAuthorized,
            other => return Err(format!("unknown fault preset {other:?}: use one of {}", Preset::NAMES)),
        })
    }
}

/// What one request gets.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    Pass,
    Delay(Duration),
    Hang,
    Refuse,
    /// Answer this instead of the real answer.
    Replace { status: u16, body: String },
    /// Answer the real body cut in half.
    Truncate,
}

pub struct Faults {
    standing: Mutex<Preset>,
    overrides: Mutex<VecDeque<Preset>>,
    rng: Mutex<u64>,
    turn: Mutex<usize>,
    pub slow: Duration,
    /// The fraction of calls that fail under `flaky`.
    pub flaky_rate: f64,
}

const PAGE_502: &str = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
const PAGE_503: &str =
    "<!DOCTYPE html><html><head><title>503 Service Temporarily Unavailable</title></head><body>Maintenance</body></html>";
const NOT_AUTHORIZED: &str = r#"{"result":"error","message":"Not Authorized!"}"#;

impl Faults {
    pub fn new(preset: Preset, seed: u64) -> Faults {
        Faults {
            standing: Mutex::new(preset),
            overrides: Mutex::new(VecDeque::new()),
            rng: Mutex::new(seed.max(1)),
            turn: Mutex::new(0),
            slow: Duration::from_secs(3),
            flaky_rate: 0.3,
        }
    }

    pub fn set(&self, preset: Preset) {
        *self.standing.lock().unwrap_or_else(|e| e.into_inner()) = preset;
        self.overrides.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The next `count` requests get `preset`, then the standing preset again.
    pub fn next_requests(&self, preset: Preset, count: usize) {
        let mut o = self.overrides.lock().unwrap_or_else(|e| e.into_inner());
        o.extend(std::iter::repeat_n(preset, count.min(10_000)));
    }

    pub fn standing(&self) -> Preset {
        *self.standing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// xorshift64*: small, seeded, reproducible.
    fn random(&self) -> f64 {
        let mut s = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        *s ^= *s >> 12;
        *s ^= *s << 25;
        *s ^= *s >> 27;
        (s.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn malformed(&self) -> Fault {
        let mut t = self.turn.lock().unwrap_or_else(|e| e.into_inner());
        *t += 1;
        match *t % 4 {
            1 => Fault::Truncate,
            2 => Fault::Replace { status: 200, body: "<html><body>Welcome to the client area</body></html>".into() },
            3 => Fault::Replace { status: 200, body: String::new() },
            _ => Fault::Replace { status: 200, body: "\"ok\"".into() },
        }
    }

    /// Decide what the next request gets.
    pub fn next(&self) -> Fault {
        let preset = self.overrides.lock().unwrap_or_else(|e| e.into_inner()).pop_front().unwrap_or_else(|| self.standing());
        match preset {
            Preset::None => Fault::Pass,
            Preset::Slow => Fault::Delay(self.slow),
            Preset::Timeout => Fault::Hang,
            Preset::FiveXx => {
                if self.random() < 0.5 {
                    Fault::Replace { status: 502, body: PAGE_502.into() }
                } else {
                    Fault::Replace { status: 503, body: PAGE_503.into() }
                }
            }
            Preset::Refused => Fault::Refuse,
            Preset::Malformed => self.malformed(),
            Preset::NotAuthorized => Fault::Replace { status: 200, body: NOT_AUTHORIZED.into() },
            Preset::Flaky => {
                if self.random() >= self.flaky_rate {
                    return Fault::Pass;
                }
                match (self.random() * 3.0) as u32 {
                    0 => Fault::Replace { status: 503, body: PAGE_503.into() },
                    1 => Fault::Refuse,
                    _ => self.malformed(),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_and_unknown_ones_say_which_exist() {
        assert_eq!(Preset::parse("5xx"), Ok(Preset::FiveXx));
        assert_eq!(Preset::parse("Not-Authorized"), Ok(Preset::NotAuthorized));
        assert!(Preset::parse("chaos").unwrap_err().contains("flaky"));
    }

    #[test]
    fn overrides_apply_to_the_next_requests_only() {
        let f = Faults::new(Preset::None, 1);
        f.next_requests(Preset::Timeout, 2);
        assert_eq!(f.next(), Fault::Hang);
        assert_eq!(f.next(), Fault::Hang);
        assert_eq!(f.next(), Fault::Pass);
    }

    #[test]
    fn malformed_answers_take_turns() {
        let f = Faults::new(Preset::Malformed, 1);
        let kinds: Vec<Fault> = (0..4).map(|_| f.next()).collect();
        assert_eq!(kinds[0], Fault::Truncate);
        assert!(kinds.iter().skip(1).all(|k| matches!(k, Fault::Replace { status: 200, .. })));
    }

    #[test]
    fn flaky_is_seeded_and_fails_about_the_set_fraction() {
        let run = |seed| {
            let f = Faults::new(Preset::Flaky, seed);
            (0..1000).map(|_| f.next() != Fault::Pass).collect::<Vec<bool>>()
        };
        assert_eq!(run(7), run(7), "same seed, same failures");
        let failed = run(7).iter().filter(|x| **x).count();
        assert!((200..400).contains(&failed), "{failed}");
        assert!(!Faults::new(Preset::Flaky, 3).next_is_hang_ever());
    }

    impl Faults {
        fn next_is_hang_ever(&self) -> bool {
            (0..1000).any(|_| self.next() == Fault::Hang)
        }
    }
}
