//! The logged-in user: who they are, and their own preferences.

use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use veld_domain::api::{Me, UpdateMe};

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me).patch(update_me))
}

async fn me(user: CurrentUser) -> ApiJson<Me> {
    ApiJson(user.me)
}

async fn update_me(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<UpdateMe>,
) -> ApiResult<ApiJson<Me>> {
    state.db.set_language(user.me.user.id, req.language).await?;
    let mut me = user.me;
    me.user.language = req.language;
    Ok(ApiJson(me))
}
