//! The sync engine's storage side: applying a pushed batch in one transaction, and reading the
//! changes after a cursor from one snapshot. The decisions (skip, refuse, merge) come from
//! `veld_domain::sync`; this module only loads, stores and counts.

use super::apply::{Effects, RuleCache, apply};
use super::records::{FieldMeta, fields_of, load};
use super::scope::{visibility_sql, visibility_sql_on};
use super::versioned::{Bind, Versioned, Write};
use super::{Backend, Db};
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row;
use std::collections::BTreeMap;
use veld_domain::sync::{
    BatchStep, Change, ClientId, Gap, MutationOutcome, MutationResult, PROTOCOL_VERSION, PullResponse, PushRequest,
    PushResponse, RejectCode, StoredRecord, plan_batch,
};
use veld_domain::{Actor, RecordKind, Scope};

/// The most record data (values and field clocks, as stored) one pull page carries; a record
/// holds at most `veld_domain::records::limits::MAX_RECORD_BYTES` of values, so a page of big
/// records stays a few megabytes for the device to parse.
pub const PULL_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Why a push was refused as a whole (nothing of it applied).
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error(transparent)]
    Gap(#[from] Gap),
    #[error("this app installation belongs to another user; log in again")]
    ForeignClient,
    #[error(transparent)]
    Db(#[from] anyhow::Error),
}

impl From<sqlx::Error> for PushError {
    fn from(err: sqlx::Error) -> Self {
        PushError::Db(err.into())
    }
}

impl Db {
    /// Applies a pushed batch in ONE transaction: duplicates are skipped, a gap refuses the
    /// whole batch, each new mutation is authorised and applied (or recorded as rejected), and
    /// the client's last-applied id advances in the same commit.
    pub async fn push(&self, actor: &Actor, req: &PushRequest, now_ms: i64) -> Result<PushResponse, PushError> {
        let mut answers = self.push_group(&[PushJob { actor, req, now_ms }]).await?;
        answers.pop().unwrap_or_else(|| Err(PushError::Db(anyhow::anyhow!("a push went unanswered"))))
    }

    /// Pushes of DIFFERENT clients in one transaction — the push queue (`crate::pushes`) groups
    /// those waiting for the counter's lock, so the lock is taken once for all of them. Each is
    /// planned, applied, triggered and answered as if alone, in order (a later one sees the
    /// earlier ones' changes); a gap or a foreign client refuses only its own push. An error
    /// rolls them all back (the queue then retries each alone).
    pub async fn push_group(&self, jobs: &[PushJob<'_>]) -> anyhow::Result<Vec<Result<PushResponse, PushError>>> {
        let mut rules = RuleCache::deferring_inserts();
        // The pipeline lists' stages and rules, read before the lock unless a batch changes
        // configuration (then later mutations must see the change: read inside).
        let all = || jobs.iter().flat_map(|j| &j.req.mutations);
        let pipeline = all().any(|m| matches!(m.kind, RecordKind::Lead | RecordKind::Opportunity));
        if pipeline && !jobs.iter().any(|j| configures(j.req)) {
            rules = rules.with_config(&mut *self.pool().acquire().await?).await?;
        }
        let mut v = Versioned::begin(self).await?;
        // Inside the lock, one query each for the group's clients and for the records its
        // mutations name, not one per push.
        let mut clients = clients_of(&mut v.tx, jobs).await?;
        let named: Vec<uuid::Uuid> = all().map(|m| m.record_id).collect();
        rules.prefetch(&mut v.tx, &named).await?;
        let mut answers = Vec::with_capacity(jobs.len());
        let mut now_ms = 0;
        for job in jobs {
            rules.resume_deferring();
            let known = clients.remove(&job.req.client_id.0.to_string());
            answers.push(push_one(&mut v, &mut rules, job, known).await?);
            now_ms = now_ms.max(job.now_ms);
        }
        rules.save(&mut v, now_ms).await?;
        v.commit(now_ms).await?;
        Ok(answers)
    }

    /// The changes after `cursor` that the actor may see, read from one snapshot, and the
    /// client's last applied mutation id.
    ///
    /// Records that left the actor's scope after `cursor` (handed to another owner or office)
    /// come as removals; refusals of this client's mutations after `acked` come along, so a
    /// refusal whose push answer was lost still reaches the user.
    pub async fn pull(
        &self,
        actor: &Actor,
        client: ClientId,
        cursor: u64,
        acked: u64,
        limit: u32,
        now_ms: i64,
    ) -> anyhow::Result<PullResponse> {
        // One snapshot for everything read (on PostgreSQL, asked for in the BEGIN itself).
        let mut tx = match self.backend() {
            Backend::Postgres => self.pool().begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").await?,
            Backend::Sqlite => self.pool().begin().await?,
        };
        let counter = sqlx::query(
            "SELECT version, purged_before, \
             (SELECT last_applied FROM sync_clients WHERE client_id = $1 AND user_id = $2) \
             FROM sync_counter WHERE id = 1",
        )
        .bind(client.0.to_string())
        .bind(actor.user.to_string())
        .fetch_one(&mut *tx)
        .await?;
        let (head, purged_before): (i64, i64) = (counter.try_get(0)?, counter.try_get(1)?);
        let last_applied = counter.try_get::<Option<i64>, _>(2)?.unwrap_or(0) as u64;
        let mut response = PullResponse {
            protocol: PROTOCOL_VERSION,
            cursor: head as u64,
            changes: Vec::new(),
            last_applied,
            server_time_ms: now_ms,
            reset_required: false,
            rejected: Vec::new(),
            more: false,
            remaining: 0,
        };
        if acked < last_applied {
            let rows = sqlx::query(
                "SELECT mutation_id, reason FROM sync_rejections \
                 WHERE client_id = $1 AND mutation_id > $2 AND mutation_id <= $3 ORDER BY mutation_id",
            )
            .bind(client.0.to_string())
            .bind(acked as i64)
            .bind(last_applied as i64)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let id = r.try_get::<i64, _>(0)? as u64;
                response.rejected.push(MutationResult { id, outcome: stored_refusal(&r.try_get::<String, _>(1)?) });
            }
        }
        if cursor > 0 && (cursor as i64) < purged_before {
            response.reset_required = true;
            response.cursor = 0;
            return Ok(response);
        }
        let Some(visible) = visibility_sql(actor) else { return Ok(response) };
        let limit = limit.max(1);
        let sql = format!(
            "SELECT id, kind, owner_id, office_id, data, meta, version, deleted_at FROM records \
             WHERE version > $3 AND version <= $4 AND ({visible}) ORDER BY version LIMIT $5"
        );
        let mut rows = sqlx::query(&sql)
            .bind(actor.user.to_string())
            .bind(actor.office.to_string())
            .bind(cursor as i64)
            .bind(head)
            .bind(i64::from(limit) + 1)
            .fetch_all(&mut *tx)
            .await?;
        // A full page — `limit` records or `PULL_PAGE_BYTES` of their data, at least one record —
        // stops at its last version; the rest comes with the next pull.
        response.more = rows.len() > limit as usize;
        rows.truncate(limit as usize);
        let mut bytes = 0;
        let over = rows.iter().position(|r| {
            let size = |i| r.try_get::<Option<String>, _>(i).ok().flatten().map_or(0, |s| s.len());
            bytes += size(4) + size(5);
            bytes > PULL_PAGE_BYTES
        });
        if let Some(cut) = over.map(|i| i.max(1)).filter(|cut| *cut < rows.len()) {
            rows.truncate(cut);
            response.more = true;
        }
        let page_end =
            if response.more { rows.last().map(|r| r.try_get::<i64, _>(6)).transpose()?.unwrap_or(head) } else { head };
        response.cursor = page_end as u64;
        if response.more {
            let count = format!("SELECT COUNT(*) FROM records WHERE version > $3 AND version <= $4 AND ({visible})");
            let remaining: i64 = sqlx::query(&count)
                .bind(actor.user.to_string())
                .bind(actor.office.to_string())
                .bind(page_end)
                .bind(head)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            response.remaining = remaining as u64;
        }
        let mut changes: Vec<(u64, Change)> = Vec::with_capacity(rows.len());
        for r in rows {
            let id: uuid::Uuid = r.try_get::<String, _>(0)?.parse().context("record id")?;
            let kind = RecordKind::parse(&r.try_get::<String, _>(1)?).context("record kind")?;
            let version = r.try_get::<i64, _>(6)? as u64;
            if r.try_get::<Option<i64>, _>(7)?.is_some() {
                changes.push((version, Change::Remove { kind, id, version }));
                continue;
            }
            let data: Map<String, Value> = serde_json::from_str(&r.try_get::<String, _>(4)?).context("record data")?;
            let meta: BTreeMap<String, FieldMeta> =
                serde_json::from_str(&r.try_get::<String, _>(5)?).context("record meta")?;
            let record = StoredRecord {
                id,
                kind,
                owner: r.try_get::<String, _>(2)?.parse().context("owner id")?,
                office: r.try_get::<String, _>(3)?.parse().context("office id")?,
                fields: fields_of(data, &meta, version),
                version,
                deleted: false,
            };
            changes.push((version, Change::Upsert { record: record.to_state() }));
        }
        // Records moved out of sight since the cursor: visible then through the old owner or
        // office, not visible now. (Nothing leaves the sight of someone who sees every record
        // of each kind they see at all.)
        let sees_whole_kinds = RecordKind::ALL
            .iter()
            .all(|&k| matches!(actor.permissions.scope(k, veld_domain::Action::View), Scope::All | Scope::None));
        if !sees_whole_kinds
            && let Some(was_visible) = visibility_sql_on(actor, "r.kind", "m.old_owner", "m.old_office")
        {
            let visible_now = visibility_sql_on(actor, "r.kind", "r.owner_id", "r.office_id").unwrap_or("1=0".into());
            let sql = format!(
                "SELECT DISTINCT r.id, r.kind, r.version FROM record_moves m JOIN records r ON r.id = m.record_id \
                 WHERE m.version > $3 AND m.version <= $4 AND ({was_visible}) AND NOT ({visible_now})"
            );
            let moved = sqlx::query(&sql)
                .bind(actor.user.to_string())
                .bind(actor.office.to_string())
                .bind(cursor as i64)
                .bind(page_end)
                .fetch_all(&mut *tx)
                .await?;
            for r in moved {
                let id: uuid::Uuid = r.try_get::<String, _>(0)?.parse().context("record id")?;
                let kind = RecordKind::parse(&r.try_get::<String, _>(1)?).context("record kind")?;
                let version = r.try_get::<i64, _>(2)? as u64;
                changes.push((version, Change::Remove { kind, id, version }));
            }
            changes.sort_by_key(|(v, _)| *v);
        }
        response.changes = changes.into_iter().map(|(_, c)| c).collect();
        tx.commit().await?;
        Ok(response)
    }
}

impl Db {
    /// Deletes tombstones older than `before_ms` for good. Clients whose cursor is older than the
    /// newest purged deletion may have missed it: their next pull says `reset_required`.
    pub async fn purge_tombstones(&self, before_ms: i64) -> anyhow::Result<u64> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("UPDATE sync_counter SET version = version WHERE id = 1").execute(&mut *tx).await?;
        let newest: Option<i64> =
            sqlx::query("SELECT MAX(version) FROM records WHERE deleted_at IS NOT NULL AND deleted_at < $1")
                .bind(before_ms)
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
        let Some(newest) = newest else { return Ok(0) };
        let done = sqlx::query("DELETE FROM records WHERE deleted_at IS NOT NULL AND deleted_at < $1")
            .bind(before_ms)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE sync_counter SET purged_before = $1 WHERE id = 1 AND purged_before < $1")
            .bind(newest)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected())
    }
}

