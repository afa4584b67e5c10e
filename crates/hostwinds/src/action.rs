//! The actions in scope, their wire form, and parsing a request form back into one.

use crate::values::{Ip, LocationId, ProfileName, RdnsName, ServiceId};
use std::fmt;

/// One call to the Hostwinds API, with typed, already-validated parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    GetInstances,
    GetInstance { serviceid: ServiceId },
    GetInstanceIps { serviceid: ServiceId, location_id: Option<LocationId> },
    ChangeMainIp { serviceid: ServiceId },
    SetMainIp { serviceid: ServiceId, ip: Ip },
    DeleteIp { serviceid: ServiceId, ip: Ip },
    RegenerateNetworking { serviceid: ServiceId },
    SetRdns { serviceid: ServiceId, ip: Ip, rdns: RdnsName },
    GetInstanceFirewallProfile { serviceid: ServiceId },
    GetFirewallProfiles,
    SetInstanceFirewall { serviceid: ServiceId, name: ProfileName },
    GetSmtpFilters { serviceid: Option<ServiceId> },
    CreateIpCleanupFee { serviceid: ServiceId },
}

/// The name of an action without its parameters: what roles and audit rows talk about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionName {
    GetInstances,
    GetInstance,
    GetInstanceIps,
    ChangeMainIp,
    SetMainIp,
    DeleteIp,
    RegenerateNetworking,
    SetRdns,
    GetInstanceFirewallProfile,
    GetFirewallProfiles,
    SetInstanceFirewall,
    GetSmtpFilters,
    CreateIpCleanupFee,
}

impl ActionName {
    pub const ALL: [ActionName; 13] = [
        ActionName::GetInstances,
        ActionName::GetInstance,
        ActionName::GetInstanceIps,
        ActionName::ChangeMainIp,
        ActionName::SetMainIp,
        ActionName::DeleteIp,
        ActionName::RegenerateNetworking,
        ActionName::SetRdns,
        ActionName::GetInstanceFirewallProfile,
        ActionName::GetFirewallProfiles,
        ActionName::SetInstanceFirewall,
        ActionName::GetSmtpFilters,
        ActionName::CreateIpCleanupFee,
    ];

    /// The value of the `action` field on the wire.
    pub fn wire(self) -> &'static str {
        match self {
            ActionName::GetInstances => "get_instances",
            ActionName::GetInstance => "get_instance",
            ActionName::GetInstanceIps => "get_instance_ips",
            ActionName::ChangeMainIp => "change_main_ip",
            ActionName::SetMainIp => "set_main_ip",
            ActionName::DeleteIp => "delete_ip",
            ActionName::RegenerateNetworking => "regenerate_networking",
            ActionName::SetRdns => "set_rdns",
            ActionName::GetInstanceFirewallProfile => "get_instance_firewall_profile",
            ActionName::GetFirewallProfiles => "get_firewall_profiles",
            ActionName::SetInstanceFirewall => "set_instance_firewall",
            ActionName::GetSmtpFilters => "get_smtp_filters",
            ActionName::CreateIpCleanupFee => "create_ip_cleanup_fee",
        }
    }

    pub fn from_wire(s: &str) -> Option<ActionName> {
        ActionName::ALL.into_iter().find(|a| a.wire() == s)
    }

    /// Words for people, close to the `action` text Hostwinds puts in its answers.
    pub fn label(self) -> &'static str {
        match self {
            ActionName::GetInstances => "List servers",
            ActionName::GetInstance => "Get server",
            ActionName::GetInstanceIps => "List IPs",
            ActionName::ChangeMainIp => "Change Main IP",
            ActionName::SetMainIp => "Set Main IP",
            ActionName::DeleteIp => "Delete IP",
            ActionName::RegenerateNetworking => "Regenerate Networking",
            ActionName::SetRdns => "Set rDNS",
            ActionName::GetInstanceFirewallProfile => "Get firewall profile",
            ActionName::GetFirewallProfiles => "List firewall profiles",
            ActionName::SetInstanceFirewall => "Set Instance Firewall Profile",
            ActionName::GetSmtpFilters => "Get SMTP filters",
            ActionName::CreateIpCleanupFee => "Create IP Cleanup Fee",
        }
    }

    /// Whether the action changes anything at Hostwinds (and so is audited, never retried).
    pub fn mutates(self) -> bool {
        matches!(
            self,
            ActionName::ChangeMainIp
                | ActionName::SetMainIp
                | ActionName::DeleteIp
                | ActionName::RegenerateNetworking
                | ActionName::SetRdns
                | ActionName::SetInstanceFirewall
                | ActionName::CreateIpCleanupFee
        )
    }

    /// Whether sending it twice is harmless, so a lost answer may be retried. Only reads:
    /// even set_rdns, idempotent in effect, is not retried blindly, so that every change
    /// a person made is one audited call.
    pub fn retry_safe(self) -> bool {
        !self.mutates()
    }
}

