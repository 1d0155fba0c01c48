//! `GET /api/records/{kind}`: the records of a kind the user may see. A read-only view until
//! the sync protocol (push/pull) replaces it.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::get;
use veld_domain::api::RecordRow;
use veld_domain::{Action, RecordKind};

pub fn router() -> Router<AppState> {
    Router::new().route("/records/{kind}", get(list))
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