/// A refusal as stored: the outcome as JSON (older rows: the English reason only).
fn stored_refusal(text: &str) -> MutationOutcome {
    serde_json::from_str::<MutationOutcome>(text)
        .ok()
        .filter(|o| matches!(o, MutationOutcome::Rejected { .. }))
        .unwrap_or_else(|| MutationOutcome::Rejected {
            code: RejectCode::Malformed,
            reason: text.to_owned(),
            invalid: None,
        })
}

/// The refusal of an earlier delivery of this mutation, if it was refused.
/// Whether a batch changes configuration that later pushes' rules depend on (stages, rules):
/// such a push is applied in a group of its own, its rules read inside the transaction.
pub fn configures(req: &PushRequest) -> bool {
    req.mutations.iter().any(|m| matches!(m.kind, RecordKind::Stage | RecordKind::Rule))
}

/// One push of a group: who pushed what, when.
#[derive(Clone, Copy)]
pub struct PushJob<'a> {
    pub actor: &'a Actor,
    pub req: &'a PushRequest,
    pub now_ms: i64,
}

/// One push inside a group's transaction; `Ok(Err(..))` refuses this push alone (nothing of it
/// written).
async fn push_one(
    v: &mut Versioned,
    rules: &mut RuleCache,
    job: &PushJob<'_>,
    stored_client: Option<(String, u64)>,
) -> anyhow::Result<Result<PushResponse, PushError>> {
    let PushJob { actor, req, now_ms } = *job;
    let client = req.client_id.0.to_string();
    let (known, mut last_applied) = match stored_client {
        Some((user, last_applied)) => {
            if user != actor.user.to_string() {
                return Ok(Err(PushError::ForeignClient));
            }
            (true, last_applied)
        }
        None => (false, 0),
    };
    let ids: Vec<u64> = req.mutations.iter().map(|m| m.id).collect();
    let plan = match plan_batch(last_applied, &ids) {
        Ok(plan) => plan,
        Err(gap) => return Ok(Err(PushError::Gap(gap))),
    };

    let mut results = Vec::with_capacity(plan.len());
    let mut applied = Vec::new();
    for (m, step) in req.mutations.iter().zip(plan) {
        let outcome = match step {
            // A repeated delivery: its first answer may have been lost, so a refusal is
            // said again (the user must hear of it).
            BatchStep::Skip => refusal(&mut v.tx, &client, m.id).await?.unwrap_or(MutationOutcome::Duplicate),
            BatchStep::Apply => {
                let mut effects =
                    Effects { applied: &mut applied, history: &mut v.history, rules: &mut *rules, chain: &[] };
                let outcome = apply(&mut v.tx, actor, m, &mut v.version, now_ms, &mut effects).await?;
                if let MutationOutcome::Rejected { .. } = &outcome {
                    v.at_commit(Write {
                        sql: "INSERT INTO sync_rejections (client_id, mutation_id, record_id, reason, created_at) \
                              VALUES ($1, $2, $3, $4, $5)"
                            .into(),
                        binds: vec![
                            Bind::Text(client.clone()),
                            Bind::Int(m.id as i64),
                            Bind::Text(m.record_id.to_string()),
                            Bind::Text(serde_json::to_string(&outcome)?),
                            Bind::Int(now_ms),
                        ],
                    });
                }
                last_applied = m.id;
                outcome
            }
        };
        results.push(MutationResult { id: m.id, outcome });
    }

    let save_client = if known {
        "UPDATE sync_clients SET last_applied = $3, last_seen_at = $4 WHERE client_id = $1 AND user_id = $2"
    } else {
        "INSERT INTO sync_clients (client_id, user_id, last_applied, last_seen_at) VALUES ($1, $2, $3, $4)"
    };
    v.at_commit(Write {
        sql: save_client.into(),
        binds: vec![
            Bind::Text(client.clone()),
            Bind::Text(actor.user.to_string()),
            Bind::Int(last_applied as i64),
            Bind::Int(now_ms),
        ],
    });
    // Triggers run on what this batch applied, in its transaction (TR-1): exactly once per
    // applied change, since a repeated delivery is skipped above. (New records still waiting
    // are written before a rule reads the table: `RuleCache::stop_deferring`.)
    super::automation::run_triggers(&mut v.tx, applied, &mut v.version, now_ms, &mut v.history, rules).await?;
    Ok(Ok(PushResponse { last_applied, results }))
}