impl fmt::Display for ActionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire())
    }
}

/// A request form that does not make a valid action. `action` is set when the action name
/// itself was understood, so the refusal can name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestError {
    pub action: Option<ActionName>,
    pub message: String,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RequestError {}

impl Action {
    pub fn name(&self) -> ActionName {
        match self {
            Action::GetInstances => ActionName::GetInstances,
            Action::GetInstance { .. } => ActionName::GetInstance,
            Action::GetInstanceIps { .. } => ActionName::GetInstanceIps,
            Action::ChangeMainIp { .. } => ActionName::ChangeMainIp,
            Action::SetMainIp { .. } => ActionName::SetMainIp,
            Action::DeleteIp { .. } => ActionName::DeleteIp,
            Action::RegenerateNetworking { .. } => ActionName::RegenerateNetworking,
            Action::SetRdns { .. } => ActionName::SetRdns,
            Action::GetInstanceFirewallProfile { .. } => ActionName::GetInstanceFirewallProfile,
            Action::GetFirewallProfiles => ActionName::GetFirewallProfiles,
            Action::SetInstanceFirewall { .. } => ActionName::SetInstanceFirewall,
            Action::GetSmtpFilters { .. } => ActionName::GetSmtpFilters,
            Action::CreateIpCleanupFee { .. } => ActionName::CreateIpCleanupFee,
        }
    }

