//! The inventory of IPs the proxy has seen, in the audit log's database. Reads of
//! get_instances, get_instance and get_instance_ips feed it (after the answer is sent, never
//! in its way); set_rdns and delete_ip successes and the workflows' status changes update it.

use crate::audit::{pg_err, sqlite_sql, AuditStore};
use hostwinds::{Inventory, InventoryIp, InventoryServer, IpStatus};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Seen again: newer last_seen, the rDNS when the answer carried one, back from `removed`.
const UPSERT_SEEN: &str = "INSERT INTO inventory_ips (serviceid, ip, rdns, status, cost, first_seen_ms, last_seen_ms)
     VALUES ($1, $2, $3, 'assigned', $4, $5, $5)
     ON CONFLICT (serviceid, ip) DO UPDATE SET last_seen_ms = excluded.last_seen_ms,
         rdns = COALESCE(excluded.rdns, inventory_ips.rdns),
         status = CASE WHEN inventory_ips.status = 'removed' THEN 'assigned' ELSE inventory_ips.status END";
/// After a complete list: whatever it no longer holds has left the server.
const MARK_GONE: &str =
    "UPDATE inventory_ips SET status = 'removed' WHERE serviceid = $1 AND status <> 'removed' AND last_seen_ms < $2";
const SET_STATUS: &str = "INSERT INTO inventory_ips (serviceid, ip, rdns, status, cost, first_seen_ms, last_seen_ms)
     VALUES ($1, $2, NULL, $3, $4, $5, $5)
     ON CONFLICT (serviceid, ip) DO UPDATE SET status = excluded.status";
/// A status set by hand: only on an IP the inventory has seen on that server.
const UPDATE_STATUS: &str = "UPDATE inventory_ips SET status = $3 WHERE serviceid = $1 AND ip = $2";
const SET_RDNS: &str = "INSERT INTO inventory_ips (serviceid, ip, rdns, status, cost, first_seen_ms, last_seen_ms)
     VALUES ($1, $2, $3, 'assigned', $4, $5, $5)
     ON CONFLICT (serviceid, ip) DO UPDATE SET rdns = excluded.rdns";
const UPSERT_SERVER: &str = "INSERT INTO inventory_servers (serviceid, hostname, main_ip, private_ip, last_seen_ms)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (serviceid) DO UPDATE SET hostname = excluded.hostname,
         main_ip = COALESCE(excluded.main_ip, inventory_servers.main_ip),
         private_ip = COALESCE(excluded.private_ip, inventory_servers.private_ip),
         last_seen_ms = excluded.last_seen_ms";

/// One server's IPs as an answer listed them.
pub struct SeenIps {
    pub serviceid: i64,
    pub ips: Vec<(String, Option<String>)>,
    /// The whole list (no location filter): IPs missing from it are marked removed.
    pub complete: bool,
}

pub struct SeenServer {
    pub serviceid: i64,
    pub hostname: String,
    pub main_ip: Option<String>,
    pub private_ip: Option<String>,
}

pub struct InventoryStore {
    db: AuditStore,
    pub default_cost: f64,
    /// When each server's IPs were last recorded: a busy screen re-reads every few seconds
    /// and the inventory does not need each read.
    recorded: Mutex<HashMap<i64, Instant>>,
}

const RECORD_EVERY: Duration = Duration::from_secs(20);

impl InventoryStore {
    pub fn new(db: AuditStore, default_cost: f64) -> Self {
        InventoryStore { db, default_cost, recorded: Mutex::new(HashMap::new()) }
    }

    /// Whether a read of `serviceid`'s IPs should be recorded now (and note that it is).
    pub fn due(&self, serviceid: i64) -> bool {
        let mut m = self.recorded.lock().unwrap_or_else(|e| e.into_inner());
        match m.get(&serviceid) {
            Some(at) if at.elapsed() < RECORD_EVERY => false,
            _ => {
                m.insert(serviceid, Instant::now());
                true
            }
        }
    }

    /// Forget the throttle of a server whose IPs just changed through the proxy.
    pub fn changed(&self, serviceid: i64) {
        self.recorded.lock().unwrap_or_else(|e| e.into_inner()).remove(&serviceid);
    }

