//! Where `/api` calls go: the in-process simulator or a Hostwinds endpoint over HTTP.

use crate::simulator::{Fault, Simulator};
use std::sync::Arc;
use std::time::Duration;

/// What came back from the upstream.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UpstreamError {
    /// No answer within the timeout: a mutation may or may not have been applied.
    Timeout(Duration),
    /// Could not connect: nothing was sent.
    Connect(String),
    /// Sent, but the answer could not be read.
    Broken(String),
}

pub enum Upstream {
    /// The in-process simulator, its faults applied, bounded by the same timeout as HTTP.
    Sim { sim: Arc<Simulator>, timeout: Duration },
    Http { url: reqwest::Url, client: reqwest::Client, timeout: Duration },
}

impl Upstream {
    pub fn sim(sim: Arc<Simulator>, timeout: Duration) -> Upstream {
        Upstream::Sim { sim, timeout }
    }

    pub fn simulator(&self) -> Option<&Arc<Simulator>> {
        match self {
            Upstream::Sim { sim, .. } => Some(sim),
            Upstream::Http { .. } => None,
        }
    }

    pub fn http(url: &str, timeout: Duration) -> Result<Upstream, String> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .user_agent(concat!("hostwinds-proxy/", env!("CARGO_PKG_VERSION")))
            // Hostwinds answers where it is asked; a redirect would resend the form (and its
            // key) elsewhere. Not following also skips a URL parse per call.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        // Parsed once: parsing (and IDNA-checking) the URL per call was a visible share of a read.
        let url = reqwest::Url::parse(url).map_err(|e| format!("the upstream URL {url} is not a URL: {e}"))?;
        Ok(Upstream::Http { url, client, timeout })
    }

    /// A short name for logs and /healthz: "sim", or the upstream's host.
    pub fn describe(&self) -> String {
        match self {
            Upstream::Sim { .. } => "sim".into(),
            Upstream::Http { url, .. } => url.to_string(),
        }
    }

    /// Send one form (the key already in it).
    pub async fn call(&self, form: &[(&str, String)]) -> Result<Reply, UpstreamError> {
        match self {
            Upstream::Sim { sim, timeout } => {
                let pairs: Vec<(String, String)> = form.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
                let answer = async {
                    let real = || {
                        let r = sim.handle(&pairs);
                        Reply { status: r.status, body: r.body }
                    };
                    match sim.faults().next() {
                        Fault::Pass => Ok(real()),
                        Fault::Delay(d) => {
                            tokio::time::sleep(d).await;
                            Ok(real())
                        }
                        Fault::Hang => std::future::pending().await,
                        Fault::Refuse => Err(UpstreamError::Connect("Connection refused (os error 111)".into())),
                        Fault::Replace { status, body } => Ok(Reply { status, body }),
                        // The call happened; its answer was cut off on the way.
                        Fault::Truncate => Ok(truncated(real())),
                    }
                };
                tokio::time::timeout(*timeout, answer).await.unwrap_or(Err(UpstreamError::Timeout(*timeout)))
            }
            Upstream::Http { url, client, timeout } => {
                let resp = client
                    .post(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(encode(form))
                    .send()
                    .await
                    .map_err(|e| classify(&e, *timeout))?;
                let status = resp.status().as_u16();
                // A body cut off mid-way is still worth decoding: decode reports it.
                let bytes = resp.bytes().await.map_err(|e| classify(&e, *timeout))?;
                let body = String::from_utf8(Vec::from(bytes)).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                Ok(Reply { status, body })
            }
        }
    }
}

/// The first half of an answer, cut at a character boundary.
pub fn truncated(r: Reply) -> Reply {
    let mut cut = r.body.len() / 2;
    while !r.body.is_char_boundary(cut) {
        cut -= 1;
    }
    Reply { status: r.status, body: r.body[..cut].to_string() }
}

fn encode(form: &[(&str, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form {
        ser.append_pair(k, v);
    }
    ser.finish()
}

fn classify(e: &reqwest::Error, timeout: Duration) -> UpstreamError {
    // The error text names the URL, never the form, so it cannot hold the key.
    if e.is_timeout() {
        UpstreamError::Timeout(timeout)
    } else if e.is_connect() {
        UpstreamError::Connect(root_cause(e))
    } else {
        UpstreamError::Broken(root_cause(e))
    }
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
