//! Trunk's post_build hook (`cargo xtask split-staged`, Trunk.toml): the wasm split, inside
//! Trunk's pipeline.
//!
//! Trunk builds the console with cargo, runs wasm-bindgen on the whole wasm and writes
//! index.html into its staging directory; then this runs, before staging becomes dist/. It
//! splits cargo's wasm (still in target/) at the lazy screens that `src/app/screens.rs`
//! declares, runs wasm-bindgen on the main module and wasm-opt on every module (release), and
//! puts the result in place of the wasm and JS that Trunk staged. A first visit then fetches
//! less than half the wasm. Trunk cannot run a step between cargo and wasm-bindgen
//! (trunk-rs/trunk#1022), which is why the split redoes wasm-bindgen here.
//!
//! The modules go into `pkg-<hash>/` (they import each other by relative name, so one hash
//! over the directory names them all); the proxy serves it as immutable. index.html's loader
//! and preloads are Trunk.toml's patterns: this replaces Trunk's file names in them with the
//! split's, and fills in `@SPLIT_DIR@` and `@SPLIT_MODULES@` (each screen's module files).

use crate::{bundle, console, run, tools};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The package and file names wasm-bindgen writes.
const CRATE: &str = "hostwinds-console";
/// Which routes are in which split module: read by the console (`src/app/screens.rs`) and,
/// through this, by the page's preload script.
const ROUTES: &str = "src/app/lazy_routes.json";

/// One module's entry in `ROUTES`.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Screens {
    routes: Vec<String>,
    /// Fetched with the page (the page script preloads it), or by the console once its first
    /// frame is painted (a server's screens: the shell paints the server's name first).
    with_page: bool,
}

/// The routes of the modules the page script preloads, by module.
fn preloaded(table: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let table: BTreeMap<String, Screens> = serde_json::from_str(table).map_err(|e| format!("{ROUTES}: {e}"))?;
    Ok(table.into_iter().filter(|(_, s)| s.with_page).map(|(m, s)| (m, s.routes)).collect())
}

pub fn staged(root: &Path) -> Result<(), String> {
    let staging = PathBuf::from(std::env::var_os("TRUNK_STAGING_DIR").ok_or("TRUNK_STAGING_DIR is not set: this runs as Trunk's post_build hook")?);
    let release = std::env::var("TRUNK_PROFILE").as_deref() == Ok("release");
    let base = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "/".into());
    let path = tools::tool_path(root);
    let linked = console::target_dir(root)
        .join("wasm32-unknown-unknown")
        // Trunk builds a release console in the `console` cargo profile (index.html).
        .join(if release { "console" } else { "debug" })
        .join(format!("{CRATE}.wasm"));

    // What Trunk staged for the console: `hostwinds-console-<hash>.js` and `..._bg.wasm`.
    let staged = list(&staging)?;
    let name_of = |suffix: &str| {
        staged
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .find(|n| n.starts_with(&format!("{CRATE}-")) && n.ends_with(suffix))
            .ok_or_else(|| format!("Trunk staged no {CRATE}-*{suffix} in {}", staging.display()))
    };
    let (trunk_js, trunk_wasm) = (name_of(".js")?, name_of("_bg.wasm")?);

    let pkg = staging.join("pkg");
    let _ = std::fs::remove_dir_all(&pkg);
    std::fs::create_dir_all(&pkg).map_err(|e| format!("{}: {e}", pkg.display()))?;
    eprintln!("xtask: splitting {} at the lazy screens", linked.display());
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
    if release {
        optimize(&pkg, &path)?;
    }
    let dir = format!("pkg-{}", hash_dir(&pkg)?);
    let _ = std::fs::remove_dir_all(staging.join(&dir));
    std::fs::rename(&pkg, staging.join(&dir)).map_err(|e| format!("renaming {}: {e}", pkg.display()))?;

    // Trunk's copies are replaced, not kept beside: nothing refers to them any more.
    for f in [&trunk_js, &trunk_wasm] {
        std::fs::remove_file(staging.join(f)).map_err(|e| format!("{f}: {e}"))?;
    }
    let _ = std::fs::remove_dir_all(staging.join("snippets"));

    let html_path = staging.join("index.html");
    let html = std::fs::read_to_string(&html_path).map_err(|e| format!("{}: {e}", html_path.display()))?;
    let modules: BTreeMap<String, Vec<String>> = split.prefetch_map.into_iter().collect();
    let routes = std::fs::read_to_string(root.join(ROUTES)).map_err(|e| format!("{ROUTES}: {e}"))?;
    let routes = preloaded(&routes)?;
    let html = page(&html, &base, &dir, (&trunk_js, &trunk_wasm), &modules, &routes)?;
    std::fs::write(&html_path, html).map_err(|e| format!("{}: {e}", html_path.display()))?;
    if release {
        bundle::precompress(&staging)?;
    }
    Ok(())
}

