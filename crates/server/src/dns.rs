//! The DNS lookups of the deliverability checks, done by the proxy (a browser cannot ask for
//! PTR records): forward-confirmed rDNS and DNS blocklists, with a short cache.

use hickory_resolver::config::{LookupIpStrategy, NameServerConfigGroup, ResolveHosts, ResolverConfig};
use hickory_resolver::name_server::TokioConnectionProvider;
use hickory_resolver::{ResolveError, TokioResolver};
use hostwinds::dns::{blocklist_query, BlocklistReport, DnsCheck, Lookup, ZoneResult};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long answers are reused; `fresh` asks again.
pub const CHECK_TTL: Duration = Duration::from_secs(60);
pub const BLOCKLIST_TTL: Duration = Duration::from_secs(300);

pub struct Dns {
    resolver: TokioResolver,
    /// Where queries go, for /healthz and logs.
    pub describe: String,
    pub zones: Vec<String>,
    pub timeout: Duration,
    checks: Mutex<HashMap<(IpAddr, String), (Instant, DnsCheck)>>,
    lists: Mutex<HashMap<IpAddr, (Instant, BlocklistReport)>>,
    ptrs: Mutex<HashMap<IpAddr, (Instant, Lookup)>>,
}

impl Dns {
    /// Resolve through `server` (ip:port), or the system's resolvers (/etc/resolv.conf).
    pub fn new(server: Option<SocketAddr>, zones: Vec<String>, timeout: Duration) -> Result<Dns, String> {
        let (mut builder, describe) = match server {
            Some(addr) => {
                let group = NameServerConfigGroup::from_ips_clear(&[addr.ip()], addr.port(), true);
                let config = ResolverConfig::from_parts(None, vec![], group);
                (TokioResolver::builder_with_config(config, TokioConnectionProvider::default()), addr.to_string())
            }
            None => (
                TokioResolver::builder_tokio().map_err(|e| format!("cannot read the system's DNS configuration: {e}"))?,
                "system resolver".to_string(),
            ),
        };
        let o = builder.options_mut();
        o.timeout = timeout;
        o.attempts = 1;
        // Our own cache is the one that counts: `fresh` must really ask again.
        o.cache_size = 0;
        o.use_hosts_file = ResolveHosts::Never;
        o.ip_strategy = LookupIpStrategy::Ipv4AndIpv6;
        o.ndots = 0;
        Ok(Dns {
            resolver: builder.build(),
            describe,
            zones,
            timeout,
            checks: Mutex::new(HashMap::new()),
            lists: Mutex::new(HashMap::new()),
            ptrs: Mutex::new(HashMap::new()),
        })
    }

    /// Run a lookup within the timeout, read as found / nothing / failed.
    async fn lookup<T, F>(&self, fut: F, records: impl FnOnce(T) -> Vec<String>) -> Lookup
    where
        F: std::future::Future<Output = Result<T, ResolveError>>,
    {
        match tokio::time::timeout(self.timeout + Duration::from_millis(200), fut).await {
            Err(_) => Lookup::Failed { reason: format!("no answer within {} ms", self.timeout.as_millis()) },
            Ok(Ok(found)) => {
                let r = records(found);
                if r.is_empty() {
                    Lookup::Nothing
                } else {
                    Lookup::Found { records: r }
                }
            }
            Ok(Err(e)) if e.is_nx_domain() || e.is_no_records_found() => Lookup::Nothing,
            Ok(Err(e)) => Lookup::Failed { reason: short_error(&e) },
        }
    }

    /// Whether `name` and `ip` confirm each other (A/AAAA of the name, PTR of the IP).
    pub async fn check(&self, ip: IpAddr, name: &str, fresh: bool) -> DnsCheck {
        let key = (ip, name.to_ascii_lowercase());
        if !fresh {
            if let Some((at, c)) = lock(&self.checks).get(&key) {
                if at.elapsed() < CHECK_TTL {
                    return c.clone();
                }
            }
        }
        let absolute = format!("{}.", name.trim_end_matches('.'));
        let (forward, ptr) = tokio::join!(
            self.lookup(self.resolver.lookup_ip(absolute), |l| {
                let mut v: Vec<String> = l.iter().map(|a| a.to_string()).collect();
                v.sort();
                v.dedup();
                v
            }),
            self.lookup(self.resolver.reverse_lookup(ip), |l| l.iter().map(|p| p.to_string()).collect()),
        );
        let c = DnsCheck::judge(ip, name, forward, ptr);
        let mut cache = lock(&self.checks);
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(key, (Instant::now(), c.clone()));
        c
    }

    /// Drop the cached checks of `ip`: its PTR just changed (set_rdns through the proxy).
    pub fn forget(&self, ip: IpAddr) {
        lock(&self.checks).retain(|(i, _), _| *i != ip);
        lock(&self.ptrs).remove(&ip);
    }

    /// The PTR names of `ip`: the rDNS to show where Hostwinds' IP items carry none.
    pub async fn ptr(&self, ip: IpAddr) -> Lookup {
        if let Some((at, l)) = lock(&self.ptrs).get(&ip) {
            if at.elapsed() < CHECK_TTL {
                return l.clone();
            }
        }
        let l = self
            .lookup(self.resolver.reverse_lookup(ip), |l| l.iter().map(|p| p.to_string().trim_end_matches('.').to_string()).collect())
            .await;
        let mut cache = lock(&self.ptrs);
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(ip, (Instant::now(), l.clone()));
        l
    }

    /// `ip` against every configured blocklist zone, all at once.
    pub async fn blocklists(&self, ip: IpAddr, fresh: bool, now_ms: u64) -> BlocklistReport {
        if !fresh {
            if let Some((at, r)) = lock(&self.lists).get(&ip) {
                if at.elapsed() < BLOCKLIST_TTL {
                    return r.clone();
                }
            }
        }
        let queries = self.zones.iter().map(|zone| async move {
            let q = blocklist_query(ip, zone);
            let l = self.lookup(self.resolver.ipv4_lookup(q), |l| l.iter().map(|a| a.to_string()).collect()).await;
            ZoneResult::from_answer(zone, &l)
        });
        let zones = futures_util::future::join_all(queries).await;
        let r = BlocklistReport { ip: ip.to_string(), zones, checked_at_ms: now_ms };
        let mut cache = lock(&self.lists);
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(ip, (Instant::now(), r.clone()));
        r
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn short_error(e: &ResolveError) -> String {
    let s = e.to_string();
    let s = s.lines().next().unwrap_or("lookup failed").to_string();
    if s.len() > 160 {
        format!("{}\u{2026}", &s[..s.char_indices().take(160).last().map(|(i, _)| i).unwrap_or(0)])
    } else {
        s
    }
}
