//! `cargo xtask load`: N concurrent clients reading through the proxy (simulator upstream,
//! optionally with a fault preset) for a bounded time. Reports throughput, p50/p99 latency,
//! errors, wrong answers and the proxy's memory before and after. Not a test: figures only,
//! except that any wrong answer makes it fail.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Options {
    pub clients: usize,
    pub secs: u64,
    pub faults: String,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut o = Options { clients: 16, secs: 10, faults: "none".into() };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut val = || it.next().cloned().ok_or_else(|| format!("{a} needs a value"));
            match a.as_str() {
                "--clients" => o.clients = val()?.parse().map_err(|_| "--clients: a number")?,
                "--secs" => o.secs = val()?.parse().map_err(|_| "--secs: a number")?,
                "--faults" => o.faults = val()?,
                other => return Err(format!("unknown option {other}: use --clients N --secs S --faults PRESET")),
            }
        }
        if o.clients == 0 || o.clients > 1024 || o.secs == 0 || o.secs > 3600 {
            return Err("--clients 1..1024, --secs 1..3600".into());
        }
        Ok(o)
    }
}

/// The hostnames the simulator seeds, by service id: what a right answer must name.
const SERVERS: [(u64, &str); 5] = [
    (20001, "mx1.mail.example.com"),
    (20002, "mx2.mail.example.com"),
    (20003, "web1.example.net"),
    (20004, "relay.example.org"),
    (20005, "warmup.example.com"),
];

fn rss_kib(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    s.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

struct Conn {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    /// One HTTP/1.1 request on a kept-alive connection; (status, headers, body).
    fn request(&mut self, raw: &str) -> std::io::Result<(u16, String, String)> {
        if self.stream.is_none() {
            let s = TcpStream::connect(&self.addr)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(60)))?;
            self.stream = Some(BufReader::new(s));
        }
        let r = self.exchange(raw);
        if r.is_err() {
            self.stream = None;
        }
        r
    }

    fn exchange(&mut self, raw: &str) -> std::io::Result<(u16, String, String)> {
        let s = self.stream.as_mut().expect("connected");
        s.get_mut().write_all(raw.as_bytes())?;
        let mut status_line = String::new();
        s.read_line(&mut status_line)?;
        let status: u16 = status_line.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let mut headers = String::new();
        let mut len = 0usize;
        let mut close = false;
        loop {
            let mut line = String::new();
            if s.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("connection:") && lower.contains("close") {
                close = true;
            }
            headers.push_str(&line);
        }
        let mut body = vec![0u8; len];
        s.read_exact(&mut body)?;
        if close {
            self.stream = None;
        }
        Ok((status, headers, String::from_utf8_lossy(&body).into_owned()))
    }
}

fn post(host: &str, path: &str, cookie: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\nX-Hostwinds-Console: 1\r\n{cookie}Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    ok: u64,
    errors: u64,
    wrong: u64,
    wrong_examples: Vec<String>,
}