/// index.html with the split's files in place of Trunk's (`trunk`: its JS and wasm names),
/// each module's files (stems, in `dir`) and the routes of those to preload, and without
/// comments.
fn page(
    html: &str,
    base: &str,
    dir: &str,
    trunk: (&str, &str),
    modules: &BTreeMap<String, Vec<String>>,
    routes: &BTreeMap<String, Vec<String>>,
) -> Result<String, String> {
    for needle in ["@SPLIT_MODULES@", "@SPLIT_ROUTES@", "@SPLIT_DIR@"].iter().map(|s| s.to_string()).chain([format!("{base}{}", trunk.0), format!("{base}{}", trunk.1)]) {
        if !html.contains(&needle) {
            return Err(format!("index.html as Trunk wrote it has no {needle}: is Trunk.toml's pattern_script/pattern_preload in place?"));
        }
    }
    let files = serde_json::to_string(modules).map_err(|e| format!("the split modules' files: {e}"))?;
    let routes = serde_json::to_string(routes).map_err(|e| format!("{ROUTES}: {e}"))?;
    let html = html
        .replace(&format!("{base}{}", trunk.0), &format!("{base}{dir}/{CRATE}.js"))
        .replace(&format!("{base}{}", trunk.1), &format!("{base}{dir}/{CRATE}_bg.wasm"))
        .replace("@SPLIT_DIR@", dir)
        .replace("@SPLIT_MODULES@", &files)
        .replace("@SPLIT_ROUTES@", &routes);
    Ok(without_comments(&html))
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

/// wasm-bindgen's TypeScript declarations: nothing here reads them.
pub fn remove_typescript(pkg: &Path) -> Result<(), String> {
    for f in list(pkg)? {
        if f.to_string_lossy().ends_with(".d.ts") {
            std::fs::remove_file(&f).map_err(|e| format!("{}: {e}", f.display()))?;
        }
    }
    Ok(())
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

fn list(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    Ok(out)
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

    /// What Trunk writes from Trunk.toml's patterns, in brief.
    const STAGED: &str = "<head>\n    <!-- for the editor -->\n    <script>\n        const files = @SPLIT_MODULES@;\n        const routes = @SPLIT_ROUTES@;\n    </script>\n    <script type=\"module\">\n        // why\n        import init from '/hostwinds-console-ab12.js';\n        await init({ module_or_path: '/hostwinds-console-ab12_bg.wasm' });\n    </script>\n    <link rel=\"modulepreload\" href=\"/@SPLIT_DIR@/__wasm_split.js\">\n</head>\n";

    #[test]
    fn trunks_files_give_way_to_the_split_ones() {
        let modules = [("ip_screen".to_string(), vec!["chunk_1".to_string(), "split_ip_screen".to_string()])].into_iter().collect();
        let routes = [("ip_screen".to_string(), vec!["/servers/:serviceid".to_string()])].into_iter().collect();
        let html = page(STAGED, "/", "pkg-0123", ("hostwinds-console-ab12.js", "hostwinds-console-ab12_bg.wasm"), &modules, &routes).unwrap();
        assert!(html.contains("import init from '/pkg-0123/hostwinds-console.js';"), "{html}");
        assert!(html.contains("module_or_path: '/pkg-0123/hostwinds-console_bg.wasm'"), "{html}");
        assert!(html.contains(r#"const files = {"ip_screen":["chunk_1","split_ip_screen"]};"#), "{html}");
        assert!(html.contains(r#"const routes = {"ip_screen":["/servers/:serviceid"]};"#), "{html}");
        assert!(html.contains(r#"<link rel="modulepreload" href="/pkg-0123/__wasm_split.js">"#), "{html}");
        assert!(!html.contains("ab12") && !html.contains('@') && !html.contains("<!--") && !html.contains("// why"), "{html}");
    }

    #[test]
    fn a_page_without_the_patterns_is_refused() {
        let none = BTreeMap::new();
        let e = page("<head></head>", "/", "pkg-1", ("a.js", "a_bg.wasm"), &none, &none).unwrap_err();
        assert!(e.contains("pattern_script"), "{e}");
        let e = page(&STAGED.replace("ab12.js", "ffff.js"), "/", "pkg-1", ("hostwinds-console-ab12.js", "hostwinds-console-ab12_bg.wasm"), &none, &none).unwrap_err();
        assert!(e.contains("hostwinds-console-ab12.js"), "{e}");
    }

    #[test]
    fn trunk_toml_has_the_patterns_this_fills_in() {
        let toml = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../Trunk.toml")).unwrap();
        for needle in ["@SPLIT_MODULES@", "@SPLIT_ROUTES@", "@SPLIT_DIR@", "{base}{js}", "{base}{wasm}", "'{base}@SPLIT_DIR@/' + f + '.wasm'", "document.getElementById('boot-status')", "split-staged"] {
            assert!(toml.contains(needle), "Trunk.toml lacks {needle}");
        }
    }

    #[test]
    fn the_template_has_the_frame_the_loader_and_the_app_expect() {
        let template = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../index.html")).unwrap();
        assert!(template.contains(r#"<div id="boot">"#) && template.contains(r#"id="boot-status""#));
        let rust = template.find(r#"data-trunk rel="rust""#).unwrap();
        assert!(template.find("hostwinds.theme").unwrap() < rust, "the theme before the stylesheet");
        // The loader's deep-link preload comes before the stylesheet: a script after one waits for it.
        assert!(rust < template.find(r#"data-trunk rel="css""#).unwrap());
    }

    #[test]
    fn the_routes_table_is_one_the_page_script_can_read() {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(ROUTES)).unwrap();
        let table: BTreeMap<String, Screens> = serde_json::from_str(&text).unwrap();
        assert_eq!(table.keys().collect::<Vec<_>>(), ["account_screens", "ip_screen", "server_screens"]);
        assert!(table.values().flat_map(|s| &s.routes).all(|r| r.starts_with('/') && !r.ends_with('/')));
        // The server screens come after the shell's first paint; the account screens with the page.
        assert_eq!(preloaded(&text).unwrap().keys().collect::<Vec<_>>(), ["account_screens"]);
        assert!(preloaded(r#"{"a": {"routes": [], "with_page": true, "extra": 1}}"#).is_err());
        assert!(preloaded(r#"{"a": ["/x"]}"#).is_err());
    }

    #[test]
    fn comments_leave_the_page_and_the_code_stays() {
        let html = "<body>\n    <!-- for the editor,\n         two lines -->\n    <div id=\"boot\"></div>\n<script>\n    // why\n    const a = 'http://x'; // kept\n</script>\n";
        assert_eq!(without_comments(html), "<body>\n<div id=\"boot\"></div>\n<script>\nconst a = 'http://x'; // kept\n</script>\n");
    }

    #[test]
    fn the_hash_follows_every_byte() {
        assert_ne!(fnv1a(b"ab", FNV_OFFSET), fnv1a(b"ba", FNV_OFFSET));
        assert_eq!(fnv1a(b"", FNV_OFFSET), FNV_OFFSET);
        // The published FNV-1a 64 test vector.
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}
