//! Sign-in, sessions, the trusted SSO header, and the cross-site check.

mod limiter;
mod session;
mod users;

pub use session::SessionKeys;
pub use users::{hash_password, User, Users};

use axum::http::{header, HeaderMap, HeaderValue};
use limiter::Limiter;
use session::{clear_cookie, cookie_value, new_sid, set_cookie, Claims, COOKIE};
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The header the console sends on every call; a cross-site HTML form cannot set it.
pub const CONSOLE_HEADER: &str = "x-hostwinds-console";

pub struct TrustedHeader {
    pub header: String,
    pub peers: Vec<IpAddr>,
}

pub struct Auth {
    pub users: Users,
    keys: SessionKeys,
    idle: Duration,
    secure_cookies: bool,
    trusted: Option<TrustedHeader>,
    limiter: Limiter,
    clock: Clock,
    hashing: Hashing,
    /// Session ids ended by a logout, here or on another proxy (`AppState::sync_ended`).
    ended: std::sync::RwLock<std::collections::HashMap<String, u64>>,
    /// Per user: sessions started at or before this time are ended (an admin's "end all").
    ended_users: std::sync::RwLock<std::collections::HashMap<String, u64>>,
}

/// Password checks run at most one per core at once (each holds ~19 MiB for argon2), and a
/// short queue waits for a turn; a sign-in beyond that is told to come back (503).
struct Hashing {
    turns: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
    max_waiting: usize,
}

impl Hashing {
    fn new(at_once: usize) -> Hashing {
        let at_once = at_once.max(1);
        Hashing { turns: tokio::sync::Semaphore::new(at_once), waiting: Default::default(), max_waiting: at_once * 8 }
    }
}

/// A turn to check a password (`Auth::hashing_turn`).
pub struct HashingTurn<'a> {
    _permit: tokio::sync::SemaphorePermit<'a>,
}

/// The time the sessions' idle limit and the sign-in backoff are measured in: the system's, or
/// one that a test moves forward instead of waiting.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<AtomicU64>>);

impl Clock {
    /// A clock standing at `start_ms` until `advance` moves it.
    pub fn manual(start_ms: u64) -> Clock {
        Clock(Some(Arc::new(AtomicU64::new(start_ms))))
    }

    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.0 {
            t.fetch_add(by.as_millis() as u64, Ordering::SeqCst);
        }
    }

    pub fn now_ms(&self) -> u64 {
        match &self.0 {
            Some(t) => t.load(Ordering::SeqCst),
            None => now_ms(),
        }
    }
}

/// Who is calling, and the cookie to refresh their session with, if any.
#[derive(Clone)]
pub struct Caller {
    pub user: User,
    pub refresh: Option<HeaderValue>,
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

pub enum LoginError {
    Wrong,
    Slowed(Duration),
}

impl Auth {
    pub fn new(
        users: Users,
        keys: SessionKeys,
        idle: Duration,
        secure_cookies: bool,
        trusted: Option<TrustedHeader>,
    ) -> Auth {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Auth { users, keys, idle, secure_cookies, trusted, limiter: Limiter::default(), clock: Clock::default(), hashing: Hashing::new(cores), ended: Default::default(), ended_users: Default::default() }
    }

    /// The same, checking at most `at_once` passwords at a time.
    pub fn with_hashing(self, at_once: usize) -> Auth {
        Auth { hashing: Hashing::new(at_once), ..self }
    }

    /// Wait for a turn to check a password; `None` when the queue is full (answer 503).
    pub async fn hashing_turn(&self) -> Option<HashingTurn<'_>> {
        let h = &self.hashing;
        if h.waiting.fetch_add(1, Ordering::SeqCst) >= h.max_waiting {
            h.waiting.fetch_sub(1, Ordering::SeqCst);
            return None;
        }
        let permit = h.turns.acquire().await.ok();
        h.waiting.fetch_sub(1, Ordering::SeqCst);
        permit.map(|p| HashingTurn { _permit: p })
    }

    /// The same, reading the time from `clock`.
    pub fn with_clock(self, clock: Clock) -> Auth {
        Auth { clock, ..self }
    }

    /// The demo accounts with a random secret: for the simulator and tests.
    pub fn demo() -> Result<Auth, String> {
        Ok(Auth::new(Users::demo()?, SessionKeys::random(), Duration::from_secs(8 * 3600), false, None))
    }

    pub fn idle(&self) -> Duration {
        self.idle
    }

