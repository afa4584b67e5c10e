//! Shared widgets: they take data and callbacks, never fetch.

pub mod confirm;
pub mod dns;
pub mod field;
pub mod message;
pub mod shortcuts;
pub mod status;
pub mod steps;
pub mod toast;
pub mod tools;
