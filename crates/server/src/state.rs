//! What every handler of the proxy shares: the upstream, the key, sign-in, the stores.

use crate::audit::AuditStore;
use crate::auth::Auth;
use crate::upstream::Upstream;
use std::path::PathBuf;
use std::sync::Arc;

pub struct AppState {
    pub upstream: Upstream,
    /// The API key, added to every forwarded form and scrubbed from every answer.
    pub api_key: String,
    /// The built console; `None` when only the API is served.
    pub dist: Option<PathBuf>,
    pub auth: Auth,
    pub audit: AuditStore,
    /// The DNS checks; `None` answers 503 (tests that do not need them).
    pub dns: Option<Arc<crate::dns::Dns>>,
    /// The IP inventory, in the audit log's database.
    pub inventory: crate::inventory::InventoryStore,
    /// When the sessions other proxies ended were last read (`sync_ended`).
    pub ended_synced: EndedSync,
    /// Consoles on other origins that may call this proxy (`--allow-origin`), as browsers
    /// send them in `Origin`.
    pub allowed_origins: Vec<String>,
}

/// Reading the sessions ended on other proxies at most every `ENDED_EVERY`, one read at a time.
#[derive(Default)]
pub struct EndedSync {
    /// The last read: when (here), and from which ended_ms on the next one reads.
    last: tokio::sync::Mutex<Option<(std::time::Instant, i64)>>,
}

/// How stale another proxy's logout may be here.
pub const ENDED_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

impl AppState {
    /// A proxy without DNS checks (they answer 503), its inventory at the default cost.
    pub fn new(upstream: Upstream, api_key: String, dist: Option<PathBuf>, auth: Auth, audit: AuditStore) -> AppState {
        let inventory = crate::inventory::InventoryStore::new(audit.clone(), 4.99);
        AppState { upstream, api_key, dist, auth, audit, dns: None, inventory, ended_synced: EndedSync::default(), allowed_origins: Vec::new() }
    }

    /// Take in the sessions ended since the last read (on any proxy sharing the database),
    /// unless that read is younger than `ENDED_EVERY`. A failed read is tried on the next
    /// request; the sessions this proxy ended are known here already.
    pub async fn sync_ended(&self) {
        let Ok(mut last) = self.ended_synced.last.try_lock() else { return };
        if last.is_some_and(|(at, _)| at.elapsed() < ENDED_EVERY) {
            return;
        }
        // From a little before the last read: rows written by other proxies while it ran.
        let started = crate::auth::now_ms() as i64;
        // The first read: sessions ended within the idle limit (older cookies expired anyway).
        let since = last.map_or(started - self.auth.idle().as_millis() as i64, |(_, from)| from);
        // A user's "end all" is read from the start: it must outlive the idle limit.
        let users_since = last.map_or(0, |(_, from)| from);
        match (self.audit.ended_sessions(since).await, self.audit.ended_users(users_since).await) {
            (Ok(sessions), Ok(users)) => {
                self.auth.end_sessions(sessions.into_iter().map(|(sid, at)| (sid, at.max(0) as u64)));
                self.auth.end_user_sessions(users.into_iter().map(|(user, at)| (user, at.max(0) as u64)));
                *last = Some((std::time::Instant::now(), started - 5_000));
            }
            (Err(e), _) | (_, Err(e)) => tracing::error!("could not read the ended sessions: {e}"),
        }
    }
}
