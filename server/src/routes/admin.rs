//! The administration area's API; every handler requires the role's `admin` permission.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, put};
use veld_domain::RoleId;
use veld_domain::api::{ROLE_NAME_MAX, RoleUpdate, RoleView, UserRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users))
        .route("/admin/roles", get(roles).post(create_role))
        .route("/admin/roles/{id}", put(update_role))
}

fn admin(user: &CurrentUser) -> ApiResult<()> {
    if user.actor.permissions.admin { Ok(()) } else { Err(ApiError::Forbidden) }
}

#[utoipa::path(get, path = "/api/admin/users", tag = "admin", responses((status = 200, description = "Every user", body = Vec<veld_domain::api::UserRow>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Vec<UserRow>>> {
    admin(&user)?;
    Ok(ApiJson(state.db.list_users().await?))
}

#[utoipa::path(get, path = "/api/admin/roles", tag = "admin", responses((status = 200, description = "Every role", body = Vec<veld_domain::api::RoleView>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn roles(State(state): State<AppState>, user: CurrentUser) -> ApiResult<ApiJson<Vec<RoleView>>> {
    admin(&user)?;
    Ok(ApiJson(state.db.list_roles().await?))
}

/// The field a role's name is refused on (a role is not a record: not a schema field).
const ROLE_NAME: &str = "name"; // not a record field

/// A role's name: present, not too long, and not another role's.
async fn check_name(state: &AppState, id: Option<RoleId>, update: &RoleUpdate) -> ApiResult<()> {
    let name = update.name.trim();
    if name.is_empty() || name.chars().count() > ROLE_NAME_MAX {
        return Err(ApiError::Validation {
            field: ROLE_NAME,
            message: format!("a role needs a name of at most {ROLE_NAME_MAX} characters"),
        });
    }
    match state.db.role_id(name).await? {
        Some(other) if Some(other) != id => {
            Err(ApiError::Validation { field: ROLE_NAME, message: "another role has this name".into() })
        }
        _ => Ok(()),
    }
}

#[utoipa::path(put, path = "/api/admin/roles/{id}", tag = "admin", params(("id" = String, Path, description = "The role id")), request_body = veld_domain::api::RoleUpdate, responses((status = 200, description = "The role, changed", body = veld_domain::api::RoleView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn update_role(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(update): ApiJson<RoleUpdate>,
) -> ApiResult<ApiJson<RoleView>> {
    admin(&user)?;
    let id: RoleId = id.parse().map_err(|_| ApiError::NotFound("no such role".into()))?;
    // An administrator cannot take the administration area (or every module) from their own
    // role: nobody could give it back.
    if id == user.me.role.id && !update.permissions.admin {
        return Err(ApiError::Validation {
            field: "admin",
            message: "this is your own role: without the administration area you could not undo this".into(),
        });
    }
    if update.permissions.modules.is_some_and(|m| !m.leads && !m.opportunities) {
        return Err(ApiError::Validation { field: "modules", message: "a role needs at least one module".into() });
    }
    check_name(&state, Some(id), &update).await?;
    if !state.db.update_role(id, &update).await? {
        return Err(ApiError::NotFound("no such role".into()));
    }
    found(&state, id).await
}

#[utoipa::path(post, path = "/api/admin/roles", tag = "admin", request_body = veld_domain::api::RoleUpdate, responses((status = 200, description = "The new role", body = veld_domain::api::RoleView), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn create_role(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(update): ApiJson<RoleUpdate>,
) -> ApiResult<ApiJson<RoleView>> {
    admin(&user)?;
    check_name(&state, None, &update).await?;
    let id = state.db.ensure_role(update.name.trim(), &update.permissions).await?;
    found(&state, id).await
}

async fn found(state: &AppState, id: RoleId) -> ApiResult<ApiJson<RoleView>> {
    let roles = state.db.list_roles().await?;
    roles.into_iter().find(|r| r.id == id).map(ApiJson).ok_or_else(|| ApiError::NotFound("no such role".into()))
}
