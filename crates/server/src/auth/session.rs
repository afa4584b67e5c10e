//! Sessions as signed cookies: HMAC-SHA256 over the user, the session's id and the time of
//! last activity, with a secret shared by every proxy behind a load balancer. Logging out ends
//! the id in the database (every proxy on it stops taking the cookie). The role is read from the users
//! file on every request, so removing a user or changing a role takes effect at once.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const COOKIE: &str = "hw_session";

pub struct SessionKeys {
    secret: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Claims {
    pub user: String,
    /// Made at sign-in, kept while the session lives: what logout ends.
    pub sid: String,
    /// The sign-in, in ms since the epoch: an admin ends a user's sessions started before a time.
    pub started_ms: u64,
    /// Last activity, in ms since the epoch.
    pub seen_ms: u64,
}

/// A new session id: 16 random bytes, URL-safe.
pub fn new_sid() -> String {
    let mut b = [0u8; 16];
    getrandom::getrandom(&mut b).expect("the OS random source works");
    URL_SAFE_NO_PAD.encode(b)
}

impl SessionKeys {
    pub fn new(secret: Vec<u8>) -> Result<SessionKeys, String> {
        if secret.len() < 32 {
            return Err("the session secret must be at least 32 bytes".into());
        }
        Ok(SessionKeys { secret })
    }

    pub fn random() -> SessionKeys {
        let mut secret = vec![0u8; 32];
        getrandom::getrandom(&mut secret).expect("the OS random source works");
        SessionKeys { secret }
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut m = Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes any key length");
        m.update(payload);
        m
    }

    pub fn sign(&self, c: &Claims) -> String {
        let payload = format!("{}|{}|{}|{}", c.seen_ms, c.started_ms, c.sid, c.user);
        let tag = self.mac(payload.as_bytes()).finalize().into_bytes();
        format!("{}.{}", URL_SAFE_NO_PAD.encode(payload), URL_SAFE_NO_PAD.encode(tag))
    }

    /// The claims of a cookie value whose signature holds; None for anything else.
    pub fn verify(&self, value: &str) -> Option<Claims> {
        let (p, t) = value.split_once('.')?;
        let payload = URL_SAFE_NO_PAD.decode(p).ok()?;
        let tag = URL_SAFE_NO_PAD.decode(t).ok()?;
        self.mac(&payload).verify_slice(&tag).ok()?;
        let text = String::from_utf8(payload).ok()?;
        let mut parts = text.splitn(4, '|');
        let (seen, started, sid, user) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        Some(Claims { user: user.to_string(), sid: sid.to_string(), started_ms: started.parse().ok()?, seen_ms: seen.parse().ok()? })
    }
}

/// The value of one cookie in a Cookie header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').map(str::trim).find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

pub fn set_cookie(value: &str, max_age_secs: u64, secure: bool) -> String {
    format!(
        "{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_cookie(secure: bool) -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", if secure { "; Secure" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_cookies_verify_and_tampering_fails() {
        let k = SessionKeys::random();
        let c = Claims { user: "al|ice".into(), sid: new_sid(), started_ms: 1000, seen_ms: 1234 };
        let v = k.sign(&c);
        assert_eq!(k.verify(&v), Some(c));
        let other = SessionKeys::random();
        assert_eq!(other.verify(&v), None, "another secret");
        let forged = format!("{}.{}", URL_SAFE_NO_PAD.encode("9999999999999|admin"), v.split('.').nth(1).unwrap());
        assert_eq!(k.verify(&forged), None);
        assert_eq!(k.verify("junk"), None);
        assert!(SessionKeys::new(vec![1; 8]).is_err());
        assert_ne!(new_sid(), new_sid());
    }

    #[test]
    fn cookie_header_parsing() {
        assert_eq!(cookie_value("a=1; hw_session=abc.def; b=2", COOKIE), Some("abc.def"));
        assert_eq!(cookie_value("hw_sessionx=1", COOKIE), None);
    }
}
