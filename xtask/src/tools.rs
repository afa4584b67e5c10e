//! Installing the build and test tools, once: each is skipped when the right version is
//! already on PATH. Everything comes from crates.io, npm or Debian's packages.

use crate::run;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// The Trunk that Trunk.toml asks for (`trunk-version`).
const TRUNK: &str = "0.21.14";

/// PATH with the project's npm tools (wasm-opt) and cargo's bin directory first.
pub fn tool_path(root: &Path) -> String {
    let mut dirs: Vec<PathBuf> = vec![root.join("node_modules").join(".bin"), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(dirs).map(|p| p.to_string_lossy().into_owned()).unwrap_or_default()
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"))
        .join("bin")
}

/// The first line a tool prints for `--version`, or None when it is not there.
fn version_of(root: &Path, tool: &str) -> Option<String> {
    let out = Command::new(tool).arg("--version").env("PATH", tool_path(root)).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim().to_string())
}

/// The version of a package in Cargo.lock.
fn locked_version(root: &Path, package: &str) -> Result<String, String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle).ok_or_else(|| format!("{package} is not in Cargo.lock"))? + needle.len();
    let end = lock[start..].find('"').ok_or("Cargo.lock is malformed")? + start;
    Ok(lock[start..end].to_string())
}

/// `cargo install` with the crate's own lock file first; the registry here is a snapshot
/// where a locked version can be missing, so fall back to a fresh resolution.
fn cargo_install(krate: &str, version: &str) -> Result<(), String> {
    eprintln!("xtask: installing {krate} {version} from crates.io (once; this takes minutes)");
    let locked = run(Command::new("cargo").args(["install", krate, "--version", &format!("={version}"), "--locked"]));
    if locked.is_ok() {
        return Ok(());
    }
    run(Command::new("cargo").args(["install", krate, "--version", &format!("={version}")]))
}

pub fn ensure_console_tools(root: &Path) -> Result<(), String> {
    let targets = Command::new("rustup").args(["target", "list", "--installed"]).output();
    let has_wasm = targets
        .as_ref()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().any(|l| l.trim() == "wasm32-unknown-unknown"))
        .unwrap_or(false);
    if !has_wasm {
        eprintln!("xtask: adding the wasm32-unknown-unknown target");
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    // Trunk builds the console; 0.21.14 is the newest that builds on this toolchain's rustc.
    if !version_of(root, "trunk").is_some_and(|v| v.split_whitespace().last() == Some(TRUNK)) {
        cargo_install("trunk", TRUNK)?;
    }

    // wasm-bindgen-cli must be exactly the wasm-bindgen of Cargo.lock.
    let wb = locked_version(root, "wasm-bindgen")?;
    if !version_of(root, "wasm-bindgen").is_some_and(|v| v.split_whitespace().last() == Some(wb.as_str())) {
        cargo_install("wasm-bindgen-cli", &wb)?;
    }

    ensure_npm(root)
}

fn ensure_npm(root: &Path) -> Result<(), String> {
    let bin = root.join("node_modules").join(".bin");
    let modules = root.join("node_modules");
    let have = bin.join("wasm-opt").exists() && ["playwright-core", "axe-core"].iter().all(|m| modules.join(m).exists());
    if !have {
        eprintln!("xtask: installing npm packages from package-lock.json (wasm-opt, playwright-core)");
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(root))?;
    }
    Ok(())
}

pub fn ensure_browser_tools(root: &Path) -> Result<(), String> {
    ensure_npm(root)?;
    ensure_debian(&["chromium"], &["chromium"])?;
    if Path::new(CHROMIUM).exists() {
        Ok(())
    } else {
        Err(format!("chromium was installed but {CHROMIUM} is missing"))
    }
}

/// A Postgres database for the audit log's Postgres test: HOSTWINDS_TEST_POSTGRES when set,
/// else Debian's postgresql (installed if missing) with a local cluster started and a test
/// role and database created. None, with the reason, when that is not possible here.
pub fn ensure_postgres() -> Result<String, String> {
    if let Ok(url) = std::env::var("HOSTWINDS_TEST_POSTGRES") {
        return Ok(url);
    }
    ensure_debian(&["pg_lsclusters"], &["postgresql"])?;
    let clusters = || Command::new("pg_lsclusters").arg("--no-header").output();
    let out = clusters().map_err(|e| format!("pg_lsclusters: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let line = text.lines().next().ok_or("no Postgres cluster exists")?;
    let cols: Vec<&str> = line.split_whitespace().collect();
    let (version, name, port, status) = match cols.as_slice() {
        [v, n, p, s, ..] => (*v, *n, *p, *s),
        _ => return Err(format!("cannot read pg_lsclusters: {line}")),
    };
    if status != "online" {
        run(Command::new("pg_ctlcluster").args([version, name, "start"]))?;
    }
    // runuser passes the SQL as one argument: no shell to expand its `$$`.
    let psql = |sql: &str| {
        Command::new("runuser")
            .args(["-u", "postgres", "--", "psql", "-q", "-t", "-v", "ON_ERROR_STOP=1", "-p", port, "-c", sql])
            .output()
            .map_err(|e| format!("psql: {e}"))
    };
    psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hwtest') THEN CREATE ROLE hwtest LOGIN PASSWORD 'hwtest'; END IF; END $$;")?;
    let exists = psql("SELECT 1 FROM pg_database WHERE datname = 'hwtest'")?;
    if !String::from_utf8_lossy(&exists.stdout).contains('1') {
        run(Command::new("runuser").args(["-u", "postgres", "--", "createdb", "-p", port, "-O", "hwtest", "hwtest"]))?;
    }
    Ok(format!("postgres://hwtest:hwtest@127.0.0.1:{port}/hwtest"))
}

/// Debian tools a command needs (`bins` on PATH), installed as `packages` when missing.
pub fn ensure_debian(bins: &[&str], packages: &[&str]) -> Result<(), String> {
    let missing = bins.iter().any(|b| Command::new("sh").args(["-c", &format!("command -v {b}")]).output().map(|o| !o.status.success()).unwrap_or(true));
    if !missing {
        return Ok(());
    }
    eprintln!("xtask: installing Debian's {}", packages.join(" "));
    let install = || {
        let mut c = Command::new("apt-get");
        c.args(["install", "-y", "--no-install-recommends"]).args(packages).env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut c)
    };
    if install().is_err() {
        run(Command::new("apt-get").arg("update"))?;
        install()?;
    }
    Ok(())
}

/// Lighthouse for the bench only (a large package): installed beside the project's npm
/// packages without touching package.json. 12.2.3: 13.x wants a newer Node.
pub fn ensure_lighthouse(root: &Path) -> Result<(), String> {
    if root.join("node_modules").join(".bin").join("lighthouse").exists() {
        return Ok(());
    }
    eprintln!("xtask: installing lighthouse 12.2.3 from npm (bench only)");
    run(Command::new("npm").args(["install", "--no-save", "--no-audit", "--no-fund", "lighthouse@12.2.3"]).current_dir(root))
}
