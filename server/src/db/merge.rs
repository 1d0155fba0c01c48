//! Merging duplicates (issue 14) in one transaction, through the ordinary `apply` (rules,
//! history, triggers): the survivor takes the chosen values, every record linking the merged one
//! links the survivor, the merged record becomes a tombstone, and `record_merges` remembers where
//! it went — so that a later edit of it, or a later link to it, lands on the survivor
//! (`apply::follow_merges`). What changes is said by `veld_domain::merge`.

use super::Db;
use super::automation::{Automatic, apply_automatic, cascade, load_rules};
use super::history::Logged;
use super::records::load;
use serde_json::{Map, Value};
use sqlx::{AnyConnection, Row};
use veld_domain::access::presets;
use veld_domain::api::FieldChange;
use veld_domain::merge::{
    HISTORY_MERGED, HISTORY_MERGED_INTO, MAX_CHAIN, MERGEABLE, MergeError, MergeRequest, MergeResponse, MergedRecord,
    relink, survivor_changes,
};
use veld_domain::records::display_name;
use veld_domain::sync::{MAX_FIELDS, MutationOutcome, Op, StoredRecord};
use veld_domain::{Action, Actor, RecordKind};

/// Why a merge was not done.
#[derive(Debug, thiserror::Error)]
pub enum MergeFailure {
    /// Either record is not there for the user (none, deleted, another kind, out of scope).
    #[error("no such record")]
    NotFound,
    #[error("your role does not allow this merge")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] MergeError),
    #[error("the request names too many fields")]
    TooManyFields,
    /// A change of the merge the record rules refuse: nothing of the merge is kept.
    #[error("the merge was refused")]
    Refused(MutationOutcome),
    #[error(transparent)]
    Db(#[from] anyhow::Error),
}

impl From<sqlx::Error> for MergeFailure {
    fn from(err: sqlx::Error) -> Self {
        MergeFailure::Db(err.into())
    }
}

/// The survivor a merged record went to (following later merges), with the version of the last
/// merge on the way; `None` for a record never merged.
pub(super) async fn survivor_of(conn: &mut AnyConnection, id: uuid::Uuid) -> anyhow::Result<Option<(uuid::Uuid, u64)>> {
    let mut found = None;
    let mut at = id;
    for _ in 0..MAX_CHAIN {
        let row = sqlx::query("SELECT survivor_id, version FROM record_merges WHERE merged_id = $1")
            .bind(at.to_string())
            .fetch_optional(&mut *conn)
            .await?;
        let Some(row) = row else { break };
        at = row.try_get::<String, _>(0)?.parse()?;
        found = Some((at, row.try_get::<i64, _>(1)? as u64));
    }
    Ok(found)
}

/// The live records that may link `id`: of the kinds with a link to `kind`, whose data holds
/// the id (`relink` says exactly what links it).
async fn linking(conn: &mut AnyConnection, kind: RecordKind, id: uuid::Uuid) -> anyhow::Result<Vec<uuid::Uuid>> {
    let kinds: Vec<RecordKind> = RecordKind::ALL
        .into_iter()
        .filter(|k| veld_domain::schema::link_fields(*k).any(|(_, to)| to == kind))
        .collect();
    let list: Vec<String> = (0..kinds.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "SELECT id FROM records WHERE deleted_at IS NULL AND data LIKE $1 AND kind IN ({}) ORDER BY id",
        list.join(", ")
    );
    let mut query = sqlx::query(&sql).bind(format!("%{id}%"));
    for k in &kinds {
        query = query.bind(k.as_str());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok(r.try_get::<String, _>(0)?.parse()?)).collect()
}

/// A live record of `kind` the actor may see, or `NotFound` (the same for every reason).
async fn visible(
    conn: &mut AnyConnection,
    actor: &Actor,
    kind: RecordKind,
    id: uuid::Uuid,
) -> Result<StoredRecord, MergeFailure> {
    load(conn, id)
        .await?
        .filter(|r| r.kind == kind && !r.deleted && actor.may(Action::View, kind, r.ownership()))
        .ok_or(MergeFailure::NotFound)
}

fn refused(outcome: MutationOutcome) -> Result<(), MergeFailure> {
    match outcome {
        MutationOutcome::Rejected { .. } => Err(MergeFailure::Refused(outcome)),
        _ => Ok(()),
    }
}

impl Db {
    /// Where a merged record of `kind` went: its survivor, when the actor may see it (else
    /// `None`, as for a record never merged).
    pub async fn merged_into(
        &self,
        actor: &Actor,
        kind: RecordKind,
        id: uuid::Uuid,
    ) -> anyhow::Result<Option<uuid::Uuid>> {
        let mut conn = self.pool().acquire().await?;
        let Some((to, _)) = survivor_of(&mut conn, id).await? else { return Ok(None) };
        let visible = load(&mut conn, to)
            .await?
            .is_some_and(|r| r.kind == kind && !r.deleted && actor.may(Action::View, kind, r.ownership()));
        Ok(visible.then_some(to))
    }

