//! An in-process Hostwinds double with the wire format of DESIGN.md and state in memory.
//!
//! It is deliberately not built on `hostwinds::Action::from_pairs`: it must answer the way
//! Hostwinds does (its messages, its envelopes), including to requests our own parser
//! would refuse. Time enters only through `handle_at`, so queued tasks are testable
//! without sleeping; nothing changes over time except queued tasks.

pub mod dns;
mod faults;
mod http;
mod seed;
pub mod zone;

pub use faults::{Fault, Faults, Preset};
pub use http::{apply_add_ip, apply_dns, apply_faults, router};

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How the simulator behaves; every field has a CLI flag on `serve` and `simulate`.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The key it accepts in the `API` field.
    pub api_key: String,
    /// How long change_main_ip and regenerate_networking take to finish.
    pub task_delay: Duration,
    /// Whether IP items carry an `rdns` field (the live API is only known to send `ip`).
    pub rdns_in_ip_items: bool,
    /// After this many main-IP changes within `cooldown_window`, change_main_ip still says
    /// success but the IP stops changing for `cooldown_hold` (as observed in the wild).
    pub cooldown_changes: usize,
    pub cooldown_window: Duration,
    pub cooldown_hold: Duration,
    /// The standing fault preset, and the seed of `flaky`.
    pub faults: Preset,
    pub seed: u64,
    /// The latency of `slow`.
    pub slow: Duration,
    /// Seed one more server (20099) with this many IPs, for large-table measurements.
    pub large_server_ips: usize,
}

impl SimConfig {
    pub fn new(api_key: impl Into<String>) -> Self {
        SimConfig {
            api_key: api_key.into(),
            task_delay: Duration::from_secs(5),
            rdns_in_ip_items: true,
            cooldown_changes: 3,
            cooldown_window: Duration::from_secs(15 * 60),
            cooldown_hold: Duration::from_secs(3 * 3600),
            faults: Preset::None,
            seed: 42,
            slow: Duration::from_secs(3),
            large_server_ips: 0,
        }
    }
}

/// One answer: HTTP status and body.
#[derive(Debug, Clone, PartialEq)]
pub struct SimReply {
    pub status: u16,
    pub body: String,
}

impl SimReply {
    /// Its first half, cut at a character boundary: the `truncate` fault.
    pub fn truncated(self) -> SimReply {
        let mut cut = self.body.len() / 2;
        while !self.body.is_char_boundary(cut) {
            cut -= 1;
        }
        SimReply { status: self.status, body: self.body[..cut].to_string() }
    }
}

#[derive(Debug, Clone)]
struct Server {
    serviceid: u64,
    hostname: String,
    srvrname: String,
    location_id: u32,
    main_ip: IpAddr,
    private_ip: IpAddr,
    /// Every IPv4 of the server, the main one first.
    ips: Vec<IpAddr>,
    ip_v6: Vec<IpAddr>,
    rdns: HashMap<IpAddr, String>,
    firewall: String,
    password: String,
    configkey: String,
    status: String,
    vm_state: String,
    task_state: Option<String>,
    power_state: String,
    /// When change_main_ip was accepted, for the cooldown.
    main_changes: Vec<Instant>,
}

#[derive(Debug, Clone)]
struct Rule {
    direction: String,
    ethertype: String,
    protocol: Option<String>,
    port_range_min: Option<u16>,
    port_range_max: Option<u16>,
    description: String,
}

#[derive(Debug, Clone)]
struct Profile {
    id: String,
    name: String,
    description: String,
    rules: Vec<Rule>,
}

