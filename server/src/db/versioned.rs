//! The one transaction type for changing records. It takes the sync counter's row first, which
//! serialises writers (PostgreSQL's row lock, SQLite's write lock) so versions follow commit
//! order across every server instance; each change takes the next version. What nothing in the
//! transaction reads back — history entries, the client's last applied id, record numbers,
//! refusals — is gathered ([`Versioned::at_commit`]) and written at the end with the counter:
//! on PostgreSQL as ONE statement (data-modifying `WITH` clauses), so the lock every writer
//! queues for is held for as few round trips as possible.
//! Pushes, triggers, processes, recurring opportunities and bulk loads all use it.

use super::Db;
use super::history::HistoryLog;
use sqlx::Row;

pub(super) struct Versioned {
    pub tx: sqlx::Transaction<'static, sqlx::Any>,
    pub(super) backend: super::Backend,
    /// The last version given out.
    pub version: i64,
    start: i64,
    pub history: HistoryLog,
    writes: Vec<Write>,
}

/// A value bound to a gathered write.
#[derive(Clone, Debug)]
pub(super) enum Bind {
    Text(String),
    MaybeText(Option<String>),
    Int(i64),
}

/// A statement gathered for the commit, with placeholders `$1…` of its own.
#[derive(Debug)]
pub(super) struct Write {
    pub sql: String,
    pub binds: Vec<Bind>,
}

/// PostgreSQL takes at most 65,535 parameters per statement; gathered writes beyond this many
/// go in statements of their own.
const MAX_BINDS: usize = 30_000;

impl Versioned {
    pub async fn begin(db: &Db) -> anyhow::Result<Versioned> {
        let mut tx = db.pool().begin().await?;
        // Take the counter row first: writers queue here, not halfway through their changes.
        let version: i64 = sqlx::query("UPDATE sync_counter SET version = version WHERE id = 1 RETURNING version")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        Ok(Versioned {
            tx,
            backend: db.backend(),
            version,
            start: version,
            history: HistoryLog::default(),
            writes: Vec::new(),
        })
    }

    /// The next version, taken.
    pub fn next_version(&mut self) -> i64 {
        self.version += 1;
        self.version
    }

    /// Gathers a write for the commit (for what no later statement of the transaction reads).
    pub fn at_commit(&mut self, write: Write) {
        self.writes.push(write);
    }

    /// Writes the gathered writes, the history and the counter, and commits; whether anything
    /// changed.
    pub async fn commit(mut self, now_ms: i64) -> anyhow::Result<bool> {
        let changed = self.version > self.start;
        let mut writes = std::mem::take(&mut self.writes);
        writes.extend(std::mem::take(&mut self.history).writes(now_ms));
        let postgres = self.backend == super::Backend::Postgres;
        let counter = if changed && postgres {
            // Delivered to every instance's listener when (and only if) this commits.
            Write {
                sql: "UPDATE sync_counter SET version = $1 WHERE id = 1 RETURNING pg_notify($2, $3)".into(),
                binds: vec![
                    Bind::Int(self.version),
                    Bind::Text(super::CHANGES_CHANNEL.into()),
                    Bind::Text(self.version.to_string()),
                ],
            }
        } else {
            Write {
                sql: "UPDATE sync_counter SET version = $1 WHERE id = 1".into(),
                binds: vec![Bind::Int(self.version)],
            }
        };
        if postgres {
            for statement in combine(writes, counter) {
                execute(&mut self.tx, &statement).await?;
            }
        } else {
            // SQLite runs in the process: a statement costs no round trip.
            for write in writes.iter().chain([&counter]) {
                execute(&mut self.tx, write).await?;
            }
        }
        self.tx.commit().await?;
        Ok(changed)
    }
}

