//! `GET /api/records/{kind}`: the records of a kind the user may see (a read-only view beside
//! the sync protocol), a record's history and its conflict log; merging two duplicates.

use crate::auth::CurrentUser;
use crate::db::{ConflictFilter, MergeFailure, now_ms};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use veld_domain::api::{ConflictView, HistoryEntry, RecordRow};
use veld_domain::merge::{MergeError, MergeRequest, MergeResponse, MergedInto};
use veld_domain::{Action, RecordKind};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/records/{kind}", get(list))
        .route("/records/{kind}/{id}/conflicts", get(conflicts))
        .route("/records/{kind}/{id}/history", get(history))
        .route("/records/{kind}/merge", post(merge))
        .route("/records/{kind}/{id}/merged", get(merged))
}

/// A record the user may see, or 404 (a record outside the user's scope does not exist for them).
async fn visible_record(state: &AppState, user: &CurrentUser, kind: &str, id: &str) -> ApiResult<uuid::Uuid> {
    let kind = RecordKind::parse(kind).ok_or_else(|| ApiError::NotFound(format!("no record kind `{kind}`")))?;
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound(format!("`{id}` is not a record id")))?;
    let record = state.db.stored_record(id).await?;
    let visible = record.is_some_and(|r| r.kind == kind && user.actor.may(Action::View, kind, r.ownership()));
    if !visible {
        return Err(ApiError::NotFound("no such record".into()));
    }
    Ok(id)
}

/// `GET /api/records/{kind}/{id}/history`: the record's applied changes, newest first: who,
/// when, each field's old and new value.
#[utoipa::path(get, path = "/api/records/{kind}/{id}/history", tag = "records", params(("kind" = String, Path, description = "A record kind"), ("id" = String, Path, description = "The record id")), responses((status = 200, description = "The record's history, newest first", body = Vec<veld_domain::api::HistoryEntry>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<ApiJson<Vec<HistoryEntry>>> {
    let id = visible_record(&state, &user, &kind, &id).await?;
    Ok(ApiJson(state.db.history(id, 500).await?))
}

/// `GET /api/records/{kind}/{id}/conflicts`: the values that lost concurrent edits of a record
/// the user may see, newest first (the record's history shows them).
#[utoipa::path(get, path = "/api/records/{kind}/{id}/conflicts", tag = "records", params(("kind" = String, Path, description = "A record kind"), ("id" = String, Path, description = "The record id")), responses((status = 200, description = "Values that lost to concurrent edits", body = Vec<veld_domain::api::ConflictView>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn conflicts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<ApiJson<Vec<ConflictView>>> {
    let id = visible_record(&state, &user, &kind, &id).await?;
    Ok(ApiJson(state.db.conflict_views(ConflictFilter::Record(id), 200).await?))
}

#[utoipa::path(get, path = "/api/records/{kind}", tag = "records", params(("kind" = String, Path, description = "A record kind, e.g. `lead`")), responses((status = 200, description = "The records of the kind the user may see", body = Vec<veld_domain::api::RecordRow>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
) -> ApiResult<ApiJson<Vec<RecordRow>>> {
    let kind = RecordKind::parse(&kind).ok_or_else(|| ApiError::NotFound(format!("no record kind `{kind}`")))?;
    if !user.actor.permissions.can_at_all(kind, Action::View) {
        return Err(ApiError::Forbidden);
    }
    Ok(ApiJson(state.db.visible_records(&user.actor, kind).await?))
}

/// `POST /api/records/{kind}/merge`: merges one company, contact or lead into another (issue
/// 14): the survivor takes the fields named in `take` (and every value it lacks), every link
/// moves to it, the merged record is deleted and redirects to it.
#[utoipa::path(post, path = "/api/records/{kind}/merge", tag = "records", params(("kind" = String, Path, description = "`company`, `contact` or `lead`")), request_body = veld_domain::merge::MergeRequest, responses((status = 200, description = "The merge is done", body = veld_domain::merge::MergeResponse), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn merge(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
    ApiJson(req): ApiJson<MergeRequest>,
) -> ApiResult<ApiJson<MergeResponse>> {
    let kind = RecordKind::parse(&kind).ok_or_else(|| ApiError::NotFound(format!("no record kind `{kind}`")))?;
    match state.db.merge(&user.actor, kind, &req, now_ms()).await {
        Ok(done) => {
            crate::automation::announce(&state).await;
            Ok(ApiJson(done))
        }
        Err(MergeFailure::NotFound) => Err(ApiError::NotFound("no such record".into())),
        Err(MergeFailure::Forbidden) => Err(ApiError::Forbidden),
        Err(MergeFailure::TooManyFields) => Err(ApiError::validation("take", MergeFailure::TooManyFields)),
        Err(MergeFailure::Invalid(e)) => {
            let field = match e {
                MergeError::UnknownField(_) => "take",
                MergeError::SameRecord => "merged",
                MergeError::NotMergeable => "kind",
                MergeError::BothConverted => veld_domain::schema::names::OPPORTUNITY_ID,
            };
            Err(ApiError::validation(field, e))
        }
        Err(MergeFailure::Refused(outcome)) => Err(ApiError::refused(outcome)),
        Err(MergeFailure::Db(e)) => Err(ApiError::Internal(e)),
    }
}

/// `GET /api/records/{kind}/{id}/merged`: the record a merged one went into (a link to the
/// merged record leads there), if the user may see it; 404 otherwise, as for any record.
#[utoipa::path(get, path = "/api/records/{kind}/{id}/merged", tag = "records", params(("kind" = String, Path, description = "A record kind"), ("id" = String, Path, description = "The merged record's id")), responses((status = 200, description = "The record it was merged into", body = veld_domain::merge::MergedInto), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn merged(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<ApiJson<MergedInto>> {
    let kind = RecordKind::parse(&kind).ok_or_else(|| ApiError::NotFound(format!("no record kind `{kind}`")))?;
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound("no such record".into()))?;
    match state.db.merged_into(&user.actor, kind, id).await? {
        Some(survivor) => Ok(ApiJson(MergedInto { survivor })),
        None => Err(ApiError::NotFound("no such record".into())),
    }
}
