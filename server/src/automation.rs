//! The automation scheduler (SPEC TR-1, TR-2): every `--automation-secs` it fires the
//! time-based rules that are due and runs the scheduled processes whose period has passed,
//! then tells connected apps to pull. The rules and processes themselves run in `db::automation`
//! (triggers on changes run inside the push's transaction, not here).

use crate::AppState;
use crate::db::{Backend, Db, now_ms};
use sqlx::Row;

/// Runs what is due at `now_ms`; whether anything changed.
pub async fn run_due(state: &AppState, now_ms: i64) -> anyhow::Result<bool> {
    let mut changed = state.db.run_time_rules(now_ms).await? > 0;
    for process in state.db.due_processes(now_ms).await? {
        if let Some((run, any)) = state.db.run_process(&process.code, now_ms, "schedule").await? {
            tracing::info!(process = %run.process, changed = run.changed, "scheduled process ran");
            changed |= any;
        }
    }
    Ok(changed)
}

/// Tells connected apps that there is something to pull (`AppState::announce`).
pub async fn announce(state: &AppState) {
    if state.db.backend() != Backend::Sqlite {
        return;
    }
    match state.db.current_version().await {
        Ok(v) => state.announce(v),
        Err(err) => tracing::warn!(error = %err, "could not read the change version"),
    }
}

/// The advisory lock whose holder runs the schedule on PostgreSQL.
const SCHEDULER_LOCK: i64 = 0x7665_6c64_5f73_6368; // "veld_sch"

/// Which instance runs the schedule. With SQLite there is one instance. With PostgreSQL, the
/// one holding an advisory lock on a connection of its own: if it dies, the database closes
/// that connection, the lock is free, and another instance takes it at its next tick.
#[derive(Default)]
struct Leadership {
    conn: Option<sqlx::AnyConnection>,
}

impl Leadership {
    async fn lead(&mut self, db: &Db) -> bool {
        if db.backend() == Backend::Sqlite {
            return true;
        }
        if let Some(conn) = &mut self.conn {
            if sqlx::query("SELECT 1").execute(&mut *conn).await.is_ok() {
                return true;
            }
            tracing::warn!("lost the scheduler's connection; another instance may take over");
            self.conn = None;
        }
        let Ok(mut conn) = db.pool().acquire().await.map(sqlx::pool::PoolConnection::detach) else { return false };
        let took = sqlx::query("SELECT pg_try_advisory_lock($1)")
            .bind(SCHEDULER_LOCK)
            .fetch_one(&mut conn)
            .await
            .and_then(|r| r.try_get::<bool, _>(0));
        match took {
            Ok(true) => {
                tracing::info!("this instance runs the schedule");
                self.conn = Some(conn);
                true
            }
            _ => false,
        }
    }
}

pub async fn scheduler(state: AppState) {
    let every = std::time::Duration::from_secs(state.settings.automation_secs.max(1));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut leadership = Leadership::default();
    loop {
        tick.tick().await;
        if !leadership.lead(&state.db).await {
            continue;
        }
        // (At the first tick too: an import cut off by a restart goes on.)
        crate::imports::resume(&state).await;
        match run_due(&state, now_ms()).await {
            Ok(true) => announce(&state).await,
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "automation run failed"),
        }
    }
}
