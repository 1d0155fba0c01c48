use crate::helpers::{TestApp, expect_error};
use crate::on_both_databases;

on_both_databases!(bad_requests_get_clear_json_errors, the_whole_api_is_described_at_openapi_json);

async fn the_whole_api_is_described_at_openapi_json(app: &TestApp) {
    // Served without a session, as JSON.
    let doc: serde_json::Value =
        app.client().get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."), "{}", doc["openapi"]);
    let operations: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| ops.as_object().unwrap().keys().map(move |m| format!("{} {path}", m.to_uppercase())))
        .collect();
    // Every route the server answers (routes/*.rs), with its method.
    for expected in [
        "GET /api/health",
        "POST /api/auth/login",
        "POST /api/auth/logout",
        "GET /api/me",
        "PATCH /api/me",
        "GET /api/users",
        "GET /api/records/{kind}",
        "GET /api/records/{kind}/{id}/history",
        "GET /api/records/{kind}/{id}/conflicts",
        "POST /api/records/{kind}/merge",
        "GET /api/records/{kind}/{id}/merged",
        "GET /api/attachments/{id}/file",
        "PUT /api/attachments/{id}/file",
        "POST /api/automation/processes/{code}/run",
        "GET /api/automation/runs",
        "POST /api/opportunities/{id}/recurring",
        "GET /api/admin/users",
        "GET /api/admin/roles",
        "POST /api/admin/roles",
        "PUT /api/admin/roles/{id}",
        "POST /api/sync/push",
        "GET /api/sync/pull",
        "GET /api/sync/events",
        "GET /api/sync/conflicts",
        "POST /api/imports",
        "GET /api/imports/{id}",
        "POST /api/imports/{id}/plan",
        "POST /api/imports/{id}/run",
    ] {
        assert!(operations.contains(&expected.to_owned()), "{expected} is not described: {operations:?}");
    }
    assert_eq!(operations.len(), 28, "{operations:?}");
    // The wire types come along, and every error is the one JSON shape.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for name in [
        "PushRequest",
        "PullResponse",
        "Mutation",
        "Change",
        "ErrorBody",
        "Me",
        "RoleUpdate",
        "MergeRequest",
        "ImportView",
        "PlanRequest",
    ] {
        assert!(schemas.contains_key(name), "{name}");
    }
    assert_eq!(doc["components"]["securitySchemes"]["session"]["in"], "cookie");
}

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
