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

#[utoipa::path(get, path = "/api/me", tag = "me", responses((status = 200, description = "Who is logged in", body = veld_domain::api::Me), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn me(user: CurrentUser) -> ApiJson<Me> {
    ApiJson(user.me)
}

#[utoipa::path(patch, path = "/api/me", tag = "me", request_body = veld_domain::api::UpdateMe, responses((status = 200, description = "The preferences, changed", body = veld_domain::api::Me), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
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
#[utoipa::path(get, path = "/api/users", tag = "me", responses((status = 200, description = "Active colleagues", body = Vec<veld_domain::api::Colleague>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
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
