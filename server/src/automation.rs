//! The automation scheduler (SPEC TR-1, TR-2): every `--automation-secs` it fires the
//! time-based rules that are due and runs the scheduled processes whose period has passed,
//! then tells connected apps to pull. The rules and processes themselves run in `db::automation`
//! (triggers on changes run inside the push's transaction, not here).

use crate::AppState;
use crate::db::now_ms;

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

/// Tells connected apps that there is something to pull.
pub async fn announce(state: &AppState) {
    match state.db.current_version().await {
        Ok(v) => {
            let _ = state.changes.send(v);
        }
        Err(err) => tracing::warn!(error = %err, "could not read the change version"),
    }
}

pub async fn scheduler(state: AppState) {
    let every = std::time::Duration::from_secs(state.settings.automation_secs.max(1));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match run_due(&state, now_ms()).await {
            Ok(true) => announce(&state).await,
            Ok(false) => {}
            Err(err) => tracing::warn!(error = %err, "automation run failed"),
        }
    }
}
