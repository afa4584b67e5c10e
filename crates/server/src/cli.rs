//! Command line: `serve` (the proxy) and `simulate` (the simulator alone over HTTP).
//! Every option is checked at start-up with an error that names the flag to fix.

use crate::simulator::{SimConfig, Simulator};
use crate::upstream::Upstream;
use crate::AppState;
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
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
}

#[derive(Args, Debug, Clone)]
pub struct SimArgs {
    /// How long the simulator's queued tasks (change_main_ip, regenerate_networking) take, in seconds.
    #[arg(long, default_value_t = 5.0, env = "HOSTWINDS_SIM_TASK_SECS")]
    pub sim_task_secs: f64,
    /// Whether the simulator's IP items carry an `rdns` field ("on") or only `ip` ("off").
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    pub sim_rdns_field: String,
}

impl SimArgs {
    fn config(&self, key: &str) -> Result<SimConfig, String> {
        if !(self.sim_task_secs.is_finite() && (0.0..=3600.0).contains(&self.sim_task_secs)) {
            return Err("--sim-task-secs must be between 0 and 3600".into());
        }
        let mut cfg = SimConfig::new(key);
        cfg.task_delay = Duration::from_secs_f64(self.sim_task_secs);
        cfg.rdns_in_ip_items = self.sim_rdns_field == "on";
        Ok(cfg)
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "HOSTWINDS_PROXY_LISTEN")]
    pub listen: SocketAddr,
    /// Directory of the built console (trunk's output).
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

/// Build the proxy's state from `serve` flags.
pub fn serve_state(args: &ServeArgs) -> Result<AppState, String> {
    let timeout = Duration::from_secs(args.upstream_timeout_secs.clamp(1, 600));
    let (upstream, api_key) = if args.upstream == "sim" {
        // The in-process simulator gets a key of its own, so the proxy's forwarding path
        // (adding the key, the simulator checking it) is the same as with Hostwinds.
        let key = read_key(&args.api_key_file)?.unwrap_or_else(|| "simulator-key".into());
        let sim = Simulator::new(args.sim.config(&key)?);
        (Upstream::Sim(Arc::new(sim)), key)
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
        (Upstream::http(url, timeout)?, key)
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
    Ok(AppState { upstream, api_key, dist })
}

pub async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Serve(args) => {
            let state = serve_state(&args)?;
            let upstream = state.upstream.describe();
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .map_err(|e| format!("--listen {}: {e}", args.listen))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tracing::info!("console and proxy on http://{addr} (upstream: {upstream})");
            crate::serve(listener, crate::app(state)).await.map_err(|e| e.to_string())
        }
        Command::Simulate(args) => {
            let key = read_key(&args.api_key_file)?.unwrap_or_else(|| "simulator-key".into());
            let sim = Arc::new(Simulator::new(args.sim.config(&key)?));
            let listener = tokio::net::TcpListener::bind(args.listen)
                .await
                .map_err(|e| format!("--listen {}: {e}", args.listen))?;
            let addr = listener.local_addr().map_err(|e| e.to_string())?;
            tracing::info!("simulator on http://{addr}/cloud/api.php");
            crate::serve(listener, crate::simulator::router(sim)).await.map_err(|e| e.to_string())
        }
    }
}
