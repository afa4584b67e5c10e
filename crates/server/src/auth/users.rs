//! Who can sign in: users and roles from a TOML file, passwords as argon2 hashes.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use hostwinds::Role;
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Debug, Clone)]
pub struct User {
    pub name: String,
    pub role: Role,
    /// None for users who only come through the trusted SSO header.
    password_hash: Option<String>,
}

/// Debug shows names and roles only, never hashes.
pub struct Users {
    by_name: HashMap<String, User>,
    /// Verified against when the user does not exist, so both cases take the same time.
    dummy_hash: String,
    pub demo: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    users: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: String,
    role: String,
    password_hash: Option<String>,
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no random source: {e}"))?;
    let salt = SaltString::encode_b64(&bytes).map_err(|e| format!("cannot make a salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

impl std::fmt::Debug for Users {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut names: Vec<_> = self.by_name.values().map(|u| format!("{}:{}", u.name, u.role)).collect();
        names.sort();
        f.debug_struct("Users").field("users", &names).field("demo", &self.demo).finish()
    }
}

impl Users {
    /// Parse a users file; every problem names the user and the field.
    pub fn from_toml(text: &str) -> Result<Users, String> {
        let file: File = toml::from_str(text).map_err(|e| format!("the users file is not valid: {e}"))?;
        let mut by_name = HashMap::new();
        for e in file.users {
            let name = e.name.trim().to_string();
            if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control() || c.is_whitespace()) {
                return Err(format!("user {:?}: a name is 1-64 characters without spaces", e.name));
            }
            let role = Role::parse(&e.role)
                .ok_or_else(|| format!("user {name}: role must be \"admin\" or \"support\", not {:?}", e.role))?;
            if let Some(h) = &e.password_hash {
                PasswordHash::new(h).map_err(|_| {
                    format!("user {name}: password_hash is not an argon2 hash (make one with `hostwinds-proxy hash-password`)")
                })?;
            }
            let key = name.to_ascii_lowercase();
            if by_name.contains_key(&key) {
                return Err(format!("user {name} is listed twice"));
            }
            by_name.insert(key, User { name, role, password_hash: e.password_hash });
        }
        Ok(Users { by_name, dummy_hash: hash_password("no such user")?, demo: false })
    }

    /// The two demo accounts, admin/admin and support/support: only for the simulator on
    /// a loopback address, which the caller checks.
    pub fn demo() -> Result<Users, String> {
        let mut by_name = HashMap::new();
        for (name, role) in [("admin", Role::Admin), ("support", Role::Support)] {
            by_name.insert(name.to_string(), User { name: name.into(), role, password_hash: Some(hash_password(name)?) });
        }
        Ok(Users { by_name, dummy_hash: hash_password("no such user")?, demo: true })
    }

    pub fn get(&self, name: &str) -> Option<&User> {
        self.by_name.get(&name.trim().to_ascii_lowercase())
    }

    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// The user when the password matches. An unknown user costs one hash check too.
    pub fn verify(&self, name: &str, password: &str) -> Option<&User> {
        let user = self.get(name);
        let hash = user.and_then(|u| u.password_hash.as_deref()).unwrap_or(&self.dummy_hash);
        let ok = PasswordHash::new(hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        match user {
            Some(u) if ok && u.password_hash.is_some() => Some(u),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_file_round_trip_and_errors() {
        let h = hash_password("s3cret").unwrap();
        let text = format!(
            "[[users]]\nname = \"Alice\"\nrole = \"admin\"\npassword_hash = \"{h}\"\n\n[[users]]\nname = \"sso-bob\"\nrole = \"support\"\n"
        );
        let u = Users::from_toml(&text).unwrap();
        assert_eq!(u.verify("alice", "s3cret").unwrap().role, Role::Admin);
        assert!(u.verify("alice", "wrong").is_none());
        assert!(u.verify("nobody", "s3cret").is_none());
        assert!(u.verify("sso-bob", "").is_none(), "no password, no password sign-in");
        assert_eq!(u.get("SSO-BOB").unwrap().role, Role::Support);

        assert!(Users::from_toml("[[users]]\nname = \"x\"\nrole = \"root\"\n").unwrap_err().contains("role"));
        assert!(Users::from_toml("[[users]]\nname = \"x\"\nrole = \"admin\"\npassword_hash = \"plain\"\n")
            .unwrap_err()
            .contains("hash-password"));
        assert!(Users::from_toml("[[users]]\nname = \"a\"\nrole = \"admin\"\n[[users]]\nname = \"A\"\nrole = \"admin\"\n")
            .unwrap_err()
            .contains("twice"));
        assert!(Users::from_toml("[[users]]\nname = \"a\"\nrole = \"admin\"\nextra = 1\n").is_err());
    }
}
