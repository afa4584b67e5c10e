//! Where `/api` calls go: the in-process simulator or a Hostwinds endpoint over HTTP.

use crate::simulator::{Fault, SimReply, Simulator};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, ACCEPT, CONTENT_TYPE, USER_AGENT};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::proxy::Tunnel;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::proxy::matcher::Matcher;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;

/// The HTTP/1.1 client to Hostwinds: hyper-util's pooled client (keep-alive, idle timeout,
/// connections the server closed) over rustls with the webpki roots, bound to one URL.
///
/// Not reqwest: its redirect layer and its response each parsed the URL again on every call,
/// even with redirects off (~9% of the proxy's user-space CPU on a read, docs/benchmarks.md).
/// Nothing here follows a redirect: Hostwinds answers where it is asked, and a redirect would
/// resend the form, and its key, elsewhere. Cloning shares the pool.
#[derive(Clone)]
pub struct HttpClient {
    client: Client<HttpsConnector<Route>, Full<Bytes>>,
    url: Uri,
}

/// What went wrong with one request.
#[derive(Debug)]
pub enum CallError {
    /// No connection could be made (TCP, the proxy's tunnel or TLS): nothing was sent.
    Connect(BoxError),
    /// The request went out (or may have), and no whole answer came back.
    Broken(BoxError),
}

impl HttpClient {
    /// Send `req` to the client's URL (whatever URI `req` has) and read the whole answer.
    pub async fn send(&self, mut req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), CallError> {
        *req.uri_mut() = self.url.clone();
        let resp = self.client.request(req).await.map_err(|e| {
            if e.is_connect() {
                CallError::Connect(e.into())
            } else {
                CallError::Broken(e.into())
            }
        })?;
        let status = resp.status();
        // An answer cut off mid-way is an error here: the connection broke.
        let body = resp.into_body().collect().await.map_err(|e| CallError::Broken(e.into()))?.to_bytes();
        Ok((status, body))
    }
}

/// How a connection reaches Hostwinds: straight, or through the operator's HTTP proxy
/// (`HTTPS_PROXY`, with `NO_PROXY`, read once at start) as a CONNECT tunnel, TLS inside it.
#[derive(Clone)]
pub enum Route {
    Direct(HttpConnector),
    Tunnel(Tunnel<HttpConnector>),
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl tower::Service<Uri> for Route {
    type Response = TokioIo<TcpStream>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<TokioIo<TcpStream>, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        match self {
            Route::Direct(c) => c.poll_ready(cx).map_err(Into::into),
            Route::Tunnel(t) => t.poll_ready(cx).map_err(Into::into),
        }
    }

    // Only a new connection comes here (the pool keeps them), so one box per connect.
    fn call(&mut self, dst: Uri) -> Self::Future {
        match self {
            Route::Direct(c) => {
                let f = c.call(dst);
                Box::pin(async move { f.await.map_err(Into::into) })
            }
            Route::Tunnel(t) => {
                let f = t.call(dst);
                Box::pin(async move { f.await.map_err(Into::into) })
            }
        }
    }
}

/// An HTTP proxy to reach Hostwinds through: its address, and its credentials if its URL
/// had them (sent as Proxy-Authorization, never logged).
#[derive(Clone)]
pub struct Via {
    proxy: Uri,
    auth: Option<HeaderValue>,
}

impl Via {
    /// The proxy the environment names for `url` (`HTTPS_PROXY`/`https_proxy`, `ALL_PROXY`,
    /// minus `NO_PROXY`), as reqwest chose it. Plain-http upstreams (a local simulator) and
    /// `https://` proxies (TLS to the proxy itself is not supported) are `Ok(None)` and an
    /// error respectively.
    pub fn from_env(url: &str) -> Result<Option<Via>, String> {
        Via::from_matcher(url, &Matcher::from_env())
    }

    /// `proxy` (an `http://host:port` URL) for an https `url`.
    pub fn parse(url: &str, proxy: &str) -> Result<Option<Via>, String> {
        Via::from_matcher(url, &Matcher::builder().https(proxy).build())
    }

    fn from_matcher(url: &str, m: &Matcher) -> Result<Option<Via>, String> {
        let Ok(uri) = url.parse::<Uri>() else { return Ok(None) };
        if uri.scheme_str() != Some("https") {
            return Ok(None);
        }
        let Some(i) = m.intercept(&uri) else { return Ok(None) };
        if i.uri().scheme_str() != Some("http") || i.uri().host().is_none() {
            return Err(format!(
                "the HTTP proxy for {url} must be an http://host:port URL (TLS to the proxy itself is not supported), not {}://{}",
                i.uri().scheme_str().unwrap_or(""),
                i.uri().host().unwrap_or("")
            ));
        }
        Ok(Some(Via { proxy: i.uri().clone(), auth: i.basic_auth().cloned() }))
    }

    /// host:port, for the start-up line (no credentials).
    pub fn describe(&self) -> String {
        let host = self.proxy.host().unwrap_or("");
        match self.proxy.port_u16() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_string(),
        }
    }
}

