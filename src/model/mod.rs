//! Pure builders of what the screens show (rows, diffs), tested natively.

pub mod firewall_diff;
pub mod rows;