#[derive(Debug, Clone)]
struct SmtpEntry {
    serviceid: u64,
    kind: String,
    created: String,
    invoice_id: u64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum TaskKind {
    ChangeMainIp,
    Regenerate,
}

#[derive(Debug, Clone)]
struct Task {
    serviceid: u64,
    kind: TaskKind,
    started: Instant,
    due: Instant,
    /// False when the cooldown swallowed a change: the task runs, the IP stays.
    effective: bool,
}

struct State {
    servers: BTreeMap<u64, Server>,
    pool: BTreeMap<u32, Vec<IpAddr>>,
    profiles: Vec<Profile>,
    smtp: Vec<SmtpEntry>,
    tasks: Vec<Task>,
    /// Until when each server's main IP is frozen by the cooldown.
    frozen_until: HashMap<u64, Instant>,
    next_invoice: u64,
    invoices: Vec<(u64, u64)>,
    zone: zone::Zone,
}

pub struct Simulator {
    cfg: SimConfig,
    state: Mutex<State>,
    faults: Faults,
}

const SERVICEID_ERROR: &str = "A valid serviceid is required.";

fn mutation(ok: bool, action: Option<&str>, message: &str) -> SimReply {
    let mut o = Map::new();
    o.insert("result".into(), json!(if ok { "success" } else { "error" }));
    if let Some(a) = action {
        o.insert("action".into(), json!(a));
    }
    o.insert("message".into(), json!(message));
    SimReply { status: 200, body: Value::Array(vec![Value::Object(o)]).to_string() }
}

fn read_ok(payload: Value) -> SimReply {
    SimReply { status: 200, body: json!({ "success": payload }).to_string() }
}

/// Reads answer errors as a bare object.
fn read_error(message: &str) -> SimReply {
    SimReply { status: 200, body: json!({"result": "error", "message": message}).to_string() }
}

impl Simulator {
    pub fn new(cfg: SimConfig) -> Self {
        let mut servers = seed::servers();
        if cfg.large_server_ips > 0 {
            servers.insert(20099, seed::large(cfg.large_server_ips));
        }
        let state = State {
            servers,
            pool: seed::pool(),
            profiles: seed::profiles(),
            smtp: seed::smtp_filters(),
            tasks: Vec::new(),
            frozen_until: HashMap::new(),
            next_invoice: 900_001,
            invoices: Vec::new(),
            zone: zone::Zone::seed(),
        };
        let mut faults = Faults::new(cfg.faults, cfg.seed);
        faults.slow = cfg.slow;
        Simulator { cfg, state: Mutex::new(state), faults }
    }

    pub fn config(&self) -> &SimConfig {
        &self.cfg
    }

    pub fn faults(&self) -> &Faults {
        &self.faults
    }

    /// Answer one form-encoded request, as `POST /cloud/api.php` does.
    pub fn handle_form(&self, body: &[u8]) -> SimReply {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        self.handle_at(Instant::now(), &pairs)
    }

    pub fn handle(&self, pairs: &[(String, String)]) -> SimReply {
        self.handle_at(Instant::now(), pairs)
    }

