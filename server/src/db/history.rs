//! Record history (SPEC DM-3, TR-3): every applied change with who made it and each field's old
//! and new value, written in the transaction that applies the change.

use super::Db;
use super::versioned::{Bind, Write};
use sqlx::Row;
use veld_domain::UserId;
use veld_domain::api::{FieldChange, HistoryEntry};

/// Which change a history entry is about.
pub(crate) struct Logged {
    pub record: uuid::Uuid,
    pub version: u64,
    pub user: Option<UserId>,
    /// `create`, `update` or `delete`.
    pub op: &'static str,
    /// The automation rule that made the change, if one did.
    pub rule: Option<String>,
}

/// The history entries of one transaction, written together at its end (one multi-row INSERT
/// per 100 entries instead of one per change).
#[derive(Default)]
pub(crate) struct HistoryLog {
    entries: Vec<(Logged, String)>,
}

impl HistoryLog {
    pub fn add(&mut self, entry: Logged, changes: &[FieldChange]) -> anyhow::Result<()> {
        self.entries.push((entry, serde_json::to_string(changes)?));
        Ok(())
    }

    /// The entries as multi-row INSERTs (100 entries each), for the transaction's commit.
    pub fn writes(self, now_ms: i64) -> Vec<Write> {
        const COLUMNS: usize = 8;
        let mut out = Vec::new();
        for chunk in self.entries.chunks(100) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let p: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", i * COLUMNS + c)).collect();
                    format!("({})", p.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO record_history (id, record_id, version, user_id, op, changes, rule, created_at) VALUES {}",
                rows.join(", ")
            );
            let mut binds = Vec::with_capacity(chunk.len() * COLUMNS);
            for (entry, changes) in chunk {
                binds.extend([
                    Bind::Text(uuid::Uuid::now_v7().to_string()),
                    Bind::Text(entry.record.to_string()),
                    Bind::Int(entry.version as i64),
                    Bind::MaybeText(entry.user.map(|u| u.to_string())),
                    Bind::Text(entry.op.to_owned()),
                    Bind::Text(changes.clone()),
                    Bind::MaybeText(entry.rule.clone()),
                    Bind::Int(now_ms),
                ]);
            }
            out.push(Write { sql, binds });
        }
        out
    }
}

impl Db {
    /// A record's history, newest first.
    pub async fn history(&self, record: uuid::Uuid, limit: i64) -> anyhow::Result<Vec<HistoryEntry>> {
        let rows = sqlx::query(
            "SELECT h.version, h.created_at, u.name, h.rule, h.op, h.changes FROM record_history h \
             LEFT JOIN users u ON u.id = h.user_id AND u.id <> $3 \
             WHERE h.record_id = $1 ORDER BY h.version DESC, h.id DESC LIMIT $2",
        )
        .bind(record.to_string())
        .bind(limit)
        .bind(super::accounts::SYSTEM_ID)
        .fetch_all(self.pool())
        .await?;
        rows.into_iter()
            .map(|r| {
                Ok(HistoryEntry {
                    version: r.try_get::<i64, _>(0)? as u64,
                    at_ms: r.try_get(1)?,
                    by: r.try_get(2)?,
                    rule: r.try_get(3)?,
                    op: r.try_get(4)?,
                    changes: serde_json::from_str(&r.try_get::<String, _>(5)?)?,
                })
            })
            .collect()
    }
}
