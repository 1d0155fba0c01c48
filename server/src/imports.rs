//! Running CSV imports (issue 14) in the background: a started import runs batch by batch
//! (`Db::import_batch`, each batch committed with its progress) until done; after a restart the
//! scheduler's instance resumes every import still running. With several instances two may run
//! one import at once after a takeover: each batch reads the progress under the counter's lock,
//! so no row is applied twice.

use crate::AppState;
use crate::db::now_ms;
use std::time::Duration;

/// Runs import `id` in the background unless this instance runs it already.
pub fn spawn(state: &AppState, id: uuid::Uuid) {
    let fresh = state.imports.lock().is_ok_and(|mut running| running.insert(id));
    if fresh {
        tokio::spawn(run(state.clone(), id));
    }
}

/// Resumes the imports that were running (at start, and on the scheduler's ticks).
pub async fn resume(state: &AppState) {
    match state.db.running_imports().await {
        Ok(ids) => ids.into_iter().for_each(|id| spawn(state, id)),
        Err(err) => tracing::warn!(error = %err, "could not list running imports"),
    }
}

async fn run(state: AppState, id: uuid::Uuid) {
    let mut failures = 0u32;
    loop {
        match step(&state, id).await {
            Ok(true) => failures = 0,
            Ok(false) => break,
            Err(err) => {
                failures += 1;
                tracing::warn!(import = %id, error = %err, "an import batch failed; retrying");
                if failures >= 5 {
                    break;
                }
                tokio::time::sleep(Duration::from_secs(u64::from(failures))).await;
            }
        }
    }
    if let Ok(mut running) = state.imports.lock() {
        running.remove(&id);
    }
}

/// Runs the import to its end (or until it stops running); `Ok(true)` when a batch failed
/// to apply and should be tried again.
async fn step(state: &AppState, id: uuid::Uuid) -> anyhow::Result<bool> {
    let Some(plan) = state.db.import_plan(id).await? else { return Ok(false) };
    // Its user, with the role they have now (a user disabled meanwhile imports nothing more).
    let Some((_, actor)) = state.db.me(plan.user, state.settings.modules).await? else {
        tracing::warn!(import = %id, "the importing user is gone: the import stops");
        return Ok(false);
    };
    while state.db.import_batch(id, &plan, &actor, now_ms()).await? {
        crate::automation::announce(state).await;
    }
    crate::automation::announce(state).await;
    tracing::info!(import = %id, rows = plan.rows.len(), "import done");
    Ok(false)
}
