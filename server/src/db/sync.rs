//! The sync engine's storage side: applying a pushed batch in one transaction, and reading the
//! changes after a cursor from one snapshot. The decisions (skip, refuse, merge) come from
//! `veld_domain::sync`; this module only loads, stores and counts.

use super::history::{HistoryLog, Logged};
use super::records::{FieldMeta, columns_of, fields_of, insert_record, load};
use super::{Backend, Db};
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row;
use std::collections::BTreeMap;
use veld_domain::api::FieldChange;
use veld_domain::config::{StageDef, Stages};
use veld_domain::records::{Known, references, validate};
use veld_domain::sync::Decision;
use veld_domain::sync::{
    BatchStep, Change, ClientId, Effect, Gap, Mutation, MutationOutcome, MutationResult, OWNER_FIELD, Op,
    PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse, RejectCode, StoredRecord, decide, plan_batch,
};
use veld_domain::{Action, Actor, OfficeId, RecordKind, Scope, UserId};

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

/// A change the push applied, handed to automation in the same transaction (the seam the
/// triggers issue builds on: rules run once per applied change, before the commit).
#[derive(Clone, Debug)]
pub struct AppliedChange {
    pub record_id: uuid::Uuid,
    pub kind: RecordKind,
    pub op: Op,
    /// The fields the mutation set (empty for a delete).
    pub fields: Vec<String>,
    pub version: u64,
    pub actor: UserId,
    /// For leads and opportunities (the kinds rules watch): the values before (none for a
    /// create) and after the change; empty otherwise.
    pub before: Option<Map<String, Value>>,
    pub after: Map<String, Value>,
    /// The rules whose automatic changes led to this one, in order (empty for a user's change).
    pub made_by: Vec<String>,
}