    pub fn wire_name(&self) -> &'static str {
        self.name().wire()
    }

    pub fn mutates(&self) -> bool {
        self.name().mutates()
    }

    pub fn retry_safe(&self) -> bool {
        self.name().retry_safe()
    }

    /// The server the action is about, when it names one.
    pub fn serviceid(&self) -> Option<ServiceId> {
        match self {
            Action::GetInstances | Action::GetFirewallProfiles => None,
            Action::GetSmtpFilters { serviceid } => *serviceid,
            Action::GetInstance { serviceid }
            | Action::GetInstanceIps { serviceid, .. }
            | Action::ChangeMainIp { serviceid }
            | Action::SetMainIp { serviceid, .. }
            | Action::DeleteIp { serviceid, .. }
            | Action::RegenerateNetworking { serviceid }
            | Action::SetRdns { serviceid, .. }
            | Action::GetInstanceFirewallProfile { serviceid }
            | Action::SetInstanceFirewall { serviceid, .. }
            | Action::CreateIpCleanupFee { serviceid } => Some(*serviceid),
        }
    }

    /// The form fields of the call, `action` first. Never holds the key: the proxy adds `API`.
    pub fn encode(&self) -> Vec<(&'static str, String)> {
        let mut f = vec![("action", self.wire_name().to_string())];
        match self {
            Action::GetInstances | Action::GetFirewallProfiles => {}
            Action::GetInstance { serviceid }
            | Action::ChangeMainIp { serviceid }
            | Action::RegenerateNetworking { serviceid }
            | Action::GetInstanceFirewallProfile { serviceid }
            | Action::CreateIpCleanupFee { serviceid } => f.push(("serviceid", serviceid.to_string())),
            Action::GetInstanceIps { serviceid, location_id } => {
                f.push(("serviceid", serviceid.to_string()));
                if let Some(l) = location_id {
                    f.push(("location_id", l.to_string()));
                }
            }
            Action::SetMainIp { serviceid, ip } | Action::DeleteIp { serviceid, ip } => {
                f.push(("serviceid", serviceid.to_string()));
                f.push(("ip", ip.to_string()));
            }
            // `rdns`, never the deprecated `rdata`.
            Action::SetRdns { serviceid, ip, rdns } => {
                f.push(("serviceid", serviceid.to_string()));
                f.push(("ip", ip.to_string()));
                f.push(("rdns", rdns.to_string()));
            }
            Action::SetInstanceFirewall { serviceid, name } => {
                f.push(("serviceid", serviceid.to_string()));
                f.push(("name", name.to_string()));
            }
            Action::GetSmtpFilters { serviceid } => {
                if let Some(s) = serviceid {
                    f.push(("serviceid", s.to_string()));
                }
            }
        }
        f
    }

    /// The call as an `application/x-www-form-urlencoded` body.
    pub fn encode_form(&self) -> String {
        let mut ser = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.encode() {
            ser.append_pair(k, &v);
        }
        ser.finish()
    }

    /// Parse a form-encoded request body into an action. Fields other than the action's own
    /// (the key `API` among them) are dropped, so they can never be forwarded.
    pub fn from_form_body(body: &[u8]) -> Result<Action, RequestError> {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        Action::from_pairs(&pairs)
    }

    /// Parse already-decoded form pairs into an action.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<Action, RequestError> {
        let fail = |action: Option<ActionName>, message: String| RequestError { action, message };
        let wire = match single(pairs, "action") {
            Err(m) => return Err(fail(None, m)),
            Ok(None) => return Err(fail(None, "The request has no action.".into())),
            Ok(Some(w)) => w,
        };
        let Some(name) = ActionName::from_wire(wire.trim()) else {
            let shown: String = wire.chars().take(60).collect();
            return Err(fail(None, format!("Unknown action \u{201c}{shown}\u{201d}.")));
        };
        let err = |m: String| RequestError { action: Some(name), message: m };

        let field = |key: &str| single(pairs, key).map_err(err);
        // A required field: present and non-empty.
        let required = |key: &str, what: &str| -> Result<String, RequestError> {
            match field(key)? {
                Some(v) if !v.trim().is_empty() => Ok(v.to_string()),
                _ => Err(err(format!("{} needs {what} (field \u{201c}{key}\u{201d}).", name.label()))),
            }
        };
        // An optional field: absent or empty means not given.
        let optional = |key: &str| -> Result<Option<String>, RequestError> {
            Ok(field(key)?.filter(|v| !v.trim().is_empty()).map(str::to_string))
        };
        let sid = || -> Result<ServiceId, RequestError> {
            ServiceId::parse(&required("serviceid", "a service ID")?).map_err(|e| err(e.0))
        };
        let ip = || -> Result<Ip, RequestError> { Ip::parse(&required("ip", "an IP address")?).map_err(|e| err(e.0)) };

        Ok(match name {
            ActionName::GetInstances => Action::GetInstances,
            ActionName::GetFirewallProfiles => Action::GetFirewallProfiles,
            ActionName::GetInstance => Action::GetInstance { serviceid: sid()? },
            ActionName::ChangeMainIp => Action::ChangeMainIp { serviceid: sid()? },
            ActionName::RegenerateNetworking => Action::RegenerateNetworking { serviceid: sid()? },
            ActionName::GetInstanceFirewallProfile => Action::GetInstanceFirewallProfile { serviceid: sid()? },
            ActionName::CreateIpCleanupFee => Action::CreateIpCleanupFee { serviceid: sid()? },
            ActionName::GetInstanceIps => {
                let serviceid = sid()?;
                let location_id = match optional("location_id")? {
                    Some(v) => Some(LocationId::parse(&v).map_err(|e| err(e.0))?),
                    None => None,
                };
                Action::GetInstanceIps { serviceid, location_id }
            }
            ActionName::SetMainIp => Action::SetMainIp { serviceid: sid()?, ip: ip()? },
            ActionName::DeleteIp => Action::DeleteIp { serviceid: sid()?, ip: ip()? },
            ActionName::SetRdns => {
                let serviceid = sid()?;
                let ip = ip()?;
                // `rdata` is the deprecated alias; accepted on the way in, sent as `rdns`.
                let raw = match optional("rdns")? {
                    Some(v) => v,
                    None => optional("rdata")?
                        .ok_or_else(|| err("Set rDNS needs a hostname (field \u{201c}rdns\u{201d}).".into()))?,
                };
                let rdns = RdnsName::parse(&raw).map_err(|e| err(e.0))?;
                Action::SetRdns { serviceid, ip, rdns }
            }
            ActionName::SetInstanceFirewall => {
                let serviceid = sid()?;
                let name = ProfileName::parse(&required("name", "a firewall profile name")?).map_err(|e| err(e.0))?;
                Action::SetInstanceFirewall { serviceid, name }
            }
            ActionName::GetSmtpFilters => {
                let serviceid = match optional("serviceid")? {
                    Some(v) => Some(ServiceId::parse(&v).map_err(|e| err(e.0))?),
                    None => None,
                };
                Action::GetSmtpFilters { serviceid }
            }
        })
    }
}

