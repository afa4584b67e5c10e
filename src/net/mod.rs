//! The only code that talks to the network (the proxy endpoint), and what it keeps of the answers.

pub mod actions;
pub mod api;
pub mod dns_cache;
pub mod stale;
