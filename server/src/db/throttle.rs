//! Login throttling, kept in the database so that every server instance sees the same counts:
//! an attempt is reserved on each of its keys before the password is checked (atomically, so
//! parallel attempts cannot run more checks than the limit), and afterwards recorded as a
//! failure (with an exponential back-off once a key is at its limit) or a success.

use super::Db;
use sqlx::Row;

/// Failures are forgotten after this long without an attempt.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// The first back-off once a key reaches its limit; it doubles with every further failure.
pub const FIRST_BACKOFF_MS: i64 = 30 * 1000;
/// The longest back-off.
pub const MAX_BACKOFF_MS: i64 = 15 * 60 * 1000;
/// How long the attempt that reached a key's limit holds it while its password is checked.
const HOLD_MS: i64 = 10 * 1000;

/// One throttled key and its limit of failures per window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key: String,
    pub limit: i64,
    /// A success forgets the key's failures (an account on an address, a device) rather than
    /// only taking back its own attempt (an account, an address).
    pub cleared_by_success: bool,
}

/// The back-off after `failures` on a key with `limit`.
pub fn backoff_ms(failures: i64, limit: i64) -> i64 {
    let over = (failures - limit).clamp(0, 20) as u32;
    FIRST_BACKOFF_MS.saturating_mul(1i64 << over).min(MAX_BACKOFF_MS)
}

impl Db {
    /// Reserves one attempt on every key: `Ok(Ok(failures))` (each key's count with this
    /// attempt), or `Ok(Err(seconds))` to wait when a key is held or backing off (nothing is
    /// counted then).
    pub async fn reserve_login(&self, keys: &[ThrottleKey], now: i64) -> anyhow::Result<Result<Vec<i64>, u64>> {
        let mut tx = self.pool().begin().await?;
        let mut counts = Vec::with_capacity(keys.len());
        for k in keys {
            // One statement: a parallel success that deletes the key's row (a cleared key) cannot
            // come between creating the row and counting on it. Failures older than the window
            // start again from zero; the attempt that reaches the limit holds the key.
            let row = sqlx::query(
                "INSERT INTO login_throttle (key, failures, next_at, last_at) \
                 VALUES ($1, 1, CASE WHEN 1 >= $3 THEN $4 ELSE 0 END, $2) \
                 ON CONFLICT (key) DO UPDATE SET \
                   failures = (CASE WHEN login_throttle.last_at < $5 THEN 0 ELSE login_throttle.failures END) + 1, \
                   last_at = $2, \
                   next_at = CASE WHEN (CASE WHEN login_throttle.last_at < $5 THEN 0 ELSE login_throttle.failures END) \
                     + 1 >= $3 THEN $4 ELSE login_throttle.next_at END \
                 WHERE login_throttle.next_at <= $2 \
                 RETURNING failures",
            )
            .bind(&k.key)
            .bind(now)
            .bind(k.limit)
            .bind(now + HOLD_MS)
            .bind(now - WINDOW_MS)
            .fetch_optional(&mut *tx)
            .await?;
            match row {
                Some(r) => counts.push(r.try_get::<i64, _>(0)?),
                None => {
                    // Held or backing off (a row deleted since counts as a second's wait).
                    let next_at: i64 = sqlx::query("SELECT next_at FROM login_throttle WHERE key = $1")
                        .bind(&k.key)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|r| r.try_get(0))
                        .transpose()?
                        .unwrap_or(now + 1_000);
                    tx.rollback().await?;
                    return Ok(Err(((next_at - now).max(1) as u64).div_ceil(1000)));
                }
            }
        }
        tx.commit().await?;
        Ok(Ok(counts))
    }

    /// The reserved attempt failed: keys at their limit back off.
    pub async fn login_failed(&self, keys: &[ThrottleKey], counts: &[i64], now: i64) -> anyhow::Result<()> {
        for (k, failures) in keys.iter().zip(counts) {
            if *failures >= k.limit {
                sqlx::query("UPDATE login_throttle SET next_at = $2 WHERE key = $1")
                    .bind(&k.key)
                    .bind(now + backoff_ms(*failures, k.limit))
                    .execute(self.pool())
                    .await?;
            }
        }
        Ok(())
    }

    /// The reserved attempt succeeded: it is not a failure.
    pub async fn login_succeeded(&self, keys: &[ThrottleKey]) -> anyhow::Result<()> {
        for k in keys {
            let sql = if k.cleared_by_success {
                "DELETE FROM login_throttle WHERE key = $1"
            } else {
                "UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END, \
                 next_at = 0 WHERE key = $1"
            };
            sqlx::query(sql).bind(&k.key).execute(self.pool()).await?;
        }
        Ok(())
    }

    /// The user a known-device token (hashed) belongs to.
    pub async fn known_device(&self, token_hash: &str) -> anyhow::Result<Option<veld_domain::UserId>> {
        let row = sqlx::query("SELECT user_id FROM known_devices WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(self.pool())
            .await?;
        row.map(|r| Ok(r.try_get::<String, _>(0)?.parse()?)).transpose()
    }

    /// Remembers (or refreshes) a device `user` logged in from.
    pub async fn remember_device(&self, token_hash: &str, user: veld_domain::UserId, now: i64) -> anyhow::Result<()> {
        sqlx::query(
            "INSERT INTO known_devices (token_hash, user_id, created_at, last_used_at) VALUES ($1, $2, $3, $3) \
             ON CONFLICT (token_hash) DO UPDATE SET last_used_at = $3",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(now)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets throttling rows and devices unused for a year (the hourly sweep).
    pub async fn sweep_logins(&self, now: i64) -> anyhow::Result<()> {
        sqlx::query("DELETE FROM login_throttle WHERE last_at < $1 AND next_at < $2")
            .bind(now - WINDOW_MS)
            .bind(now)
            .execute(self.pool())
            .await?;
        sqlx::query("DELETE FROM known_devices WHERE last_used_at < $1")
            .bind(now - 365 * 24 * 60 * 60 * 1000)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backoff_doubles_from_thirty_seconds_to_fifteen_minutes() {
        assert_eq!(backoff_ms(5, 5), 30_000);
        assert_eq!(backoff_ms(6, 5), 60_000);
        assert_eq!(backoff_ms(9, 5), 480_000);
        assert_eq!(backoff_ms(10, 5), MAX_BACKOFF_MS);
        assert_eq!(backoff_ms(500, 5), MAX_BACKOFF_MS);
    }
}