/// The one value of `key`; a field given twice is refused rather than guessed at.
fn single<'a>(pairs: &'a [(String, String)], key: &str) -> Result<Option<&'a str>, String> {
    let mut it = pairs.iter().filter(|(k, _)| k == key);
    let first = it.next().map(|(_, v)| v.as_str());
    if it.next().is_some() {
        return Err(format!("The field \u{201c}{key}\u{201d} is given more than once."));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(body: &str) -> Result<Action, RequestError> {
        Action::from_form_body(body.as_bytes())
    }

    #[test]
    fn wire_names_round_trip() {
        for a in ActionName::ALL {
            assert_eq!(ActionName::from_wire(a.wire()), Some(a));
        }
    }

    #[test]
    fn only_reads_are_retry_safe() {
        let muts: Vec<_> = ActionName::ALL.into_iter().filter(|a| a.mutates()).collect();
        assert_eq!(muts.len(), 7);
        assert!(ActionName::ALL.into_iter().all(|a| a.retry_safe() != a.mutates()));
    }

    #[test]
    fn set_rdns_encodes_rdns_never_rdata() {
        let a = form("action=set_rdns&serviceid=12&ip=192.0.2.5&rdns=Mail.Example.com").unwrap();
        let body = a.encode_form();
        assert_eq!(body, "action=set_rdns&serviceid=12&ip=192.0.2.5&rdns=mail.example.com");
        let b = form("action=set_rdns&serviceid=12&ip=192.0.2.5&rdata=mail.example.com").unwrap();
        assert_eq!(b.encode_form(), body);
    }

    #[test]
    fn every_action_round_trips_through_its_form() {
        let s = ServiceId::parse("7").unwrap();
        let ip = Ip::parse("2001:db8::1").unwrap();
        let all = vec![
            Action::GetInstances,
            Action::GetInstance { serviceid: s },
            Action::GetInstanceIps { serviceid: s, location_id: None },
            Action::GetInstanceIps { serviceid: s, location_id: Some(LocationId::parse("2").unwrap()) },
            Action::ChangeMainIp { serviceid: s },
            Action::SetMainIp { serviceid: s, ip },
            Action::DeleteIp { serviceid: s, ip },
            Action::RegenerateNetworking { serviceid: s },
            Action::SetRdns { serviceid: s, ip, rdns: RdnsName::parse("a.example.com").unwrap() },
            Action::GetInstanceFirewallProfile { serviceid: s },
            Action::GetFirewallProfiles,
            Action::SetInstanceFirewall { serviceid: s, name: ProfileName::parse("smtp").unwrap() },
            Action::GetSmtpFilters { serviceid: None },
            Action::GetSmtpFilters { serviceid: Some(s) },
            Action::CreateIpCleanupFee { serviceid: s },
        ];
        for a in all {
            assert_eq!(form(&a.encode_form()).unwrap(), a);
        }
    }

    #[test]
    fn the_key_is_dropped_from_a_request() {
        let a = form("action=get_instance&serviceid=5&API=stolen").unwrap();
        assert!(!a.encode_form().contains("API"));
    }

    #[test]
    fn refusals_say_what_is_wrong() {
        assert_eq!(form("").unwrap_err().message, "The request has no action.");
        assert!(form("action=drop_tables").unwrap_err().message.contains("Unknown action"));
        let e = form("action=delete_ip&serviceid=5").unwrap_err();
        assert_eq!(e.action, Some(ActionName::DeleteIp));
        assert!(e.message.contains("IP address"));
        assert!(form("action=get_instance&serviceid=abc").unwrap_err().message.contains("digits"));
        assert!(form("action=get_instance&serviceid=1&serviceid=2").unwrap_err().message.contains("more than once"));
        assert!(form("action=set_rdns&serviceid=1&ip=192.0.2.1&rdns=bad_name.example.com").is_err());
        assert!(form("action=get_instance_ips&serviceid=1&location_id=x").is_err());
    }

    #[test]
    fn empty_optional_fields_count_as_absent() {
        assert_eq!(
            form("action=get_instance_ips&serviceid=1&location_id=").unwrap(),
            Action::GetInstanceIps { serviceid: ServiceId::parse("1").unwrap(), location_id: None }
        );
        assert_eq!(form("action=get_smtp_filters&serviceid=").unwrap(), Action::GetSmtpFilters { serviceid: None });
    }
}

#[cfg(test)]
mod props {
    use super::Action;
    use proptest::prelude::*;

    proptest! {
        /// The proxy parses whatever a browser (or anyone) posts: it must never panic, and
        /// whatever it accepts must encode back to a form that parses to the same action.
        #[test]
        fn the_form_parser_never_panics_and_round_trips(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            if let Ok(a) = Action::from_form_body(&body) {
                prop_assert_eq!(Action::from_form_body(a.encode_form().as_bytes()), Ok(a));
            }
        }

        #[test]
        fn forms_made_of_real_field_names_never_panic(
            fields in proptest::collection::vec(
                (prop::sample::select(vec!["action", "serviceid", "ip", "rdns", "rdata", "name", "location_id", "API", "x"]),
                 "[a-z0-9_.:%&=+ -]{0,20}"),
                0..8)
        ) {
            let body = fields.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
            if let Ok(a) = Action::from_form_body(body.as_bytes()) {
                prop_assert!(!a.encode_form().contains("API="));
            }
        }
    }
}