    pub async fn saw(&self, servers: Vec<SeenServer>, lists: Vec<SeenIps>, now: i64) -> Result<(), String> {
        let cost = self.default_cost;
        match &self.db {
            AuditStore::Sqlite(c) => {
                AuditStore::sqlite_do(c, move |c| {
                    let tx = c.unchecked_transaction()?;
                    {
                        let mut up = tx.prepare_cached(&sqlite_sql(UPSERT_SERVER))?;
                        for s in &servers {
                            up.execute(rusqlite::params![s.serviceid, s.hostname, s.main_ip, s.private_ip, now])?;
                        }
                        let mut seen = tx.prepare_cached(&sqlite_sql(UPSERT_SEEN))?;
                        let mut gone = tx.prepare_cached(&sqlite_sql(MARK_GONE))?;
                        for l in &lists {
                            for (ip, rdns) in &l.ips {
                                seen.execute(rusqlite::params![l.serviceid, ip, rdns, cost, now])?;
                            }
                            if l.complete {
                                gone.execute(rusqlite::params![l.serviceid, now])?;
                            }
                        }
                    }
                    tx.commit()
                })
                .await
            }
            AuditStore::Postgres(c) => {
                let err = pg_err("inventory");
                for s in &servers {
                    c.execute(UPSERT_SERVER, &[&s.serviceid, &s.hostname, &s.main_ip, &s.private_ip, &now]).await.map_err(err)?;
                }
                for l in &lists {
                    let (ips, names): (Vec<String>, Vec<Option<String>>) = l.ips.iter().cloned().unzip();
                    c.execute(
                        "INSERT INTO inventory_ips (serviceid, ip, rdns, status, cost, first_seen_ms, last_seen_ms)
                         SELECT $1, t.ip, t.rdns, 'assigned', $4, $5, $5 FROM UNNEST($2::text[], $3::text[]) AS t(ip, rdns)
                         ON CONFLICT (serviceid, ip) DO UPDATE SET last_seen_ms = excluded.last_seen_ms,
                             rdns = COALESCE(excluded.rdns, inventory_ips.rdns),
                             status = CASE WHEN inventory_ips.status = 'removed' THEN 'assigned' ELSE inventory_ips.status END",
                        &[&l.serviceid, &ips, &names, &cost, &now],
                    )
                    .await
                    .map_err(err)?;
                    if l.complete {
                        c.execute(MARK_GONE, &[&l.serviceid, &now]).await.map_err(err)?;
                    }
                }
                Ok(())
            }
        }
    }

    pub async fn set_status(&self, serviceid: i64, ip: &str, status: IpStatus, now: i64) -> Result<(), String> {
        self.exec(SET_STATUS, serviceid, ip.to_string(), Some(status.as_str().to_string()), now).await
    }

    /// A status set by a person: false (and nothing written) when the inventory has never seen
    /// `ip` on that server.
    pub async fn update_status(&self, serviceid: i64, ip: &str, status: IpStatus) -> Result<bool, String> {
        let (ip, status) = (ip.to_string(), status.as_str().to_string());
        let changed = match &self.db {
            AuditStore::Sqlite(c) => {
                AuditStore::sqlite_do(c, move |c| c.execute(&sqlite_sql(UPDATE_STATUS), rusqlite::params![serviceid, ip, status])).await?
            }
            AuditStore::Postgres(c) => {
                c.execute(UPDATE_STATUS, &[&serviceid, &ip, &status]).await.map_err(pg_err("inventory"))? as usize
            }
        };
        Ok(changed > 0)
    }

    pub async fn set_rdns(&self, serviceid: i64, ip: &str, rdns: &str, now: i64) -> Result<(), String> {
        self.exec(SET_RDNS, serviceid, ip.to_string(), Some(rdns.to_string()), now).await
    }

    /// The statements of the shape ($1 serviceid, $2 ip, $3 text, $4 cost, $5 now).
    async fn exec(&self, sql: &'static str, serviceid: i64, ip: String, text: Option<String>, now: i64) -> Result<(), String> {
        let cost = self.default_cost;
        match &self.db {
            AuditStore::Sqlite(c) => {
                AuditStore::sqlite_do(c, move |c| {
                    c.execute(&sqlite_sql(sql), rusqlite::params![serviceid, ip, text, cost, now]).map(|_| ())
                })
                .await
            }
            AuditStore::Postgres(c) => c
                .execute(sql, &[&serviceid, &ip, &text, &cost, &now])
                .await
                .map(|_| ())
                .map_err(pg_err("inventory")),
        }
    }

