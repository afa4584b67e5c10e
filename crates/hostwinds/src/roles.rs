//! Who may do what: two roles, checked by the proxy and mirrored in the console.

use crate::action::ActionName;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Reads everything; sets rDNS; raises the IP cleanup fee.
    Support,
    /// Everything support does, plus main-IP changes, IP deletion, networking rebuilds and
    /// firewall profile switches.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "support" => Some(Role::Support),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Support => "support",
            Role::Admin => "admin",
        }
    }

    pub fn allows(self, action: ActionName) -> bool {
        match self {
            Role::Admin => true,
            Role::Support => {
                !action.mutates() || matches!(action, ActionName::SetRdns | ActionName::CreateIpCleanupFee)
            }
        }
    }

    /// The refusal a person reads when their role does not allow `action`.
    pub fn refusal(self, action: ActionName) -> String {
        format!(
            "The {} role cannot use {} ({}): ask an admin.",
            self.as_str(),
            action.label(),
            action.wire()
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_reads_sets_rdns_and_raises_the_fee_only() {
        let allowed: Vec<ActionName> = ActionName::ALL.into_iter().filter(|a| Role::Support.allows(*a)).collect();
        assert!(allowed.contains(&ActionName::SetRdns) && allowed.contains(&ActionName::CreateIpCleanupFee));
        for a in [
            ActionName::ChangeMainIp,
            ActionName::SetMainIp,
            ActionName::DeleteIp,
            ActionName::RegenerateNetworking,
            ActionName::SetInstanceFirewall,
        ] {
            assert!(!Role::Support.allows(a), "{a}");
            assert!(Role::Admin.allows(a));
        }
        assert!(ActionName::ALL.into_iter().filter(|a| !a.mutates()).all(|a| Role::Support.allows(a)));
        assert_eq!(
            Role::Support.refusal(ActionName::DeleteIp),
            "The support role cannot use Delete IP (delete_ip): ask an admin."
        );
    }

    #[test]
    fn roles_parse() {
        assert_eq!(Role::parse(" Admin "), Some(Role::Admin));
        assert_eq!(Role::parse("root"), None);
    }
}
