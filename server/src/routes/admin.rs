//! The administration area's API; every handler requires the role's `admin` permission.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use veld_domain::api::UserRow;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/users", get(users))
}

async fn users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Vec<UserRow>>> {
    if !user.actor.permissions.admin {
        return Err(ApiError::Forbidden);
    }
    Ok(ApiJson(state.db.list_users().await?))
}
