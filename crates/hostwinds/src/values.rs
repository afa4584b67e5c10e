//! Newtypes that can only hold valid values. Each `parse` returns a message a user reads.

use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;

/// Why a value was refused, in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError(pub String);

impl ValueError {
    fn new(msg: impl Into<String>) -> Self {
        ValueError(msg.into())
    }
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ValueError {}

macro_rules! from_str_via_parse {
    ($t:ty) => {
        impl FromStr for $t {
            type Err = ValueError;
            fn from_str(s: &str) -> Result<Self, ValueError> {
                <$t>::parse(s)
            }
        }
    };
}

/// A Hostwinds service id: a positive whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId(u64);

impl ServiceId {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValueError::new("Enter a service ID (a positive whole number such as 12345)."));
        }
        if !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ValueError::new(format!(
                "\u{201c}{}\u{201d} is not a service ID: use digits only, such as 12345.",
                shorten(s)
            )));
        }
        match s.parse::<u64>() {
            Ok(0) => Err(ValueError::new("A service ID must be greater than zero.")),
            Ok(n) if n > 9_007_199_254_740_991 => Err(ValueError::new("This service ID is too large.")),
            Ok(n) => Ok(ServiceId(n)),
            Err(_) => Err(ValueError::new("This service ID is too large.")),
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for ServiceId {
    type Error = ValueError;
    fn try_from(n: u64) -> Result<Self, ValueError> {
        ServiceId::parse(&n.to_string())
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
from_str_via_parse!(ServiceId);

/// An IPv4 or IPv6 address, kept and printed in canonical form (IPv6 compressed, lowercase;
/// an IPv4-mapped IPv6 address such as `::ffff:192.0.2.10` is the IPv4 address it maps), so
/// two spellings of one address compare equal and only one is ever forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ip(IpAddr);

impl Ip {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValueError::new("Enter an IP address, such as 192.0.2.10 or 2001:db8::10."));
        }
        // Brackets and zone ids are not addresses Hostwinds assigns.
        match s.parse::<IpAddr>() {
            Ok(addr) => Ok(Ip::from(addr)),
            Err(_) => Err(ValueError::new(format!(
                "\u{201c}{}\u{201d} is not an IP address: use the IPv4 form 192.0.2.10 or the IPv6 form 2001:db8::10.",
                shorten(s)
            ))),
        }
    }

    pub fn addr(self) -> IpAddr {
        self.0
    }

    pub fn is_v6(self) -> bool {
        self.0.is_ipv6()
    }
}

impl From<IpAddr> for Ip {
    fn from(a: IpAddr) -> Self {
        Ip(a.to_canonical())
    }
}

impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
from_str_via_parse!(Ip);

/// A reverse DNS name: a full hostname such as `mail.example.com`, stored lowercase,
/// without a trailing dot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RdnsName(String);

/// Public suffixes of two labels, so `example.co.uk` counts as a bare domain too.
const TWO_LABEL_SUFFIXES: &[&str] = &[
    "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "com.au", "net.au", "org.au", "co.nz",
    "co.jp", "ne.jp", "or.jp", "com.br", "com.mx", "co.za", "com.cn", "com.tw", "co.in",
    "co.kr", "com.sg", "com.tr", "com.ar", "co.il", "com.hk",
];

