//! CSV import (issue 14): `POST /api/imports?kind=…&name=…` reads a file, `POST
//! /api/imports/{id}/plan` is the dry run with a column mapping, `POST /api/imports/{id}/run`
//! starts the import (it runs in the background: `crate::imports`), `GET /api/imports/{id}`
//! shows its progress. An import is its user's only: another user's is "not found".

use crate::auth::CurrentUser;
use crate::db::{ImportFailure, now_ms};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use veld_domain::RecordKind;
use veld_domain::import::{ImportView, MAX_BYTES, PlanRequest, read};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + 1)))
        .route("/imports/{id}", get(show))
        .route("/imports/{id}/plan", post(plan))
        .route("/imports/{id}/run", post(run))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct UploadQuery {
    /// `company`, `contact`, `lead` or `opportunity`.
    kind: String,
    /// The file's name, as the user picked it.
    #[serde(default)]
    name: String,
}

fn failure(err: ImportFailure) -> ApiError {
    match err {
        ImportFailure::NotFound => ApiError::NotFound("no such import".into()),
        ImportFailure::Forbidden => ApiError::Forbidden,
        ImportFailure::Mapping(e) => ApiError::validation("mapping", e),
        ImportFailure::State(_) => ApiError::Conflict(err.to_string()),
        ImportFailure::Db(e) => ApiError::Internal(e),
    }
}

fn import_id(id: &str) -> ApiResult<uuid::Uuid> {
    id.parse().map_err(|_| ApiError::NotFound("no such import".into()))
}

/// Reads a CSV file (UTF-8 or Windows-1252; `;`, `,` or tab) for importing: its columns, first
/// rows and a suggested mapping.
#[utoipa::path(post, path = "/api/imports", tag = "imports", params(UploadQuery), request_body(content = Vec<u8>, content_type = "text/csv", description = "The CSV file, at most 16 MB"), responses((status = 200, description = "The file as read", body = veld_domain::import::ImportView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<ApiJson<ImportView>> {
    let Query(query) = query?;
    let kind = RecordKind::parse(&query.kind)
        .filter(|k| veld_domain::import::KINDS.contains(k))
        .ok_or_else(|| ApiError::validation("kind", format!("`{}` cannot be imported", query.kind)))?;
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::FileTooLarge("the file is larger than 16 MB".into()),
        _ => ApiError::BadRequest { message: e.body_text() },
    })?;
    let sheet = read(&body).map_err(|e| match e {
        veld_domain::import::ReadError::TooLarge => ApiError::FileTooLarge(e.to_string()),
        other => ApiError::validation("file", other),
    })?;
    let id = state.db.create_import(&user.actor, kind, &query.name, sheet, now_ms()).await.map_err(failure)?;
    Ok(ApiJson(state.db.import_view(&user.actor, id).await.map_err(failure)?))
}

/// An import: its file, mapping, dry run and progress.
#[utoipa::path(get, path = "/api/imports/{id}", tag = "imports", params(("id" = String, Path, description = "The import's id")), responses((status = 200, description = "The import", body = veld_domain::import::ImportView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<ApiJson<ImportView>> {
    Ok(ApiJson(state.db.import_view(&user.actor, import_id(&id)?).await.map_err(failure)?))
}

/// The dry run: what each row will do with this mapping — create, update, merge, leave, or
/// refuse and why. Can be asked again with another mapping until the import runs.
#[utoipa::path(post, path = "/api/imports/{id}/plan", tag = "imports", params(("id" = String, Path, description = "The import's id")), request_body = veld_domain::import::PlanRequest, responses((status = 200, description = "The plan's counts and report", body = veld_domain::import::ImportView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn plan(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PlanRequest>,
) -> ApiResult<ApiJson<ImportView>> {
    if req.mapping.len() > veld_domain::import::MAX_COLUMNS {
        return Err(ApiError::validation("mapping", "the mapping has more columns than a file may have"));
    }
    Ok(ApiJson(state.db.plan_import(&user.actor, import_id(&id)?, &req, now_ms()).await.map_err(failure)?))
}

/// Runs the planned import in the background (resumed after a restart); its progress is in
/// `GET /api/imports/{id}`.
#[utoipa::path(post, path = "/api/imports/{id}/run", tag = "imports", params(("id" = String, Path, description = "The import's id")), responses((status = 200, description = "The import, running", body = veld_domain::import::ImportView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn run(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<ApiJson<ImportView>> {
    let id = import_id(&id)?;
    let view = state.db.start_import(&user.actor, id, now_ms()).await.map_err(failure)?;
    crate::imports::spawn(&state, id);
    Ok(ApiJson(view))
}
