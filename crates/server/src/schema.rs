//! The tables of the proxy's database, SQLite and Postgres, applied by `AuditStore` when it
//! opens: the audit log's and the inventory's, both in that one database.

/// The audit log: append-only, a row changes only from `pending` to its outcome.
pub const SQLITE_AUDIT: &str = "
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at_ms INTEGER NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    serviceid INTEGER,
    params TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    status INTEGER,
    latency_ms INTEGER
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms);
CREATE INDEX IF NOT EXISTS audit_server ON audit (serviceid, at_ms);
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_final BEFORE UPDATE ON audit WHEN OLD.outcome <> 'pending'
    BEGIN SELECT RAISE(ABORT, 'a finished audit row cannot change'); END;
";

pub const POSTGRES_AUDIT: &str = "
CREATE TABLE IF NOT EXISTS audit (
    id BIGSERIAL PRIMARY KEY,
    at_ms BIGINT NOT NULL,
    username TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    serviceid BIGINT,
    params TEXT NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL DEFAULT '',
    status BIGINT,
    latency_ms BIGINT
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at_ms);
CREATE INDEX IF NOT EXISTS audit_server ON audit (serviceid, at_ms);
CREATE OR REPLACE FUNCTION audit_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'the audit log is append-only'; END IF;
    IF OLD.outcome <> 'pending' THEN RAISE EXCEPTION 'a finished audit row cannot change'; END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_guard ON audit;
CREATE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_guard();
";

/// The IP inventory (inventory.rs).
pub const SQLITE_INVENTORY: &str = "
CREATE TABLE IF NOT EXISTS inventory_ips (
    serviceid INTEGER NOT NULL,
    ip TEXT NOT NULL,
    rdns TEXT,
    status TEXT NOT NULL,
    cost REAL NOT NULL,
    first_seen_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    PRIMARY KEY (serviceid, ip)
);
CREATE TABLE IF NOT EXISTS inventory_servers (
    serviceid INTEGER PRIMARY KEY,
    hostname TEXT NOT NULL,
    main_ip TEXT,
    private_ip TEXT,
    last_seen_ms INTEGER NOT NULL
);
";

pub const POSTGRES_INVENTORY: &str = "
CREATE TABLE IF NOT EXISTS inventory_ips (
    serviceid BIGINT NOT NULL,
    ip TEXT NOT NULL,
    rdns TEXT,
    status TEXT NOT NULL,
    cost DOUBLE PRECISION NOT NULL,
    first_seen_ms BIGINT NOT NULL,
    last_seen_ms BIGINT NOT NULL,
    PRIMARY KEY (serviceid, ip)
);
CREATE TABLE IF NOT EXISTS inventory_servers (
    serviceid BIGINT PRIMARY KEY,
    hostname TEXT NOT NULL,
    main_ip TEXT,
    private_ip TEXT,
    last_seen_ms BIGINT NOT NULL
);
";

/// Sessions ended by a logout: each proxy on the database stops taking their cookies.
pub const SQLITE_SESSIONS: &str = "
CREATE TABLE IF NOT EXISTS ended_sessions (
    sid TEXT PRIMARY KEY,
    ended_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ended_sessions_at ON ended_sessions (ended_ms);
CREATE TABLE IF NOT EXISTS ended_users (
    username TEXT PRIMARY KEY,
    before_ms INTEGER NOT NULL
);
";

pub const POSTGRES_SESSIONS: &str = "
CREATE TABLE IF NOT EXISTS ended_sessions (
    sid TEXT PRIMARY KEY,
    ended_ms BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS ended_sessions_at ON ended_sessions (ended_ms);
CREATE TABLE IF NOT EXISTS ended_users (
    username TEXT PRIMARY KEY,
    before_ms BIGINT NOT NULL
);
";