    pub async fn read(&self) -> Result<Inventory, String> {
        type Row = (i64, String, Option<String>, String, f64, i64, i64);
        type ServerRow = (i64, String, Option<String>, Option<String>, i64);
        const IPS: &str = "SELECT serviceid, ip, rdns, status, cost, first_seen_ms, last_seen_ms FROM inventory_ips ORDER BY serviceid, ip";
        const SERVERS: &str = "SELECT serviceid, hostname, main_ip, private_ip, last_seen_ms FROM inventory_servers ORDER BY serviceid";
        let (ips, servers): (Vec<Row>, Vec<ServerRow>) = match &self.db {
            AuditStore::Sqlite(c) => {
                AuditStore::sqlite_do(c, |c| {
                    let ips = c
                        .prepare(IPS)?
                        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
                        .collect::<rusqlite::Result<Vec<Row>>>()?;
                    let servers = c
                        .prepare(SERVERS)?
                        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?
                        .collect::<rusqlite::Result<Vec<ServerRow>>>()?;
                    Ok((ips, servers))
                })
                .await?
            }
            AuditStore::Postgres(c) => {
                let err = pg_err("inventory");
                let ips = c
                    .query(IPS, &[])
                    .await
                    .map_err(err)?
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6)))
                    .collect();
                let servers = c
                    .query(SERVERS, &[])
                    .await
                    .map_err(err)?
                    .iter()
                    .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
                    .collect();
                (ips, servers)
            }
        };
        let mains: HashMap<i64, Option<String>> = servers.iter().map(|s| (s.0, s.2.clone())).collect();
        Ok(Inventory {
            ips: ips
                .into_iter()
                .map(|(sid, ip, rdns, status, cost, first, last)| InventoryIp {
                    serviceid: sid as u64,
                    is_main: mains.get(&sid).and_then(|m| m.as_deref()) == Some(ip.as_str()),
                    ip,
                    rdns,
                    // A status written by an older version, or by hand: shown as assigned.
                    status: IpStatus::parse(&status).unwrap_or(IpStatus::Assigned),
                    cost,
                    first_seen_ms: first,
                    last_seen_ms: last,
                })
                .collect(),
            servers: servers
                .into_iter()
                .map(|(sid, hostname, main_ip, private_ip, last)| InventoryServer {
                    serviceid: sid as u64,
                    hostname,
                    main_ip,
                    private_ip,
                    last_seen_ms: last,
                })
                .collect(),
            default_cost: self.default_cost,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ips(list: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        list.iter().map(|(a, b)| (a.to_string(), b.map(str::to_string))).collect()
    }

    #[tokio::test]
    async fn seen_ips_are_recorded_and_missing_ones_marked_removed() {
        exercise(AuditStore::memory(), 7).await;
    }

    #[tokio::test]
    #[ignore = "needs a Postgres in HOSTWINDS_TEST_POSTGRES"]
    async fn postgres_inventory_behaves_like_sqlite() {
        let url = crate::audit::tests::test_postgres();
        let db = AuditStore::open_postgres(&url).await.unwrap();
        exercise(db, 1_000_000 + i64::from(std::process::id())).await;
    }

    async fn exercise(db: AuditStore, sid: i64) {
        let inv = InventoryStore::new(db, 4.99);
        let server = || SeenServer { serviceid: sid, hostname: "mta".into(), main_ip: Some("192.0.2.5".into()), private_ip: None };
        let list = ips(&[("192.0.2.5", Some("mail.example.com")), ("192.0.2.6", None)]);
        inv.saw(vec![server()], vec![SeenIps { serviceid: sid, ips: list, complete: true }], 1000).await.unwrap();
        inv.set_status(sid, "192.0.2.6", IpStatus::Warming, 1500).await.unwrap();
        // Seen again without rdns: the name and the status are kept; .6 is gone from the list.
        let list = ips(&[("192.0.2.5", None), ("192.0.2.7", None)]);
        inv.saw(vec![], vec![SeenIps { serviceid: sid, ips: list, complete: true }], 2000).await.unwrap();
        let r = inv.read().await.unwrap();
        let get = |ip: &str| r.ips.iter().find(|i| i.ip == ip && i.serviceid == sid as u64).unwrap().clone();
        assert_eq!(get("192.0.2.5").rdns.as_deref(), Some("mail.example.com"));
        assert!(get("192.0.2.5").is_main && !get("192.0.2.7").is_main);
        assert_eq!((get("192.0.2.5").first_seen_ms, get("192.0.2.5").last_seen_ms), (1000, 2000));
        assert_eq!(get("192.0.2.6").status, IpStatus::Removed);
        assert_eq!(get("192.0.2.7").status, IpStatus::Assigned);
        assert_eq!(get("192.0.2.7").cost, 4.99);
        // Back on the server: assigned again.
        let list = ips(&[("192.0.2.6", None)]);
        inv.saw(vec![], vec![SeenIps { serviceid: sid, ips: list, complete: false }], 3000).await.unwrap();
        inv.set_rdns(sid, "192.0.2.7", "m7.example.com", 3000).await.unwrap();
        let r = inv.read().await.unwrap();
        assert_eq!(r.ips.iter().find(|i| i.ip == "192.0.2.6" && i.serviceid == sid as u64).unwrap().status, IpStatus::Assigned);
        assert_eq!(r.ips.iter().find(|i| i.ip == "192.0.2.7" && i.serviceid == sid as u64).unwrap().rdns.as_deref(), Some("m7.example.com"));
        assert_eq!(r.servers.iter().find(|s| s.serviceid == sid as u64).unwrap().hostname, "mta");
    }

    #[test]
    fn reads_are_recorded_at_most_every_few_seconds() {
        let inv = InventoryStore::new(AuditStore::memory(), 4.99);
        assert!(inv.due(1) && !inv.due(1) && inv.due(2));
        inv.changed(1);
        assert!(inv.due(1));
    }
}
