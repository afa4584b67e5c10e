//! Hostwinds messages may hold HTML (`<br>`): they are shown as text, never as markup.

/// Turn an HTML fragment into plain text: line-break tags become newlines, other tags go,
/// common entities are decoded. Anything else is kept as it is.
pub fn html_to_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.trim().to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with('<') {
            // A tag only when it looks like one: `<` followed by a letter, `/` or `!`.
            let looks_like_tag = tail[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!');
            match (looks_like_tag, tail.find('>')) {
                (true, Some(end)) => {
                    let tag = tail[1..end].trim_start_matches('/').to_ascii_lowercase();
                    let tag_name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                    if matches!(tag_name.as_str(), "br" | "p" | "div" | "li" | "tr" | "h1" | "h2" | "h3") {
                        out.push('\n');
                    }
                    rest = &tail[end + 1..];
                }
                _ => {
                    out.push('<');
                    rest = &tail[1..];
                }
            }
        } else {
            let (decoded, used) = entity(tail);
            out.push_str(&decoded);
            rest = &tail[used..];
        }
    }
    out.push_str(rest);
    tidy_lines(&out)
}

/// Decode one entity at the start of `s` (which starts with `&`); returns the text and how
/// many bytes it used. An unknown entity stays as written.
fn entity(s: &str) -> (String, usize) {
    let Some(end) = s[..s.len().min(12)].find(';') else {
        return ("&".into(), 1);
    };
    let name = &s[1..end];
    let ch = match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        "nbsp" => Some(' '),
        _ if name.starts_with("#x") || name.starts_with("#X") => {
            u32::from_str_radix(&name[2..], 16).ok().and_then(char::from_u32)
        }
        _ if name.starts_with('#') => name[1..].parse::<u32>().ok().and_then(char::from_u32),
        _ => None,
    };
    match ch {
        Some(c) => (c.to_string(), end + 1),
        None => ("&".into(), 1),
    }
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
    }

    #[test]
    fn lone_angle_brackets_are_text() {
        assert_eq!(html_to_text("1 < 2 and 3 > 2"), "1 < 2 and 3 > 2");
    }
}
