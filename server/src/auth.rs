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
/// Marks a device a user logged in from (login throttling spares it).
pub const DEVICE_COOKIE: &str = "veld_device";
/// How long a device stays known without a login.
pub const DEVICE_TTL: Duration = Duration::from_secs(60 * 60 * 24 * 365);
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

/// A job for a password thread: it gets the thread's argon2 working memory.
type PasswordJob = Box<dyn FnOnce(&mut Vec<argon2::Block>) + Send>;

/// Checks passwords on a fixed set of threads, one per core, each reusing one argon2 working
/// memory (~19 MiB): memory stays bounded by the number of threads. (Allocating it per check,
/// as `verify_password` does, left ~19 MiB behind per check in the allocator: 200 logins
/// reached 2.8 GB.)
pub struct PasswordChecker {
    jobs: std::sync::mpsc::Sender<PasswordJob>,
}

impl PasswordChecker {
    pub fn new(threads: usize) -> PasswordChecker {
        let (jobs, queue) = std::sync::mpsc::channel::<PasswordJob>();
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new().name(format!("veld-password-{i}")).spawn(move || {
                let mut memory = Vec::new();
                loop {
                    let next = queue.lock().map_err(|_| ()).and_then(|q| q.recv().map_err(|_| ()));
                    match next {
                        Ok(job) => job(&mut memory),
                        // The server is gone.
                        Err(()) => return,
                    }
                }
            });
            if let Err(err) = spawned {
                tracing::error!(error = %err, "could not start a password thread");
            }
        }
        PasswordChecker { jobs }
    }

    /// Whether `password` matches `hash`, checked on one of the password threads.
    pub async fn verify(&self, password: String, hash: String) -> anyhow::Result<bool> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        self.jobs
            .send(Box::new(move |memory| {
                let _ = answer.send(verify_password_in(&password, &hash, memory));
            }))
            .map_err(|_| anyhow::anyhow!("the password threads stopped"))?;
        answered.await.map_err(|_| anyhow::anyhow!("a password check was dropped"))
    }
}

/// [`verify_password`] in the caller's working memory (grown to the hash's cost once).
pub fn verify_password_in(password: &str, hash: &str, memory: &mut Vec<argon2::Block>) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else { return false };
    let (Ok(params), Ok(algorithm)) =
        (argon2::Params::try_from(&parsed), argon2::Algorithm::try_from(parsed.algorithm))
    else {
        return false;
    };
    let version = match parsed.version.map(argon2::Version::try_from) {
        None => argon2::Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let mut salt_bytes = [0u8; argon2::password_hash::Salt::MAX_LENGTH];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), argon2::Block::default());
    }
    let blocks = params.block_count();
    let mut out = vec![0u8; expected.len()];
    let context = Argon2::new(algorithm, version, params);
    if context.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, &mut memory[..blocks]).is_err() {
        return false;
    }
    // `Output`'s equality is constant-time.
    argon2::password_hash::Output::new(&out).is_ok_and(|out| out == expected)
}

/// The policy for a password someone chooses: the domain's length rules, not only spaces, and
/// not a common or easily guessed one (zxcvbn's estimate below 10^8 guesses, knowing the user's
/// e-mail address and name), with zxcvbn's advice when it has some.
pub fn check_new_password(password: &str, user_inputs: &[&str]) -> Result<(), String> {
    veld_domain::password::check_new_password(password).map_err(|e| e.to_string())?;
    let estimate = zxcvbn::zxcvbn(password, user_inputs);
    if estimate.score() < zxcvbn::Score::Two {
        let advice = estimate
            .feedback()
            .and_then(|f| f.warning().map(|w| w.to_string()).or_else(|| f.suggestions().first().map(|s| s.to_string())))
            .map(|a| format!(" ({a})"))
            .unwrap_or_default();
        return Err(format!("this password is too common or too easy to guess{advice}"));
    }
    Ok(())
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

/// The known-device cookie: random, HttpOnly, for a year; only its hash is stored.
pub fn device_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((DEVICE_COOKIE, token))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .path("/api/auth")
        .max_age(time_duration(DEVICE_TTL))
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

/// The client's IP address: the connection's (when the server was started with connect info;
/// tests may not be), or behind a reverse proxy (`--behind-proxy`) the last address the proxy
/// appended to `X-Forwarded-For` — the one it saw; earlier ones are the client's own claims.
pub struct ClientAddr(pub String);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .settings
            .behind_proxy
            .then(|| parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).next_back())
            .flatten()
            .and_then(|v| v.rsplit(',').next())
            .and_then(|a| a.trim().parse::<std::net::IpAddr>().ok());
        if let Some(ip) = forwarded {
            return Ok(ClientAddr(ip.to_string()));
        }
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
        let (me, actor, expires_at) =
            state.db.session_me(&token_hash, state.settings.modules).await?.ok_or(ApiError::Unauthenticated)?;
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
        // The same answers with reused working memory.
        let mut memory = Vec::new();
        assert!(verify_password_in("correct horse battery", &hash, &mut memory));
        assert!(!verify_password_in("Correct horse battery", &hash, &mut memory));
        assert!(verify_password_in("correct horse battery", &hash, &mut memory));
        assert!(!verify_password_in("anything", "not a phc string", &mut memory));
    }

    #[test]
    fn common_and_blank_passwords_are_refused() {
        for weak in ["password123", "1234567890", "qwertyuiop", "iloveyou12", "aaaaaaaaaaaa", "eva.smit@example.nl"] {
            let refused = check_new_password(weak, &["eva.smit@example.nl", "Eva Smit"]);
            assert!(refused.as_ref().is_err_and(|e| e.contains("too common")), "{weak}: {refused:?}");
        }
        assert!(check_new_password("            ", &[]).is_err_and(|e| e.contains("spaces")));
        assert!(check_new_password("short", &[]).is_err_and(|e| e.contains("at least 10")));
        for fine in ["long enough secret", "veld-demo-2026", "Kaasmarkt op dinsdag"] {
            assert_eq!(check_new_password(fine, &["eva@example.nl"]), Ok(()), "{fine}");
        }
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
