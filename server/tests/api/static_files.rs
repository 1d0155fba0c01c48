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
    let missing = client.get(app.url("/missing-file.js")).send().await.unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(missing.headers()["x-content-type-options"], "nosniff");
}
