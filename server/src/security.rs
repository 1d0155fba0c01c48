//! Security headers: a Content-Security-Policy for the app (its own scripts — the inline ones of
//! `index.html` by their hash — and WebAssembly, nothing framed, no plugins), a closed one for
//! the API, and HSTS when the server is behind HTTPS (`--secure-cookies`).

use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

/// What the API's responses (JSON and attachment downloads) may do in a browser: nothing.
pub const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// HSTS for a year, subdomains included.
const HSTS: &str = "max-age=31536000; includeSubDomains";

/// The app's policy, following `index.html` (Trunk writes its inline start-up script there, and
/// a rebuild changes it): recomputed when the file changes.
#[derive(Clone)]
pub struct AppPolicy {
    index: PathBuf,
    cache: Arc<Mutex<Option<Cached>>>,
}

/// The policy computed for `index.html` as it was (modified, length).
struct Cached {
    modified: Option<SystemTime>,
    len: u64,
    value: HeaderValue,
}

impl AppPolicy {
    pub fn new(dist: &Path) -> AppPolicy {
        AppPolicy { index: dist.join("index.html"), cache: Arc::default() }
    }

    /// The policy for the shell as it is on disk now.
    pub fn header(&self) -> HeaderValue {
        let meta = std::fs::metadata(&self.index).ok();
        let key = (meta.as_ref().and_then(|m| m.modified().ok()), meta.as_ref().map_or(0, std::fs::Metadata::len));
        let mut cache = self.cache.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = cache.as_ref()
            && (c.modified, c.len) == key
        {
            return c.value.clone();
        }
        let html = std::fs::read_to_string(&self.index).unwrap_or_default();
        let value = HeaderValue::from_str(&app_policy(&html)).unwrap_or(HeaderValue::from_static(API_POLICY));
        *cache = Some(Cached { modified: key.0, len: key.1, value: value.clone() });
        value
    }
}

/// The app's Content-Security-Policy for a shell `html`: scripts from the origin and the inline
/// scripts it carries (by hash), WebAssembly compilation, styles from the origin (and the
/// `style` attributes the board and the stage colours use), images from the origin and data
/// URLs, connections to the origin only.
pub fn app_policy(html: &str) -> String {
    let hashes: Vec<String> = inline_scripts(html)
        .map(|body| format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(body))))
        .collect();
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{}{}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'",
        if hashes.is_empty() { "" } else { " " },
        hashes.join(" ")
    )
}

/// The bodies of the `<script>` elements without `src` in `html`.
fn inline_scripts(html: &str) -> impl Iterator<Item = &str> {
    html.split("<script").skip(1).filter_map(|rest| {
        let (open, after) = rest.split_once('>')?;
        let (body, _) = after.split_once("</script>")?;
        (!open.contains("src=")).then_some(body)
    })
}

/// Sets the policy (the app's outside `/api`, the closed one inside), and HSTS when `hsts`.
pub async fn headers(app: AppPolicy, hsts: bool, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    let headers = res.headers_mut();
    let policy = if api { HeaderValue::from_static(API_POLICY) } else { app.header() };
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    res
}

/// The content types a download keeps: documents and images a browser shows without running
/// anything. Any other (HTML, SVG, XML, scripts) is sent as `application/octet-stream`.
pub fn safe_download_type(declared: &str) -> &'static str {
    const SAFE: &[&str] = &[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
        "application/zip",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    ];
    let essence = declared.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    SAFE.iter().find(|t| **t == essence).copied().unwrap_or("application/octet-stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_allowed_by_their_hash_and_nothing_else_inline() {
        let html = r#"<head><script>alert(1)</script><script type="module">import init from '/a.js';</script>
            <script src="/x.js"></script></head>"#;
        let policy = app_policy(html);
        let hash = |s: &str| base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s));
        assert!(policy.contains(&format!("'sha256-{}'", hash("alert(1)"))), "{policy}");
        assert!(policy.contains(&format!("'sha256-{}'", hash("import init from '/a.js';"))), "{policy}");
        assert_eq!(policy.matches("'sha256-").count(), 2, "the external script needs no hash");
        assert!(!policy.split(';').any(|d| d.trim().starts_with("script-src") && d.contains("unsafe-inline")));
        for directive in ["object-src 'none'", "frame-ancestors 'none'", "'wasm-unsafe-eval'"] {
            assert!(policy.contains(directive), "{directive}: {policy}");
        }
    }

    #[test]
    fn only_harmless_types_are_downloaded_as_themselves() {
        assert_eq!(safe_download_type("application/pdf"), "application/pdf");
        assert_eq!(safe_download_type("Image/PNG; charset=x"), "image/png");
        for risky in ["text/html", "image/svg+xml", "application/xhtml+xml", "text/javascript", "application/xml", ""] {
            assert_eq!(safe_download_type(risky), "application/octet-stream", "{risky}");
        }
    }
}
