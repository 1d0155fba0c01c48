//! Authentication: argon2id password hashes, opaque session tokens in an HttpOnly cookie, a
//! lock-out after repeated failures, and the extractor that turns a cookie into an [`Actor`].

use crate::error::ApiError;
use crate::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::time::Duration;
use veld_domain::Actor;
use veld_domain::api::Me;

pub const SESSION_COOKIE: &str = "veld_session";
/// Field reps may stay offline for weeks; the session outlives that, and is extended on use.
pub const SESSION_TTL: Duration = Duration::from_secs(60 * 60 * 24 * 30);

/// Hashes a password with argon2id (OWASP's recommended parameters, the crate's defaults).
/// CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Checks a password against a stored hash. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A hash to verify against when the e-mail address is unknown, so that the answer takes as
/// long as for a known user and does not reveal which addresses have accounts.
pub fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| hash_password("no user has this password").unwrap_or_default())
}

/// A fresh random session token (256 bits) and the hash that is stored for it.
pub fn new_session_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/")
        .max_age(time_duration(SESSION_TTL))
        .build()
}

pub fn removal_cookie() -> Cookie<'static> {
    let mut c = Cookie::build((SESSION_COOKIE, "")).path("/").build();
    c.make_removal();
    c
}

fn time_duration(d: Duration) -> time::Duration {
    time::Duration::seconds(d.as_secs() as i64)
}

/// The client's IP address, when the server was started with connect info (tests may not be).
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientAddr(addr.map(|c| c.0.ip().to_string()).unwrap_or_default()))
    }
}

/// The logged-in user of a request; rejects with 401 when there is no live session.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub me: Me,
    pub actor: Actor,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned()).ok_or(ApiError::Unauthenticated)?;
        let token_hash = token_hash(&token);
        let (user, expires_at) = state.db.session_user(&token_hash).await?.ok_or(ApiError::Unauthenticated)?;
        let (me, actor) = state.db.me(user, state.settings.modules).await?.ok_or(ApiError::Unauthenticated)?;
        // Sliding expiry, written at most once a day per session.
        let fresh_expiry = crate::db::now_ms() + SESSION_TTL.as_millis() as i64;
        if fresh_expiry - expires_at > 24 * 60 * 60 * 1000 {
            state.db.extend_session(&token_hash, fresh_expiry).await?;
        }
        Ok(CurrentUser { me, actor, token_hash })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("Correct horse battery", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn tokens_are_random_and_stored_hashed() {
        let (a, ha) = new_session_token();
        let (b, _) = new_session_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), ha);
        assert_ne!(a, ha);
    }
}