    pub fn handle_at(&self, now: Instant, pairs: &[(String, String)]) -> SimReply {
        let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim());
        if get("API") != Some(self.cfg.api_key.as_str()) {
            return SimReply {
                status: 401,
                body: json!({"result": "error", "message": "Not Authorized!"}).to_string(),
            };
        }
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.advance(now);
        let action = get("action").unwrap_or("");
        let sid = get("serviceid").and_then(|s| s.parse::<u64>().ok());
        match action {
            "get_instances" => {
                let map: Map<String, Value> =
                    st.servers.values().map(|s| (s.serviceid.to_string(), s.to_json())).collect();
                read_ok(Value::Object(map))
            }
            "get_instance" => match sid.and_then(|id| st.servers.get(&id)) {
                Some(s) => read_ok(s.to_json()),
                None => read_error(SERVICEID_ERROR),
            },
            "get_instance_ips" => {
                let Some(s) = sid.and_then(|id| st.servers.get(&id)) else {
                    return read_error(SERVICEID_ERROR);
                };
                let location = match get("location_id").filter(|l| !l.is_empty()) {
                    None => None,
                    Some(l) => match l.parse::<u32>().ok().filter(|l| seed::LOCATIONS.contains(l)) {
                        Some(l) => Some(l),
                        None => return read_error("Location Id is invalid."),
                    },
                };
                let items: Vec<Value> = if location.is_some_and(|l| l != s.location_id) {
                    Vec::new()
                } else {
                    s.ips
                        .iter()
                        .chain(&s.ip_v6)
                        .map(|ip| {
                            let mut o = Map::new();
                            o.insert("ip".into(), json!(ip.to_string()));
                            if self.cfg.rdns_in_ip_items {
                                if let Some(n) = s.rdns.get(ip) {
                                    o.insert("rdns".into(), json!(n));
                                }
                            }
                            Value::Object(o)
                        })
                        .collect()
                };
                read_ok(json!({ "IP Addresses": items }))
            }
            "change_main_ip" => st.change_main_ip(&self.cfg, now, sid),
            "set_main_ip" => st.set_main_ip(sid, get("ip")),
            "delete_ip" => st.delete_ip(sid, get("ip")),
            "regenerate_networking" => st.regenerate(&self.cfg, now, sid),
            "set_rdns" => {
                let Some(s) = sid.and_then(|id| st.servers.get_mut(&id)) else {
                    return mutation(false, Some("Set rDNS"), SERVICEID_ERROR);
                };
                let Some(ip) = get("ip").and_then(|i| i.parse::<IpAddr>().ok()).filter(|i| s.holds(i)) else {
                    return mutation(false, Some("Set rDNS"), "The IP address is not assigned to this server.");
                };
                let name = get("rdns").filter(|n| !n.is_empty()).or_else(|| get("rdata"));
                match name.and_then(|n| hostwinds::RdnsName::parse(n).ok()) {
                    Some(n) => {
                        s.rdns.insert(ip, n.to_string());
                        mutation(true, Some("Set rDNS"), "rDNS record updated.")
                    }
                    None => mutation(false, Some("Set rDNS"), "A valid rDNS hostname is required."),
                }
            }
            "get_instance_firewall_profile" => {
                let Some(s) = sid.and_then(|id| st.servers.get(&id)) else {
                    return read_error(SERVICEID_ERROR);
                };
                match st.profiles.iter().find(|p| p.name == s.firewall) {
                    Some(p) => read_ok(p.to_json()),
                    None => read_error("Firewall profile not found."),
                }
            }
            "get_firewall_profiles" => read_ok(Value::Array(st.profiles.iter().map(Profile::to_json).collect())),
            "set_instance_firewall" => {
                const A: &str = "Set Instance Firewall Profile";
                let name = get("name").unwrap_or("").to_string();
                let known = st.profiles.iter().any(|p| p.name == name);
                let Some(s) = sid.and_then(|id| st.servers.get_mut(&id)) else {
                    return mutation(false, Some(A), SERVICEID_ERROR);
                };
                if !known {
                    return mutation(false, Some(A), "A valid firewall profile name is required.");
                }
                s.firewall = name;
                mutation(true, Some(A), "Instances firewall profile has been updated.")
            }
            "get_smtp_filters" => {
                if get("serviceid").is_some_and(|s| !s.is_empty()) && !sid.is_some_and(|id| st.servers.contains_key(&id)) {
                    return read_error(SERVICEID_ERROR);
                }
                let spam: Vec<Value> = st
                    .smtp
                    .iter()
                    .filter(|f| sid.is_none_or(|id| f.serviceid == id))
                    .map(|f| json!({"type": f.kind, "created": f.created, "invoice_id": f.invoice_id}))
                    .collect();
                read_ok(json!({ "spam": spam }))
            }
            "create_ip_cleanup_fee" => {
                const A: &str = "Create IP Cleanup Fee";
                let Some(id) = sid.filter(|id| st.servers.contains_key(id)) else {
                    return mutation(false, Some(A), SERVICEID_ERROR);
                };
                let inv = st.next_invoice;
                st.next_invoice += 1;
                st.invoices.push((id, inv));
                // The documented success message is this copy-paste text, with result success.
                mutation(true, Some(A), SERVICEID_ERROR)
            }
            _ => SimReply {
                status: 200,
                body: json!([{"result": "error", "message": "Invalid Action.", "ERROR": "0x0001"}]).to_string(),
            },
        }
    }

