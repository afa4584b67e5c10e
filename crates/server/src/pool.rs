//! The upstream's keep-alive connections: one origin (the Hostwinds endpoint), HTTP/1.1, a
//! stack of idle connections behind one lock.
//!
//! Not hyper-util's pooled client, which the proxy used before: it is built for any number of
//! hosts, HTTP/2 and connection races, and its checkout (keyed maps, oneshot channels, a
//! "when idle" task per response) cost ~0.2x nginx's CPU per read in the bench's floor, the
//! same stack otherwise (README "Measured"). The proxy only ever talks to one origin, one
//! request per connection at a time, so popping a ready connection and pushing it back once
//! its answer has been read is all the pooling it needs.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, HOST};
use hyper::{Request, StatusCode, Uri};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
// tokio's clock, not std's: the same in use, and one tests can move (the idle timeout).
use tokio::time::Instant;
use tower::{Service, ServiceExt};

/// Connections unused for longer are closed (as reqwest and hyper-util's pool had it).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// At most this many idle connections are kept (nginx's `keepalive 32` in the bench).
pub const MAX_IDLE: usize = 32;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What went wrong with one request.
#[derive(Debug)]
pub enum CallError {
    /// No connection could be made (TCP, the proxy's tunnel or TLS), or it closed before the
    /// request was written: nothing was sent.
    Connect(BoxError),
    /// The request went out (or may have), and no whole answer came back.
    Broken(BoxError),
}

/// A pool of connections to `origin`, made by `connector` (which returns a ready stream:
/// TCP, possibly through a tunnel, and TLS for https). Cloning shares the pool.
pub struct Pool<C> {
    inner: Arc<Inner<C>>,
}

impl<C> Clone for Pool<C> {
    fn clone(&self) -> Self {
        Pool { inner: self.inner.clone() }
    }
}

struct Inner<C> {
    connector: C,
    origin: Uri,
    /// The request line's target: the URL's path and query.
    target: Uri,
    host: HeaderValue,
    idle: Mutex<Vec<Idle>>,
}

struct Idle {
    sender: SendRequest<Full<Bytes>>,
    since: Instant,
}

impl Idle {
    fn usable(&self, now: Instant) -> bool {
        self.sender.is_ready() && now.duration_since(self.since) < IDLE_TIMEOUT
    }
}

impl<C, S> Pool<C>
where
    C: Service<Uri, Response = S> + Clone + Send + Sync + 'static,
    C::Error: Into<BoxError>,
    C::Future: Send,
    S: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
{
    /// A pool for `url` (an absolute http(s) URL with a host; checked by the caller). Within
    /// a tokio runtime, a task closes idle connections past `IDLE_TIMEOUT` even when no call
    /// comes; it ends with the pool.
    pub fn new(connector: C, url: Uri) -> Result<Pool<C>, String> {
        let authority = url.authority().ok_or_else(|| format!("{url} has no host"))?;
        // The Host header is the URL's host and port, never any credentials in it.
        let host = match authority.port() {
            Some(p) => format!("{}:{p}", authority.host()),
            None => authority.host().to_string(),
        };
        let host = HeaderValue::from_str(&host).map_err(|e| format!("{url}: {e}"))?;
        let target: Uri = url
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .parse()
            .map_err(|e| format!("{url}: {e}"))?;
        let inner = Arc::new(Inner { connector, origin: url, target, host, idle: Mutex::new(Vec::new()) });
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(sweep(Arc::downgrade(&inner)));
        }
        Ok(Pool { inner })
    }

    /// Send `req` (its URI and Host are set here) and read the whole answer. A connection is
    /// reused when one is idle and ready, and goes back to the pool only once its answer has
    /// been read in full: a call cut short (the caller's deadline) closes it.
    pub async fn send(&self, mut req: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), CallError> {
        *req.uri_mut() = self.inner.target.clone();
        req.headers_mut().insert(HOST, self.inner.host.clone());
        loop {
            let (mut sender, reused) = match self.checkout() {
                Some(s) => (s, true),
                // Boxed: connecting (TLS, a tunnel) is rare and its future large, and this
                // future is moved on every call (memmove was ~5% of the proxy's CPU on a read).
                None => (Box::pin(self.connect()).await?, false),
            };
            match sender.try_send_request(req).await {
                Ok(resp) => {
                    let status = resp.status();
                    let body = resp.into_body().collect().await.map_err(|e| CallError::Broken(e.into()))?.to_bytes();
                    self.checkin(sender);
                    return Ok((status, body));
                }
                Err(mut e) => match e.take_message() {
                    // A kept connection the server had closed, found out before anything was
                    // written: nothing was sent, so the request may go on another one.
                    Some(back) if reused => req = back,
                    // A new connection that closed before the request went out: still nothing
                    // was sent, which the caller may say (and a read may be tried again).
                    Some(_) => return Err(CallError::Connect(e.into_error().into())),
                    None => return Err(CallError::Broken(e.into_error().into())),
                },
            }
        }
    }

    fn checkout(&self) -> Option<SendRequest<Full<Bytes>>> {
        let now = Instant::now();
        let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
        // The most recently used first: the warmest, and the least likely to have been closed.
        while let Some(i) = idle.pop() {
            if i.usable(now) {
                return Some(i.sender);
            }
        }
        None
    }

    fn checkin(&self, sender: SendRequest<Full<Bytes>>) {
        if !sender.is_ready() {
            return;
        }
        let mut idle = self.inner.idle.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(Idle { sender, since: Instant::now() });
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, CallError> {
        let mut c = self.inner.connector.clone();
        let io = c
            .ready()
            .await
            .map_err(|e| CallError::Connect(e.into()))?
            .call(self.inner.origin.clone())
            .await
            .map_err(|e| CallError::Connect(e.into()))?;
        let (sender, conn) = hyper::client::conn::http1::handshake(io).await.map_err(|e| CallError::Connect(e.into()))?;
        // The connection's own task: it ends when the connection closes or its sender is
        // dropped (a connection let go of, or closed by the sweep).
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    /// How many idle connections are kept (tests).
    pub fn idle_count(&self) -> usize {
        self.inner.idle.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Every few seconds, drop the idle connections that are past `IDLE_TIMEOUT` or closed.
async fn sweep<C>(pool: Weak<Inner<C>>) {
    let mut tick = tokio::time::interval(Duration::from_secs(15));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(inner) = pool.upgrade() else { return };
        let now = Instant::now();
        inner.idle.lock().unwrap_or_else(|p| p.into_inner()).retain(|i| i.usable(now));
    }
}
