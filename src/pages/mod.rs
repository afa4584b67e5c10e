//! One screen per file.

pub mod ips;
pub mod not_found;
pub mod servers;
pub mod settings;
