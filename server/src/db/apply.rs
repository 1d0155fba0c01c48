//! Applying one mutation inside a versioned transaction: `veld_domain::sync::decide` says what
//! happens, the record rules (`veld_domain::records::validate`) may refuse it, and this module
//! stores the effect — record, conflicts, history — with the next version. Pushes (`sync`),
//! automation and processes (`automation`) all apply changes through here.

use super::history::{HistoryLog, Logged};
use super::records::{columns_of, insert_writes, load, number_new, number_writes, store_new};
use super::versioned::Versioned;
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row;
use veld_domain::api::FieldChange;
use veld_domain::config::{StageDef, Stages, TableEntry};
use veld_domain::records::Known;
use veld_domain::sync::{Effect, Mutation, MutationOutcome, OWNER_FIELD, Op, StoredRecord, decide, rule_lookups};
use veld_domain::{Action, Actor, OfficeId, RecordKind, UserId};

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
    let mut existing = match effects.rules.records.get(&m.record_id) {
        Some(known) => known.clone(),
        None => load(conn, m.record_id).await?,
    };
    // A change of a merged record lands on its survivor; a link to one moves to its survivor.
    let followed;
    let m = match follow_merges(conn, existing.as_ref(), m, effects.rules).await? {
        Some((changed, survivor)) => {
            if let Some(survivor) = survivor {
                existing = Some(survivor);
            }
            followed = changed;
            &followed
        }
        None => m,
    };
    let new_owner = office_of(conn, m).await?;
    let lookup = |user: UserId| new_owner.filter(|(u, _)| *u == user).map(|(_, o)| o);
    let next = (*version + 1) as u64;
    let known = known_for(conn, actor, existing.as_ref(), m, effects.rules).await?;
    let decision = decide(existing.as_ref(), actor, m, next, now_ms, &lookup, &known);
    let before = existing.as_ref().map(StoredRecord::values).unwrap_or_default();
    let rule = effects.chain.last().cloned();
    let logged = |record, op| Logged { record, version: next, user: Some(actor.user), op, rule: rule.clone() };
    let history = &mut *effects.history;
    // What rules look at: leads' and opportunities' values after the change.
    let watched = matches!(m.kind, RecordKind::Lead | RecordKind::Opportunity);
    let mut after_values = Map::new();
    // What this transaction's later changes see of the record (a batch reads its records once).
    match &decision.effect {
        Effect::Nothing => {}
        Effect::Insert(_) => {
            // Numbered below; the cache learns it there.
        }
        Effect::Update { record, .. } | Effect::Delete(record) => {
            effects.rules.records.insert(record.id, Some(record.clone()));
        }
    }
    let changed = match decision.effect {
        Effect::Nothing => false,
        Effect::Insert(mut record) => {
            number_new(conn, &mut record, &mut effects.rules.numbers).await?;
            effects.rules.records.insert(record.id, Some(record.clone()));
            if watched {
                after_values = record.values();
            }
            let changes: Vec<FieldChange> = record
                .fields
                .iter()
                .map(|(k, f)| FieldChange { field: k.clone(), old: Value::Null, new: f.value.clone() })
                .collect();
            history.add(logged(record.id, "create"), &changes)?;
            effects.rules.store(conn, record, now_ms).await?;
            true
        }
        Effect::Delete(record) => {
            // A record created earlier in the batch must be in the table before it changes.
            effects.rules.flush(conn, now_ms).await?;
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
            effects.rules.flush(conn, now_ms).await?;
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

/// What a transaction has read once: the stage lists (until a stage changes in it), and the
/// records its changes touch (a push reads its batch's records in one query; each applied change
/// updates its entry, so later changes in the transaction see it; `None`: known to be absent).
#[derive(Default)]
pub(super) struct RuleCache {
    stages: std::collections::HashMap<RecordKind, Stages>,
    pub records: std::collections::HashMap<uuid::Uuid, Option<StoredRecord>>,
    /// The last record number given per kind in this transaction (written back before commit).
    pub numbers: std::collections::HashMap<RecordKind, i64>,
    /// New records not yet written: a push gathers its batch's creates and writes them in one
    /// statement ([`RuleCache::flush`]) before anything else reads or changes the table.
    pending: Vec<StoredRecord>,
    defer_inserts: bool,
    /// The trigger rules, when read before the transaction ([`RuleCache::with_config`]).
    pub rules: Option<Vec<veld_domain::automation::Rule>>,
    /// Records merged in this transaction, with their survivors (the record rules allow moving
    /// a link from one to the other: `Known::merged`).
    pub merges: std::collections::HashMap<uuid::Uuid, uuid::Uuid>,
}

impl RuleCache {
    /// A cache whose new records wait for [`RuleCache::flush`] (a push's batch, which reads
    /// records only through this cache).
    pub fn deferring_inserts() -> RuleCache {
        RuleCache { defer_inserts: true, ..RuleCache::default() }
    }

    /// Reads the stage lists and trigger rules in one query, outside the transaction: a push
    /// that changes no configuration takes them as they were a moment before it, and spends
    /// none of its time in the counter's lock reading them.
    pub async fn with_config(mut self, conn: &mut AnyConnection) -> anyhow::Result<RuleCache> {
        let rows = sqlx::query("SELECT kind, data FROM records WHERE kind IN ($1, $2) AND deleted_at IS NULL")
            .bind(RecordKind::Stage.as_str())
            .bind(RecordKind::Rule.as_str())
            .fetch_all(&mut *conn)
            .await?;
        let (mut stages, mut rules) = (Vec::new(), Vec::new());
        for row in rows {
            let values: Map<String, Value> =
                serde_json::from_str(&row.try_get::<String, _>(1)?).context("config data")?;
            if row.try_get::<String, _>(0)? == RecordKind::Stage.as_str() {
                stages.extend(StageDef::from_values(&values));
            } else {
                rules.extend(veld_domain::automation::Rule::from_values(&values));
            }
        }
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            self.stages.insert(list, Stages::of(list, stages.iter().cloned()));
        }
        self.rules = Some(rules);
        Ok(self)
    }

    /// Stores a new record, now or (when deferring) at the next flush.
    async fn store(&mut self, conn: &mut AnyConnection, record: StoredRecord, now_ms: i64) -> anyhow::Result<()> {
        if self.defer_inserts {
            self.pending.push(record);
            Ok(())
        } else {
            store_new(conn, std::slice::from_ref(&record), now_ms).await
        }
    }

    /// Writes the new records gathered so far, in as few statements as the batch allows.
    pub async fn flush(&mut self, conn: &mut AnyConnection, now_ms: i64) -> anyhow::Result<()> {
        if !self.pending.is_empty() {
            store_new(conn, &self.pending, now_ms).await?;
            self.pending.clear();
        }
        Ok(())
    }

    /// The values of the new records of `kind` not written yet.
    pub fn pending_values(&self, kind: RecordKind) -> impl Iterator<Item = Map<String, Value>> + '_ {
        self.pending.iter().filter(move |r| r.kind == kind && !r.deleted).map(StoredRecord::values)
    }

    /// New records wait for the next flush again (the next push of a group).
    pub fn resume_deferring(&mut self) {
        self.defer_inserts = true;
    }

    /// From here on, new records are written at once (automation reads the table directly).
    pub async fn stop_deferring(&mut self, conn: &mut AnyConnection, now_ms: i64) -> anyhow::Result<()> {
        self.flush(conn, now_ms).await?;
        self.defer_inserts = false;
        Ok(())
    }

    /// Reads the records of `ids` in one go (a push's batch) for the changes to come.
    pub async fn prefetch(&mut self, conn: &mut AnyConnection, ids: &[uuid::Uuid]) -> anyhow::Result<()> {
        let found = super::records::load_many(conn, ids).await?;
        for id in ids {
            // (A batch may change one record several times: each gets the stored state.)
            self.records.entry(*id).or_insert_with(|| found.get(id).cloned());
        }
        Ok(())
    }

    /// Writes back what the transaction took: the new records still waiting now, the record
    /// numbers with the commit. Called before it.
    pub async fn save(&mut self, v: &mut Versioned, now_ms: i64) -> anyhow::Result<()> {
        if v.backend == super::Backend::Postgres {
            // Nothing reads them any more: they go with the commit's one statement.
            for write in insert_writes(&std::mem::take(&mut self.pending), now_ms)? {
                v.at_commit(write);
            }
        } else {
            self.flush(&mut v.tx, now_ms).await?;
        }
        for write in number_writes(&self.numbers) {
            v.at_commit(write);
        }
        Ok(())
    }

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

/// What the record rules look up to decide `m` (`veld_domain::sync::rule_lookups`): the live
/// records it links that the actor may see (a link to any other is refused like one to nothing),
/// its kind's stage list and its fixed contact roles.
async fn known_for(
    conn: &mut AnyConnection,
    actor: &Actor,
    existing: Option<&StoredRecord>,
    m: &Mutation,
    cache: &mut RuleCache,
) -> anyhow::Result<Known> {
    let lookups = rule_lookups(existing, m);
    let mut known = Known { merged: cache.merges.clone(), ..Known::default() };
    for id in lookups.records {
        // This transaction's own changes first (some of its new records may not be written yet).
        let record = match cache.records.get(&id) {
            Some(known) => known.clone(),
            None => load(conn, id).await?,
        };
        if let Some(r) = record.filter(|r| !r.deleted && actor.may(Action::View, r.kind, r.ownership())) {
            known.records.insert(id, (r.kind, r.values()));
        }
    }
    if let Some(kind) = lookups.stages {
        known.stages.insert(kind, cache.stages_of(conn, kind).await?);
    }
    if lookups.roles.is_some() || lookups.criteria.is_some() {
        // The stored entries, and those this batch made but has not written yet.
        let mut entries = table_entries(conn).await?;
        entries.extend(cache.pending_values(RecordKind::TableEntry).filter_map(|v| TableEntry::from_values(&v)));
        if let Some(kind) = lookups.roles {
            known = known.with_roles(kind, &entries);
        }
        if let Some(kind) = lookups.criteria {
            known = known.with_criteria(kind, &entries);
        }
    }
    Ok(known)
}

/// `m` as it applies after merges (`veld_domain::merge`): a change of a merged record goes to
/// its survivor (returned with the change, to be decided on instead), and links to merged
/// records move to their survivors. `None` when no merge concerns it — the common case costs no
/// query beyond what the rules load anyway: the records a change links are read here once, into
/// the transaction's cache, and only a deleted one is looked up among the merges.
async fn follow_merges(
    conn: &mut AnyConnection,
    existing: Option<&StoredRecord>,
    m: &Mutation,
    cache: &mut RuleCache,
) -> anyhow::Result<Option<(Mutation, Option<StoredRecord>)>> {
    let mut out: Option<(Mutation, Option<StoredRecord>)> = None;
    if m.op == Op::Update
        && existing.is_none_or(|e| e.deleted)
        && let Some((to, merged_at)) = super::merge::survivor_of(conn, m.record_id).await?
    {
        let survivor = match cache.records.get(&to) {
            Some(known) => known.clone(),
            None => load(conn, to).await?,
        };
        if let Some(survivor) = survivor.filter(|s| !s.deleted && s.kind == m.kind) {
            out = Some((veld_domain::merge::redirect(m, &survivor, merged_at), Some(survivor)));
        }
    }
    let current = out.as_ref().map_or(m, |(r, _)| r);
    let relinks = current.op == Op::Create
        || veld_domain::schema::link_fields(current.kind).any(|(f, _)| current.fields.contains_key(f));
    if !relinks {
        return Ok(out);
    }
    let values: Map<String, Value> = current.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut survivors = std::collections::HashMap::new();
    for id in veld_domain::records::references(current.kind, &values) {
        let record = match cache.records.get(&id) {
            Some(known) => known.clone(),
            None => {
                let loaded = load(conn, id).await?;
                cache.records.insert(id, loaded.clone());
                loaded
            }
        };
        if record.is_some_and(|r| r.deleted)
            && let Some((to, _)) = super::merge::survivor_of(conn, id).await?
        {
            survivors.insert(id, to);
        }
    }
    if survivors.is_empty() {
        return Ok(out);
    }
    let (mut changed, survivor) = match out {
        Some(redirected) => redirected,
        None => (m.clone(), None),
    };
    veld_domain::merge::follow_links(&mut changed, &|id| survivors.get(&id).copied());
    Ok(Some((changed, survivor)))
}

/// The live configuration records of one kind (stages, table entries, rules, processes), as
/// values.
pub(super) async fn config_of(conn: &mut AnyConnection, kind: RecordKind) -> anyhow::Result<Vec<Map<String, Value>>> {
    let rows = sqlx::query("SELECT data FROM records WHERE kind = $1 AND deleted_at IS NULL")
        .bind(kind.as_str())
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| serde_json::from_str(&r.try_get::<String, _>(0)?).context("config data")).collect()
}

/// Every configured table entry (CF-2).
pub(super) async fn table_entries(conn: &mut AnyConnection) -> anyhow::Result<Vec<TableEntry>> {
    Ok(config_of(conn, RecordKind::TableEntry).await?.iter().filter_map(TableEntry::from_values).collect())
}

/// The configured stages of one list.
pub(super) async fn stages(conn: &mut AnyConnection, list: RecordKind) -> anyhow::Result<Stages> {
    Ok(Stages::of(list, config_of(conn, RecordKind::Stage).await?.iter().filter_map(StageDef::from_values)))
}
