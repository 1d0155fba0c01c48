use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(the_app_is_served_with_the_right_cache_policy);

async fn the_app_is_served_with_the_right_cache_policy(app: &TestApp) {
    let client = app.client();
    for route in ["/", "/leads", "/opportunities/some-id"] {
        let res = client.get(app.url(route)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{route}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{route}");
        assert!(res.text().await.unwrap().contains("<title>Veld</title>"), "{route} serves the shell");
    }
    let sw = client.get(app.url("/sw.js")).send().await.unwrap();
    assert_eq!(sw.headers()["cache-control"], "no-cache");
    let wasm = client.get(app.url("/veld-app-5947a05cb09c431_bg.wasm")).send().await.unwrap();
    assert_eq!(wasm.status(), 200);
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    // The shell's policy: own scripts and WebAssembly, nothing framed, no plugins; the API's
    // answers may do nothing at all. No HSTS without HTTPS (`--secure-cookies`).
    let shell = client.get(app.url("/leads")).send().await.unwrap();
    let policy = shell.headers()["content-security-policy"].to_str().unwrap().to_owned();
    for directive in ["script-src 'self' 'wasm-unsafe-eval'", "object-src 'none'", "frame-ancestors 'none'"] {
        assert!(policy.contains(directive), "{directive}: {policy}");
    }
    assert_eq!(shell.headers()["x-frame-options"], "DENY");
    assert!(shell.headers().get("strict-transport-security").is_none());
    let api = client.get(app.url("/api/me")).send().await.unwrap();
    assert!(api.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
    // The prebuilt brotli file where the browser takes it, else gzip, else the file; and caches
    // told that the answer depends on Accept-Encoding.
    for (accept, encoding) in [("gzip, deflate, br, zstd", Some("br")), ("gzip", Some("gzip")), ("identity", None)] {
        let js =
            client.get(app.url("/veld-app-5947a05cb09c431.js")).header("accept-encoding", accept).send().await.unwrap();
        assert_eq!(js.status(), 200, "{accept}");
        assert_eq!(js.headers().get("content-encoding").map(|v| v.to_str().unwrap()), encoding, "{accept}");
        let vary = js.headers().get_all("vary").iter().map(|v| v.to_str().unwrap().to_lowercase()).collect::<Vec<_>>();
        assert!(vary.iter().any(|v| v.contains("accept-encoding")), "{accept}: vary {vary:?}");
    }
    let missing = client.get(app.url("/missing-file.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn behind_https_browsers_are_told_to_stay_on_https() {
    use crate::helpers::Backend;
    let settings = veld_server::config::ServeArgs { secure_cookies: true, ..Default::default() };
    let app = TestApp::spawn_with(Backend::Sqlite, settings).await.expect("SQLite always runs");
    for path in ["/", "/api/me"] {
        let res = app.client().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.headers()["strict-transport-security"], "max-age=31536000; includeSubDomains", "{path}");
    }
    app.cleanup().await;
}
