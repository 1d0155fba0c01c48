//! The logged-in user: who they are, their own preferences, and their colleagues.

use crate::auth::CurrentUser;
use crate::error::{ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use veld_domain::api::{Colleague, Me, UpdateMe};

pub fn router() -> Router<AppState> {
    Router::new().route("/me", get(me).patch(update_me)).route("/users", get(colleagues))
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

/// `GET /api/users`: the active users (name and office), for choosing an owner.
async fn colleagues(State(state): State<AppState>, _user: CurrentUser) -> ApiResult<ApiJson<Vec<Colleague>>> {
    let users = state.db.list_users().await?;
    Ok(ApiJson(
        users
            .into_iter()
            .filter(|u| u.active)
            .map(|u| Colleague { id: u.id, name: u.name, office: u.office, office_id: Some(u.office_id) })
            .collect(),
    ))
}
