//! Building the console into dist/: cargo (wasm32), wasm-split, wasm-bindgen, wasm-opt, and
//! the page that loads it.
//!
//! Trunk did this until the wasm was split: Trunk cannot run a step between cargo and
//! wasm-bindgen (trunk-rs/trunk#1022), and splitting has to happen there. The split cuts the
//! modules that `src/lazy_screens.rs` declares out of the first download (the server list and
//! sign-in stay in it), so a first visit fetches less than half the wasm it used to.
//!
//! dist/ holds index.html, `main-<hash>.css`, robots.txt and `pkg-<hash>/` with the wasm
//! modules and their JavaScript. The modules import each other by relative name (the main
//! module imports `__wasm_split.js`, which imports the main module back), so one hash over the
//! whole directory names it rather than one per file; the proxy serves everything under it as
//! immutable.

use crate::{run, tools};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The package and file names wasm-bindgen writes.
const CRATE: &str = "hostwinds-console";
/// The line of index.html that is replaced by the stylesheet and the script.
const ASSETS_MARKER: &str = "<!-- assets -->";

pub fn build(root: &Path) -> Result<(), String> {
    let path = tools::tool_path(root);
    let target = target_dir(root);
    eprintln!("xtask: building the console (cargo build --release --target wasm32-unknown-unknown)");
    run(Command::new("cargo")
        .args(["build", "--release", "--target", "wasm32-unknown-unknown", "-p", CRATE])
        .current_dir(root)
        .env("PATH", &path))?;
    let linked = target.join("wasm32-unknown-unknown").join("release").join(format!("{CRATE}.wasm"));

    // Everything is made in a staging directory beside dist/ and swapped in at the end, so a
    // failed build leaves the last good dist/ being served.
    let staging = root.join("target").join("console-staging");
    let _ = std::fs::remove_dir_all(&staging);
    let pkg = staging.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;

    eprintln!("xtask: splitting the wasm at the lazy screens");
    let input = std::fs::read(&linked).map_err(|e| format!("{}: {e}", linked.display()))?;
    let main_wasm = staging.join("main.wasm");
    let main_module = format!("./{CRATE}.js");
    let split = wasm_split_cli_support::transform({
        let mut o = wasm_split_cli_support::Options::new(&input);
        o.output_dir = &pkg;
        o.main_out_path = &main_wasm;
        o.main_module = &main_module;
        o
    })
    .map_err(|e| format!("wasm-split: {e:?}"))?;
    drop(input);
    eprintln!("xtask: {} modules load on demand", split.split_modules.len());

    // The split keeps the linker's exports the modules import from each other; wasm-bindgen
    // must keep them too, and keep the names the split tables refer to.
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--keep-lld-exports", "--no-demangle", "--out-name", CRATE, "--out-dir"])
        .arg(&pkg)
        .arg(&main_wasm)
        .env("PATH", &path))?;
    std::fs::remove_file(&main_wasm).map_err(|e| format!("{}: {e}", main_wasm.display()))?;
    remove_typescript(&pkg)?;

    optimize(&pkg, &path)?;

    let pkg_name = format!("pkg-{}", hash_dir(&pkg)?);
    std::fs::rename(&pkg, staging.join(&pkg_name)).map_err(|e| format!("renaming {}: {e}", pkg.display()))?;

    let css = std::fs::read(root.join("style").join("main.css")).map_err(|e| format!("style/main.css: {e}"))?;
    let css_name = format!("main-{:016x}.css", fnv1a(&css, FNV_OFFSET));
    write(&staging.join(&css_name), &css)?;
    std::fs::copy(root.join("static").join("robots.txt"), staging.join("robots.txt"))
        .map_err(|e| format!("static/robots.txt: {e}"))?;

    let template = std::fs::read_to_string(root.join("index.html")).map_err(|e| format!("index.html: {e}"))?;
    let modules: BTreeMap<String, Vec<String>> = split.prefetch_map.into_iter().collect();
    write(&staging.join("index.html"), page(&template, &css_name, &pkg_name, &modules)?.as_bytes())?;

    let dist = root.join("dist");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::rename(&staging, &dist).map_err(|e| format!("moving {} to dist/: {e}", staging.display()))?;
    Ok(())
}