    /// Merges `req.merged` into `req.survivor` (both of `kind`), as `actor`: who must be allowed
    /// to edit the survivor and delete the merged record. Links of records the actor cannot see
    /// move too (they are the same company or person), in the actor's name.
    pub async fn merge(
        &self,
        actor: &Actor,
        kind: RecordKind,
        req: &MergeRequest,
        now_ms: i64,
    ) -> Result<MergeResponse, MergeFailure> {
        if !MERGEABLE.contains(&kind) {
            return Err(MergeError::NotMergeable.into());
        }
        if req.take.len() > MAX_FIELDS {
            return Err(MergeFailure::TooManyFields);
        }
        if req.survivor == req.merged {
            return Err(MergeError::SameRecord.into());
        }
        let mut auto = Automatic::begin(self).await?;
        let (relinked, version) = {
            let (conn, mut run) = auto.parts(now_ms);
            let run = &mut run;
            let survivor = visible(conn, actor, kind, req.survivor).await?;
            let merged = visible(conn, actor, kind, req.merged).await?;
            if !actor.may(Action::Edit, kind, survivor.ownership())
                || !actor.may(Action::Delete, kind, merged.ownership())
            {
                return Err(MergeFailure::Forbidden);
            }
            let changes = survivor_changes(kind, &survivor.values(), &merged.values(), &req.take)?;
            // The rules allow moving a link from the merged record to the survivor.
            run.cache.merges.insert(merged.id, survivor.id);
            if !changes.is_empty() {
                refused(apply_automatic(conn, kind, survivor.id, Op::Update, changes, actor, &[], run).await?)?;
            }
            // Every link moves, also of records the actor does not see: in the actor's name.
            let mover = Actor { permissions: presets::administrator(), ..actor.clone() };
            let mut relinked = 0u32;
            for id in linking(conn, kind, merged.id).await? {
                let Some(record) = load(conn, id).await?.filter(|r| !r.deleted) else { continue };
                let moved = relink(record.kind, &record.values(), merged.id, survivor.id);
                if moved.is_empty() {
                    continue;
                }
                refused(apply_automatic(conn, record.kind, id, Op::Update, moved, &mover, &[], run).await?)?;
                relinked += 1;
            }
            refused(apply_automatic(conn, kind, merged.id, Op::Delete, Map::new(), actor, &[], run).await?)?;
            let version = *run.version as u64;
            sqlx::query(
                "INSERT INTO record_merges (merged_id, survivor_id, kind, version, user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(merged.id.to_string())
            .bind(survivor.id.to_string())
            .bind(kind.as_str())
            .bind(version as i64)
            .bind(actor.user.to_string())
            .bind(now_ms)
            .execute(&mut *conn)
            .await?;
            let named = |r: &StoredRecord| MergedRecord { id: r.id, name: display_name(kind, &r.values()) };
            for (record, field, other) in
                [(&survivor, HISTORY_MERGED, &merged), (&merged, HISTORY_MERGED_INTO, &survivor)]
            {
                let entry = Logged { record: record.id, version, user: Some(actor.user), op: "merge", rule: None };
                let change = FieldChange {
                    field: field.into(),
                    old: Value::Null,
                    new: serde_json::to_value(named(other)).map_err(anyhow::Error::from)?,
                };
                run.history.add(entry, &[change])?;
            }
            let rules = load_rules(conn).await?;
            let produced = std::mem::take(&mut run.produced);
            cascade(conn, &rules, produced, run).await?;
            (relinked, *run.version as u64)
        };
        auto.commit(now_ms).await?;
        Ok(MergeResponse { survivor: req.survivor, version, relinked })
    }
}
