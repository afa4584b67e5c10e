//! What the console keeps: preferences, the session, workflow progress, bulk runs, what was set here (browser storage, contexts).

pub mod bulk_run;
pub mod later;
pub mod rdns_memory;
pub mod search;
pub mod session;
pub mod settings;
pub mod workflow;
