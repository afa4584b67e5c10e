//! Any body Hostwinds (or the proxy) sends becomes an `Outcome`. Nothing here panics.

use crate::text::html_to_text;
use serde_json::{Map, Value};

/// What one call came to, whatever the shape of the answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// `result` was "success" (or the read envelope `{"success": ..}`) and the HTTP status
    /// was not an error.
    pub ok: bool,
    /// The `action` text of the answer, when it had one.
    pub action: Option<String>,
    /// The message as Hostwinds sent it, as plain text (HTML turned into text).
    pub message: String,
    /// The `ERROR` code of an error answer, when it had one.
    pub code: Option<String>,
    /// The payload of a read.
    pub data: Option<Value>,
}

impl Outcome {
    fn error(message: impl Into<String>) -> Self {
        Outcome { ok: false, action: None, message: message.into(), code: None, data: None }
    }
}

/// Our explanation for a message Hostwinds words too briefly to act on, if we have one.
pub fn hint(o: &Outcome) -> Option<&'static str> {
    if o.ok {
        return None;
    }
    if o.message.trim().eq_ignore_ascii_case("Not Authorized!") {
        return Some(
            "Hostwinds refused the API key. The proxy's public IPv4 address must be on this key's allow-list in the Hostwinds panel, and the key may have expired (keys last a year).",
        );
    }
    None
}

/// Decode an answer given its HTTP status and body.
pub fn decode(status: u16, body: &str) -> Outcome {
    let trimmed = body.trim_start_matches('\u{feff}').trim();
    let mut out = if trimmed.is_empty() {
        Outcome::error(format!("Hostwinds sent an empty answer{}.", status_note(status)))
    } else {
        match serde_json::from_str::<Value>(trimmed) {
            Ok(v) => from_json(v),
            Err(e) if trimmed.starts_with('<') => {
                let _ = e;
                let title = html_title(trimmed);
                Outcome::error(format!(
                    "Hostwinds sent a web page instead of an API answer{}{}.",
                    status_note(status),
                    title.map(|t| format!(": \u{201c}{t}\u{201d}")).unwrap_or_default()
                ))
            }
            Err(e) if e.is_eof() => Outcome::error(format!(
                "Hostwinds sent an incomplete answer{} (it ends in the middle).",
                status_note(status)
            )),
            Err(_) => Outcome::error(format!(
                "Hostwinds sent an answer that is not valid JSON{}.",
                status_note(status)
            )),
        }
    };
    if out.ok && status >= 400 {
        out.ok = false;
        if out.message.is_empty() {
            out.message = format!("The request failed with HTTP status {status}.");
        }
    }
    if !out.ok && out.message.is_empty() {
        out.message = format!("Hostwinds reported an error without a message{}.", status_note(status));
    }
    out
}

fn status_note(status: u16) -> String {
    if status == 200 {
        String::new()
    } else {
        format!(" (HTTP {status})")
    }
}

fn from_json(v: Value) -> Outcome {
    match v {
        // Mutations: `[{result, action?, message, ERROR?}]`.
        Value::Array(items) => {
            let objects: Vec<&Map<String, Value>> = items.iter().filter_map(Value::as_object).collect();
            if objects.is_empty() {
                return Outcome::error("Hostwinds sent an empty list instead of a result.");
            }
            let parts: Vec<Outcome> = objects.into_iter().map(from_result_object).collect();
            let ok = parts.iter().all(|p| p.ok);
            let message = parts
                .iter()
                .map(|p| p.message.as_str())
                .filter(|m| !m.is_empty())
                .collect::<Vec<_>>()
                .join("\n");
            let first = parts.into_iter().next();
            Outcome {
                ok,
                action: first.as_ref().and_then(|p| p.action.clone()),
                message,
                code: first.and_then(|p| p.code),
                data: None,
            }
        }
        Value::Object(mut map) => {
            // Reads: `{"success": payload}`.
            if let Some(payload) = take_key(&mut map, "success") {
                if !map.contains_key("result") {
                    let message = payload
                        .as_object()
                        .and_then(|o| o.get("message"))
                        .and_then(text_of)
                        .unwrap_or_default();
                    return Outcome { ok: true, action: None, message, code: None, data: Some(payload) };
                }
                map.insert("success".into(), payload);
            }
            if map.contains_key("result") || map.contains_key("message") || map.contains_key("ERROR") {
                return from_result_object(&map);
            }
            if let Some(e) = get_ci(&map, "error").and_then(text_of) {
                return Outcome { ok: false, action: None, message: e, code: None, data: None };
            }
            Outcome::error("Hostwinds sent an answer without a result.")
        }
        _ => Outcome::error("Hostwinds sent an answer that is neither a result nor data."),
    }
}

/// One `{result, action?, message, ERROR?}` object. Only `result: "success"` is success:
/// the text of the message is never read for that (create_ip_cleanup_fee succeeds with the
/// text "A valid serviceid is required.").
fn from_result_object(o: &Map<String, Value>) -> Outcome {
    let ok = get_ci(o, "result")
        .and_then(text_of)
        .is_some_and(|r| r.eq_ignore_ascii_case("success"));
    Outcome {
        ok,
        action: o.get("action").and_then(text_of).filter(|a| !a.is_empty()),
        message: o.get("message").and_then(text_of).unwrap_or_default(),
        code: o.get("ERROR").or_else(|| o.get("code")).and_then(text_of).filter(|c| !c.is_empty()),
        data: o.get("data").cloned(),
    }
}

fn take_key(map: &mut Map<String, Value>, key: &str) -> Option<Value> {
    map.remove(key)
}