/// The stored user and last applied mutation of each of the group's clients (those known).
async fn clients_of(
    conn: &mut AnyConnection,
    jobs: &[PushJob<'_>],
) -> anyhow::Result<std::collections::HashMap<String, (String, u64)>> {
    let mut found = std::collections::HashMap::with_capacity(jobs.len());
    for chunk in jobs.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT client_id, user_id, last_applied FROM sync_clients WHERE client_id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for job in chunk {
            query = query.bind(job.req.client_id.0.to_string());
        }
        for r in query.fetch_all(&mut *conn).await? {
            found.insert(r.try_get::<String, _>(0)?, (r.try_get::<String, _>(1)?, r.try_get::<i64, _>(2)? as u64));
        }
    }
    Ok(found)
}

async fn refusal(conn: &mut AnyConnection, client: &str, id: u64) -> anyhow::Result<Option<MutationOutcome>> {
    let row = sqlx::query("SELECT reason FROM sync_rejections WHERE client_id = $1 AND mutation_id = $2")
        .bind(client)
        .bind(id as i64)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok(stored_refusal(&r.try_get::<String, _>(0)?))).transpose()
}

impl Db {
    /// A record as stored, tombstones included.
    pub async fn stored_record(&self, id: uuid::Uuid) -> anyhow::Result<Option<StoredRecord>> {
        let mut conn = self.pool().acquire().await?;
        load(&mut conn, id).await
    }
}