    fn secure(&self, headers: &HeaderMap) -> bool {
        self.secure_cookies
            || headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|p| p.eq_ignore_ascii_case("https"))
    }

    fn cookie_for(&self, user: &str, sid: &str, started_ms: u64, headers: &HeaderMap) -> Option<HeaderValue> {
        let claims = Claims { user: user.to_string(), sid: sid.to_string(), started_ms, seen_ms: self.clock.now_ms() };
        let value = self.keys.sign(&claims);
        HeaderValue::from_str(&set_cookie(&value, self.idle.as_secs().max(1), self.secure(headers))).ok()
    }

    /// The id of the session a request's cookie carries, when its signature holds.
    pub fn session_id(&self, headers: &HeaderMap) -> Option<String> {
        let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok())?;
        Some(self.keys.verify(cookie_value(cookies, COOKIE)?)?.sid)
    }

    /// No request with these sessions' cookies is taken any more (id, and when it ended). Ids
    /// ended longer ago than the idle limit are let go: their cookies have expired anyway.
    pub fn end_sessions(&self, ended: impl IntoIterator<Item = (String, u64)>) {
        let oldest = self.clock.now_ms().saturating_sub(self.idle.as_millis() as u64);
        let mut map = self.ended.write().unwrap_or_else(|e| e.into_inner());
        map.extend(ended);
        map.retain(|_, at| *at >= oldest);
    }

    /// Every session of these users started at or before the time given ends.
    pub fn end_user_sessions(&self, ended: impl IntoIterator<Item = (String, u64)>) {
        let mut map = self.ended_users.write().unwrap_or_else(|e| e.into_inner());
        for (user, before) in ended {
            let e = map.entry(user).or_insert(before);
            *e = (*e).max(before);
        }
    }

    pub fn logout_cookie(&self, headers: &HeaderMap) -> HeaderValue {
        HeaderValue::from_str(&clear_cookie(self.secure(headers))).unwrap_or(HeaderValue::from_static(""))
    }

    /// The caller from the trusted header (from a configured peer only) or the session cookie.
    pub fn caller(&self, headers: &HeaderMap, peer: Option<SocketAddr>) -> Option<Caller> {
        if let (Some(t), Some(peer)) = (&self.trusted, peer) {
            if t.peers.contains(&peer.ip()) {
                if let Some(name) = headers.get(t.header.as_str()).and_then(|v| v.to_str().ok()) {
                    return self.users.get(name).map(|u| Caller { user: u.clone(), refresh: None });
                }
            }
        }
        let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok())?;
        let claims = self.keys.verify(cookie_value(cookies, COOKIE)?)?;
        if self.ended.read().unwrap_or_else(|e| e.into_inner()).contains_key(&claims.sid) {
            return None;
        }
        let ended_before = self.ended_users.read().unwrap_or_else(|e| e.into_inner()).get(&claims.user).copied();
        if ended_before.is_some_and(|before| claims.started_ms <= before) {
            return None;
        }
        let now = self.clock.now_ms();
        if now.saturating_sub(claims.seen_ms) > self.idle.as_millis() as u64 {
            return None;
        }
        let user = self.users.get(&claims.user)?.clone();
        // Sliding expiry: refresh at most once a minute.
        let refresh = (now.saturating_sub(claims.seen_ms) > 60_000).then(|| self.cookie_for(&user.name, &claims.sid, claims.started_ms, headers)).flatten();
        Some(Caller { user, refresh })
    }

    /// Check a password; on success the cookie that starts the session.
    pub fn login(
        &self,
        name: &str,
        password: &str,
        peer: Option<SocketAddr>,
        headers: &HeaderMap,
    ) -> Result<(User, HeaderValue), LoginError> {
        let mut keys = vec![format!("user:{}", name.trim().to_ascii_lowercase())];
        if let Some(p) = peer {
            keys.push(format!("addr:{}", p.ip()));
        }
        let now = self.clock.now_ms();
        // Counted as a failure when it starts, and cleared if the password is right: attempts
        // sent at once are limited as if sent one after the other.
        if let Some(wait) = self.limiter.attempt(&keys, now) {
            return Err(LoginError::Slowed(wait));
        }
        match self.users.verify(name, password) {
            Some(u) => {
                self.limiter.succeeded(&keys);
                let cookie = self.cookie_for(&u.name, &new_sid(), now, headers).ok_or(LoginError::Wrong)?;
                Ok((u.clone(), cookie))
            }
            None => Err(LoginError::Wrong),
        }
    }
}

/// A state-changing request must come from the console's own origin: an Origin header
/// naming this host, or (for non-browser clients, which send no Origin) the console header.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        Some(origin) => {
            let origin_host = origin.split_once("://").map(|(_, h)| h.trim_end_matches('/'));
            matches!((origin_host, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
        }
        None => headers.contains_key(CONSOLE_HEADER),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn password_checks_take_turns_and_a_full_queue_is_refused() {
        let auth = Arc::new(Auth::demo().unwrap().with_hashing(1));
        let first = auth.hashing_turn().await.expect("a free turn");
        // Eight wait for the turn; the ninth is not queued.
        let waiters: Vec<_> = (0..8)
            .map(|_| {
                let a = auth.clone();
                tokio::spawn(async move { a.hashing_turn().await.is_some() })
            })
            .collect();
        while auth.hashing.waiting.load(Ordering::SeqCst) < 8 {
            tokio::task::yield_now().await;
        }
        assert!(auth.hashing_turn().await.is_none());
        drop(first);
        for w in waiters {
            assert!(w.await.unwrap(), "each waiter gets its turn");
        }
        assert!(auth.hashing_turn().await.is_some());
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn same_origin_rules() {
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "http://127.0.0.1:8080")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "https://evil.example")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080"), ("origin", "null")])));
        assert!(!same_origin(&headers(&[("host", "127.0.0.1:8080")])));
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8080"), (CONSOLE_HEADER, "1")])));
        // The console header does not excuse a foreign Origin.
        assert!(!same_origin(&headers(&[("host", "a"), ("origin", "http://b"), (CONSOLE_HEADER, "1")])));
    }
}
