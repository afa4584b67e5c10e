//! Saving a file the console made (CSV export, firewall backup) through the browser.

use wasm_bindgen::JsCast;

pub fn save_file(name: &str, mime: &str, contents: &str) -> Result<(), String> {
    let fail = |what: &str| format!("The browser could not save {name}: {what}.");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(|_| fail("no Blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("no object URL"))?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or_else(|| fail("no document"))?;
    let a = document
        .create_element("a")
        .ok()
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
        .ok_or_else(|| fail("no link element"))?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// A file-name-safe form of a server name: letters, digits, dots and hyphens.
pub fn file_part(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c.to_ascii_lowercase() } else { '-' })
        .collect();
    let trimmed = cleaned.trim_matches(['-', '.']);
    if trimmed.is_empty() { "server".into() } else { trimmed.chars().take(60).collect() }
}

/// Today's date as YYYY-MM-DD, in the browser's time zone.
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date())
}

#[cfg(test)]
mod tests {
    use super::file_part;

    #[test]
    fn file_names_are_safe() {
        assert_eq!(file_part("MX1.mail.example.com"), "mx1.mail.example.com");
        assert_eq!(file_part("../etc/passwd"), "etc-passwd");
        assert_eq!(file_part("  "), "server");
    }
}
