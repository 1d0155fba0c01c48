//! Server-side automation (SPEC TR-1…TR-3): the seam where triggers run.
//!
//! `after_changes` is called by the push with the changes it applied, inside the push's
//! transaction and before the commit, exactly once per applied change (a repeated delivery is
//! skipped before it gets here, and a rolled-back batch takes its automatic changes with it).
//! Automatic changes take the next versions from the same counter (`version`), so they reach
//! clients by the ordinary pull. No rules exist yet: the triggers issue fills this in.

use crate::db::AppliedChange;
use sqlx::AnyConnection;

/// Runs the automation rules on a pushed batch's applied changes, in its transaction.
pub async fn after_changes(
    _conn: &mut AnyConnection,
    changes: &[AppliedChange],
    _version: &mut i64,
    _now_ms: i64,
) -> anyhow::Result<()> {
    if !changes.is_empty() {
        tracing::trace!(changes = changes.len(), "automation: no rules configured");
    }
    Ok(())
}
