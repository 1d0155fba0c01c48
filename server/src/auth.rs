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
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};
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

/// Counts failed logins per e-mail address and per client address over a sliding window.
/// Successful logins are not counted (unlike a plain request rate limiter), so a team behind
/// one office IP is not locked out by its own daily logins.
#[derive(Debug)]
pub struct LoginLimiter {
    window: Duration,
    per_account: usize,
    per_address: usize,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl Default for LoginLimiter {
    fn default() -> Self {
        LoginLimiter::new(Duration::from_secs(15 * 60), 5, 50)
    }
}

impl LoginLimiter {
    pub fn new(window: Duration, per_account: usize, per_address: usize) -> Self {
        LoginLimiter { window, per_account, per_address, failures: Mutex::default() }
    }

    fn keys(email: &str, addr: &str) -> [(String, bool); 2] {
        [(format!("account:{email}"), true), (format!("address:{addr}"), false)]
    }

    /// `Err(seconds)` when either key is locked out.
    pub fn check(&self, email: &str, addr: &str) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for (key, is_account) in Self::keys(email, addr) {
            let limit = if is_account { self.per_account } else { self.per_address };
            if let Some(times) = map.get_mut(&key) {
                times.retain(|t| now.duration_since(*t) < self.window);
                if times.len() >= limit {
                    let oldest = times[times.len() - limit];
                    let wait = self.window.saturating_sub(now.duration_since(oldest));
                    return Err(wait.as_secs().max(1));
                }
            }
        }
        Ok(())
    }

    pub fn record_failure(&self, email: &str, addr: &str) {
        let now = Instant::now();
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound memory under a flood of made-up addresses: forget stale entries first.
        if map.len() > 10_000 {
            map.retain(|_, times| times.last().is_some_and(|t| now.duration_since(*t) < self.window));
        }
        for (key, _) in Self::keys(email, addr) {
            map.entry(key).or_default().push(now);
        }
    }

    pub fn record_success(&self, email: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("account:{email}"));
    }
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

    #[test]
    fn limiter_locks_an_account_after_repeated_failures_only() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 3, 100);
        for _ in 0..3 {
            assert_eq!(limiter.check("a@x.nl", "1.1.1.1"), Ok(()));
            limiter.record_failure("a@x.nl", "1.1.1.1");
        }
        let wait = limiter.check("a@x.nl", "9.9.9.9").unwrap_err();
        assert!((1..=60).contains(&wait), "{wait}");
        // Another account from the same address is not locked.
        assert_eq!(limiter.check("b@x.nl", "1.1.1.1"), Ok(()));
    }

    #[test]
    fn limiter_locks_an_address_that_tries_many_accounts() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 100, 3);
        for i in 0..3 {
            limiter.record_failure(&format!("u{i}@x.nl"), "6.6.6.6");
        }
        assert!(limiter.check("new@x.nl", "6.6.6.6").is_err());
        assert_eq!(limiter.check("new@x.nl", "7.7.7.7"), Ok(()));
    }

    #[test]
    fn success_clears_the_account_counter() {
        let limiter = LoginLimiter::new(Duration::from_secs(60), 2, 100);
        limiter.record_failure("a@x.nl", "1.1.1.1");
        limiter.record_success("a@x.nl");
        limiter.record_failure("a@x.nl", "1.1.1.1");
        assert_eq!(limiter.check("a@x.nl", "1.1.1.1"), Ok(()));
    }
}
