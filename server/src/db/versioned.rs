//! The one transaction type for changing records. It takes the sync counter's row first, which
//! serialises writers (PostgreSQL's row lock, SQLite's write lock) so versions follow commit
//! order across every server instance; each change takes the next version; history entries
//! are gathered and written in one go at the end, with the counter, in the same commit.
//! Pushes, triggers, processes, recurring opportunities and bulk loads all use it.

use super::Db;
use super::history::HistoryLog;
use sqlx::Row;

pub(super) struct Versioned {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: super::Backend,
    /// The last version given out.
    pub version: i64,
    start: i64,
    pub history: HistoryLog,
}

impl Versioned {
    pub async fn begin(db: &Db) -> anyhow::Result<Versioned> {
        let mut tx = db.pool().begin().await?;
        // Take the counter row first: writers queue here, not halfway through their changes.
        let version: i64 = sqlx::query("UPDATE sync_counter SET version = version WHERE id = 1 RETURNING version")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        Ok(Versioned { tx, backend: db.backend(), version, start: version, history: HistoryLog::default() })
    }

    /// The next version, taken.
    pub fn next_version(&mut self) -> i64 {
        self.version += 1;
        self.version
    }

    /// Writes the history and the counter and commits; whether anything changed.
    pub async fn commit(mut self, now_ms: i64) -> anyhow::Result<bool> {
        let backend = self.backend;
        self.history.write(&mut self.tx, now_ms).await?;
        if self.version > self.start && backend == super::Backend::Postgres {
            // The notice goes in the same statement: delivered to every instance's listener
            // when (and only if) this commits, one round trip fewer inside the lock.
            sqlx::query("UPDATE sync_counter SET version = $1 WHERE id = 1 RETURNING pg_notify($2, $3)")
                .bind(self.version)
                .bind(super::CHANGES_CHANNEL)
                .bind(self.version.to_string())
                .execute(&mut *self.tx)
                .await?;
        } else {
            sqlx::query("UPDATE sync_counter SET version = $1 WHERE id = 1")
                .bind(self.version)
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        Ok(self.version > self.start)
    }
}