/// The client `Upstream::http` calls `url` with (an https URL: only over TLS). Public for the
/// bench's floor (`examples/proxy_floor.rs`), which forwards with this very client and nothing
/// else.
pub fn http_client(url: &Uri, timeout: Duration, via: Option<&Via>) -> Result<HttpClient, String> {
    let https = url.scheme_str() == Some("https");
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    // A form is one small write: waiting for Nagle's ACK would only add latency.
    tcp.set_nodelay(true);
    tcp.set_connect_timeout(Some(connect_timeout(timeout)));
    let route = match via {
        None => Route::Direct(tcp),
        Some(v) => {
            let t = Tunnel::new(v.proxy.clone(), tcp);
            Route::Tunnel(match &v.auth {
                Some(a) => t.with_auth(a.clone()),
                None => t,
            })
        }
    };
    let connector = hyper_rustls::HttpsConnectorBuilder::new().with_webpki_roots();
    // An https URL is only ever called over TLS; plain http is for a local simulator.
    let connector = if https { connector.https_only() } else { connector.https_or_http() };
    let connector = connector.enable_http1().wrap_connector(route);
    let client = Client::builder(TokioExecutor::new())
        // Idle connections are closed after 90 s, at most 32 kept (nginx's `keepalive 32` in
        // the bench).
        .pool_timer(TokioTimer::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_max_idle_per_host(32)
        .build(connector);
    Ok(HttpClient { client, url: url.clone() })
}

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
    Http { url: Uri, client: HttpClient, timeout: Duration },
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

    /// Hostwinds at `url`, connected to directly.
    pub fn http(url: &str, timeout: Duration) -> Result<Upstream, String> {
        Upstream::http_via(url, timeout, None)
    }

    /// Hostwinds at `url`, through `via` when given (see `Via`).
    pub fn http_via(url: &str, timeout: Duration, via: Option<&Via>) -> Result<Upstream, String> {
        // Parsed once, here: a bad URL is an error at start, never on a call.
        let uri: Uri = url.parse().map_err(|e| format!("the upstream URL {url} is not a URL: {e}"))?;
        if !matches!(uri.scheme_str(), Some("https" | "http")) {
            return Err(format!("the upstream URL {url} must start with https:// or http://"));
        }
        if uri.host().is_none_or(str::is_empty) {
            return Err(format!("the upstream URL {url} has no host"));
        }
        let client = http_client(&uri, timeout, via)?;
        Ok(Upstream::Http { url: uri, client, timeout })
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
                    let real = || sim.handle(&pairs);
                    let reply = |r: SimReply| Reply { status: r.status, body: r.body };
                    match sim.faults().next() {
                        Fault::Pass => Ok(reply(real())),
                        Fault::Delay(d) => {
                            tokio::time::sleep(d).await;
                            Ok(reply(real()))
                        }
                        Fault::Hang => std::future::pending().await,
                        Fault::Refuse => Err(UpstreamError::Connect("Connection refused (os error 111)".into())),
                        Fault::Replace { status, body } => Ok(Reply { status, body }),
                        // The call happened; its answer was cut off on the way.
                        Fault::Truncate => Ok(reply(real().truncated())),
                    }
                };
                tokio::time::timeout(*timeout, answer).await.unwrap_or(Err(UpstreamError::Timeout(*timeout)))
            }
            Upstream::Http { client, timeout, .. } => {
                let req = Request::builder()
                    .method(Method::POST)
                    .header(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"))
                    .header(USER_AGENT, HeaderValue::from_static(concat!("hostwinds-proxy/", env!("CARGO_PKG_VERSION"))))
                    .header(ACCEPT, HeaderValue::from_static("*/*"))
                    .body(Full::new(Bytes::from(encode(form))))
                    .map_err(|e| UpstreamError::Connect(format!("cannot make the request: {e}")))?;
                // One deadline for connecting, sending and reading the whole answer.
                let call = async {
                    let (status, bytes) = client.send(req).await.map_err(|e| classify(&e, *timeout))?;
                    let status = status.as_u16();
                    let body = String::from_utf8(Vec::from(bytes))
                        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
                    Ok(Reply { status, body })
                };
                tokio::time::timeout(*timeout, call).await.unwrap_or(Err(UpstreamError::Timeout(*timeout)))
            }
        }
    }
}

fn encode(form: &[(&str, String)]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form {
        ser.append_pair(k, v);
    }
    ser.finish()
}

fn classify(e: &CallError, timeout: Duration) -> UpstreamError {
    // The error text names neither the form nor the URL's query, so it cannot hold the key.
    match e {
        // The connector's own deadline (or the OS's): nothing was sent, so it is a failure to
        // connect, and a read may be tried again.
        CallError::Connect(e) if timed_out(e.as_ref()) => {
            UpstreamError::Connect(format!("no connection within {} s", connect_timeout(timeout).as_secs()))
        }
        CallError::Connect(e) => UpstreamError::Connect(root_cause(e.as_ref())),
        CallError::Broken(e) => UpstreamError::Broken(root_cause(e.as_ref())),
    }
}

/// How long connecting may take: the call's whole deadline, at most 10 s.
fn connect_timeout(timeout: Duration) -> Duration {
    timeout.min(Duration::from_secs(10))
}

fn timed_out(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut) {
            return true;
        }
        cur = err.source();
    }
    false
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}
