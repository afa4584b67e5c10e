//! The built console: files from `--dist`, index.html for any other path (deep links).

use axum::http::{header, HeaderValue, Request, Response};
use std::convert::Infallible;
use std::path::Path;
use tower::service_fn;
use tower::util::BoxCloneSyncService;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

type Svc = BoxCloneSyncService<Request<axum::body::Body>, Response<axum::body::Body>, Infallible>;

pub fn service(dist: &Path) -> Svc {
    let index = dist.join("index.html");
    // `cargo xtask build` writes .br and .gz next to each asset: served as they are, so a
    // first load does not wait for on-the-fly compression of the wasm.
    let dir = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(&index).precompressed_br().precompressed_gzip());
    let svc = service_fn(move |req: Request<axum::body::Body>| {
        let dir = dir.clone();
        async move {
            let hashed = is_hashed_asset(req.uri().path());
            let resp = match dir.oneshot(req).await {
                Ok(r) => r,
                Err(e) => match e {},
            };
            let mut resp = resp.map(axum::body::Body::new);
            // Asset names carry a content hash: those never change; index.html
            // (and the deep-link fallback) must always be fetched anew.
            let cache = if hashed && resp.status().is_success() {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            };
            resp.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
            Ok::<_, Infallible>(resp)
        }
    });
    BoxCloneSyncService::new(svc)
}

/// `name-<hex>.ext` or `name-<hex>_bg.wasm` (16 hex digits, fewer when the hash starts with
/// zeros), or any file in a `pkg-<hex>/` directory, as `cargo xtask build` writes them (the
/// wasm modules import each other by name, so their directory carries the hash).
fn is_hashed_asset(path: &str) -> bool {
    let hashed = |name: &str| {
        name.rsplit_once('-').is_some_and(|(_, h)| (8..=16).contains(&h.len()) && h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let mut parts = path.trim_start_matches('/').split('/');
    let first = parts.next().unwrap_or("");
    if let (Some(dir), Some(file)) = (first.strip_prefix("pkg-").map(|_| first), parts.next()) {
        return hashed(dir) && !file.is_empty() && parts.next().is_none();
    }
    let file = path.rsplit('/').next().unwrap_or("");
    let stem = file.split('.').next().unwrap_or("");
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    hashed(stem)
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn hashed_names_and_hashed_directories_are_immutable_and_nothing_else_is() {
        for p in ["/main-3dee58c38fa26685.css", "/app-0123456789abcdef_bg.wasm", "/pkg-0401af968f66ba29/__wasm_split.js", "/pkg-0401af968f66ba29/chunk_3.wasm"] {
            assert!(is_hashed_asset(p), "{p}");
        }
        for p in ["/", "/index.html", "/robots.txt", "/servers/20001", "/pkg-0401af968f66ba29/", "/pkg-nothex00000000/a.js", "/pkg-0401af968f66ba29/a/b.js", "/pkg-12/a.js"] {
            assert!(!is_hashed_asset(p), "{p}");
        }
    }
}
