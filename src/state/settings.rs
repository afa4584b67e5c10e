//! Preferences kept in this browser: the proxy endpoint, with a default of same-origin `/api`.

use leptos::prelude::*;

pub const DEFAULT_ENDPOINT: &str = "/api";
const ENDPOINT_KEY: &str = "hostwinds.endpoint";
const POLL_KEY: &str = "hostwinds.poll_secs";
const LIMIT_KEY: &str = "hostwinds.watch_limit_secs";
// index.html reads it too, to paint its loading frame in the chosen theme.
const THEME_KEY: &str = "hostwinds.theme";
const ROWS_KEY: &str = "hostwinds.rows_per_page";

/// Rows per page of the IP table. 25 by default (as Linode's console): a search keystroke on a
/// 10,000-IP server then takes about a frame's 16 ms on these machines (13–21 ms across bench
/// runs), where 50 rows take 20–29 ms, most of it laying out the new text (`cargo xtask bench`
/// measures both).
pub const ROWS_PER_PAGE: [usize; 4] = [25, 50, 100, 200];
pub const DEFAULT_ROWS_PER_PAGE: usize = 25;

/// One of [`ROWS_PER_PAGE`].
pub fn parse_rows_per_page(s: &str) -> Option<usize> {
    s.trim().parse().ok().filter(|n| ROWS_PER_PAGE.contains(n))
}

/// Light or dark: the system's choice unless set here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn parse(s: &str) -> Theme {
        match s {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }
}
pub const DEFAULT_POLL_SECS: u32 = 3;
pub const DEFAULT_WATCH_LIMIT_SECS: u32 = 300;

/// App-wide settings, provided once at the top as context.
#[derive(Clone, Copy)]
pub struct Settings {
    /// The proxy endpoint every call goes to.
    pub endpoint: RwSignal<String>,
    /// How often a queued task (main IP change, networking rebuild) is checked.
    pub poll_secs: RwSignal<u32>,
    /// How long it is watched before the screen says it has not happened yet.
    pub watch_limit_secs: RwSignal<u32>,
    pub theme: RwSignal<Theme>,
    pub rows_per_page: RwSignal<usize>,
}

impl Settings {
    /// Read the saved settings, falling back to defaults for anything missing or invalid.
    pub fn load() -> Self {
        let get = |k: &str| storage().and_then(|s| s.get_item(k).ok().flatten());
        let saved = get(ENDPOINT_KEY)
            .and_then(|v| parse_endpoint(&v).ok())
            .unwrap_or_else(|| DEFAULT_ENDPOINT.to_string());
        let poll = get(POLL_KEY).and_then(|v| parse_poll_secs(&v).ok()).unwrap_or(DEFAULT_POLL_SECS);
        let limit = get(LIMIT_KEY).and_then(|v| parse_watch_limit(&v).ok()).unwrap_or(DEFAULT_WATCH_LIMIT_SECS);
        let theme = get(THEME_KEY).map(|t| Theme::parse(&t)).unwrap_or(Theme::System);
        let rows = get(ROWS_KEY).and_then(|v| parse_rows_per_page(&v)).unwrap_or(DEFAULT_ROWS_PER_PAGE);
        apply_theme(theme);
        Settings {
            endpoint: RwSignal::new(saved),
            poll_secs: RwSignal::new(poll),
            watch_limit_secs: RwSignal::new(limit),
            theme: RwSignal::new(theme),
            rows_per_page: RwSignal::new(rows),
        }
    }

    pub fn save_theme(&self, theme: Theme) {
        if let Some(s) = storage() {
            let _ = match theme {
                Theme::System => s.remove_item(THEME_KEY),
                t => s.set_item(THEME_KEY, t.key()),
            };
        }
        apply_theme(theme);
        self.theme.set(theme);
    }

    /// Keep the IP table's page size (one of [`ROWS_PER_PAGE`]); storage failing only
    /// means it is not remembered.
    pub fn save_rows_per_page(&self, rows: usize) {
        if !ROWS_PER_PAGE.contains(&rows) {
            return;
        }
        if let Some(s) = storage() {
            let _ = if rows == DEFAULT_ROWS_PER_PAGE { s.remove_item(ROWS_KEY) } else { s.set_item(ROWS_KEY, &rows.to_string()) };
        }
        self.rows_per_page.set(rows);
    }