impl RdnsName {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValueError::new("Enter a hostname, such as mail.example.com."));
        }
        if s.ends_with("..") {
            return Err(ValueError::new("A hostname cannot end with two dots."));
        }
        // One trailing dot is the absolute form of the same name; drop it so that
        // `mail.example.com.` and `mail.example.com` are one name.
        let name = s.strip_suffix('.').unwrap_or(s);
        if name.is_empty() {
            return Err(ValueError::new("Enter a hostname, such as mail.example.com."));
        }
        if name.len() > 253 {
            return Err(ValueError::new(format!(
                "A hostname can be at most 253 characters; this one has {}.",
                name.chars().count()
            )));
        }
        if let Some(c) = name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
        {
            let what = match c {
                ' ' => "a space".to_string(),
                '_' => "an underscore".to_string(),
                c => format!("\u{201c}{c}\u{201d}"),
            };
            return Err(ValueError::new(format!(
                "A hostname can hold only letters, digits, hyphens and dots; this one has {what}."
            )));
        }
        if name.starts_with('.') {
            return Err(ValueError::new("A hostname cannot start with a dot."));
        }
        let labels: Vec<&str> = name.split('.').collect();
        if labels.iter().any(|l| l.is_empty()) {
            return Err(ValueError::new("A hostname cannot have two dots in a row."));
        }
        if labels.len() < 2 {
            return Err(ValueError::new(format!(
                "Use a full hostname with a domain, such as {}.example.com.",
                shorten(&name.to_ascii_lowercase())
            )));
        }
        for l in &labels {
            if l.len() > 63 {
                return Err(ValueError::new(format!(
                    "Each part between dots can be at most 63 characters; \u{201c}{}\u{201d} has {}.",
                    shorten(l),
                    l.len()
                )));
            }
            if l.starts_with('-') || l.ends_with('-') {
                return Err(ValueError::new(format!(
                    "A part of a hostname cannot start or end with a hyphen: \u{201c}{}\u{201d}.",
                    shorten(l)
                )));
            }
        }
        if labels.last().is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit())) {
            return Err(ValueError::new(
                "The last part of a hostname cannot be all digits: this looks like an IP address, not a name.",
            ));
        }
        Ok(RdnsName(name.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A registrable domain with no host part (`example.com`): valid, but rDNS should name
    /// the mail server itself, matching its HELO/EHLO name.
    pub fn is_bare_domain(&self) -> bool {
        let labels: Vec<&str> = self.0.split('.').collect();
        let n = labels.len();
        if n == 2 {
            return true;
        }
        n == 3 && TWO_LABEL_SUFFIXES.contains(&format!("{}.{}", labels[1], labels[2]).as_str())
    }
}

impl fmt::Display for RdnsName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
from_str_via_parse!(RdnsName);

/// The name of a firewall profile, as listed by get_firewall_profiles.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProfileName(String);

impl ProfileName {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        if s.is_empty() {
            return Err(ValueError::new("Choose a firewall profile."));
        }
        if s.chars().count() > 64 {
            return Err(ValueError::new("A firewall profile name can be at most 64 characters."));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.')))
        {
            return Err(ValueError::new(format!(
                "A firewall profile name can hold letters, digits, spaces, hyphens, underscores and dots, not \u{201c}{c}\u{201d}."
            )));
        }
        Ok(ProfileName(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProfileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
from_str_via_parse!(ProfileName);

/// A Hostwinds data-centre location id: a positive whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocationId(u32);

impl LocationId {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        match s.parse::<u32>() {
            Ok(n) if n > 0 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(LocationId(n)),
            _ => Err(ValueError::new(format!(
                "\u{201c}{}\u{201d} is not a location id: use a positive whole number.",
                shorten(s)
            ))),
        }
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for LocationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
from_str_via_parse!(LocationId);

/// Quote at most 40 characters of what the user typed back to them.
fn shorten(s: &str) -> String {
    if s.chars().count() <= 40 {
        s.to_string()
    } else {
        let head: String = s.chars().take(37).collect();
        format!("{head}...")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_id_accepts_positive_integers_with_spaces_around() {
        assert_eq!(ServiceId::parse(" 12345 ").unwrap().get(), 12345);
    }

    #[test]
    fn service_id_rejects_zero_negative_letters_and_empty() {
        for bad in ["", "0", "-1", "12a", "1.5", "99999999999999999999999", "１２"] {
            assert!(ServiceId::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(ServiceId::parse("abc").unwrap_err().0.contains("digits only"));
    }

    #[test]
    fn ip_is_canonical() {
        assert_eq!(Ip::parse("2001:DB8:0:0::10").unwrap().to_string(), "2001:db8::10");
        assert_eq!(Ip::parse(" 192.0.2.1 ").unwrap().to_string(), "192.0.2.1");
        // One address, one form: IPv4-mapped IPv6 is the IPv4 address.
        for mapped in ["::ffff:192.0.2.10", "::FFFF:c000:20a", "0:0:0:0:0:ffff:192.0.2.10"] {
            assert_eq!(Ip::parse(mapped).unwrap(), Ip::parse("192.0.2.10").unwrap(), "{mapped}");
            assert_eq!(Ip::parse(mapped).unwrap().to_string(), "192.0.2.10");
        }
        assert!(!Ip::parse("::ffff:192.0.2.10").unwrap().is_v6());
        // IPv4-compatible (deprecated) and other IPv6 stay IPv6.
        assert_eq!(Ip::parse("::192.0.2.10").unwrap().to_string(), "::c000:20a");
    }

    #[test]
    fn ip_rejects_junk_and_leading_zeros() {
        for bad in ["", "192.0.2", "192.0.2.256", "192.0.2.01", "::g", "[::1]", "fe80::1%eth0", "mail.example.com"] {
            assert!(Ip::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn rdns_accepts_full_hostnames_and_lowercases() {
        assert_eq!(RdnsName::parse("Mail.Example.COM").unwrap().as_str(), "mail.example.com");
        assert_eq!(RdnsName::parse("mta-1.mail.example.com.").unwrap().as_str(), "mta-1.mail.example.com");
        assert!(RdnsName::parse("192-0-2-1.mta.example.com").is_ok());
    }

    #[test]
    fn rdns_rejects_label_over_63_chars() {
        let name = format!("{}.example.com", "a".repeat(64));
        assert!(RdnsName::parse(&name).unwrap_err().0.contains("63"));
        assert!(RdnsName::parse(&format!("{}.example.com", "a".repeat(63))).is_ok());
    }

    #[test]
    fn rdns_rejects_names_over_253_chars() {
        let label = "a".repeat(60);
        let name = format!("{label}.{label}.{label}.{label}.example.com");
        assert!(name.len() > 253);
        assert!(RdnsName::parse(&name).unwrap_err().0.contains("253"));
    }

    #[test]
    fn rdns_rejects_bad_shapes() {
        for bad in [
            "", ".", "mail", "mail..example.com", ".example.com", "mail.example.com..", "-mail.example.com",
            "mail-.example.com", "mail_1.example.com", "mail example.com", "192.0.2.1", "mail.example.com/x",
            "mäil.example.com",
        ] {
            assert!(RdnsName::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn bare_domains_are_recognised() {
        assert!(RdnsName::parse("example.com").unwrap().is_bare_domain());
        assert!(RdnsName::parse("example.co.uk").unwrap().is_bare_domain());
        assert!(!RdnsName::parse("mail.example.com").unwrap().is_bare_domain());
        assert!(!RdnsName::parse("mail.example.co.uk").unwrap().is_bare_domain());
    }

    #[test]
    fn profile_names_and_locations() {
        assert_eq!(ProfileName::parse(" smtp ").unwrap().as_str(), "smtp");
        assert!(ProfileName::parse("").is_err());
        assert!(ProfileName::parse("a<b").is_err());
        assert_eq!(LocationId::parse("3").unwrap().get(), 3);
        assert!(LocationId::parse("0").is_err());
        assert!(LocationId::parse("x").is_err());
        assert!(LocationId::parse("+3").is_err());
    }
}
