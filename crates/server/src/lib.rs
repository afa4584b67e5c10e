//! The proxy between the console and Hostwinds, and the simulator it uses by default.
//!
//! The key never reaches a browser: the console posts a form without it to `/api`, the
//! proxy validates it with `hostwinds`, adds the key, forwards it, and redacts the answer.

pub mod audit;
pub mod auth;
pub mod cli;
mod deliverability;
pub mod dns;
mod extract;
pub mod inventory;
mod proxy;
mod respond;
mod schema;
pub mod serving;
pub mod simulator;
mod state;
mod statics;
pub mod upstream;

pub use proxy::app;
pub use state::AppState;

/// Serve `app` on an already-bound listener until the process is told to stop.
pub async fn serve(listener: tokio::net::TcpListener, app: axum::Router) -> std::io::Result<()> {
    serving::serve_with(listener, app, serving::Limits::default(), shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
