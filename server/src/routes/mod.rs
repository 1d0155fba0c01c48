//! The JSON API under `/api`, one module per resource.

mod admin;
mod attachments;
mod auth;
mod automation;
mod health;
mod imports;
mod me;
mod records;
mod sync;

use utoipa::OpenApi;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(records::router())
        .merge(imports::router())
        .merge(attachments::router())
        .merge(automation::router())
        .merge(admin::router())
        .merge(sync::router())
        .route("/openapi.json", axum::routing::get(|| async { axum::Json(ApiDoc::openapi()) }))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::BadRequest { message: "this endpoint does not accept that HTTP method".into() }
        })
}

/// The OpenAPI description of the whole HTTP API, served at `GET /api/openapi.json`: generated
/// from the handlers' annotations and the wire types of `veld_domain::api` and `::sync`.
#[derive(OpenApi)]
#[openapi(
    info(title = "Veld", description = "Veld's HTTP API: log in (a session cookie), then sync records with push and pull."),
    paths(
        health::health,
        auth::login,
        auth::logout,
        me::me,
        me::update_me,
        me::colleagues,
        records::list,
        records::history,
        records::conflicts,
        records::merge,
        records::merged,
        imports::upload,
        imports::show,
        imports::plan,
        imports::run,
        attachments::upload,
        attachments::download,
        automation::run_process,
        automation::runs,
        automation::recurring,
        admin::users,
        admin::roles,
        admin::create_role,
        admin::update_role,
        sync::push,
        sync::pull,
        sync::events,
        sync::my_conflicts,
    ),
    modifiers(&SessionCookie),
    security(("session" = []))
)]
pub struct ApiDoc;

/// The session cookie login sets, as the API's security scheme.
struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::auth::SESSION_COOKIE))),
        );
    }
}