    /// What the loopback DNS server answers: PTRs from the servers' rDNS, the rest from the zone.
    pub fn dns_answer(&self, qname: &str, qtype: zone::QueryType) -> zone::Answer {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let rdns = |ip: IpAddr| st.servers.values().find_map(|s| s.holds(&ip).then(|| s.rdns.get(&ip).cloned()).flatten());
        st.zone.answer(qname, qtype, rdns)
    }

    /// Change the DNS test zone (`POST /__sim/dns`, see `Zone::apply`).
    pub fn change_dns(&self, form: &[(String, String)]) -> Result<String, String> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).zone.apply(form)
    }

    /// Add a secondary IP from the location's pool, as ordering one in the Hostwinds portal
    /// does (`POST /__sim/ips`): the console's allocation workflow starts from there.
    pub fn add_ip(&self, serviceid: u64) -> Result<IpAddr, String> {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let loc = st.servers.get(&serviceid).map(|s| s.location_id).ok_or_else(|| format!("no server {serviceid}"))?;
        let pool = st.pool.entry(loc).or_default();
        if pool.is_empty() {
            return Err(format!("location {loc} has no free IPs left"));
        }
        let ip = pool.remove(0);
        if let Some(s) = st.servers.get_mut(&serviceid) {
            s.ips.push(ip);
        }
        Ok(ip)
    }

    /// Cleanup-fee invoices raised so far, as (serviceid, invoice id): for tests.
    pub fn invoices(&self) -> Vec<(u64, u64)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).invoices.clone()
    }
}

fn pending_message(id: u64) -> String {
    format!("Server#{id} has a task in progress. Try again when it has finished.")
}

impl State {
    /// Finish the tasks that are due and move running ones through their phases.
    fn advance(&mut self, now: Instant) {
        let mut remaining = Vec::new();
        for t in std::mem::take(&mut self.tasks) {
            let Some(s) = self.servers.get_mut(&t.serviceid) else { continue };
            if now >= t.due {
                match t.kind {
                    TaskKind::ChangeMainIp if t.effective => {
                        let pool = self.pool.entry(s.location_id).or_default();
                        if !pool.is_empty() {
                            let new_ip = pool.remove(0);
                            // The old main IP stays on the server as a secondary.
                            s.ips.insert(0, new_ip);
                            s.main_ip = new_ip;
                        }
                    }
                    _ => {}
                }
                s.status = "ACTIVE".into();
                s.vm_state = "active".into();
                s.task_state = None;
                s.power_state = "Running".into();
            } else {
                if t.kind == TaskKind::Regenerate && now >= t.started + (t.due - t.started) / 2 {
                    s.status = "REBOOT".into();
                    s.task_state = Some("rebooting".into());
                    s.power_state = "Shutdown".into();
                }
                remaining.push(t);
            }
        }
        self.tasks = remaining;
    }

    fn change_main_ip(&mut self, cfg: &SimConfig, now: Instant, sid: Option<u64>) -> SimReply {
        const A: &str = "Change Main IP";
        let Some(s) = sid.and_then(|id| self.servers.get_mut(&id)) else {
            return mutation(false, Some(A), SERVICEID_ERROR);
        };
        let id = s.serviceid;
        if self.tasks.iter().any(|t| t.serviceid == id) {
            return mutation(false, Some(A), &pending_message(id));
        }
        s.main_changes.retain(|t| now.duration_since(*t) < cfg.cooldown_window);
        s.main_changes.push(now);
        if s.main_changes.len() > cfg.cooldown_changes {
            self.frozen_until.insert(id, now + cfg.cooldown_hold);
        }
        let effective = self.frozen_until.get(&id).is_none_or(|until| now >= *until);
        s.task_state = Some("changing_ip".into());
        self.tasks.push(Task { serviceid: id, kind: TaskKind::ChangeMainIp, started: now, due: now + cfg.task_delay, effective });
        // Success means queued, and is said even when the cooldown will swallow the change.
        mutation(true, Some(A), "Main IP address changed successfully!")
    }

