//! `GET /api/records/{kind}`: the records of a kind the user may see (a read-only view beside
//! the sync protocol), and a record's conflict log.

use crate::auth::CurrentUser;
use crate::db::ConflictFilter;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use veld_domain::api::{ConflictView, RecordRow};
use veld_domain::{Action, RecordKind};

pub fn router() -> Router<AppState> {
    Router::new().route("/records/{kind}", get(list)).route("/records/{kind}/{id}/conflicts", get(conflicts))
}

/// `GET /api/records/{kind}/{id}/conflicts`: the values that lost concurrent edits of a record
/// the user may see, newest first (the record's history shows them).
async fn conflicts(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<ApiJson<Vec<ConflictView>>> {
    let kind = RecordKind::parse(&kind).ok_or_else(|| ApiError::NotFound(format!("no record kind `{kind}`")))?;
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound(format!("`{id}` is not a record id")))?;
    let record = state.db.stored_record(id).await?;
    let visible = record.is_some_and(|r| r.kind == kind && user.actor.may(Action::View, kind, r.ownership()));
    if !visible {
        return Err(ApiError::NotFound("no such record".into()));
    }
    Ok(ApiJson(state.db.conflict_views(ConflictFilter::Record(id), 200).await?))
}

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
