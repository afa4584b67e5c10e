//! Command line: `serve` (the proxy) and `simulate` (the simulator alone over HTTP).
//! Every option is checked at start-up with an error that names the flag to fix.

use crate::audit::AuditStore;
use crate::auth::{hash_password, Auth, SessionKeys, TrustedHeader, Users};
use crate::simulator::{Preset, SimConfig, Simulator};
use crate::upstream::Upstream;
use crate::AppState;
use clap::{Args, Parser, Subcommand};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(name = "hostwinds-proxy", version, about = "Proxy between the Hostwinds console and the Hostwinds API")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the console and proxy its API calls to Hostwinds (or the simulator).
    Serve(ServeArgs),
    /// Run the Hostwinds simulator alone, over HTTP at POST /cloud/api.php.
    Simulate(SimulateArgs),
    /// Print an argon2 hash of the password read from standard input, for the users file.
    HashPassword,
}

#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    /// How long the simulator's queued tasks (change_main_ip, regenerate_networking) take, in seconds.
    #[arg(long, default_value_t = 5.0, env = "HOSTWINDS_SIM_TASK_SECS")]
    pub sim_task_secs: f64,
    /// Whether the simulator's IP items carry an `rdns` field ("on") or only `ip` ("off").
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    pub sim_rdns_field: String,
    /// Make the simulator misbehave: none, slow, timeout, 5xx, refused, malformed, flaky, not-authorized.
    #[arg(long, default_value = "none", env = "HOSTWINDS_SIM_FAULTS")]
    pub faults: String,
    /// The latency of the `slow` preset, in seconds.
    #[arg(long, default_value_t = 3.0)]
    pub sim_slow_secs: f64,
    /// Seed one more server, 20099, with this many IPs (for measuring large tables).
    #[arg(long, default_value_t = 0)]
    pub sim_large_server: usize,
    /// The seed of the `flaky` preset, so a failing run can be repeated.
    #[arg(long, default_value_t = 42)]
    pub sim_seed: u64,
}

impl SimArgs {
    fn config(&self, key: &str) -> Result<SimConfig, String> {
        if !(self.sim_task_secs.is_finite() && (0.0..=3600.0).contains(&self.sim_task_secs)) {
            return Err("--sim-task-secs must be between 0 and 3600".into());
        }
        let mut cfg = SimConfig::new(key);
        cfg.task_delay = Duration::from_secs_f64(self.sim_task_secs);
        cfg.rdns_in_ip_items = self.sim_rdns_field == "on";
        cfg.faults = Preset::parse(&self.faults).map_err(|e| format!("--faults: {e}"))?;
        cfg.seed = self.sim_seed;
        if !(self.sim_slow_secs.is_finite() && (0.0..=600.0).contains(&self.sim_slow_secs)) {
            return Err("--sim-slow-secs must be between 0 and 600".into());
        }
        cfg.slow = Duration::from_secs_f64(self.sim_slow_secs);
        if self.sim_large_server > 100_000 {
            return Err("--sim-large-server holds at most 100000 IPs".into());
        }
        cfg.large_server_ips = self.sim_large_server;
        Ok(cfg)
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "HOSTWINDS_PROXY_LISTEN")]
    pub listen: SocketAddr,
    /// Directory of the built console (`cargo xtask build` writes dist/).
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// `sim` for the in-process simulator, or the Hostwinds API URL
    /// (https://clients.hostwinds.com/cloud/api.php).
    #[arg(long, default_value = "sim", env = "HOSTWINDS_UPSTREAM")]
    pub upstream: String,
    /// File holding the API key (else HOSTWINDS_API_KEY). Needed with a URL upstream.
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    /// Seconds to wait for Hostwinds before answering 504.
    #[arg(long, default_value_t = 20, env = "HOSTWINDS_UPSTREAM_TIMEOUT_SECS")]
    pub upstream_timeout_secs: u64,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Users and roles (TOML: [[users]] name, role = "admin"|"support", password_hash).
    /// Without it, the simulator on a loopback address offers admin/admin and support/support.
    #[arg(long, env = "HOSTWINDS_USERS")]
    pub users: Option<PathBuf>,
    /// File with the secret that signs session cookies (at least 32 bytes); every proxy behind
    /// one load balancer needs the same. Else HOSTWINDS_SESSION_SECRET; else a random one
    /// (sessions end when the proxy restarts).
    #[arg(long)]
    pub session_secret_file: Option<PathBuf>,
    /// Minutes of inactivity after which a session ends.
    #[arg(long, default_value_t = 480, env = "HOSTWINDS_SESSION_IDLE_MINS")]
    pub session_idle_mins: u64,
    /// Mark cookies Secure even without X-Forwarded-Proto: https (set it behind TLS).
    #[arg(long)]
    pub secure_cookies: bool,
    /// Trust this header for the user name (SSO in front of the proxy), from --trusted-peer only.
    #[arg(long)]
    pub trusted_user_header: Option<String>,
    /// An address allowed to set --trusted-user-header (repeat for several).
    #[arg(long)]
    pub trusted_peer: Vec<IpAddr>,
    /// A console served from another origin that may call this proxy, such as
    /// https://console.example.com (repeat for several; exact origins, never `*`).
    #[arg(long = "allow-origin", value_name = "ORIGIN")]
    pub allow_origin: Vec<String>,
    /// The audit log: a SQLite file path, or a postgres://user@host/db URL when several proxies share it.
    #[arg(long, default_value = "data/audit.sqlite", env = "HOSTWINDS_DATABASE")]
    pub database: String,
    #[command(flatten)]
    pub dns: DnsArgs,
    /// The approximate monthly cost given to an IP when the inventory first sees it.
    #[arg(long, default_value_t = 4.99, env = "HOSTWINDS_IP_COST")]
    pub ip_cost: f64,
}

