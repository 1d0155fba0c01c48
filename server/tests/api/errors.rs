use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;

on_both_databases!(bad_requests_get_clear_json_errors);

async fn bad_requests_get_clear_json_errors(app: &TestApp) {
    let client = app.client();
    let login = app.url("/api/auth/login");

    let res = client.post(&login).header("content-type", "application/json").body("{not json").send().await.unwrap();
    expect_error(res, 400, "bad_request").await;

    let res =
        client.post(&login).header("content-type", "application/json").body(r#"{"email": 5}"#).send().await.unwrap();
    expect_error(res, 422, "validation").await;

    let res = client.post(&login).header("content-type", "text/plain").body("hello").send().await.unwrap();
    expect_error(res, 415, "unsupported_media_type").await;

    let huge = format!(r#"{{"email":"a@b.nl","password":"{}"}}"#, "x".repeat(veld_server::BODY_LIMIT + 10));
    let res = client.post(&login).header("content-type", "application/json").body(huge).send().await.unwrap();
    expect_error(res, 413, "payload_too_large").await;

    expect_error(client.get(app.url("/api/no/such/thing")).send().await.unwrap(), 404, "not_found").await;
    expect_error(client.delete(app.url("/api/health")).send().await.unwrap(), 400, "bad_request").await;
}
