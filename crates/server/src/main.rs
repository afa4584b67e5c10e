use clap::Parser;

// A panic in one request must end that request, never the proxy: with `panic = "abort"` it
// would take every other request and session down with it (Cargo.toml's profiles).
#[cfg(panic = "abort")]
compile_error!("hostwinds-proxy must be built with panic = \"unwind\" (the release and server profiles); the console's wasm uses the `console` profile");

// glibc's malloc was a fifth of the proxy's CPU under load (`cargo xtask bench`, perf).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

// One thread for the server's own work (blocking work, SQLite and password hashing, still
// goes to tokio's blocking pool). A proxy in front of a remote API waits, it does not compute:
// on 2 cores shared with its peers the work-stealing runtime's thread switches and cross-core
// wake-ups cost a third of the CPU of a read (28-32 vs 42-46 us, `cargo xtask bench`'s wrk
// run), and one thread still forwards ~30,000 reads a second, far beyond a team of operators.
// The price: while one answer is redacted (a 10,000-IP list is the largest) the others wait.
#[tokio::main(flavor = "current_thread")]
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
