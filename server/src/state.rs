//! Shared server state, cloned into every handler.

use crate::auth::LoginLimiter;
use crate::config::ServeArgs;
use crate::db::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<ServeArgs>,
    pub limiter: Arc<LoginLimiter>,
}

impl AppState {
    pub fn new(db: Db, settings: ServeArgs) -> AppState {
        AppState { db, settings: Arc::new(settings), limiter: Arc::new(LoginLimiter::default()) }
    }
}
