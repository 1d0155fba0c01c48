//! Login and logout.

use crate::auth::{self, ClientAddr};
use crate::db::{ThrottleKey, now_ms};
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

/// Failed logins one account may have from one address (or one known device) per window
/// before it backs off.
const PER_ACCOUNT_AND_ADDRESS: i64 = 5;
/// Failed logins an account may have from unknown devices anywhere, and one address may have
/// for any accounts, per window: a device the user logged in from before is not held by them.
const PER_ACCOUNT: i64 = 50;
const PER_ADDRESS: i64 = 50;

/// The keys a login attempt is throttled by: its device's own when the device is known to be
/// this user's, else the account on this address, the account, and the address.
fn throttle_keys(email: &str, addr: &str, known_device: Option<&str>) -> Vec<ThrottleKey> {
    let key = |key: String, limit, cleared_by_success| ThrottleKey { key, limit, cleared_by_success };
    match known_device {
        Some(device) => vec![key(format!("device:{device}"), PER_ACCOUNT_AND_ADDRESS, true)],
        None => vec![
            key(format!("account-address:{email}|{addr}"), PER_ACCOUNT_AND_ADDRESS, true),
            key(format!("account:{email}"), PER_ACCOUNT, false),
            key(format!("address:{addr}"), PER_ADDRESS, false),
        ],
    }
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = veld_domain::api::LoginRequest, responses((status = 200, description = "Logged in: the session cookie is set", body = veld_domain::api::Me), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
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
    if req.password.chars().count() > veld_domain::password::MAX_LEN {
        return Err(ApiError::InvalidCredentials);
    }
    // A bounded queue before the bounded checks: a flood is answered at once, not held.
    let Ok(_queued) = state.hash_queue.try_acquire() else {
        return Err(ApiError::Busy { retry_after_secs: 1 });
    };
    let user = state.db.user_auth(&email).await?;
    let device = jar.get(auth::DEVICE_COOKIE).map(|c| auth::token_hash(c.value()));
    let known = match (&device, &user) {
        (Some(device), Some(user)) => state.db.known_device(device).await?.filter(|owner| *owner == user.id).is_some(),
        _ => false,
    };
    let keys = throttle_keys(email.as_str(), &addr, device.as_deref().filter(|_| known));
    let now = now_ms();
    let counts = state
        .db
        .reserve_login(&keys, now)
        .await?
        .map_err(|retry_after_secs| ApiError::RateLimited { retry_after_secs })?;

    let hash = user.as_ref().map_or_else(|| auth::dummy_hash().to_owned(), |u| u.password_hash.clone());
    let password = req.password;
    let valid = state.passwords.verify(password, hash).await?;
    let user = match user {
        Some(u) if valid && !u.disabled => u,
        _ => {
            state.db.login_failed(&keys, &counts, now_ms()).await?;
            tracing::info!(email = %email, addr, "login failed");
            return Err(ApiError::InvalidCredentials);
        }
    };
    state.db.login_succeeded(&keys).await?;

    let (token, token_hash) = auth::new_session_token();
    state.db.insert_session(&token_hash, user.id, auth::SESSION_TTL.as_millis() as i64).await?;
    let (me, _) = state.db.me(user.id, state.settings.modules).await?.ok_or(ApiError::InvalidCredentials)?;
    // This device is now known to be the user's: others' failures will not hold it.
    let secure = state.settings.secure_cookies;
    let jar = if known {
        if let Some(device) = &device {
            state.db.remember_device(device, user.id, now_ms()).await?;
        }
        jar
    } else {
        let (device_token, device_hash) = auth::new_session_token();
        state.db.remember_device(&device_hash, user.id, now_ms()).await?;
        jar.add(auth::device_cookie(device_token, secure))
    };
    tracing::info!(user = %user.id, "logged in");
    Ok((jar.add(auth::session_cookie(token, secure)), ApiJson(me)))
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", responses((status = 204, description = "Logged out"), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn logout(State(state): State<AppState>, jar: CookieJar) -> ApiResult<(StatusCode, CookieJar)> {
    if let Some(cookie) = jar.get(auth::SESSION_COOKIE) {
        state.db.delete_session(&auth::token_hash(cookie.value())).await?;
    }
    Ok((StatusCode::NO_CONTENT, jar.add(auth::removal_cookie())))
}
