//! Serving the built app: hashed assets cached forever, the HTML shell and the service worker
//! never cached (so a new build is picked up at once), brotli and gzip files precompressed at
//! build time,
//! and every client-side route answered with the app shell.

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// The router for everything outside `/api`.
pub fn router(dist: &Path) -> Router {
    let index = dist.join("index.html");
    if !index.exists() {
        tracing::warn!(dist = %dist.display(), "the app is not built (no index.html); run scripts/run.sh or trunk build");
    }
    let shell = ShellFallback { index };
    let serve =
        ServeDir::new(dist).precompressed_br().precompressed_gzip().append_index_html_on_directories(true).fallback(
            tower::service_fn(move |req: Request| {
                let shell = shell.clone();
                async move { Ok::<_, std::convert::Infallible>(shell.respond(req).await) }
            }),
        );
    Router::new().fallback_service(serve).layer(axum::middleware::from_fn(cache_headers))
}

#[derive(Clone)]
struct ShellFallback {
    index: PathBuf,
}

impl ShellFallback {
    async fn respond(&self, req: Request) -> Response {
        // A missing file (it has an extension) is a real 404; anything else is a client route.
        let last = req.uri().path().rsplit('/').next().unwrap_or_default();
        if last.contains('.') {
            return crate::error::ApiError::NotFound(format!("no file {}", req.uri().path())).into_response();
        }
        if !self.index.exists() {
            return (StatusCode::SERVICE_UNAVAILABLE, "Veld's app is not built yet: run scripts/run.sh")
                .into_response();
        }
        match ServeFile::new(&self.index).precompressed_br().precompressed_gzip().oneshot(req).await {
            Ok(res) => res.map(Body::new),
            Err(err) => match err {},
        }
    }
}

/// Trunk names built assets `name-<hash>.ext` (or `…_bg.wasm`), the hash a 64-bit number in hex
/// without leading zeros: their content never changes under that name.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| (10..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_headers(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let policy = if !res.status().is_success() || is_html || path == "/sw.js" || path.ends_with(".webmanifest") {
        "no-cache"
    } else if is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    // Files are sent brotli- or gzip-compressed as the browser accepts: a cache must keep them
    // apart.
    let varies = res
        .headers()
        .get_all(header::VARY)
        .iter()
        .any(|v| v.to_str().is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding")));
    if !varies {
        res.headers_mut().append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashed_names() {
        assert!(is_hashed_asset("/veld-app-0123456789abcdef.js"));
        assert!(is_hashed_asset("/veld-app-0123456789abcdef_bg.wasm"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(is_hashed_asset("/veld-app-5947a05cb09c431_bg.wasm"));
        assert!(!is_hashed_asset("/sw.js"));
        assert!(!is_hashed_asset("/icons/icon-192.png"));
        assert!(!is_hashed_asset("/veld-app-01234.js"));
        assert!(!is_hashed_asset("/veld-app-0123456789abcdefg.js"));
        assert!(!is_hashed_asset("/"));
    }
}
