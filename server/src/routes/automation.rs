//! Automation on demand (SPEC TR-2): run a scheduled process now and read the runs' reports
//! (administrators), and make recurring opportunities from a base one.

use crate::auth::CurrentUser;
use crate::db::{RecurFailure, now_ms};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use veld_domain::api::{ProcessRunView, RecurringRequest, RecurringResponse};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/automation/processes/{code}/run", post(run_process))
        .route("/automation/runs", get(runs))
        .route("/opportunities/{id}/recurring", post(recurring))
}

fn admin(user: &CurrentUser) -> ApiResult<()> {
    if user.actor.permissions.admin { Ok(()) } else { Err(ApiError::Forbidden) }
}

/// `POST /api/automation/processes/{code}/run`: runs it now and answers its report.
#[utoipa::path(post, path = "/api/automation/processes/{code}/run", tag = "automation", params(("code" = String, Path, description = "The process code")), responses((status = 200, description = "The run's report", body = veld_domain::api::ProcessRunView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn run_process(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<ApiJson<ProcessRunView>> {
    admin(&user)?;
    let Some((run, changed)) = state.db.run_process(&code, now_ms(), "manual").await? else {
        return Err(ApiError::NotFound(format!("no process `{code}`")));
    };
    if changed {
        crate::automation::announce(&state).await;
    }
    Ok(ApiJson(run))
}

/// `GET /api/automation/runs`: the latest 50 runs, newest first.
#[utoipa::path(get, path = "/api/automation/runs", tag = "automation", responses((status = 200, description = "The latest runs", body = Vec<veld_domain::api::ProcessRunView>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn runs(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Vec<ProcessRunView>>> {
    admin(&user)?;
    Ok(ApiJson(state.db.process_runs(50).await?))
}

/// `POST /api/opportunities/{id}/recurring`: the next opportunities after a base one.
#[utoipa::path(post, path = "/api/opportunities/{id}/recurring", tag = "automation", params(("id" = String, Path, description = "The base opportunity id")), request_body = veld_domain::api::RecurringRequest, responses((status = 200, description = "The opportunities made", body = veld_domain::api::RecurringResponse), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn recurring(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<RecurringRequest>,
) -> ApiResult<ApiJson<RecurringResponse>> {
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound(format!("`{id}` is not an opportunity id")))?;
    match state.db.make_recurring(&user.actor, id, req.every_months, req.count, now_ms()).await {
        Ok(created) => {
            crate::automation::announce(&state).await;
            Ok(ApiJson(RecurringResponse { created }))
        }
        Err(RecurFailure::NotFound) => Err(ApiError::NotFound("no such opportunity".into())),
        Err(RecurFailure::Forbidden) => Err(ApiError::Forbidden),
        Err(RecurFailure::Invalid(e)) => {
            let field = if matches!(e, veld_domain::automation::RecurError::BadCount) {
                "count"
            } else {
                veld_domain::schema::names::COMPLETION_DATE
            };
            Err(ApiError::validation(field, e))
        }
        Err(RecurFailure::Refused(outcome)) => Err(ApiError::refused(outcome)),
        Err(RecurFailure::Db(e)) => Err(ApiError::Internal(e)),
    }
}
