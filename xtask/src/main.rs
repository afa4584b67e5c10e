//! `cargo xtask serve` and `cargo xtask test`: the two commands a new machine needs.
//! Each installs what is missing (wasm target, Trunk, the wasm-bindgen-cli matching
//! Cargo.lock, wasm-opt and Playwright from npm, Debian's chromium), never downloading a
//! binary from outside the package registries, and skips what is already there.

mod bundle;
mod console;
mod floor;
mod load;
mod split;
mod tools;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use console::Flavour;
use std::process::{Command, ExitCode, Stdio};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&root, &args[1..]),
        Some("test") => test(&root, &args[1..]),
        Some("build") => tools::ensure_console_tools(&root).and_then(|_| console::build(&root, Flavour::Production)).map(|_| ExitCode::SUCCESS),
        Some("split-staged") => split::staged(&root).map(|_| ExitCode::SUCCESS),
        Some("bench") => bench(&root),
        Some("load") => load::Options::parse(&args[1..]).and_then(|o| load::run(&root, o)).map(|_| ExitCode::SUCCESS),
        _ => {
            eprintln!(
                "usage: cargo xtask <command>\n\n  serve [proxy flags]   build the console and run it with the simulator on http://127.0.0.1:8080\n  test                  every native test, a console build, then the browser tests\n  build                 build the console into dist/ (trunk build --release)\n  bench                 sizes and timings against same-run baselines: target/bench/report.md\n  load [--clients N] [--secs S] [--faults PRESET]\n                        concurrent reads through the proxy: throughput, p50/p99, errors, memory"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask sits in the workspace").to_path_buf()
}

pub fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Figures, never pass/fail: bundle sizes, the proxy against nginx and the simulator
/// directly (wrk), and the console's first table against a static page (Chromium).
fn bench(root: &Path) -> Result<ExitCode, String> {
    tools::ensure_console_tools(root)?;
    tools::ensure_browser_tools(root)?;
    tools::ensure_debian(&["wrk", "nginx"], &["wrk", "nginx-light"])?;
    tools::ensure_lighthouse(root)?;
    let dist = console::build(root, Flavour::Production)?;
    let assets = bundle::measure(&dist)?;
    let floor = floor::build(root)?;
    let floor_assets = bundle::measure(&floor)?;
    eprintln!("xtask: building the proxy and its floor (profile server)");
    run(Command::new("cargo")
        .args(["build", "--quiet", "--profile", "server", "-p", "hostwinds-proxy", "--bin", "hostwinds-proxy", "--example", "proxy_floor"])
        .current_dir(root))?;
    let target = console::target_dir(root);
    run(Command::new("node")
        .arg("bench/run.js")
        .current_dir(root)
        .env("PROXY_BIN", target.join("server").join("hostwinds-proxy"))
        .env("PROXY_FLOOR_BIN", target.join("server").join("examples").join("proxy_floor"))
        .env("DIST", &dist)
        .env("OUT", target.join("bench"))
        .env("BUNDLE", bundle::to_json(&assets))
        .env("FLOOR", &floor)
        .env("FLOOR_BUNDLE", bundle::to_json(&floor_assets)))?;
    eprintln!("xtask: report in {}", target.join("bench").join("report.md").display());
    Ok(ExitCode::SUCCESS)
}

fn serve(root: &Path, extra: &[String]) -> Result<ExitCode, String> {
    tools::ensure_console_tools(root)?;
    let dist = console::build(root, Flavour::Production)?;
    eprintln!("xtask: starting the proxy with the simulator; open http://127.0.0.1:8080 (Ctrl-C stops it)");
    let mut cmd = Command::new("cargo");
    cmd.args(["run", "--quiet", "-p", "hostwinds-proxy", "--", "serve", "--dist"])
        .arg(&dist)
        .args(extra)
        .current_dir(root);
    run(&mut cmd)?;
    Ok(ExitCode::SUCCESS)
}

/// Totals across the native and the browser tests.
#[derive(Default)]
struct Tally {
    passed: u64,
    failed: u64,
    /// Tests that could not run here (the Postgres ones without a database; a browser test
    /// that says it cannot run), counted apart: never as passed.
    skipped: u64,
}

fn test(root: &Path, _extra: &[String]) -> Result<ExitCode, String> {
    let mut tally = Tally::default();
    let mut ok = true;

    let mut native = Command::new("cargo");
    native.args(["test", "--workspace", "--color", "never"]).current_dir(root);
    // The Postgres tests are #[ignore]d unless there is a database for them.
    match tools::ensure_postgres() {
        Ok(url) => {
            eprintln!("xtask: the Postgres tests use {}", url.split('@').next_back().unwrap_or(""));
            native.env("HOSTWINDS_TEST_POSTGRES", url).args(["--", "--include-ignored"]);
        }
        Err(why) => eprintln!("xtask: no Postgres here ({why}): the Postgres tests are skipped"),
    }
    eprintln!("xtask: native tests (cargo test --workspace)");
    let native_ok = stream(
        &mut native,
        |line, t| {
            // "test result: ok. 43 passed; 0 failed; 2 ignored; ..."
            if let Some(rest) = line.trim().strip_prefix("test result: ") {
                t.passed += number_before(rest, " passed");
                t.failed += number_before(rest, " failed");
                t.skipped += number_before(rest, " ignored");
            }
        },
        &mut tally,
    )?;
    ok &= native_ok;
    if !native_ok && tally.failed == 0 {
        // It did not even build: count that as a failure so the summary says so.
        tally.failed += 1;
    }

    tools::ensure_console_tools(root)?;
    tools::ensure_browser_tools(root)?;
    let dist = console::build(root, Flavour::Tests)?;
    // The size budget: deterministic, so it is a test; timings never are. Measured on the
    // tests' build, which is the production build and one test export more.
    match bundle::measure(&dist).and_then(|a| bundle::check_budget(root, &a)) {
        Ok(line) => {
            println!("ok - bundle budget: {line}");
            tally.passed += 1;
        }
        Err(e) => {
            println!("not ok - bundle budget: {e}");
            tally.failed += 1;
            ok = false;
        }
    }
    run(Command::new("cargo").args(["build", "--quiet", "-p", "hostwinds-proxy"]).current_dir(root))?;

    eprintln!("xtask: browser tests (node --test tests/e2e, Playwright in {})", tools::CHROMIUM);
    let target_dir = console::target_dir(root);
    let e2e_ok = stream(
        Command::new("node")
            .args(["--test", "--test-concurrency=1", "--test-reporter=tap"])
            .arg("tests/e2e/")
            .current_dir(root)
            .env("PROXY_BIN", target_dir.join("debug").join("hostwinds-proxy"))
            .env("DIST", &dist)
            .env("CHROMIUM", tools::CHROMIUM),
        |line, t| {
            // TAP summary lines: "# pass 5", "# fail 0", "# skipped 1".
            if let Some(n) = line.strip_prefix("# pass ") {
                t.passed += n.trim().parse::<u64>().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("# fail ") {
                t.failed += n.trim().parse::<u64>().unwrap_or(0);
            } else if let Some(n) = line.strip_prefix("# skipped ") {
                t.skipped += n.trim().parse::<u64>().unwrap_or(0);
            }
        },
        &mut tally,
    )?;
    ok &= e2e_ok;
    if !e2e_ok && tally.failed == 0 {
        tally.failed += 1;
    }

    println!("{} passed, {} failed, {} skipped", tally.passed, tally.failed, tally.skipped);
    Ok(if ok && tally.failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn number_before(s: &str, marker: &str) -> u64 {
    s.find(marker)
        .and_then(|i| s[..i].rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// Run a command, echoing its output, and feed each stdout line to `on_line`.
fn stream(cmd: &mut Command, on_line: impl Fn(&str, &mut Tally), tally: &mut Tally) -> Result<bool, String> {
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {shown}: {e}"))?;
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            on_line(&line, tally);
        }
    }
    let status = child.wait().map_err(|e| format!("{shown}: {e}"))?;
    Ok(status.success())
}

#[cfg(test)]
mod tests {
    use super::number_before;

    #[test]
    fn reads_cargo_test_summaries() {
        let s = "ok. 43 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.26s";
        assert_eq!(number_before(s, " passed"), 43);
        assert_eq!(number_before(s, " failed"), 2);
        assert_eq!(number_before("nothing", " passed"), 0);
    }
}
