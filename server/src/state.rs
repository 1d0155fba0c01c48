//! Shared server state, cloned into every handler.

use crate::config::ServeArgs;
use crate::db::Db;
use crate::limiter::LoginLimiter;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<ServeArgs>,
    pub limiter: Arc<LoginLimiter>,
    /// The newest change version, announced after every commit that made changes; connected
    /// apps (server-sent events) pull when it moves.
    pub changes: tokio::sync::broadcast::Sender<u64>,
}

impl AppState {
    pub fn new(db: Db, settings: ServeArgs) -> AppState {
        let (changes, _) = tokio::sync::broadcast::channel(64);
        AppState { db, settings: Arc::new(settings), limiter: Arc::new(LoginLimiter::default()), changes }
    }
}
