//! Shared server state, cloned into every handler.

use crate::auth::PasswordChecker;
use crate::config::ServeArgs;
use crate::db::Db;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<ServeArgs>,
    /// Password checks (argon2id: ~19 MiB and tens of milliseconds each) run on one thread per
    /// core, so a flood of logins cannot exhaust memory.
    pub passwords: Arc<PasswordChecker>,
    /// Logins waiting for a password check, at most 32 per core (about a second's wait); more
    /// are answered 503 with `Retry-After` at once.
    pub hash_queue: Arc<Semaphore>,
    /// The newest change version, announced after every commit that made changes; connected
    /// apps (server-sent events) pull when it moves.
    pub changes: tokio::sync::broadcast::Sender<u64>,
    /// Pushes are applied through this queue, grouped under one lock (`crate::pushes`).
    pub pushes: crate::pushes::PushQueue,
    /// The imports this instance is running (`crate::imports`).
    pub imports: Arc<std::sync::Mutex<std::collections::HashSet<uuid::Uuid>>>,
}

impl AppState {
    /// Tells the apps connected to this instance that `version` was committed. On PostgreSQL
    /// the commit's own notification reaches every instance (this one included, through
    /// `Db::listen_changes`), so only SQLite's single instance announces here.
    pub fn announce(&self, version: u64) {
        if self.db.backend() == crate::db::Backend::Sqlite {
            // Nobody listening is fine.
            let _ = self.changes.send(version);
        }
    }

    pub fn new(db: Db, settings: ServeArgs) -> AppState {
        let (changes, _) = tokio::sync::broadcast::channel(64);
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        AppState {
            db: db.clone(),
            settings: Arc::new(settings),
            passwords: Arc::new(PasswordChecker::new(cores)),
            hash_queue: Arc::new(Semaphore::new(cores * 32)),
            changes,
            pushes: crate::pushes::PushQueue::start(db.clone()),
            imports: Arc::default(),
        }
    }
}
