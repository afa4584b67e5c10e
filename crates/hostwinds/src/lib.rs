//! The vocabulary of the Hostwinds cloud API, shared by the console (wasm) and the proxy.
//!
//! Pure Rust: no I/O, no async, no clock, so the same code runs in the browser and the
//! server. Values from forms and JSON are parsed here once, into types that can only hold
//! valid values; the API's looseness (three envelopes, numbers as strings, HTML in messages)
//! is absorbed here so no other code sees it.

mod action;
mod bulk;
mod csv_table;
mod decode;
pub mod dns;
mod inventory;
mod redact;
mod roles;
mod text;
mod values;
mod views;

pub use action::{Action, ActionName, RequestError};
pub use bulk::{expand, plan, Planned, Target, PLACEHOLDERS};
pub use csv_table::CsvTable;
pub use inventory::{iso, CostLine, ExportTable, Inventory, InventoryIp, InventoryServer, IpStatus};
pub use decode::{decode, hint, Outcome};
pub use redact::{redact, redact_text, SECRET_FIELDS};
pub use roles::Role;
pub use text::html_to_text;
pub use values::{Ip, LocationId, ProfileName, RdnsName, ServiceId, ValueError};
pub use views::{
    FirewallProfile, FirewallRule, Instance, IpEntry, SmtpFilter,
};

/// The one endpoint of the real API.
pub const HOSTWINDS_API_URL: &str = "https://clients.hostwinds.com/cloud/api.php";
