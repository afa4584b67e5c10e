//! Hostwinds puts the root `password` and `configkey` of a server in instance objects, in
//! plain text. They are removed before any answer leaves the proxy or reaches a log.

use serde_json::Value;

/// Field names removed wherever they appear, at any depth, in any letter case.
pub const SECRET_FIELDS: &[&str] = &["password", "configkey"];

fn is_secret(key: &str) -> bool {
    SECRET_FIELDS.iter().any(|s| s.eq_ignore_ascii_case(key))
}

/// Remove every secret field from a JSON value, in place. Returns how many were removed.
pub fn redact(v: &mut Value) -> usize {
    match v {
        Value::Object(map) => {
            let before = map.len();
            map.retain(|k, _| !is_secret(k));
            let mut n = before - map.len();
            for child in map.values_mut() {
                n += redact(child);
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(redact).sum(),
        _ => 0,
    }
}

/// Redact a body that may not be JSON at all (truncated, HTML): the value after any
/// `"password"` or `"configkey"` key is replaced, up to its closing quote or the end.
pub fn redact_text(body: &str) -> String {
    if let Ok(mut v) = serde_json::from_str::<Value>(body) {
        if redact(&mut v) == 0 {
            return body.to_string();
        }
        return v.to_string();
    }
    let lower = body.to_ascii_lowercase();
    let mut out = String::with_capacity(body.len());
    let mut pos = 0;
    while pos < body.len() {
        // The key is matched by its name and closing quote (`password"` then `:`), not by its
        // opening quote: in a broken body that quote may have closed the value before it.
        let next = SECRET_FIELDS
            .iter()
            .flat_map(|f| {
                let pat = format!("{f}\"");
                lower[pos..].match_indices(&pat).map(move |(i, m)| (pos + i, m.len())).collect::<Vec<_>>()
            })
            .filter(|(i, len)| lower[i + len..].trim_start().starts_with(':'))
            .min();
        let Some((start, klen)) = next else { break };
        let after_key = start + klen;
        out.push_str(&body[pos..after_key]);
        // Skip `:` and blanks, then the value: a string up to its unescaped quote, or a bare
        // token up to `,` `}` `]`.
        let rest = &body[after_key..];
        let trimmed = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ':');
        let skipped = rest.len() - trimmed.len();
        let vlen = if let Some(s) = trimmed.strip_prefix('"') {
            let mut esc = false;
            let mut end = None;
            for (i, c) in s.char_indices() {
                if esc {
                    esc = false;
                } else if c == '\\' {
                    esc = true;
                } else if c == '"' {
                    end = Some(i + 2);
                    break;
                }
            }
            end.unwrap_or(trimmed.len())
        } else {
            trimmed.find([',', '}', ']']).unwrap_or(trimmed.len())
        };
        out.push_str(":\"[redacted]\"");
        pos = after_key + skipped + vlen;
    }
    if pos < body.len() {
        out.push_str(&body[pos..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_go_at_any_depth() {
        let mut v = json!({"success": {"1": {"hostname": "a", "password": "hunter2", "PassWord": "x",
            "nested": [{"configkey": "k", "keep": 1}]}}});
        assert_eq!(redact(&mut v), 3);
        let s = v.to_string();
        assert!(!s.contains("hunter2") && !s.contains("configkey") && s.contains("keep"));
    }

    #[test]
    fn truncated_bodies_are_redacted_too() {
        let body = r#"{"success":{"1":{"password" : "hun\"ter2","configkey":12345,"hostname":"a"#;
        let out = redact_text(body);
        assert!(!out.contains("hun") && !out.contains("12345"), "{out}");
        assert!(out.contains("hostname"));
        let cut = r#"{"password":"hunter"#;
        assert!(!redact_text(cut).contains("hunter"));
        // Found by fuzzing: a value that closes early leaves the next key without its quote.
        let broken = "\"password\":\"\n\"password\":\"xx[[\n";
        assert!(!redact_text(broken).contains("xx"), "{}", redact_text(broken));
    }

    #[test]
    fn bodies_without_secrets_pass_unchanged() {
        let body = "[ {\"result\": \"success\", \"message\": \"IP removed\"} ]";
        assert_eq!(redact_text(body), body);
        assert_eq!(redact_text("<html>oops</html>"), "<html>oops</html>");
    }
}

#[cfg(test)]
mod props {
    use super::redact_text;
    use proptest::prelude::*;

    proptest! {
        /// Whatever surrounds it, a secret's value never survives redaction.
        #[test]
        fn a_secret_never_survives(prefix in ".{0,40}", suffix in ".{0,40}", secret in "[A-Za-z0-9]{8,14}",
                                   key in prop::sample::select(vec!["password", "configkey", "Password"])) {
            let body = format!("{prefix}\"{key}\":\"{secret}\"{suffix}");
            prop_assume!(!prefix.contains(&secret) && !suffix.contains(&secret));
            prop_assert!(!redact_text(&body).contains(&secret));
        }
    }
}
