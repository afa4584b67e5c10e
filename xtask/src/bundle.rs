//! The size of what a browser downloads on first load: raw, gzip -9 and brotli 11, measured
//! with Node's zlib; and the budget CI holds it to (`bundle-budget.json`).

use std::path::Path;
use std::process::Command;

pub struct Asset {
    /// The file name in dist/, for the bench report.
    #[allow(dead_code)]
    pub name: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

const MEASURE: &str = r#"
const fs = require('fs'), z = require('zlib'), path = require('path');
const dir = process.argv[1];
const out = fs.readdirSync(dir).filter((f) => /\.(wasm|js|css|html)$/.test(f)).sort().map((f) => {
  const b = fs.readFileSync(path.join(dir, f));
  return { name: f, raw: b.length, gzip: z.gzipSync(b, { level: 9 }).length,
    brotli: z.brotliCompressSync(b, { params: { [z.constants.BROTLI_PARAM_QUALITY]: 11 } }).length };
});
console.log(JSON.stringify(out));
"#;

const COMPRESS: &str = r#"
const fs = require('fs'), z = require('zlib'), path = require('path');
const dir = process.argv[1];
for (const f of fs.readdirSync(dir).filter((f) => /\.(wasm|js|css|html)$/.test(f))) {
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
            name: a["name"].as_str().unwrap_or("").to_string(),
            raw: a["raw"].as_u64().unwrap_or(0),
            gzip: a["gzip"].as_u64().unwrap_or(0),
            brotli: a["brotli"].as_u64().unwrap_or(0),
        })
        .collect())
}

pub fn total(assets: &[Asset], f: impl Fn(&Asset) -> u64) -> u64 {
    assets.iter().map(f).sum()
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
    if gzip <= budget {
        Ok(line)
    } else {
        Err(format!("{line}: over budget by {} bytes", gzip - budget))
    }
}
