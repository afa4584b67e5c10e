//! `hostwinds::decode` on any bytes, any status: it must never panic, and an error outcome
//! always has a message to show. Redaction runs on the same input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data.split_first() {
        Some((s, rest)) => (u16::from(*s) * 3, rest),
        None => (200, data),
    };
    let text = String::from_utf8_lossy(body);
    let o = hostwinds::decode(status, &text);
    assert!(o.ok || !o.message.is_empty());
    let redacted = hostwinds::redact_text(&text);
    assert!(!redacted.to_ascii_lowercase().contains("\"password\":\"x"));
});