#[derive(Args, Debug, Clone)]
pub struct DnsArgs {
    /// The DNS resolver of the rDNS and blocklist checks (IP or IP:PORT). Default: the system's
    /// (/etc/resolv.conf); with `--upstream sim`, the simulator's own DNS server on loopback.
    #[arg(long, env = "HOSTWINDS_DNS_RESOLVER")]
    pub dns_resolver: Option<String>,
    /// The DNS blocklist zones to check, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "zen.spamhaus.org,bl.spamcop.net,b.barracudacentral.org,psbl.surriel.com", env = "HOSTWINDS_BLOCKLISTS")]
    pub blocklists: Vec<String>,
    /// How long to wait for each DNS answer, in milliseconds.
    #[arg(long, default_value_t = 1500)]
    pub dns_timeout_ms: u64,
}

impl DnsArgs {
    fn resolver(&self) -> Result<Option<SocketAddr>, String> {
        let Some(r) = self.dns_resolver.as_deref().map(str::trim).filter(|r| !r.is_empty()) else { return Ok(None) };
        if let Ok(a) = r.parse::<SocketAddr>() {
            return Ok(Some(a));
        }
        r.parse::<IpAddr>()
            .map(|ip| Some(SocketAddr::new(ip, 53)))
            .map_err(|_| format!("--dns-resolver {r:?} is not an IP or IP:PORT"))
    }

    fn zones(&self) -> Result<Vec<String>, String> {
        let zones: Vec<String> = self
            .blocklists
            .iter()
            .filter(|z| !z.trim().is_empty())
            .map(|z| hostwinds::dns::parse_zone(z).map_err(|e| format!("--blocklists: {e}")))
            .collect::<Result<_, _>>()?;
        if zones.len() > 20 {
            return Err("--blocklists: at most 20 zones".into());
        }
        Ok(zones)
    }

    fn timeout(&self) -> Result<Duration, String> {
        if !(100..=10_000).contains(&self.dns_timeout_ms) {
            return Err("--dns-timeout-ms must be between 100 and 10000".into());
        }
        Ok(Duration::from_millis(self.dns_timeout_ms))
    }
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:9900")]
    pub listen: SocketAddr,
    /// File holding the key the simulator accepts (else HOSTWINDS_API_KEY, else "simulator-key").
    #[arg(long)]
    pub api_key_file: Option<PathBuf>,
    #[command(flatten)]
    pub sim: SimArgs,
    /// Also answer DNS (the test zone, PTRs from the servers' rDNS, blocklists) on this UDP
    /// address, for a proxy started with --dns-resolver pointing here.
    #[arg(long)]
    pub dns_listen: Option<SocketAddr>,
}

/// The key from `--api-key-file`, else `HOSTWINDS_API_KEY`; `None` when neither is set.
fn read_key(file: &Option<PathBuf>) -> Result<Option<String>, String> {
    let key = match file {
        Some(p) => Some(
            std::fs::read_to_string(p)
                .map_err(|e| format!("--api-key-file {}: {e}", p.display()))?
                .trim()
                .to_string(),
        ),
        None => std::env::var("HOSTWINDS_API_KEY").ok().map(|k| k.trim().to_string()),
    };
    match key {
        Some(k) if k.is_empty() => Err("the API key is empty: check --api-key-file or HOSTWINDS_API_KEY".into()),
        Some(k) if k.chars().any(|c| c.is_control() || c == ' ') => {
            Err("the API key holds spaces or control characters: check --api-key-file or HOSTWINDS_API_KEY".into())
        }
        other => Ok(other),
    }
}

