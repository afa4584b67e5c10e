//! Building the console: `trunk build --release` (Trunk.toml; its post_build hook is
//! `split.rs`), skipped when the output is newer than everything it is made from.

use crate::{run, tools};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// What a build is for.
#[derive(Clone, Copy, PartialEq)]
pub enum Flavour {
    /// What users get: `dist/`.
    Production,
    /// The browser tests' build: the console with its `test-hooks` feature, in
    /// `target/dist-e2e/` so that it never replaces what `cargo xtask serve` serves.
    Tests,
}

impl Flavour {
    pub fn dist(self, root: &Path) -> PathBuf {
        match self {
            Flavour::Production => root.join("dist"),
            Flavour::Tests => target_dir(root).join("dist-e2e"),
        }
    }
}

/// The files and folders a console build is made from: a change in any of them rebuilds.
const INPUTS: &[&str] =
    &["src", "crates/hostwinds", "style", "static", "index.html", "Trunk.toml", "Cargo.toml", "Cargo.lock", ".cargo", "xtask/src", "xtask/Cargo.toml"];

pub fn build(root: &Path, flavour: Flavour) -> Result<PathBuf, String> {
    let dist = flavour.dist(root);
    let stamp = dist.join("index.html");
    if let (Ok(built), Some(newest)) = (modified(&stamp), newest_input(root)) {
        if built > newest {
            eprintln!("xtask: the console in {} is newer than its sources: not rebuilt", dist.display());
            return Ok(dist);
        }
    }
    // Trunk and cargo run offline (Trunk.toml): fetch what the wasm build needs first.
    run(Command::new("cargo").args(["fetch", "--quiet", "--target", "wasm32-unknown-unknown"]).current_dir(root))?;
    eprintln!("xtask: trunk build --release (dist: {})", dist.display());
    let mut trunk = Command::new("trunk");
    trunk.args(["build", "--release", "--dist"]).arg(&dist).current_dir(root).env("PATH", tools::tool_path(root));
    if flavour == Flavour::Tests {
        trunk.args(["--features", "test-hooks"]);
    }
    run(&mut trunk)?;
    Ok(dist)
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target"))
}

fn modified(p: &Path) -> std::io::Result<SystemTime> {
    std::fs::metadata(p)?.modified()
}

/// The latest change time among the inputs (None if one cannot be read: then build).
fn newest_input(root: &Path) -> Option<SystemTime> {
    let mut newest = SystemTime::UNIX_EPOCH;
    let mut stack: Vec<PathBuf> = INPUTS.iter().map(|p| root.join(p)).collect();
    while let Some(p) = stack.pop() {
        let meta = std::fs::metadata(&p).ok()?;
        newest = newest.max(meta.modified().ok()?);
        if meta.is_dir() {
            for e in std::fs::read_dir(&p).ok()? {
                stack.push(e.ok()?.path());
            }
        }
    }
    Some(newest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_exists_so_freshness_is_decided_on_all_of_them() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        for p in INPUTS {
            assert!(root.join(p).exists(), "{p}");
        }
        assert!(newest_input(root).is_some());
    }
}
