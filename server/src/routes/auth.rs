//! Login and logout.

use crate::auth::{self, ClientAddr};
use crate::error::{ApiError, ApiJson, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum_extra::extract::CookieJar;
use veld_domain::Email;
use veld_domain::api::{LoginRequest, Me};

pub fn router() -> Router<AppState> {
    Router::new().route("/auth/login", post(login)).route("/auth/logout", post(logout))
}

async fn login(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    jar: CookieJar,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(CookieJar, ApiJson<Me>)> {
    let email = Email::parse(&req.email).map_err(|e| ApiError::validation("email", e))?; // not a record field
    if req.password.is_empty() {
        return Err(ApiError::validation("password", "enter your password"));
    }
    state
        .limiter
        .check(email.as_str(), &addr)
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;

    let user = state.db.user_auth(&email).await?;
    let hash = user.as_ref().map_or_else(|| auth::dummy_hash().to_owned(), |u| u.password_hash.clone());
    let password = req.password;
    let valid = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(|e| anyhow::anyhow!("password check thread failed: {e}"))?;
    let user = match user {
        Some(u) if valid && !u.disabled => u,
        _ => {
            state.limiter.record_failure(email.as_str(), &addr);
            tracing::info!(email = %email, addr, "login failed");
            return Err(ApiError::InvalidCredentials);
        }
    };
    state.limiter.record_success(email.as_str());

    let (token, token_hash) = auth::new_session_token();
    state.db.insert_session(&token_hash, user.id, auth::SESSION_TTL.as_millis() as i64).await?;
    let (me, _) = state.db.me(user.id, state.settings.modules).await?.ok_or(ApiError::InvalidCredentials)?;
    tracing::info!(user = %user.id, "logged in");
    Ok((jar.add(auth::session_cookie(token, state.settings.secure_cookies)), ApiJson(me)))
}

async fn logout(State(state): State<AppState>, jar: CookieJar) -> ApiResult<(StatusCode, CookieJar)> {
    if let Some(cookie) = jar.get(auth::SESSION_COOKIE) {
        state.db.delete_session(&auth::token_hash(cookie.value())).await?;
    }
    Ok((StatusCode::NO_CONTENT, jar.add(auth::removal_cookie())))
}