    /// Keep validated watch timings.
    pub fn save_timings(&self, poll: u32, limit: u32) -> Result<(), String> {
        if let Some(s) = storage() {
            s.set_item(POLL_KEY, &poll.to_string())
                .and_then(|_| s.set_item(LIMIT_KEY, &limit.to_string()))
                .map_err(|_| "The browser refused to store the setting (storage full or disabled).".to_string())?;
        }
        self.poll_secs.set(poll);
        self.watch_limit_secs.set(limit);
        Ok(())
    }

    /// Keep a validated endpoint, in memory and in localStorage.
    pub fn save_endpoint(&self, endpoint: String) -> Result<(), String> {
        if let Some(s) = storage() {
            let r = if endpoint == DEFAULT_ENDPOINT {
                s.remove_item(ENDPOINT_KEY)
            } else {
                s.set_item(ENDPOINT_KEY, &endpoint)
            };
            r.map_err(|_| "The browser refused to store the setting (storage full or disabled).".to_string())?;
        }
        self.endpoint.set(endpoint);
        Ok(())
    }
}

/// `data-theme` on <html> picks the colours (style/main.css); none follows the system.
fn apply_theme(theme: Theme) {
    let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) else { return };
    let _ = match theme {
        Theme::System => root.remove_attribute("data-theme"),
        t => root.set_attribute("data-theme", t.key()),
    };
}

pub fn use_settings() -> Settings {
    expect_context::<Settings>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// A proxy endpoint: a same-origin path (`/api`) or an absolute http(s) URL.
pub fn parse_endpoint(input: &str) -> Result<String, String> {
    let s = input.trim();
    let help = "Enter a path on this site such as /api, or a full URL such as https://console.example.com/api.";
    if s.is_empty() {
        return Err(format!("The endpoint is empty. {help}"));
    }
    if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("The endpoint cannot contain spaces. {help}"));
    }
    if let Some(rest) = s.strip_prefix('/') {
        if rest.starts_with('/') {
            return Err(format!("A path cannot start with //. {help}"));
        }
        return Ok(s.to_string());
    }
    let lower = s.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| format!("\u{201c}{s}\u{201d} is neither a path nor an http(s) URL. {help}"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_only = host.rsplit('@').next().unwrap_or(host);
    if host_only.is_empty() || host_only.starts_with(':') {
        return Err(format!("The URL has no host name. {help}"));
    }
    if host.contains('@') {
        return Err("Do not put a user name or password in the endpoint URL.".to_string());
    }
    Ok(s.to_string())
}

/// Seconds between checks of a queued task: 1 to 60.
pub fn parse_poll_secs(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=60).contains(&n) => Ok(n),
        _ => Err("Check every 1 to 60 seconds.".into()),
    }
}

/// Seconds to watch a queued task: 5 s to 2 h.
pub fn parse_watch_limit(s: &str) -> Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (5..=7200).contains(&n) => Ok(n),
        _ => Err("Watch for 5 to 7200 seconds.".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_endpoint, parse_poll_secs, parse_rows_per_page, parse_watch_limit};

    #[test]
    fn rows_per_page_is_one_of_the_choices() {
        assert_eq!(parse_rows_per_page("50"), Some(50));
        assert_eq!(parse_rows_per_page(" 200 "), Some(200));
        assert_eq!(parse_rows_per_page("60"), None);
        assert_eq!(parse_rows_per_page("0"), None);
        assert_eq!(parse_rows_per_page("lots"), None);
    }

    #[test]
    fn watch_timings_are_bounded() {
        assert_eq!(parse_poll_secs(" 3 "), Ok(3));
        assert!(parse_poll_secs("0").is_err() && parse_poll_secs("61").is_err() && parse_poll_secs("x").is_err());
        assert_eq!(parse_watch_limit("300"), Ok(300));
        assert!(parse_watch_limit("4").is_err() && parse_watch_limit("-5").is_err());
    }

    #[test]
    fn endpoints_are_paths_or_http_urls() {
        assert_eq!(parse_endpoint(" /api ").unwrap(), "/api");
        assert!(parse_endpoint("https://console.example.com/api").is_ok());
        assert!(parse_endpoint("http://127.0.0.1:8080/api").is_ok());
    }

    #[test]
    fn bad_endpoints_say_why() {
        assert!(parse_endpoint("").unwrap_err().contains("empty"));
        assert!(parse_endpoint("api").unwrap_err().contains("neither"));
        assert!(parse_endpoint("ftp://x/api").is_err());
        assert!(parse_endpoint("//evil.example/api").is_err());
        assert!(parse_endpoint("https:///api").unwrap_err().contains("host"));
        assert!(parse_endpoint("/a pi").unwrap_err().contains("spaces"));
        assert!(parse_endpoint("https://user:pw@x.example/api").unwrap_err().contains("password"));
    }
}
