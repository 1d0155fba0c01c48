//! Failed-login counting: the one piece of login state the server keeps in memory.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

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

#[cfg(test)]
mod tests {
    use super::*;

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