pub(super) async fn execute(conn: &mut sqlx::AnyConnection, write: &Write) -> anyhow::Result<()> {
    let mut query = sqlx::query(&write.sql);
    for bind in &write.binds {
        query = match bind {
            Bind::Text(s) => query.bind(s.as_str()),
            Bind::MaybeText(s) => query.bind(s.as_deref()),
            Bind::Int(i) => query.bind(*i),
        };
    }
    query.execute(&mut *conn).await?;
    Ok(())
}

/// PostgreSQL: the writes as `WITH` clauses of the last one (each runs exactly once, whether or
/// not the main statement reads it), as few statements as the parameter limit allows. The
/// writes must touch different rows (they run on one snapshot).
fn combine(writes: Vec<Write>, last: Write) -> Vec<Write> {
    let mut statements = Vec::new();
    let mut clauses: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    for write in writes {
        if !clauses.is_empty() && binds.len() + write.binds.len() + last.binds.len() > MAX_BINDS {
            // Full: what is gathered so far becomes a statement of its own.
            statements.push(with_clauses(&clauses, "SELECT 1", std::mem::take(&mut binds)));
            clauses.clear();
        }
        clauses.push(shift(&write.sql, binds.len()));
        binds.extend(write.binds);
    }
    let main = shift(&last.sql, binds.len());
    binds.extend(last.binds);
    statements.push(with_clauses(&clauses, &main, binds));
    statements
}

fn with_clauses(clauses: &[String], main: &str, binds: Vec<Bind>) -> Write {
    if clauses.is_empty() {
        return Write { sql: main.to_owned(), binds };
    }
    let with: Vec<String> = clauses.iter().enumerate().map(|(i, c)| format!("w{i} AS ({c})")).collect();
    Write { sql: format!("WITH {} {main}", with.join(", ")), binds }
}

/// `sql` with each placeholder `$n` renumbered `$(n + by)`.
fn shift(sql: &str, by: usize) -> String {
    if by == 0 {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c != '$' {
            continue;
        }
        let mut digits = String::new();
        while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            digits.push(*d);
            chars.next();
        }
        match digits.parse::<usize>() {
            Ok(n) => out.push_str(&(n + by).to_string()),
            Err(_) => out.push_str(&digits),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(sql: &str, n: usize) -> Write {
        Write { sql: sql.into(), binds: (0..n).map(|i| Bind::Int(i as i64)).collect() }
    }

    #[test]
    fn placeholders_are_renumbered_past_the_earlier_writes() {
        assert_eq!(shift("INSERT INTO t VALUES ($1, $2), ($3, $10)", 4), "INSERT INTO t VALUES ($5, $6), ($7, $14)");
        assert_eq!(shift("SELECT $1", 0), "SELECT $1");
        let out = combine(
            vec![write("INSERT INTO a VALUES ($1)", 1), write("UPDATE b SET x = $1 WHERE y = $2", 2)],
            write("UPDATE c SET v = $1", 1),
        );
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].sql,
            "WITH w0 AS (INSERT INTO a VALUES ($1)), w1 AS (UPDATE b SET x = $2 WHERE y = $3) UPDATE c SET v = $4"
        );
        assert_eq!(out[0].binds.len(), 4);
    }

    #[test]
    fn writes_beyond_the_parameter_limit_take_statements_of_their_own() {
        let big = || write("INSERT INTO h VALUES ($1)", MAX_BINDS / 2);
        let out = combine(vec![big(), big(), big()], write("UPDATE c SET v = $1", 1));
        assert!(out.len() >= 2, "{} statements", out.len());
        assert!(
            out.iter().all(|w| w.binds.len() <= MAX_BINDS),
            "{:?}",
            out.iter().map(|w| w.binds.len()).collect::<Vec<_>>()
        );
        assert_eq!(out.iter().map(|w| w.binds.len()).sum::<usize>(), 3 * (MAX_BINDS / 2) + 1);
        assert!(out.last().unwrap().sql.contains("UPDATE c SET v"), "the counter comes last");
    }
}
