//! Hostwinds messages may hold HTML (`<br>`): they are shown as text, never as markup.
//!
//! Hand-written entity decoding, for the few entities a message holds: `html-escape`'s decoder
//! carries every HTML5 entity name, which cost the console's first load ~23 KiB gzip
//! (docs/benchmarks.md), over its 250 KiB budget.

/// Turn an HTML fragment into plain text: line-break tags become newlines, other tags go,
/// entities are decoded (after the tags are gone, so `&lt;b&gt;` stays text). Anything else
/// is kept as it is.
pub fn html_to_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.trim().to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        // A tag only when it looks like one: `<` followed by a letter, `/` or `!`.
        let looks_like_tag = tail[1..].chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
        match (looks_like_tag, tail.find('>')) {
            (true, Some(end)) => {
                let tag = tail[1..end].trim_start_matches('/');
                let name: String = tag.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
                if matches!(name.as_str(), "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3") {
                    out.push('\n');
                }
                rest = &tail[end + 1..];
            }
            _ => {
                out.push('<');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    tidy_lines(&decode_entities(&out))
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;`, `&nbsp;` (as a space) and numeric references;
/// any other `&` stays as written.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        // An entity is ASCII up to its `;`, within a few characters: look no further.
        let end = tail.bytes().take(10).position(|b| b == b';');
        let decoded = end.and_then(|end| {
            let name = &tail[..end];
            let ch = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => match name.strip_prefix('#') {
                    Some(hex) if hex.starts_with(['x', 'X']) => u32::from_str_radix(&hex[1..], 16).ok().and_then(char::from_u32),
                    Some(dec) => dec.parse::<u32>().ok().and_then(char::from_u32),
                    None => None,
                },
            };
            ch.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &tail[used..];
            }
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Trim each line and the whole, and keep at most one blank line in a row.
fn tidy_lines(s: &str) -> String {
    let mut lines: Vec<&str> = Vec::new();
    for l in s.lines().map(str::trim) {
        if l.is_empty() && lines.last().is_none_or(|p| p.is_empty()) {
            continue;
        }
        lines.push(l);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn breaks_become_newlines_and_tags_go() {
        assert_eq!(html_to_text("IP removed<br>Please wait<br />"), "IP removed\nPlease wait");
        assert_eq!(html_to_text("<b>Not</b> Authorized!"), "Not Authorized!");
        assert_eq!(html_to_text("<script>alert(1)</script>x"), "alert(1)x");
    }

    #[test]
    fn entities_are_decoded_once() {
        assert_eq!(html_to_text("a &amp;lt; b &#169; &#x41; &bogus; &"), "a &lt; b \u{a9} A &bogus; &");
        assert_eq!(html_to_text("&lt;b&gt;bold&lt;/b&gt; x&nbsp;y"), "<b>bold</b> x y");
    }

    #[test]
    fn multi_byte_text_after_an_ampersand_is_kept() {
        assert_eq!(html_to_text("Bad &\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} name"), "Bad &\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} name");
        assert_eq!(html_to_text("<\u{e9}t\u{e9}> &\u{1f600};"), "<\u{e9}t\u{e9}> &\u{1f600};");
    }

    proptest::proptest! {
        /// Whatever Hostwinds sends, decoding ends in text (an `&` before multi-byte text
        /// once panicked here).
        #[test]
        fn any_message_decodes(s in "(&|<|>|;|#|x|[a-z]|[0-9]|\\PC){0,40}") {
            let _ = html_to_text(&s);
        }
    }

    #[test]
    fn lone_angle_brackets_are_text() {
        assert_eq!(html_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
    }
}
