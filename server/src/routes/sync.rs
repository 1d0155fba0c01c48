//! The sync protocol: `POST /api/sync/push` and `GET /api/sync/pull` (see `veld_domain::sync`).

use crate::auth::CurrentUser;
use crate::db::{PushError, now_ms};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use veld_domain::sync::{ClientId, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse};

/// The most mutations one push may carry; clients send their outbox in batches.
pub const MAX_BATCH: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/sync/push", post(push)).route("/sync/pull", get(pull))
}

async fn push(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> ApiResult<ApiJson<PushResponse>> {
    check_protocol(req.protocol)?;
    if req.mutations.len() > MAX_BATCH {
        return Err(ApiError::validation("mutations", format!("send at most {MAX_BATCH} mutations per push")));
    }
    match state.db.push(&user.actor, &req, now_ms()).await {
        Ok(response) => Ok(ApiJson(response)),
        Err(PushError::Gap(gap)) => Err(ApiError::MutationGap(gap.to_string())),
        Err(PushError::ForeignClient) => Err(ApiError::Forbidden),
        Err(PushError::Db(err)) => Err(ApiError::Internal(err)),
    }
}

#[derive(serde::Deserialize)]
struct PullQuery {
    client_id: uuid::Uuid,
    #[serde(default)]
    cursor: u64,
    #[serde(default = "current_protocol")]
    protocol: u32,
}

fn current_protocol() -> u32 {
    PROTOCOL_VERSION
}

async fn pull(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<ApiJson<PullResponse>> {
    let Query(q) = query?;
    check_protocol(q.protocol)?;
    Ok(ApiJson(state.db.pull(&user.actor, ClientId(q.client_id), q.cursor, now_ms()).await?))
}

fn check_protocol(protocol: u32) -> ApiResult<()> {
    if protocol == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(ApiError::ProtocolMismatch(format!(
            "this app speaks sync protocol {protocol}, the server speaks {PROTOCOL_VERSION}: reload the app"
        )))
    }
}