impl Db {
    /// Applies a pushed batch in ONE transaction: duplicates are skipped, a gap refuses the
    /// whole batch, each new mutation is authorised and applied (or recorded as rejected), and
    /// the client's last-applied id advances in the same commit.
    pub async fn push(&self, actor: &Actor, req: &PushRequest, now_ms: i64) -> Result<PushResponse, PushError> {
        let mut tx = self.pool().begin().await?;
        // Take the counter row first: it serialises pushes, so versions follow commit order
        // (and SQLite takes its write lock now, not halfway through).
        sqlx::query("UPDATE sync_counter SET version = version WHERE id = 1").execute(&mut *tx).await?;
        let mut version: i64 =
            sqlx::query("SELECT version FROM sync_counter WHERE id = 1").fetch_one(&mut *tx).await?.try_get(0)?;
        let client = req.client_id.0.to_string();
        let row = sqlx::query("SELECT user_id, last_applied FROM sync_clients WHERE client_id = $1")
            .bind(&client)
            .fetch_optional(&mut *tx)
            .await?;
        let (known, mut last_applied) = match row {
            Some(r) => {
                if r.try_get::<String, _>(0)? != actor.user.to_string() {
                    return Err(PushError::ForeignClient);
                }
                (true, r.try_get::<i64, _>(1)? as u64)
            }
            None => (false, 0),
        };
        let ids: Vec<u64> = req.mutations.iter().map(|m| m.id).collect();
        let plan = plan_batch(last_applied, &ids)?;

        let mut results = Vec::with_capacity(plan.len());
        let mut applied = Vec::new();
        let mut history = HistoryLog::default();
        let mut rules = RuleCache::default();
        for (m, step) in req.mutations.iter().zip(plan) {
            let outcome = match step {
                // A repeated delivery: its first answer may have been lost, so a refusal is
                // said again (the user must hear of it).
                BatchStep::Skip => refusal(&mut tx, &client, m.id).await?.unwrap_or(MutationOutcome::Duplicate),
                BatchStep::Apply => {
                    let mut effects =
                        Effects { applied: &mut applied, history: &mut history, rules: &mut rules, chain: &[] };
                    let outcome = apply(&mut tx, actor, m, &mut version, now_ms, &mut effects).await?;
                    if let MutationOutcome::Rejected { .. } = &outcome {
                        sqlx::query(
                            "INSERT INTO sync_rejections (client_id, mutation_id, record_id, reason, created_at) \
                             VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(&client)
                        .bind(m.id as i64)
                        .bind(m.record_id.to_string())
                        .bind(serde_json::to_string(&outcome).map_err(anyhow::Error::from)?)
                        .bind(now_ms)
                        .execute(&mut *tx)
                        .await?;
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
        sqlx::query(save_client)
            .bind(&client)
            .bind(actor.user.to_string())
            .bind(last_applied as i64)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
        // Triggers run on what this batch applied, in its transaction (TR-1): exactly once per
        // applied change, since a repeated delivery is skipped above.
        super::automation::run_triggers(&mut tx, applied, &mut version, now_ms, &mut history, &mut rules).await?;
        history.write(&mut tx, now_ms).await?;
        sqlx::query("UPDATE sync_counter SET version = $1 WHERE id = 1").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(PushResponse { last_applied, results })
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
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute(&mut *tx).await?;
        }
        let counter =
            sqlx::query("SELECT version, purged_before FROM sync_counter WHERE id = 1").fetch_one(&mut *tx).await?;
        let (head, purged_before): (i64, i64) = (counter.try_get(0)?, counter.try_get(1)?);
        let last_applied = sqlx::query("SELECT last_applied FROM sync_clients WHERE client_id = $1 AND user_id = $2")
            .bind(client.0.to_string())
            .bind(actor.user.to_string())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>(0))
            .transpose()?
            .unwrap_or(0) as u64;
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
        // A full page: stop at its last version; the rest comes with the next pull.
        let page_end = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            response.more = true;
            rows.last().map(|r| r.try_get::<i64, _>(6)).transpose()?.unwrap_or(head)
        } else {
            head
        };
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
        // office, not visible now.
        if let Some(was_visible) = visibility_sql_on(actor, "r.kind", "m.old_owner", "m.old_office") {
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

/// The SQL condition for "records this actor may view", across kinds; `$1` is the user id and
/// `$2` the office id. `None` when the actor may view nothing.
pub(super) fn visibility_sql(actor: &Actor) -> Option<String> {
    visibility_sql_on(actor, "kind", "owner_id", "office_id")
}

/// [`visibility_sql`] over the given kind, owner and office columns.
fn visibility_sql_on(actor: &Actor, kind_col: &str, owner_col: &str, office_col: &str) -> Option<String> {
    let parts: Vec<String> = RecordKind::ALL
        .iter()
        .filter_map(|&kind| {
            let k = kind.as_str();
            match actor.permissions.scope(kind, Action::View) {
                Scope::None => None,
                Scope::Own => Some(format!("({kind_col} = '{k}' AND {owner_col} = $1)")),
                Scope::Office => Some(format!("({kind_col} = '{k}' AND {office_col} = $2)")),
                Scope::All => Some(format!("{kind_col} = '{k}'")),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

/// A refusal as stored: the outcome as JSON (older rows: the English reason only).
fn stored_refusal(text: &str) -> MutationOutcome {
    serde_json::from_str::<MutationOutcome>(text)
        .ok()
        .filter(|o| matches!(o, MutationOutcome::Rejected { .. }))
        .unwrap_or_else(|| MutationOutcome::Rejected { code: RejectCode::Malformed, reason: text.to_owned() })
}

/// The refusal of an earlier delivery of this mutation, if it was refused.
async fn refusal(conn: &mut AnyConnection, client: &str, id: u64) -> anyhow::Result<Option<MutationOutcome>> {
    let row = sqlx::query("SELECT reason FROM sync_rejections WHERE client_id = $1 AND mutation_id = $2")
        .bind(client)
        .bind(id as i64)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok(stored_refusal(&r.try_get::<String, _>(0)?))).transpose()
}

/// The office of an active user (for a change of owner).
async fn office_of(conn: &mut AnyConnection, m: &Mutation) -> anyhow::Result<Option<(UserId, OfficeId)>> {
    let Some(user) = m.fields.get(OWNER_FIELD).and_then(|v| v.as_str()?.parse::<UserId>().ok()) else {
        return Ok(None);
    };
    let row = sqlx::query("SELECT office_id FROM users WHERE id = $1 AND disabled_at IS NULL")
        .bind(user.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| Ok((user, r.try_get::<String, _>(0)?.parse().context("office id")?))).transpose()
}

/// Applies one mutation inside the batch's transaction: `decide` says what happens, this stores
/// it. `Ok(Rejected)` is a permanent refusal (recorded, and the queue moves on); `Err` is a
/// transient failure that aborts the batch.
pub(super) async fn apply(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &Mutation,
    version: &mut i64,
    now_ms: i64,
    effects: &mut Effects<'_>,
) -> anyhow::Result<MutationOutcome> {
    let existing = load(conn, m.record_id).await?;
    let new_owner = office_of(conn, m).await?;
    let lookup = |user: UserId| new_owner.filter(|(u, _)| *u == user).map(|(_, o)| o);
    let next = (*version + 1) as u64;
    let decision = decide(existing.as_ref(), actor, m, next, now_ms, &lookup);
    let decision = check_rules(conn, existing.as_ref(), m, decision, effects.rules).await?;
    let before = existing.as_ref().map(StoredRecord::values).unwrap_or_default();
    let rule = effects.chain.last().cloned();
    let logged = |record, op| Logged { record, version: next, user: Some(actor.user), op, rule: rule.clone() };
    let history = &mut *effects.history;
    // What rules look at: leads' and opportunities' values after the change.
    let watched = matches!(m.kind, RecordKind::Lead | RecordKind::Opportunity);
    let mut after_values = Map::new();
    let changed = match decision.effect {
        Effect::Nothing => false,
        Effect::Insert(record) => {
            if watched {
                after_values = record.values();
            }
            insert_record(conn, &record, now_ms).await?;
            let changes: Vec<FieldChange> = record
                .fields
                .iter()
                .map(|(k, f)| FieldChange { field: k.clone(), old: Value::Null, new: f.value.clone() })
                .collect();
            history.add(logged(record.id, "create"), &changes)?;
            true
        }
        Effect::Delete(record) => {
            history.add(logged(record.id, "delete"), &[])?;
            sqlx::query("UPDATE records SET deleted_at = $1, version = $2, updated_at = $1 WHERE id = $3")
                .bind(now_ms)
                .bind(next as i64)
                .bind(record.id.to_string())
                .execute(&mut *conn)
                .await?;
            if record.kind == RecordKind::Attachment {
                // The file goes with its record (DM-8).
                sqlx::query("DELETE FROM attachment_files WHERE attachment_id = $1")
                    .bind(record.id.to_string())
                    .execute(&mut *conn)
                    .await?;
            }
            true
        }
        Effect::Update { record, conflicts, moved_from } => {
            for conflict in &conflicts {
                super::conflicts::log_conflict(conn, record.id, conflict, next, now_ms).await?;
            }
            if let Some(from) = moved_from {
                sqlx::query(
                    "INSERT INTO record_moves (record_id, version, old_owner, old_office) VALUES ($1, $2, $3, $4)",
                )
                .bind(record.id.to_string())
                .bind(next as i64)
                .bind(from.owner.to_string())
                .bind(from.office.to_string())
                .execute(&mut *conn)
                .await?;
            }
            let changes: Vec<FieldChange> = m
                .fields
                .keys()
                .filter_map(|k| {
                    let old = before.get(k).cloned().unwrap_or(Value::Null);
                    let new = record.fields.get(k).map(|f| f.value.clone()).unwrap_or(Value::Null);
                    (old != new).then(|| FieldChange { field: k.clone(), old, new })
                })
                .collect();
            if !changes.is_empty() {
                history.add(logged(record.id, "update"), &changes)?;
            }
            if watched {
                after_values = record.values();
            }
            let (data, meta) = columns_of(&record.fields)?;
            sqlx::query(
                "UPDATE records SET data = $1, meta = $2, version = $3, updated_at = $4, owner_id = $5, office_id = $6 \
                 WHERE id = $7",
            )
            .bind(data)
            .bind(meta)
            .bind(next as i64)
            .bind(now_ms)
            .bind(record.owner.to_string())
            .bind(record.office.to_string())
            .bind(record.id.to_string())
            .execute(&mut *conn)
            .await?;
            true
        }
    };
    if changed {
        *version += 1;
        if m.kind == RecordKind::Stage {
            // The stage rules changed: later mutations of this batch see the new ones.
            effects.rules.stages.clear();
        }
        effects.applied.push(AppliedChange {
            record_id: m.record_id,
            kind: m.kind,
            op: m.op,
            fields: m.fields.keys().cloned().collect(),
            version: next,
            actor: actor.user,
            before: if watched { existing.as_ref().map(StoredRecord::values) } else { None },
            after: after_values,
            made_by: effects.chain.to_vec(),
        });
    }
    Ok(decision.outcome)
}

/// What applying a batch's mutations collects besides the records: the applied changes (for
/// automation), the history entries (written at the end), and the stage lists read so far.
pub(super) struct Effects<'a> {
    pub applied: &'a mut Vec<AppliedChange>,
    pub history: &'a mut HistoryLog,
    pub rules: &'a mut RuleCache,
    /// The automation rules whose changes led to this one (empty for a user's change); the last
    /// is the rule making it, which its history entry names.
    pub chain: &'a [String],
}

/// The stage lists a batch has read, until a stage changes in it.
#[derive(Default)]
pub(super) struct RuleCache {
    stages: std::collections::HashMap<RecordKind, Stages>,
}

impl RuleCache {
    /// The stages of one list, read once per batch.
    pub async fn stages_of(&mut self, conn: &mut AnyConnection, list: RecordKind) -> anyhow::Result<Stages> {
        if let Some(s) = self.stages.get(&list) {
            return Ok(s.clone());
        }
        let s = stages(conn, list).await?;
        self.stages.insert(list, s.clone());
        Ok(s)
    }
}

/// Applies the records' rules (`veld_domain::records::validate`) to what `decide` would store:
/// a change that breaks one is refused with the reason, and nothing of it is stored.
async fn check_rules(
    conn: &mut AnyConnection,
    existing: Option<&StoredRecord>,
    m: &Mutation,
    decision: Decision,
    cache: &mut RuleCache,
) -> anyhow::Result<Decision> {
    let after = match &decision.effect {
        Effect::Insert(record) | Effect::Update { record, .. } => record.values(),
        _ => return Ok(decision),
    };
    let before = existing.map(StoredRecord::values);
    let mut known = Known::default();
    // Only a create, or a change of a link, needs the records it links to.
    let links = ["contacts", "lead_id", "opportunity_id"];
    let relinks = m.op == Op::Create || links.iter().any(|f| m.fields.contains_key(*f));
    for id in references(m.kind, &after).into_iter().filter(|_| relinks) {
        if let Some(r) = load(conn, id).await?.filter(|r| !r.deleted) {
            known.records.insert(id, (r.kind, r.values()));
        }
    }
    if matches!(m.kind, RecordKind::Lead | RecordKind::Opportunity) && m.fields.contains_key("stage") {
        known.stages.insert(m.kind, cache.stages_of(conn, m.kind).await?);
    }
    let changed: Vec<String> = m.fields.keys().cloned().collect();
    Ok(match validate(m.kind, m.record_id, before.as_ref(), &after, &changed, &known) {
        Ok(()) => decision,
        Err(invalid) => Decision {
            outcome: MutationOutcome::Rejected { code: RejectCode::Invalid, reason: invalid.message },
            effect: Effect::Nothing,
        },
    })
}

/// The configured stages of one list.
pub(super) async fn stages(conn: &mut AnyConnection, list: RecordKind) -> anyhow::Result<Stages> {
    let rows = sqlx::query("SELECT data FROM records WHERE kind = $1 AND deleted_at IS NULL")
        .bind(RecordKind::Stage.as_str())
        .fetch_all(&mut *conn)
        .await?;
    let mut all = Vec::with_capacity(rows.len());
    for r in rows {
        let data: Map<String, Value> = serde_json::from_str(&r.try_get::<String, _>(0)?).context("stage data")?;
        all.extend(StageDef::from_values(&data));
    }
    Ok(Stages::of(list, all))
}

impl Db {
    /// A record as stored, tombstones included.
    pub async fn stored_record(&self, id: uuid::Uuid) -> anyhow::Result<Option<StoredRecord>> {
        let mut conn = self.pool().acquire().await?;
        load(&mut conn, id).await
    }
}
