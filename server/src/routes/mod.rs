//! The JSON API under `/api`, one module per resource.

mod admin;
mod attachments;
mod auth;
mod automation;
mod health;
mod me;
mod records;
mod sync;

use crate::error::ApiError;
use crate::state::AppState;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(auth::router())
        .merge(me::router())
        .merge(records::router())
        .merge(attachments::router())
        .merge(automation::router())
        .merge(admin::router())
        .merge(sync::router())
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
        .method_not_allowed_fallback(|| async {
            ApiError::BadRequest { message: "this endpoint does not accept that HTTP method".into() }
        })
}