    fn regenerate(&mut self, cfg: &SimConfig, now: Instant, sid: Option<u64>) -> SimReply {
        const A: &str = "Regenerate Networking";
        let Some(s) = sid.and_then(|id| self.servers.get_mut(&id)) else {
            return mutation(false, Some(A), SERVICEID_ERROR);
        };
        let id = s.serviceid;
        if self.tasks.iter().any(|t| t.serviceid == id) {
            return mutation(false, Some(A), &pending_message(id));
        }
        s.status = "REBUILD".into();
        s.task_state = Some("rebuilding_networking".into());
        self.tasks.push(Task { serviceid: id, kind: TaskKind::Regenerate, started: now, due: now + cfg.task_delay, effective: true });
        mutation(true, Some(A), &format!("Regenerating Network for Server#{id}"))
    }

    fn set_main_ip(&mut self, sid: Option<u64>, ip: Option<&str>) -> SimReply {
        let Some(s) = sid.and_then(|id| self.servers.get_mut(&id)) else {
            return mutation(false, None, SERVICEID_ERROR);
        };
        match ip.and_then(|i| i.parse::<IpAddr>().ok()) {
            Some(ip) if s.ips.contains(&ip) => {
                s.ips.retain(|x| *x != ip);
                s.ips.insert(0, ip);
                s.main_ip = ip;
                mutation(true, None, "Main IP set")
            }
            Some(ip) if s.ip_v6.contains(&ip) => mutation(false, None, "The main IP must be an IPv4 address."),
            _ => mutation(false, None, "The IP address is not assigned to this server."),
        }
    }

    fn delete_ip(&mut self, sid: Option<u64>, ip: Option<&str>) -> SimReply {
        const A: &str = "Delete IP";
        let Some(s) = sid.and_then(|id| self.servers.get_mut(&id)) else {
            return mutation(false, Some(A), SERVICEID_ERROR);
        };
        let Some(ip) = ip.and_then(|i| i.parse::<IpAddr>().ok()).filter(|i| s.holds(i)) else {
            return mutation(false, Some(A), "The IP address is not assigned to this server.");
        };
        if ip == s.main_ip {
            return mutation(false, Some(A), "Cannot delete the primary IP address.");
        }
        s.ips.retain(|x| *x != ip);
        s.ip_v6.retain(|x| *x != ip);
        s.rdns.remove(&ip);
        if ip.is_ipv4() {
            self.pool.entry(s.location_id).or_default().push(ip);
        }
        mutation(true, Some(A), "IP removed")
    }
}

impl Server {
    fn holds(&self, ip: &IpAddr) -> bool {
        self.ips.contains(ip) || self.ip_v6.contains(ip)
    }

    /// The instance object, with the fields named in DESIGN.md only (secrets included,
    /// as the live API sends them).
    fn to_json(&self) -> Value {
        let join = |v: &[IpAddr]| v.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
        json!({
            "main_ip": self.main_ip.to_string(),
            "private_ip": self.private_ip.to_string(),
            "ips": join(&self.ips),
            "ip_v6": join(&self.ip_v6),
            "location_id": self.location_id.to_string(),
            "hostname": self.hostname,
            "srvrname": self.srvrname,
            "status": self.status,
            "vm_state": self.vm_state,
            "task_state": self.task_state,
            "power_state": self.power_state,
            "password": self.password,
            "configkey": self.configkey,
        })
    }
}

impl Profile {
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "security_group_rules": self.rules.iter().map(|r| json!({
                "direction": r.direction,
                "ethertype": r.ethertype,
                "protocol": r.protocol,
                "port_range_min": r.port_range_min,
                "port_range_max": r.port_range_max,
                "description": r.description,
            })).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests;
