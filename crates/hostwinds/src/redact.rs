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

/// Redact an upstream body. Valid JSON loses its secret members and is otherwise kept as
/// sent; a body that is not JSON (truncated, HTML) has the value after any `"password"` or
/// `"configkey"` key replaced, up to its closing quote or the end.
pub fn redact_text(body: &str) -> String {
    // Valid JSON (every answer that is not broken): the secret members are cut out of the
    // text itself. Building a `Value` and printing it again was most of the proxy's own work
    // on a read (`cargo xtask bench`); the rest of the text now passes byte for byte.
    if serde_json::from_str::<serde::de::IgnoredAny>(body).is_ok() {
        return cut_secret_members(body);
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

/// `body` is valid JSON: every object member whose key is a secret goes, with its comma.
fn cut_secret_members(body: &str) -> String {
    let b = body.as_bytes();
    let mut out = String::new();
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        if b[i] != b'"' {
            i += 1;
            continue;
        }
        let end = string_end(b, i);
        let colon = skip_blanks(b, end);
        // In valid JSON a string followed by `:` is a key.
        if colon < b.len() && b[colon] == b':' && is_secret_key(&body[i..end]) {
            if out.capacity() == 0 {
                out.reserve(body.len());
            }
            out.push_str(&body[copied..i]);
            let value_end = value_end(b, skip_blanks(b, colon + 1));
            let mut next = skip_blanks(b, value_end);
            if next < b.len() && b[next] == b',' {
                next = skip_blanks(b, next + 1);
            } else {
                // The last member: the comma before it goes instead.
                out.truncate(out.trim_end().len());
                if out.ends_with(',') {
                    out.pop();
                }
            }
            copied = next;
            i = next;
            continue;
        }
        i = end;
    }
    if copied == 0 {
        return body.to_string();
    }
    out.push_str(&body[copied..]);
    out
}

/// A key as written, quotes included; escapes (`"p\u0061ssword"`) are decoded first.
fn is_secret_key(raw: &str) -> bool {
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw).is_ok_and(|k| is_secret(&k))
    } else {
        is_secret(&raw[1..raw.len() - 1])
    }
}

fn skip_blanks(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// Just past the closing quote of the string opening at `start`.
fn string_end(b: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// Just past the value starting at `start`.
fn value_end(b: &[u8], start: usize) -> usize {
    match b.get(start) {
        Some(b'"') => string_end(b, start),
        Some(b'{' | b'[') => {
            let (mut depth, mut i) = (0usize, start);
            while i < b.len() {
                match b[i] {
                    b'"' => {
                        i = string_end(b, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            b.len()
        }
        _ => {
            let mut i = start;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                i += 1;
            }
            i
        }
    }
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

        /// On valid JSON, cutting the text gives what removing the members from the parsed
        /// value gives, however it is laid out or escaped.
        #[test]
        fn cutting_the_text_equals_removing_the_members(v in json_value(), pretty in any::<bool>(), escape in any::<bool>()) {
            let mut text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
            if escape {
                text = text.replace("\"password\"", "\"p\\u0061ssword\"");
            }
            let mut expected = v.clone();
            super::redact(&mut expected);
            let out = redact_text(&text);
            let got: serde_json::Value = serde_json::from_str(&out).map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
            prop_assert_eq!(got, expected);
        }
    }

    fn json_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let key = prop::sample::select(vec!["password", "PassWord", "configkey", "hostname", "ip", "a \\\" b", "password2"]);
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
            "[a-z\"\\\\{}\\[\\],:]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 6, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }
}
