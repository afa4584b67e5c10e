//! The framework's floor (`bench/floor`), a baseline of `cargo xtask bench`: the smallest
//! Leptos app with leptos_router that shows a server's IP table as the console does, built
//! with the console's release profile, wasm-bindgen and wasm-opt. Measured beside the console,
//! it tells which part of a gap to a target is the console's and which the framework's.

use crate::{console, run, split, tools};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The package and file names wasm-bindgen writes.
const CRATE: &str = "leptos-floor";

/// Build the floor into `<target>/floor/pkg` (its .js and optimized .wasm) and return it.
pub fn build(root: &Path) -> Result<PathBuf, String> {
    let path = tools::tool_path(root);
    let target = console::target_dir(root).join("floor");
    eprintln!("xtask: building the framework's floor (bench/floor)");
    run(Command::new("cargo")
        .args(["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--target-dir"])
        .arg(&target)
        .current_dir(root.join("bench").join("floor"))
        // Without .cargo/config.toml's relocations, which only the split needs and which
        // wasm-opt cannot optimize around (a set RUSTFLAGS replaces the config's).
        .env("RUSTFLAGS", "")
        .env("PATH", &path))?;
    let linked = target.join("wasm32-unknown-unknown").join("release").join(format!("{CRATE}.wasm"));
    let pkg = target.join("pkg");
    let _ = std::fs::remove_dir_all(&pkg);
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--out-name", CRATE, "--out-dir"])
        .arg(&pkg)
        .arg(&linked)
        .env("PATH", &path))?;
    split::remove_typescript(&pkg)?;
    split::optimize(&pkg, &path)?;
    Ok(pkg)
}