fn get_ci<'a>(o: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.get(key).or_else(|| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

/// A string, number or boolean as text; HTML in strings turned into plain text.
pub(crate) fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(html_to_text(s)),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let end = open_end + lower[open_end..].find("</title")?;
    let t = html_to_text(&html[open_end..end]);
    let t: String = t.chars().take(120).collect();
    (!t.is_empty()).then_some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutation_success_with_action() {
        let o = decode(200, r#"[{"result":"success","action":"Delete IP","message":"IP removed"}]"#);
        assert!(o.ok);
        assert_eq!(o.action.as_deref(), Some("Delete IP"));
        assert_eq!(o.message, "IP removed");
    }

    #[test]
    fn set_main_ip_success_without_action() {
        let o = decode(200, r#"[{"result":"success","message":"Main IP set"}]"#);
        assert!(o.ok);
        assert_eq!(o.action, None);
        assert_eq!(o.message, "Main IP set");
    }

    #[test]
    fn cleanup_fee_success_is_read_from_result_not_text() {
        let o = decode(
            200,
            r#"[{"result":"success","action":"Create IP Cleanup Fee","message":"A valid serviceid is required."}]"#,
        );
        assert!(o.ok);
        assert_eq!(o.message, "A valid serviceid is required.");
    }

    #[test]
    fn error_with_code_and_no_action() {
        let o = decode(200, r#"[{"result":"error","message":"Invalid Action.","ERROR":"0x0001"}]"#);
        assert!(!o.ok);
        assert_eq!(o.code.as_deref(), Some("0x0001"));
        let o = decode(200, r#"[{"result":"error","message":"Invalid Action.","ERROR":17}]"#);
        assert_eq!(o.code.as_deref(), Some("17"));
    }

    #[test]
    fn serviceid_error_from_set_rdns() {
        let o = decode(200, r#"[{"result":"error","action":"Set rDNS","message":"A valid serviceid is required."}]"#);
        assert!(!o.ok);
        assert_eq!(o.action.as_deref(), Some("Set rDNS"));
    }

    #[test]
    fn read_envelopes_carry_data() {
        let o = decode(200, r#"{"success":{"IP Addresses":[{"ip":"192.0.2.1"}]}}"#);
        assert!(o.ok);
        assert!(o.data.unwrap()["IP Addresses"].is_array());
        let o = decode(200, r#"{"success":[{"name":"default"}]}"#);
        assert!(o.ok && o.data.unwrap().is_array());
    }

    #[test]
    fn multi_byte_text_after_an_ampersand_is_shown_as_sent() {
        let o = decode(200, "[{\"result\":\"error\",\"action\":\"set_rdns\",\"message\":\"Bad &\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} name\"}]");
        assert!(!o.ok);
        assert_eq!(o.message, "Bad &\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} name");
    }

    #[test]
    fn bare_error_objects() {
        let o = decode(401, r#"{"result":"error","message":"Not Authorized!"}"#);
        assert!(!o.ok);
        assert_eq!(o.message, "Not Authorized!");
        let o = decode(200, r#"{"error":"Location Id is invalid."}"#);
        assert!(!o.ok);
        assert_eq!(o.message, "Location Id is invalid.");
        let o = decode(403, r#"{"message":"Not Authorized!"}"#);
        assert!(!o.ok);
    }

    #[test]
    fn html_in_messages_becomes_text() {
        let o = decode(200, r#"[{"result":"error","message":"Line one<br>Line <b>two</b>"}]"#);
        assert_eq!(o.message, "Line one\nLine two");
    }

    #[test]
    fn non_api_bodies_are_clear_errors() {
        let o = decode(502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>");
        assert!(!o.ok);
        assert!(o.message.contains("web page") && o.message.contains("502 Bad Gateway"), "{}", o.message);
        assert!(decode(200, "").message.contains("empty"));
        assert!(decode(200, r#"{"success":{"IP Addr"#).message.contains("incomplete"));
        assert!(decode(200, r#""just a string""#).message.contains("neither"));
        assert!(decode(200, "[]").message.contains("empty list"));
        assert!(decode(200, "{}").message.contains("without a result"));
        assert!(decode(200, "nope").message.contains("not valid JSON"));
    }

    #[test]
    fn not_authorized_gets_an_explanation() {
        let o = decode(200, r#"{"result":"error","message":"Not Authorized!"}"#);
        assert!(hint(&o).unwrap().contains("allow-list"));
        assert!(hint(&decode(200, r#"[{"result":"error","message":"Invalid Action."}]"#)).is_none());
    }

    #[test]
    fn success_with_an_error_status_is_not_ok() {
        let o = decode(500, r#"[{"result":"success","message":"ok?"}]"#);
        assert!(!o.ok);
    }

    #[test]
    fn numbers_as_messages_and_unknown_fields() {
        let o = decode(200, r#"[{"result":"success","message":42,"extra":{"x":1}}]"#);
        assert!(o.ok);
        assert_eq!(o.message, "42");
    }
}

#[cfg(test)]
mod props {
    use super::decode;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn decode_never_panics_on_arbitrary_text(status in 0u16..1000, body in ".{0,400}") {
            let o = decode(status, &body);
            prop_assert!(o.ok || !o.message.is_empty());
        }

        #[test]
        fn decode_never_panics_on_json_like_text(status in 100u16..600,
            body in r#"[\[\]{}",:0-9a-zA-Z<>&;# \\]{0,200}"#) {
            let _ = decode(status, &body);
        }

        #[test]
        fn decode_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = decode(200, &String::from_utf8_lossy(&bytes));
        }
    }
}
