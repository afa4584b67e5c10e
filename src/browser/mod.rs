//! The browser's own services: clock, scheduling, downloads, page visibility, the title, the crash view.

pub mod crash;
pub mod download;
pub mod poll;
pub mod tasks;
pub mod time;
pub mod title;

pub use title::set_title;
