//! The only code that writes SQL. One pool over sqlx's Any driver serves both backends, so the
//! queries are written once in portable SQL (`$1` placeholders work on SQLite and PostgreSQL).

mod accounts;
mod apply;
mod automation;
mod conflicts;
mod files;
mod history;
mod import;
mod merge;
mod records;
mod scope;
mod sync;
mod throttle;
mod versioned;

pub use accounts::{NewUser, SYSTEM_ID, UserAuth};
pub use apply::AppliedChange;
pub use automation::RecurFailure;
pub use conflicts::ConflictFilter;
pub use import::{ImportFailure, RunPlan, may_import};
pub use merge::MergeFailure;
pub use records::NewRecord;
pub use sync::{PULL_PAGE_BYTES, PushError, PushJob, configures};
pub use throttle::ThrottleKey;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions, Executor};
use std::str::FromStr;
use std::time::Duration;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Where it is (for PostgreSQL's change notifications, which need a connection of their own).
    url: std::sync::Arc<str>,
}

/// The PostgreSQL channel on which a commit that changed records announces its version to every
/// server instance (`LISTEN`ed by [`Db::listen_changes`]).
pub const CHANGES_CHANNEL: &str = "veld_changes";

/// Milliseconds since the Unix epoch: the one timestamp format stored.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or_default()
}

impl Db {
    /// Connects (creating the SQLite file and its folder if needed) and runs pending migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            anyhow::bail!("unsupported database URL `{url}`: use sqlite://… or postgres://…");
        };
        if backend == Backend::Sqlite
            && let Some(dir) = sqlite_path(url).and_then(|p| p.parent().map(ToOwned::to_owned))
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating the data directory {}", dir.display()))?;
        }
        let options = AnyConnectOptions::from_str(url)
            .with_context(|| format!("parsing database URL for {}", backend.name()))?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = AnyPoolOptions::new()
            // SQLite has one writer anyway; a few readers suffice for this server's load.
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL: readers never block the writer; a killed process loses nothing
                        // committed. busy_timeout: writers queue instead of failing at once.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to the {} database", backend.name()))?;
        MIGRATOR.run(&pool).await.context("running database migrations")?;
        Ok(Db { pool, backend, url: url.into() })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.pool.execute("SELECT 1").await.map(|_| ())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// On PostgreSQL: forwards every instance's change announcements (a commit's new version)
    /// to `changes` for as long as the server runs, reconnecting when the connection drops. On
    /// SQLite (one instance) there is nothing to listen to.
    pub async fn listen_changes(&self, changes: tokio::sync::broadcast::Sender<u64>) {
        if self.backend != Backend::Postgres {
            return;
        }
        loop {
            match sqlx::postgres::PgListener::connect(&self.url).await {
                Ok(mut listener) => {
                    if let Err(err) = listener.listen(CHANGES_CHANNEL).await {
                        tracing::warn!(error = %err, "could not listen for changes");
                    } else {
                        loop {
                            match listener.recv().await {
                                Ok(note) => {
                                    if let Ok(version) = note.payload().parse::<u64>() {
                                        // Nobody listening is fine.
                                        let _ = changes.send(version);
                                    }
                                }
                                Err(err) => {
                                    tracing::warn!(error = %err, "lost the change notifications; reconnecting");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(err) => tracing::warn!(error = %err, "could not connect for change notifications"),
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_paths_are_found_in_urls() {
        assert_eq!(sqlite_path("sqlite://data/veld.db?mode=rwc"), Some("data/veld.db".into()));
        assert_eq!(sqlite_path("sqlite:///tmp/x.db"), Some("/tmp/x.db".into()));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x"), None);
    }
}