fn session_keys(file: &Option<PathBuf>) -> Result<Option<SessionKeys>, String> {
    let secret = match file {
        Some(p) => Some(std::fs::read(p).map_err(|e| format!("--session-secret-file {}: {e}", p.display()))?),
        None => std::env::var("HOSTWINDS_SESSION_SECRET").ok().map(String::into_bytes),
    };
    match secret {
        None => Ok(None),
        Some(mut s) => {
            while s.last().is_some_and(|b| b.is_ascii_whitespace()) {
                s.pop();
            }
            SessionKeys::new(s).map(Some).map_err(|e| format!("--session-secret-file / HOSTWINDS_SESSION_SECRET: {e}"))
        }
    }
}

fn auth(args: &ServeArgs) -> Result<Auth, String> {
    let users = match &args.users {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| format!("--users {}: {e}", p.display()))?;
            let u = Users::from_toml(&text).map_err(|e| format!("--users {}: {e}", p.display()))?;
            if u.is_empty() {
                return Err(format!("--users {}: the file lists no users", p.display()));
            }
            u
        }
        None if args.upstream == "sim" && args.listen.ip().is_loopback() => {
            tracing::warn!("no --users file: demo accounts admin/admin and support/support are enabled (simulator on a loopback address only)");
            Users::demo()?
        }
        None => {
            return Err("--users FILE is required: the demo accounts (admin/admin, support/support) are only offered with --upstream sim on a loopback --listen address".into())
        }
    };
    let trusted = match (&args.trusted_user_header, args.trusted_peer.is_empty()) {
        (None, true) => None,
        (None, false) => return Err("--trusted-peer needs --trusted-user-header".into()),
        (Some(_), true) => return Err("--trusted-user-header needs at least one --trusted-peer address".into()),
        (Some(h), false) => {
            let header = h.trim().to_ascii_lowercase();
            if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
                return Err(format!("--trusted-user-header {h:?} is not a header name"));
            }
            Some(TrustedHeader { header, peers: args.trusted_peer.clone() })
        }
    };
    let keys = match session_keys(&args.session_secret_file)? {
        Some(k) => k,
        None => {
            tracing::warn!("no session secret set: using a random one, so sessions end when this proxy restarts and are not shared with other proxies");
            SessionKeys::random()
        }
    };
    if !(5..=7 * 24 * 60).contains(&args.session_idle_mins) {
        return Err("--session-idle-mins must be between 5 and 10080 (a week)".into());
    }
    Ok(Auth::new(users, keys, Duration::from_secs(args.session_idle_mins * 60), args.secure_cookies, trusted))
}

async fn audit_store(database: &str) -> Result<AuditStore, String> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        AuditStore::open_postgres(database).await
    } else {
        AuditStore::open_sqlite(std::path::Path::new(database))
    }
}

/// An `--allow-origin` value in the form a browser sends in `Origin`: scheme, host and port
/// only, lowercase.
pub fn parse_origin(s: &str) -> Result<String, String> {
    let bad = || format!("--allow-origin {s:?}: give an origin such as https://console.example.com (scheme, host and port; no path, never *)");
    let o = s.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, rest) = o.split_once("://").ok_or_else(bad)?;
    let host_ok = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c)) && !rest.starts_with(':');
    if !matches!(scheme, "http" | "https") || !host_ok {
        return Err(bad());
    }
    Ok(o)
}

