//! The sync engine's storage side: applying a pushed batch in one transaction, and reading the
//! changes after a cursor from one snapshot. The decisions (skip, refuse, merge) come from
//! `veld_domain::sync`; this module only loads, stores and counts.

use super::{Backend, Db};
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row;
use std::collections::BTreeMap;
use veld_domain::sync::{
    BatchStep, Change, ClientId, FieldMerge, FieldState, Gap, Hlc, Mutation, MutationOutcome, MutationResult, Op,
    PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse, RecordState, RejectCode, merge_field, plan_batch,
};
use veld_domain::{Action, Actor, OfficeId, Ownership, RecordKind, Scope, UserId};

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

/// Per-field bookkeeping stored beside the values: `{field: {version, hlc}}`.
#[derive(serde::Serialize, serde::Deserialize)]
struct FieldMeta {
    version: u64,
    hlc: Hlc,
}

struct StoredRecord {
    kind: String,
    owner: UserId,
    office: OfficeId,
    data: Map<String, Value>,
    meta: BTreeMap<String, FieldMeta>,
    deleted: bool,
}

/// The most fields one mutation may carry; more is a malformed client.
const MAX_FIELDS: usize = 200;

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
        for (m, step) in req.mutations.iter().zip(plan) {
            let outcome = match step {
                BatchStep::Skip => MutationOutcome::Duplicate,
                BatchStep::Apply => {
                    let outcome = apply(&mut tx, actor, m, &mut version, now_ms).await?;
                    if let MutationOutcome::Rejected { reason, .. } = &outcome {
                        sqlx::query(
                            "INSERT INTO sync_rejections (client_id, mutation_id, record_id, reason, created_at) \
                             VALUES ($1, $2, $3, $4, $5)",
                        )
                        .bind(&client)
                        .bind(m.id as i64)
                        .bind(m.record_id.to_string())
                        .bind(reason)
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
        sqlx::query("UPDATE sync_counter SET version = $1 WHERE id = 1").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(PushResponse { last_applied, results })
    }

    /// The changes after `cursor` that the actor may see, read from one snapshot, and the
    /// client's last applied mutation id.
    pub async fn pull(
        &self,
        actor: &Actor,
        client: ClientId,
        cursor: u64,
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
        };
        if cursor > 0 && (cursor as i64) < purged_before {
            response.reset_required = true;
            response.cursor = 0;
            return Ok(response);
        }
        let Some(visible) = visibility_sql(actor) else { return Ok(response) };
        let sql = format!(
            "SELECT id, kind, owner_id, office_id, data, meta, version, deleted_at FROM records \
             WHERE version > $3 AND version <= $4 AND ({visible}) ORDER BY version"
        );
        let rows = sqlx::query(&sql)
            .bind(actor.user.to_string())
            .bind(actor.office.to_string())
            .bind(cursor as i64)
            .bind(head)
            .fetch_all(&mut *tx)
            .await?;
        for r in rows {
            let id: uuid::Uuid = r.try_get::<String, _>(0)?.parse().context("record id")?;
            let kind = RecordKind::parse(&r.try_get::<String, _>(1)?).context("record kind")?;
            let version = r.try_get::<i64, _>(6)? as u64;
            if r.try_get::<Option<i64>, _>(7)?.is_some() {
                response.changes.push(Change::Remove { kind, id, version });
                continue;
            }
            let data: Map<String, Value> = serde_json::from_str(&r.try_get::<String, _>(4)?).context("record data")?;
            let meta: BTreeMap<String, FieldMeta> =
                serde_json::from_str(&r.try_get::<String, _>(5)?).context("record meta")?;
            let fields = data
                .into_iter()
                .map(|(name, value)| {
                    let m = meta.get(&name);
                    let state = FieldState {
                        value,
                        version: m.map_or(version, |m| m.version),
                        hlc: m.map_or(Hlc { wall_ms: 0, counter: 0, client: ClientId(uuid::Uuid::nil()) }, |m| m.hlc),
                    };
                    (name, state)
                })
                .collect();
            response.changes.push(Change::Upsert {
                record: RecordState {
                    id,
                    kind,
                    owner_id: r.try_get::<String, _>(2)?.parse().context("owner id")?,
                    office_id: r.try_get::<String, _>(3)?.parse().context("office id")?,
                    version,
                    fields,
                },
            });
        }
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
    let parts: Vec<String> = RecordKind::ALL
        .iter()
        .filter_map(|&kind| {
            let k = kind.as_str();
            match actor.permissions.scope(kind, Action::View) {
                Scope::None => None,
                Scope::Own => Some(format!("(kind = '{k}' AND owner_id = $1)")),
                Scope::Office => Some(format!("(kind = '{k}' AND office_id = $2)")),
                Scope::All => Some(format!("kind = '{k}'")),
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

fn reject(code: RejectCode, reason: impl Into<String>) -> MutationOutcome {
    MutationOutcome::Rejected { code, reason: reason.into() }
}

async fn load(conn: &mut AnyConnection, id: uuid::Uuid) -> anyhow::Result<Option<StoredRecord>> {
    let row = sqlx::query("SELECT kind, owner_id, office_id, data, meta, deleted_at FROM records WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok(StoredRecord {
            kind: r.try_get(0)?,
            owner: r.try_get::<String, _>(1)?.parse().context("owner id")?,
            office: r.try_get::<String, _>(2)?.parse().context("office id")?,
            data: serde_json::from_str(&r.try_get::<String, _>(3)?).context("record data")?,
            meta: serde_json::from_str(&r.try_get::<String, _>(4)?).context("record meta")?,
            deleted: r.try_get::<Option<i64>, _>(5)?.is_some(),
        })
    })
    .transpose()
}

/// Applies one mutation inside the batch's transaction. `Ok(Rejected)` is a permanent refusal
/// (recorded, and the queue moves on); `Err` is a transient failure that aborts the batch.
async fn apply(
    conn: &mut AnyConnection,
    actor: &Actor,
    m: &Mutation,
    version: &mut i64,
    now_ms: i64,
) -> anyhow::Result<MutationOutcome> {
    if m.fields.len() > MAX_FIELDS {
        return Ok(reject(RejectCode::Malformed, format!("a change may set at most {MAX_FIELDS} fields")));
    }
    if m.fields.keys().any(|k| k.is_empty() || k.len() > 64) {
        return Ok(reject(RejectCode::Malformed, "field names must have 1 to 64 characters"));
    }
    let hlc = m.hlc.clamped(now_ms);
    let existing = load(conn, m.record_id).await?;
    let kind_name = m.kind.as_str();
    let what = kind_name.replace('_', " ");
    match m.op {
        Op::Create => {
            if existing.is_some() {
                return Ok(reject(
                    RejectCode::AlreadyExists,
                    format!("a record with id {} exists already", m.record_id),
                ));
            }
            let ownership = Ownership { owner: actor.user, office: actor.office };
            if !actor.may(Action::Create, m.kind, ownership) {
                return Ok(reject(RejectCode::NotAllowed, format!("your role does not allow creating a {what}")));
            }
            *version += 1;
            let v = *version as u64;
            let meta: BTreeMap<&String, FieldMeta> =
                m.fields.keys().map(|k| (k, FieldMeta { version: v, hlc })).collect();
            sqlx::query(
                "INSERT INTO records (id, kind, owner_id, office_id, data, meta, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(m.record_id.to_string())
            .bind(kind_name)
            .bind(actor.user.to_string())
            .bind(actor.office.to_string())
            .bind(serde_json::to_string(&m.fields)?)
            .bind(serde_json::to_string(&meta)?)
            .bind(*version)
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
            Ok(MutationOutcome::Applied { version: v, conflicts: 0 })
        }
        Op::Update | Op::Delete => {
            let Some(mut record) = existing else {
                return Ok(reject(
                    RejectCode::NotFound,
                    format!("the {what} does not exist (it may never have reached the server)"),
                ));
            };
            if record.kind != kind_name {
                return Ok(reject(
                    RejectCode::Malformed,
                    format!("record {} is a {}, not a {what}", m.record_id, record.kind),
                ));
            }
            let ownership = Ownership { owner: record.owner, office: record.office };
            if m.op == Op::Delete {
                if record.deleted {
                    return Ok(MutationOutcome::Applied { version: *version as u64, conflicts: 0 });
                }
                if !actor.may(Action::Delete, m.kind, ownership) {
                    return Ok(reject(
                        RejectCode::NotAllowed,
                        format!("your role does not allow deleting this {what}"),
                    ));
                }
                *version += 1;
                sqlx::query("UPDATE records SET deleted_at = $1, version = $2, updated_at = $1 WHERE id = $3")
                    .bind(now_ms)
                    .bind(*version)
                    .bind(m.record_id.to_string())
                    .execute(&mut *conn)
                    .await?;
                return Ok(MutationOutcome::Applied { version: *version as u64, conflicts: 0 });
            }
            if record.deleted {
                return Ok(reject(
                    RejectCode::DeletedElsewhere,
                    format!("this {what} was deleted by someone else; your changes were not applied"),
                ));
            }
            if !actor.may(Action::Edit, m.kind, ownership) {
                return Ok(reject(RejectCode::NotAllowed, format!("your role does not allow editing this {what}")));
            }
            *version += 1;
            let v = *version as u64;
            let mut conflicts = 0;
            for (field, value) in &m.fields {
                let current = record.data.get(field).map(|value| FieldState {
                    value: value.clone(),
                    version: record.meta.get(field).map_or(0, |f| f.version),
                    hlc: record
                        .meta
                        .get(field)
                        .map_or(Hlc { wall_ms: 0, counter: 0, client: ClientId(uuid::Uuid::nil()) }, |f| f.hlc),
                });
                let incoming = FieldState { value: value.clone(), version: v, hlc };
                // (does the incoming value win, and the conflict entry as (lost, kept) if any)
                let (incoming_wins, conflict) =
                    match merge_field(current.as_ref(), m.base_versions.get(field).copied(), hlc) {
                        FieldMerge::Apply => (true, None),
                        FieldMerge::Overwrite { lost } => (true, Some((lost, incoming.clone()))),
                        FieldMerge::Lose => (false, current.map(|kept| (incoming.clone(), kept))),
                    };
                if let Some((lost, kept)) = conflict {
                    conflicts += 1;
                    sqlx::query(
                        "INSERT INTO sync_conflicts (id, record_id, field, lost_value, lost_hlc, kept_value, kept_hlc, version, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(m.record_id.to_string())
                    .bind(field)
                    .bind(lost.value.to_string())
                    .bind(serde_json::to_string(&lost.hlc)?)
                    .bind(kept.value.to_string())
                    .bind(serde_json::to_string(&kept.hlc)?)
                    .bind(*version)
                    .bind(now_ms)
                    .execute(&mut *conn)
                    .await?;
                }
                if incoming_wins {
                    record.data.insert(field.clone(), value.clone());
                    record.meta.insert(field.clone(), FieldMeta { version: v, hlc });
                }
            }
            sqlx::query("UPDATE records SET data = $1, meta = $2, version = $3, updated_at = $4 WHERE id = $5")
                .bind(serde_json::to_string(&record.data)?)
                .bind(serde_json::to_string(&record.meta)?)
                .bind(*version)
                .bind(now_ms)
                .bind(m.record_id.to_string())
                .execute(&mut *conn)
                .await?;
            Ok(MutationOutcome::Applied { version: v, conflicts })
        }
    }
}
