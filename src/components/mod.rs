//! Shared widgets: they take data and callbacks, never fetch.

pub mod message;
pub mod status;
