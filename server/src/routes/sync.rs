//! The sync protocol: `POST /api/sync/push` and `GET /api/sync/pull` (see `veld_domain::sync`).

use crate::auth::CurrentUser;
use crate::db::{PushError, now_ms};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::{get, post};
use futures::Stream;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use veld_domain::sync::{ClientId, MutationOutcome, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse};

/// The most mutations one push may carry; clients send their outbox in batches.
pub const MAX_BATCH: usize = 500;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sync/push", post(push))
        .route("/sync/pull", get(pull))
        .route("/sync/events", get(events))
        .route("/sync/conflicts", get(my_conflicts))
}

#[utoipa::path(post, path = "/api/sync/push", tag = "sync", request_body = veld_domain::sync::PushRequest, responses((status = 200, description = "Each mutation's outcome", body = veld_domain::sync::PushResponse), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn push(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PushRequest>,
) -> ApiResult<ApiJson<PushResponse>> {
    check_protocol(req.protocol)?;
    if req.mutations.len() > MAX_BATCH {
        return Err(ApiError::validation("mutations", format!("send at most {MAX_BATCH} mutations per push")));
    }
    let req = req.stamped();
    match state.pushes.push(user.actor.clone(), req, now_ms()).await {
        Ok(response) => {
            let newest = response.results.iter().filter_map(|r| match r.outcome {
                MutationOutcome::Applied { version, .. } => Some(version),
                _ => None,
            });
            if let Some(version) = newest.max() {
                state.announce(version);
            }
            Ok(ApiJson(response))
        }
        Err(PushError::Gap(gap)) => Err(ApiError::MutationGap(gap.to_string())),
        Err(PushError::ForeignClient) => Err(ApiError::Forbidden),
        Err(PushError::Db(err)) => Err(ApiError::Internal(err)),
    }
}

/// `GET /api/sync/events`: a server-sent event `change` (data: the new version) whenever a
/// change is committed, so that open apps pull within a second. Carries no record data: what
/// each user may see is decided by the pull.
#[utoipa::path(get, path = "/api/sync/events", tag = "sync", responses((status = 200, description = "Server-sent events: `change` with the new version", content_type = "text/event-stream", body = String), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn events(
    State(state): State<AppState>,
    _user: CurrentUser,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let receiver = state.changes.subscribe();
    let stream = futures::stream::unfold(receiver, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(version) => return Some((Ok(Event::default().event("change").data(version.to_string())), rx)),
                // Missed some announcements: one event still makes the app pull everything.
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct PullQuery {
    client_id: uuid::Uuid,
    #[serde(default)]
    cursor: u64,
    /// The last mutation id whose answer the client has; refusals after it come along.
    #[serde(default)]
    acked: u64,
    /// Changes per page (at most [`MAX_PULL`]).
    #[serde(default = "default_pull")]
    limit: u32,
    #[serde(default = "current_protocol")]
    protocol: u32,
}

/// The most changes one pull returns; a first download comes in pages of this size.
pub const MAX_PULL: u32 = 5_000;

fn default_pull() -> u32 {
    MAX_PULL
}

fn current_protocol() -> u32 {
    PROTOCOL_VERSION
}

#[utoipa::path(get, path = "/api/sync/pull", tag = "sync", params(PullQuery), responses((status = 200, description = "The changes after the cursor that the user may see", body = veld_domain::sync::PullResponse), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn pull(
    State(state): State<AppState>,
    user: CurrentUser,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<ApiJson<PullResponse>> {
    let Query(q) = query?;
    check_protocol(q.protocol)?;
    Ok(ApiJson(
        state.db.pull(&user.actor, ClientId(q.client_id), q.cursor, q.acked, q.limit.min(MAX_PULL), now_ms()).await?,
    ))
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

/// `GET /api/sync/conflicts`: the user's own edits that lost to a concurrent one (last 100),
/// for the Pending changes page.
#[utoipa::path(get, path = "/api/sync/conflicts", tag = "sync", responses((status = 200, description = "The user's own edits that lost", body = Vec<veld_domain::api::ConflictView>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn my_conflicts(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<ApiJson<Vec<veld_domain::api::ConflictView>>> {
    let all = state.db.conflict_views(crate::db::ConflictFilter::LostBy(user.actor.user), 100).await?;
    // Only records the user may still see.
    let mut visible = Vec::with_capacity(all.len());
    for c in all {
        if let Some(r) = state.db.stored_record(c.record_id).await?
            && !r.deleted
            && user.actor.may(veld_domain::Action::View, r.kind, r.ownership())
        {
            visible.push(c);
        }
    }
    Ok(ApiJson(visible))
}
