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
}

impl AppState {
    /// A proxy without DNS checks (they answer 503), its inventory at the default cost.
    pub fn new(upstream: Upstream, api_key: String, dist: Option<PathBuf>, auth: Auth, audit: AuditStore) -> AppState {
        let inventory = crate::inventory::InventoryStore::new(audit.clone(), 4.99);
        AppState { upstream, api_key, dist, auth, audit, dns: None, inventory }
    }
}
