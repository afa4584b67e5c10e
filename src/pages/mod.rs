//! One screen per file; `server` holds what the screens of one server share.

pub mod activity;
pub mod allocate;
pub mod bulk_rdns;
pub mod firewall;
pub mod inventory;
pub mod ips;
pub mod not_found;
pub mod remove;
pub mod server;
pub mod servers;
pub mod settings;
pub mod signin;
pub mod smtp;
