//! The size of what a browser downloads: raw, gzip -9 and brotli 11, measured with Node's
//! zlib; and the budget CI holds the first load to (`bundle-budget.json`). The wasm modules
//! the split cut out (`chunk_*`, `split_*`) are fetched when a screen that needs them is
//! entered: measured and reported, outside the first load.

use std::path::Path;
use std::process::Command;

pub struct Asset {
    /// The file name in dist/, for the bench report.
    #[allow(dead_code)]
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    pub first_load: bool,
}

const MEASURE: &str = r#"
const fs = require('fs'), z = require('zlib'), path = require('path');
const dir = process.argv[1];
const files = fs.readdirSync(dir, { recursive: true }).filter((f) => /\.(wasm|js|css|html)$/.test(f)).sort();
const out = files.map((f) => {
  const b = fs.readFileSync(path.join(dir, f));
  return { name: f, raw: b.length, gzip: z.gzipSync(b, { level: 9 }).length,
    brotli: z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
});
console.log(JSON.stringify(out));
"#;

const COMPRESS: &str = r#"
const fs = require('fs'), z = require('zlib'), path = require('path');
const dir = process.argv[1];
for (const f of fs.readdirSync(dir, { recursive: true }).filter((f) => /\.(wasm|js|css|html)$/.test(f))) {
  const b = fs.readFileSync(path.join(dir, f));
  fs.writeFileSync(path.join(dir, f + '.gz'), z.gzipSync(b, { level: 9 }));
  fs.writeFileSync(path.join(dir, f + '.br'), z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }));
}
"#;

/// Write `.gz` and `.br` beside every asset, for the proxy to serve precompressed.
pub fn precompress(dist: &Path) -> Result<(), String> {
    let out = Command::new("node").arg("-e").arg(COMPRESS).arg(dist).output().map_err(|e| format!("node: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("compressing {}: {}", dist.display(), String::from_utf8_lossy(&out.stderr)))
    }
}

pub fn measure(dist: &Path) -> Result<Vec<Asset>, String> {
    let out = Command::new("node")
        .arg("-e")
        .arg(MEASURE)
        .arg(dist)
        .output()
        .map_err(|e| format!("node: {e}"))?;
    if !out.status.success() {
        return Err(format!("measuring {}: {}", dist.display(), String::from_utf8_lossy(&out.stderr)));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| format!("sizes: {e}"))?;
    let list = v.as_array().ok_or("sizes: not a list")?;
    Ok(list
        .iter()
        .map(|a| Asset {
            first_load: a["name"].as_str().is_some_and(is_first_load),
            name: a["name"].as_str().unwrap_or("").to_string(),
            raw: a["raw"].as_u64().unwrap_or(0),
            gzip: a["gzip"].as_u64().unwrap_or(0),
            brotli: a["brotli"].as_u64().unwrap_or(0),
        })
        .collect())
}

/// The sizes as JSON, for the bench's report.
pub fn to_json(assets: &[Asset]) -> String {
    let each: Vec<String> = assets
        .iter()
        .map(|a| {
            format!(
                r#"{{"name":{:?},"raw":{},"gzip":{},"brotli":{},"first_load":{}}}"#,
                a.name, a.raw, a.gzip, a.brotli, a.first_load
            )
        })
        .collect();
    format!("[{}]", each.join(","))
}

/// Every file but the modules the split made for the lazy screens.
fn is_first_load(name: &str) -> bool {
    let file = name.rsplit('/').next().unwrap_or(name);
    !(file.ends_with(".wasm") && (file.starts_with("chunk_") || file.starts_with("split_")))
}

/// The sum over the first-load assets.
pub fn total(assets: &[Asset], f: impl Fn(&Asset) -> u64) -> u64 {
    assets.iter().filter(|a| a.first_load).map(f).sum()
}

/// Compare the first-load gzip size with the budget; Ok(message) when within it.
pub fn check_budget(root: &Path, assets: &[Asset]) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join("bundle-budget.json")).map_err(|e| format!("bundle-budget.json: {e}"))?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("bundle-budget.json: {e}"))?;
    let budget = v["first_load_gzip_bytes"].as_u64().ok_or("bundle-budget.json: first_load_gzip_bytes missing")?;
    let gzip = total(assets, |a| a.gzip);
    let line = format!(
        "first-load assets: {:.1} KiB gzip ({:.1} KiB brotli, {:.1} KiB raw); budget {:.1} KiB gzip",
        gzip as f64 / 1024.0,
        total(assets, |a| a.brotli) as f64 / 1024.0,
        total(assets, |a| a.raw) as f64 / 1024.0,
        budget as f64 / 1024.0
    );
    let later = assets.iter().filter(|a| !a.first_load);
    let line = format!("{line}; {:.1} KiB gzip more in {} modules loaded with the screens that need them", later.clone().map(|a| a.gzip).sum::<u64>() as f64 / 1024.0, later.count());
    if gzip <= budget {
        Ok(line)
    } else {
        Err(format!("{line}: over budget by {} bytes", gzip - budget))
    }
}