pub fn run(root: &Path, o: Options) -> Result<(), String> {
    eprintln!("xtask: building the proxy (profile server)");
    crate::run(Command::new("cargo").args(["build", "--quiet", "--profile", "server", "-p", "hostwinds-proxy"]).current_dir(root))?;
    let target = crate::console::target_dir(root);
    let bin = target.join("server").join("hostwinds-proxy");
    let mut child = Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0", "--dist", "/nonexistent", "--database", ":memory:"])
        .args(["--upstream", "sim", "--faults", &o.faults, "--upstream-timeout-secs", "5"])
        .env("RUST_LOG", "warn,hostwinds_proxy=info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let pid = child.id();
    let mut out = BufReader::new(child.stdout.take().ok_or("no proxy output")?);
    let addr = loop {
        let mut line = String::new();
        if out.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
            return Err("the proxy exited before listening".into());
        }
        if let Some(i) = line.find("http://") {
            let rest = &line[i + 7..];
            break rest.split_whitespace().next().unwrap_or("").to_string();
        }
    };
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = out.read_to_end(&mut sink);
    });

    let mut login = Conn { addr: addr.clone(), stream: None };
    let (status, headers, _) = login
        .request(&post(&addr, "/auth/login", "", "username=admin&password=admin"))
        .map_err(|e| format!("sign-in: {e}"))?;
    if status != 200 {
        return Err(format!("sign-in answered {status}"));
    }
    let cookie = headers
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .map(|c| format!("Cookie: {c}\r\n"))
        .ok_or("no session cookie")?;

    let rss_before = rss_kib(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let workers: Vec<_> = (0..o.clients)
        .map(|n| {
            let (addr, cookie, stop) = (addr.clone(), cookie.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut conn = Conn { addr: addr.clone(), stream: None };
                let mut t = Tally::default();
                let mut i = n;
                while !stop.load(Ordering::Relaxed) {
                    let (sid, host) = SERVERS[i % SERVERS.len()];
                    i += 1;
                    let req = post(&addr, "/api", &cookie, &format!("action=get_instance&serviceid={sid}"));
                    let t0 = Instant::now();
                    let Ok((status, headers, body)) = conn.request(&req) else {
                        t.errors += 1;
                        continue;
                    };
                    t.latencies_us.push(t0.elapsed().as_micros() as u64);
                    let up = headers
                        .lines()
                        .find_map(|l| l.to_ascii_lowercase().strip_prefix("x-upstream-status:").map(|v| v.trim().to_string()))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(status);
                    let outcome = hostwinds::decode(up, &body);
                    if !outcome.ok {
                        t.errors += 1;
                        continue;
                    }
                    // A success must be this server, and never carry a secret.
                    let named = outcome.data.as_ref().and_then(|d| d.get("hostname")).and_then(|h| h.as_str()) == Some(host);
                    if status != 200 || !named || body.contains("password") || body.contains("configkey") {
                        t.wrong += 1;
                        if t.wrong_examples.len() < 3 {
                            t.wrong_examples.push(format!("{status} for {sid}: {}", &body[..body.len().min(200)]));
                        }
                    } else {
                        t.ok += 1;
                    }
                }
                t
            })
        })
        .collect();
    std::thread::sleep(Duration::from_secs(o.secs));
    stop.store(true, Ordering::Relaxed);
    let mut all = Tally::default();
    for w in workers {
        let t = w.join().map_err(|_| "a client thread panicked")?;
        all.latencies_us.extend(t.latencies_us);
        all.ok += t.ok;
        all.errors += t.errors;
        all.wrong += t.wrong;
        all.wrong_examples.extend(t.wrong_examples);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let rss_after = rss_kib(pid);
    let _ = child.kill();
    let _ = child.wait();

    all.latencies_us.sort_unstable();
    let pct = |p: f64| -> f64 {
        if all.latencies_us.is_empty() {
            return 0.0;
        }
        let i = ((all.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        all.latencies_us[i] as f64 / 1000.0
    };
    let total = all.ok + all.errors + all.wrong;
    let kib = |v: Option<u64>| v.map(|k| format!("{:.1} MiB", k as f64 / 1024.0)).unwrap_or_else(|| "n/a".into());
    println!("| load: {} clients, {} s, faults {} | |", o.clients, o.secs, o.faults);
    println!("|---|---|");
    println!("| requests | {total} ({:.0}/s) |", total as f64 / elapsed);
    println!("| right answers | {} |", all.ok);
    println!("| errors (clear error answers) | {} |", all.errors);
    println!("| wrong answers | {} |", all.wrong);
    println!("| latency p50 / p99 | {:.2} ms / {:.2} ms |", pct(0.50), pct(0.99));
    println!("| proxy memory before / after | {} / {} |", kib(rss_before), kib(rss_after));
    for e in &all.wrong_examples {
        println!("wrong: {e}");
    }
    if all.wrong > 0 {
        return Err(format!("{} wrong answers", all.wrong));
    }
    Ok(())
}