/// Build the proxy's state from `serve` flags.
pub async fn serve_state(args: &ServeArgs) -> Result<AppState, String> {
    let timeout = Duration::from_secs(args.upstream_timeout_secs.clamp(1, 600));
    let mut resolver = args.dns.resolver()?;
    let (upstream, api_key) = if args.upstream == "sim" {
        // The in-process simulator gets a key of its own, so the proxy's forwarding path
        // (adding the key, the simulator checking it) is the same as with Hostwinds.
        let key = read_key(&args.api_key_file)?.unwrap_or_else(|| "simulator-key".into());
        let sim = Arc::new(Simulator::new(args.sim.config(&key)?));
        if resolver.is_none() {
            // The checks ask the simulator's DNS, never the internet.
            let addr = crate::simulator::dns::spawn(sim.clone(), "127.0.0.1:0".parse().expect("valid"))
                .await
                .map_err(|e| format!("cannot start the simulator's DNS server: {e}"))?;
            tracing::info!("simulator DNS on udp://{addr}");
            resolver = Some(addr);
        }
        (Upstream::sim(sim, timeout), key)
    } else {
        let url = args.upstream.trim();
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(format!(
                "--upstream must be `sim` or an http(s) URL such as {}, not {url:?}",
                hostwinds::HOSTWINDS_API_URL
            ));
        }
        let key = read_key(&args.api_key_file)?.ok_or_else(|| {
            format!(
                "--upstream {url} needs the Hostwinds API key: set HOSTWINDS_API_KEY or pass --api-key-file FILE"
            )
        })?;
        let via = crate::upstream::Via::from_env(url)?;
        if let Some(v) = &via {
            tracing::info!("Hostwinds is reached through the HTTP proxy at {} (HTTPS_PROXY)", v.describe());
        }
        (Upstream::http_via(url, timeout, via.as_ref())?, key)
    };
    let dist = if args.dist.join("index.html").is_file() {
        Some(args.dist.clone())
    } else {
        tracing::warn!(
            "{} has no index.html: serving the API only. Build the console with `cargo xtask serve`.",
            args.dist.display()
        );
        None
    };
    let auth = auth(args)?;
    let audit = audit_store(&args.database).await?;
    crate::audit::watch_abandoned(audit.clone(), timeout);
    if !(args.ip_cost.is_finite() && (0.0..=10_000.0).contains(&args.ip_cost)) {
        return Err("--ip-cost must be between 0 and 10000".into());
    }
    let dns = match crate::dns::Dns::new(resolver, args.dns.zones()?, args.dns.timeout()?) {
        Ok(d) => {
            tracing::info!("DNS checks through {}, blocklists: {}", d.describe, d.zones.join(", "));
            Some(Arc::new(d))
        }
        // Without a usable system configuration the console still works; only the checks answer 503.
        Err(e) if resolver.is_none() => {
            tracing::warn!("DNS checks are off: {e}; set --dns-resolver to turn them on");
            None
        }
        Err(e) => return Err(format!("--dns-resolver: {e}")),
    };
    let inventory = crate::inventory::InventoryStore::new(audit.clone(), args.ip_cost);
    let allowed_origins = args.allow_origin.iter().map(|o| parse_origin(o)).collect::<Result<Vec<_>, _>>()?;
    Ok(AppState { upstream, api_key, dist, auth, audit, dns, inventory, ended_synced: Default::default(), allowed_origins })
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => {
            let state = serve_state(&args).await?;
            let upstream = state.upstream.describe();
            tracing::info!(
                "{} users, audit log in {} ({})",
                state.auth.users.len(),
                state.audit.describe(),
                if state.audit.describe() == "sqlite" { args.database.as_str() } else { "postgres" }
            );
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .map_err(|e| format!("--listen {}: {e}", args.listen))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tracing::info!("console and proxy on http://{addr} (upstream: {upstream})");
            crate::serve(listener, crate::app(state)).await.map_err(|e| e.to_string())
        }
        Command::HashPassword => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password).map_err(|e| format!("reading the password: {e}"))?;
            let password = password.trim_end_matches(['\n', '\r']);
            if password.is_empty() {
                return Err("type a password on standard input".into());
            }
            println!("{}", hash_password(password)?);
            Ok(())
        }
        Command::Simulate(args) => {
            let key = read_key(&args.api_key_file)?.unwrap_or_else(|| "simulator-key".into());
            let cfg = args.sim.config(&key)?;
            if cfg.faults == Preset::Refused {
                return Err("--faults refused: an HTTP server cannot refuse the connections it accepts; point the proxy's --upstream at a closed port instead".into());
            }
            let sim = Arc::new(Simulator::new(cfg));
            if let Some(d) = args.dns_listen {
                let addr = crate::simulator::dns::spawn(sim.clone(), d).await.map_err(|e| format!("--dns-listen {d}: {e}"))?;
                tracing::info!("simulator DNS on udp://{addr}");
            }
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .map_err(|e| format!("--listen {}: {e}", args.listen))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tracing::info!("simulator on http://{addr}/cloud/api.php");
            crate::serve(listener, crate::simulator::router(sim)).await.map_err(|e| e.to_string())
        }
    }
}
