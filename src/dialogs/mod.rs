//! What a screen opens that fetches on its own: the rDNS editor, an IP's blocklist report, the IP cleanup request.

pub mod blocklists;
pub mod cleanup;
pub mod rdns;