/// wasm-bindgen's TypeScript declarations: nothing here reads them.
pub fn remove_typescript(pkg: &Path) -> Result<(), String> {
    for f in list(pkg)? {
        if f.to_string_lossy().ends_with(".d.ts") {
            std::fs::remove_file(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        }
    }
    Ok(())
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target"))
}

/// wasm-opt -Oz on every module, two at a time (these machines have two cores).
pub fn optimize(pkg: &Path, path: &str) -> Result<(), String> {
    let wasm: Vec<PathBuf> = list(pkg)?.into_iter().filter(|f| f.extension().is_some_and(|e| e == "wasm")).collect();
    eprintln!("xtask: wasm-opt -Oz on {} modules", wasm.len());
    let jobs = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let mut running: Vec<(PathBuf, Child)> = Vec::new();
    let wait = |(f, child): (PathBuf, Child)| -> Result<(), String> {
        let out = child.wait_with_output().map_err(|e| format!("wasm-opt {}: {e}", f.display()))?;
        // The split's modules carry a name subsection binaryen does not know (and strips):
        // one warning per module, nothing to act on.
        for line in String::from_utf8_lossy(&out.stderr).lines() {
            if !line.starts_with("warning: unknown name subsection") {
                eprintln!("{line}");
            }
        }
        if out.status.success() {
            Ok(())
        } else {
            Err(format!("wasm-opt {} failed ({})", f.display(), out.status))
        }
    };
    for f in wasm {
        if running.len() >= jobs {
            wait(running.remove(0))?;
        }
        let child = Command::new("wasm-opt")
            .args(["-Oz", "-q", "--strip-debug", "--strip-producers", "--enable-reference-types", "--enable-bulk-memory"])
            .args(["--enable-nontrapping-float-to-int", "--enable-sign-ext", "--enable-mutable-globals", "-o"])
            .arg(&f)
            .arg(&f)
            .env("PATH", path)
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run wasm-opt: {e}"))?;
        running.push((f, child));
    }
    for r in running {
        wait(r)?;
    }
    Ok(())
}

/// The page: the template with its marker line replaced by the preload of the first screen's
/// split module (when the page opens on a lazy screen), the stylesheet, preloads of the first
/// module and its JavaScript, and the script that starts it. `window.wasmBindings` lets the
/// browser tests call the exports (the crash test does).
///
/// `modules`: each split module's files (file stems, as wasm-split names them). A deep link
/// fetches its screen's module alongside the first one instead of once that one has started:
/// Lighthouse's largest contentful paint on an IP table, interleaved, 3318–3627 ms against
/// 3739–4025 without. The rule is `lazy_screens::module_of`'s, in JavaScript because it runs
/// before any wasm; `console.test.js` checks each module's deep link against it. It comes
/// before the stylesheet: a script after one waits for it.
fn page(template: &str, css: &str, pkg: &str, modules: &BTreeMap<String, Vec<String>>) -> Result<String, String> {
    if !template.contains(ASSETS_MARKER) {
        return Err(format!("index.html has no {ASSETS_MARKER} line for the stylesheet and the script"));
    }
    let js = format!("/{pkg}/{CRATE}.js");
    let wasm = format!("/{pkg}/{CRATE}_bg.wasm");
    let files = serde_json::to_string(modules).map_err(|e| format!("the split modules' files: {e}"))?;
    let tags = format!(
        r#"<script>
        {{
            const files = {files};
            const path = location.pathname.replace(/\/+$/, '');
            const screen = /^\/servers\/[^/]+$/.test(path) ? 'ip_screen'
                : /^\/servers\/[^/]+\//.test(path) ? 'server_screens'
                : ['/smtp', '/rdns/bulk', '/inventory', '/activity', '/settings'].includes(path) ? 'account_screens' : '';
            for (const f of files[screen] || []) {{
                const link = document.createElement('link');
                link.rel = 'preload';
                link.as = 'fetch';
                link.crossOrigin = '';
                link.href = '/{pkg}/' + f + '.wasm';
                document.head.append(link);
            }}
        }}
    </script>
    <link rel="stylesheet" href="/{css}">
    <link rel="modulepreload" href="{js}">
    <link rel="modulepreload" href="/{pkg}/__wasm_split.js">
    <link rel="preload" href="{wasm}" as="fetch" type="application/wasm" crossorigin>
    <script type="module">
        import init, * as bindings from '{js}';
        try {{
            await init({{ module_or_path: '{wasm}' }});
            window.wasmBindings = bindings;
        }} catch (e) {{
            // Not a blank page or a "Loading" that never ends: what failed, and what to do.
            const status = document.getElementById('boot-status');
            if (status) {{
                status.className = 'message error';
                status.setAttribute('role', 'alert');
                status.textContent = 'The console could not be loaded (' + e + '). Check the connection and reload the page.';
            }}
            throw e;
        }}
    </script>"#
    );
    Ok(without_comments(&template.replace(ASSETS_MARKER, &tags)))
}

/// The page without its comments (the template's own `<!-- -->` blocks and the scripts' whole
/// `//` lines) and indentation: they are for whoever edits index.html, and every first load
/// fetched them. (Nothing in the page spans lines where leading spaces count: no `<pre>`, no
/// multi-line string.)
fn without_comments(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..].find("-->").map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    out.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with("//")).map(|l| format!("{l}\n")).collect()
}

fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    Ok(out)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// One hash over the names and contents of a directory's files: a cache key, not a checksum
/// anyone relies on for integrity.
fn hash_dir(dir: &Path) -> Result<String, String> {
    let mut h = FNV_OFFSET;
    for f in list(dir)? {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        h = fnv1a(name.as_bytes(), h);
        h = fnv1a(&std::fs::read(&f).map_err(|e| format!("{}: {e}", f.display()))?, h);
    }
    Ok(format!("{h:016x}"))
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(bytes: &[u8], mut h: u64) -> u64 {
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_gets_the_stylesheet_and_the_script_in_place_of_the_marker() {
        let modules = [("ip_screen".to_string(), vec!["chunk_1".to_string(), "split_ip_screen".to_string()])].into_iter().collect();
        let html = page("<head>\n    <!-- assets -->\n</head>", "main-00ff.css", "pkg-0123456789abcdef", &modules).unwrap();
        assert!(html.contains(r#"<link rel="stylesheet" href="/main-00ff.css">"#), "{html}");
        assert!(html.contains("import init, * as bindings from '/pkg-0123456789abcdef/hostwinds-console.js'"), "{html}");
        assert!(html.contains("module_or_path: '/pkg-0123456789abcdef/hostwinds-console_bg.wasm'"), "{html}");
        assert!(html.contains(r#"const files = {"ip_screen":["chunk_1","split_ip_screen"]};"#), "{html}");
        assert!(html.contains("link.href = '/pkg-0123456789abcdef/' + f + '.wasm'"), "{html}");
        // Before the stylesheet: a script after one waits for it.
        assert!(html.find("const files").unwrap() < html.find(r#"rel="stylesheet""#).unwrap());
        assert!(!html.contains(ASSETS_MARKER));
        // A wasm that does not load is said in the page's frame.
        assert!(html.contains("document.getElementById('boot-status')"), "{html}");
    }

    #[test]
    fn the_template_has_the_frame_the_loader_and_the_app_expect() {
        let template = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../index.html")).unwrap();
        assert!(template.contains(r#"<div id="boot">"#) && template.contains(r#"id="boot-status""#));
        assert!(template.find("hostwinds.theme").unwrap() < template.find(ASSETS_MARKER).unwrap(), "the theme before the stylesheet");
    }

    #[test]
    fn comments_leave_the_page_and_the_code_stays() {
        let html = "<body>\n    <!-- for the editor,\n         two lines -->\n    <div id=\"boot\"></div>\n<script>\n    // why\n    const a = 'http://x'; // kept\n</script>\n";
        assert_eq!(without_comments(html), "<body>\n<div id=\"boot\"></div>\n<script>\nconst a = 'http://x'; // kept\n</script>\n");
    }

    #[test]
    fn a_template_without_the_marker_is_refused() {
        assert!(page("<head></head>", "a.css", "pkg-1", &BTreeMap::new()).is_err());
    }

    #[test]
    fn the_hash_follows_every_byte() {
        assert_ne!(fnv1a(b"ab", FNV_OFFSET), fnv1a(b"ba", FNV_OFFSET));
        assert_eq!(fnv1a(b"", FNV_OFFSET), FNV_OFFSET);
        // The published FNV-1a 64 test vector.
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}
