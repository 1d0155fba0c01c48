//! `GET /api/health`: liveness and database reachability, for load balancers and the app.

use crate::error::{ApiError, ApiJson};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use veld_domain::api::Health;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

#[utoipa::path(get, path = "/api/health", tag = "health", responses((status = 200, description = "Alive, with the database reachable", body = veld_domain::api::Health), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn health(State(state): State<AppState>) -> Result<ApiJson<Health>, ApiError> {
    state.db.ping().await.map_err(ApiError::Unavailable)?;
    Ok(ApiJson(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.db.backend().name().into(),
    }))
}
