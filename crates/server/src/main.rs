use clap::Parser;

// glibc's malloc was a fifth of the proxy's CPU under load (`cargo xtask bench`, perf).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .init();
    let cli = hostwinds_proxy::cli::Cli::parse();
    if let Err(e) = hostwinds_proxy::cli::run(cli).await {
        eprintln!("hostwinds-proxy: {e}");
        std::process::exit(2);
    }
}
