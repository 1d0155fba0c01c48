//! CSV imports (issue 14): the file as read, the dry run (`veld_domain::import::plan` over the
//! records the user may see), and the run — the plan's edits applied batch by batch through
//! the ordinary `apply` (rules, history, numbers, triggers), each batch in one versioned
//! transaction that also moves the import's `done_rows`: a crash loses at most the batch in
//! flight, which the resumed run applies again.

use super::Db;
use super::apply::{Effects, RuleCache, apply, stages, table_entries};
use super::automation::run_triggers;
use super::versioned::Versioned;
use anyhow::Context;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;
use std::collections::BTreeMap;
use veld_domain::config::Tables;
use veld_domain::import::{
    Counts, Encoding, ImportState, ImportView, Lookups, MappingError, MatchKey, Outcome, PlanRequest, PlannedRow,
    RowReport, Sheet, match_keys, plan, report, suggest, targets,
};
use veld_domain::records::Known;
use veld_domain::schema::names;
use veld_domain::sync::{ClientId, FieldState, Hlc, Mutation, MutationOutcome, RecordState};
use veld_domain::{Action, Actor, RecordKind, Scope, UserId};

/// Rows per transaction of a run.
pub const BATCH: usize = 500;
/// Rows shown to map the columns by.
const SAMPLE: usize = 5;

/// What an upload stores of the file besides its rows.
#[derive(Serialize, Deserialize)]
struct Info {
    encoding: Encoding,
    separator: String,
    headers: Vec<String>,
    sample: Vec<Vec<String>>,
    total: u64,
}

/// What a dry run stores besides its plan.
#[derive(Serialize, Deserialize)]
struct Mapping {
    mapping: Vec<Option<String>>,
    match_on: Vec<MatchKey>,
}

/// Why an import request was not done.
#[derive(Debug, thiserror::Error)]
pub enum ImportFailure {
    /// No import of this user with that id.
    #[error("no such import")]
    NotFound,
    #[error("your role does not allow importing these records")]
    Forbidden,
    #[error(transparent)]
    Mapping(#[from] MappingError),
    /// The import is past that step (running or done).
    #[error("this import is {0:?} already")]
    State(ImportState),
    #[error(transparent)]
    Db(#[from] anyhow::Error),
}

impl From<sqlx::Error> for ImportFailure {
    fn from(err: sqlx::Error) -> Self {
        ImportFailure::Db(err.into())
    }
}

fn state_of(text: &str) -> anyhow::Result<ImportState> {
    serde_json::from_value(Value::String(text.to_owned())).context("import state")
}

fn state_text(state: ImportState) -> String {
    serde_json::to_value(state).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn json<T: serde::de::DeserializeOwned>(text: Option<String>) -> anyhow::Result<Option<T>> {
    text.map(|t| serde_json::from_str(&t).context("stored import JSON")).transpose()
}

/// Whether the actor may make or change records of `kind` at all.
pub fn may_import(actor: &Actor, kind: RecordKind) -> bool {
    veld_domain::import::KINDS.contains(&kind)
        && [Action::Create, Action::Edit].iter().any(|a| actor.permissions.scope(kind, *a) != Scope::None)
}

/// A plan's data for a run: the rows and who runs them.
pub struct RunPlan {
    pub kind: RecordKind,
    pub user: UserId,
    pub rows: Vec<PlannedRow>,
}

impl Db {
    /// Stores a file read for importing into `kind`, as the actor's; its id.
    pub async fn create_import(
        &self,
        actor: &Actor,
        kind: RecordKind,
        file_name: &str,
        (sheet, encoding, separator): (Sheet, Encoding, u8),
        now_ms: i64,
    ) -> Result<uuid::Uuid, ImportFailure> {
        if !may_import(actor, kind) {
            return Err(ImportFailure::Forbidden);
        }
        let id = uuid::Uuid::now_v7();
        let info = Info {
            encoding,
            separator: char::from(separator).to_string(),
            headers: sheet.headers.clone(),
            sample: sheet.rows.iter().take(SAMPLE).cloned().collect(),
            total: sheet.rows.len() as u64,
        };
        let name: String = file_name.chars().take(200).collect();
        sqlx::query(
            "INSERT INTO imports (id, user_id, kind, file_name, state, info, sheet, done_rows, result, run_report, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, '[]', $9, $9)",
        )
        .bind(id.to_string())
        .bind(actor.user.to_string())
        .bind(kind.as_str())
        .bind(name)
        .bind(state_text(ImportState::Uploaded))
        .bind(serde_json::to_string(&info).context("import info")?)
        .bind(serde_json::to_string(&sheet).context("import sheet")?)
        .bind(serde_json::to_string(&Counts::default()).context("counts")?)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(id)
    }

    /// The actor's import `id`, with its report rows when planned or done.
    pub async fn import_view(&self, actor: &Actor, id: uuid::Uuid) -> Result<ImportView, ImportFailure> {
        let row = sqlx::query(
            "SELECT kind, file_name, state, info, mapping, planned, done_rows, result, \
             CASE WHEN state IN ('planned', 'done') THEN report END, \
             CASE WHEN state = 'done' THEN run_report END \
             FROM imports WHERE id = $1 AND user_id = $2",
        )
        .bind(id.to_string())
        .bind(actor.user.to_string())
        .fetch_optional(self.pool())
        .await?
        .ok_or(ImportFailure::NotFound)?;
        let kind = RecordKind::parse(&row.try_get::<String, _>(0)?).context("import kind")?;
        let info: Info = serde_json::from_str(&row.try_get::<String, _>(3)?).context("import info")?;
        let mapping: Option<Mapping> = json(row.try_get(4)?)?;
        let mut rows: Vec<RowReport> = json(row.try_get(8)?)?.unwrap_or_default();
        rows.extend(json::<Vec<RowReport>>(row.try_get(9)?)?.unwrap_or_default());
        rows.truncate(veld_domain::import::MAX_REPORT);
        Ok(ImportView {
            id,
            kind,
            file_name: row.try_get(1)?,
            state: state_of(&row.try_get::<String, _>(2)?)?,
            encoding: info.encoding,
            separator: info.separator,
            suggested: suggest(kind, &info.headers),
            targets: targets(kind).into_iter().map(str::to_owned).collect(),
            headers: info.headers,
            sample: info.sample,
            match_on: mapping.as_ref().map_or_else(|| match_keys(kind), |m| m.match_on.clone()),
            mapping: mapping.map(|m| m.mapping).unwrap_or_default(),
            total: info.total,
            done: row.try_get::<i64, _>(6)? as u64,
            planned: json(row.try_get(5)?)?,
            result: serde_json::from_str(&row.try_get::<String, _>(7)?).context("import result")?,
            rows,
        })
    }

    /// The dry run: plans the import with `req`'s mapping against the records the actor may
    /// see now, and keeps the plan for the run.
    pub async fn plan_import(
        &self,
        actor: &Actor,
        id: uuid::Uuid,
        req: &PlanRequest,
        now_ms: i64,
    ) -> Result<ImportView, ImportFailure> {
        let row = sqlx::query("SELECT kind, state, sheet FROM imports WHERE id = $1 AND user_id = $2")
            .bind(id.to_string())
            .bind(actor.user.to_string())
            .fetch_optional(self.pool())
            .await?
            .ok_or(ImportFailure::NotFound)?;
        let kind = RecordKind::parse(&row.try_get::<String, _>(0)?).context("import kind")?;
        let state = state_of(&row.try_get::<String, _>(1)?)?;
        if !matches!(state, ImportState::Uploaded | ImportState::Planned) {
            return Err(ImportFailure::State(state));
        }
        let sheet: Sheet = serde_json::from_str(&row.try_get::<String, _>(2)?).context("import sheet")?;
        let keys = req.match_on.clone().unwrap_or_else(|| match_keys(kind));
        veld_domain::import::check_mapping(kind, &req.mapping, sheet.headers.len())?;
        let mut conn = self.pool().acquire().await?;
        let mut known = Known::default();
        if matches!(kind, RecordKind::Lead | RecordKind::Opportunity) {
            known.stages.insert(kind, stages(&mut conn, kind).await?);
        }
        let tables = Tables(table_entries(&mut conn).await?);
        let users: Vec<(UserId, String, String)> = self
            .list_users()
            .await?
            .into_iter()
            .filter(|u| u.active)
            .map(|u| {
                known.owners.insert(u.id, u.office_id);
                (u.id, u.name, u.email)
            })
            .collect();
        let existing: Vec<RecordState> = self
            .visible_records(actor, kind)
            .await?
            .into_iter()
            .map(|r| RecordState {
                id: r.id,
                kind,
                owner_id: r.owner_id,
                office_id: r.office_id,
                version: 0,
                fields: r
                    .data
                    .as_object()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, value)| (k, FieldState { value, version: 0, hlc: NO_CLOCK }))
                    .collect(),
            })
            .collect();
        let companies: Vec<(uuid::Uuid, String)> = if kind == RecordKind::Company {
            Vec::new()
        } else {
            self.visible_records(actor, RecordKind::Company)
                .await?
                .into_iter()
                .map(|r| {
                    let name = r.data.get(names::NAME).and_then(Value::as_str).unwrap_or_default().to_owned();
                    (r.id, name)
                })
                .collect()
        };
        let look =
            Lookups { actor, known, tables: &tables, users: &users, existing, companies: &companies, country: "NL" };
        let rows = plan(kind, &sheet, &req.mapping, &keys, look, &mut uuid::Uuid::now_v7)?;
        let counts = veld_domain::import::counts(&rows);
        let report = report(&rows, &sheet);
        let mapping = Mapping { mapping: req.mapping.clone(), match_on: keys };
        let done = sqlx::query(
            "UPDATE imports SET state = $1, mapping = $2, plan = $3, planned = $4, report = $5, updated_at = $6 \
             WHERE id = $7 AND state IN ('uploaded', 'planned')",
        )
        .bind(state_text(ImportState::Planned))
        .bind(serde_json::to_string(&mapping).context("mapping")?)
        .bind(serde_json::to_string(&rows).context("plan")?)
        .bind(serde_json::to_string(&counts).context("counts")?)
        .bind(serde_json::to_string(&report).context("report")?)
        .bind(now_ms)
        .bind(id.to_string())
        .execute(&mut *conn)
        .await?;
        drop(conn);
        if done.rows_affected() == 0 {
            return Err(ImportFailure::State(ImportState::Running));
        }
        self.import_view(actor, id).await
    }

    /// Starts the run of a planned import (the caller then runs it: `crate::imports`).
    pub async fn start_import(&self, actor: &Actor, id: uuid::Uuid, now_ms: i64) -> Result<ImportView, ImportFailure> {
        let started = sqlx::query(
            "UPDATE imports SET state = 'running', updated_at = $1 WHERE id = $2 AND user_id = $3 AND state = 'planned'",
        )
        .bind(now_ms)
        .bind(id.to_string())
        .bind(actor.user.to_string())
        .execute(self.pool())
        .await?;
        let view = self.import_view(actor, id).await?;
        if started.rows_affected() == 0 && view.state != ImportState::Running {
            return Err(ImportFailure::State(view.state));
        }
        Ok(view)
    }

    /// Imports that are running (to resume after a restart).
    pub async fn running_imports(&self) -> anyhow::Result<Vec<uuid::Uuid>> {
        let rows =
            sqlx::query("SELECT id FROM imports WHERE state = 'running' ORDER BY id").fetch_all(self.pool()).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>(0)?.parse()?)).collect()
    }

    /// A running import's plan; `None` when it is not running.
    pub async fn import_plan(&self, id: uuid::Uuid) -> anyhow::Result<Option<RunPlan>> {
        let row = sqlx::query("SELECT kind, user_id, plan FROM imports WHERE id = $1 AND state = 'running'")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(RunPlan {
            kind: RecordKind::parse(&row.try_get::<String, _>(0)?).context("import kind")?,
            user: row.try_get::<String, _>(1)?.parse().context("import user")?,
            rows: json(row.try_get(2)?)?.unwrap_or_default(),
        }))
    }

    /// Applies the next batch of a running import as `actor` (its user, with the role they
    /// have now), in one transaction with its progress; whether rows remain.
    pub async fn import_batch(
        &self,
        id: uuid::Uuid,
        plan: &RunPlan,
        actor: &Actor,
        now_ms: i64,
    ) -> anyhow::Result<bool> {
        let mut cache = RuleCache::deferring_inserts();
        if matches!(plan.kind, RecordKind::Lead | RecordKind::Opportunity) {
            cache = cache.with_config(&mut *self.pool().acquire().await?).await?;
        }
        let mut v = Versioned::begin(self).await?;
        // Read under the counter's lock: another instance may have run a batch meanwhile.
        let row = sqlx::query("SELECT state, done_rows, result, run_report FROM imports WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *v.tx)
            .await?;
        let Some(row) = row else { return Ok(false) };
        if state_of(&row.try_get::<String, _>(0)?)? != ImportState::Running {
            return Ok(false);
        }
        let done = row.try_get::<i64, _>(1)? as usize;
        let mut result: Counts = serde_json::from_str(&row.try_get::<String, _>(2)?).context("import result")?;
        let mut refused: Vec<RowReport> = serde_json::from_str(&row.try_get::<String, _>(3)?).context("run report")?;
        let batch = plan.rows.get(done..).unwrap_or_default();
        let batch = &batch[..batch.len().min(BATCH)];
        let ids: Vec<uuid::Uuid> = batch.iter().flat_map(|r| r.edits.iter().map(|e| e.id)).collect();
        cache.prefetch(&mut v.tx, &ids).await?;
        let mut applied = Vec::new();
        for row in batch {
            match apply_row(&mut v, &mut cache, &mut applied, actor, row, now_ms).await? {
                None => {
                    result.add(row.outcome);
                    if row.makes_company {
                        result.companies += 1;
                    }
                }
                Some(problem) => {
                    result.add(Outcome::Refused);
                    if refused.len() < veld_domain::import::MAX_REPORT {
                        refused.push(RowReport {
                            line: row.line,
                            outcome: Outcome::Refused,
                            record: None,
                            merged_with: None,
                            column: None,
                            problem,
                            cells: Vec::new(),
                        });
                    }
                }
            }
        }
        // Triggers fire once per imported change, in the batch's transaction.
        run_triggers(&mut v.tx, applied, &mut v.version, now_ms, &mut v.history, &mut cache).await?;
        let now_done = done + batch.len();
        let finished = now_done >= plan.rows.len();
        sqlx::query("UPDATE imports SET done_rows = $1, result = $2, run_report = $3, state = $4, updated_at = $5 WHERE id = $6")
            .bind(now_done as i64)
            .bind(serde_json::to_string(&result).context("result")?)
            .bind(serde_json::to_string(&refused).context("run report")?)
            .bind(state_text(if finished { ImportState::Done } else { ImportState::Running }))
            .bind(now_ms)
            .bind(id.to_string())
            .execute(&mut *v.tx)
            .await?;
        cache.save(&mut v, now_ms).await?;
        v.commit(now_ms).await?;
        Ok(!finished)
    }
}

/// The clock of a value read for planning (plans compare values, not clocks).
const NO_CLOCK: Hlc = Hlc { wall_ms: 0, counter: 0, client: ClientId(uuid::Uuid::nil()) };

/// Applies one planned row's edits; the refusal when the rules refuse one of them now (the
/// data changed since the dry run).
async fn apply_row(
    v: &mut Versioned,
    cache: &mut RuleCache,
    applied: &mut Vec<super::apply::AppliedChange>,
    actor: &Actor,
    row: &PlannedRow,
    now_ms: i64,
) -> anyhow::Result<Option<Option<veld_domain::records::Invalid>>> {
    for edit in &row.edits {
        let current = match cache.records.get(&edit.id) {
            Some(known) => known.clone(),
            None => super::records::load(&mut v.tx, edit.id).await?,
        };
        // Based on the versions it read, and later than every clock on the record: it wins.
        let mut base_versions = BTreeMap::new();
        let mut last: Option<Hlc> = None;
        if let Some(r) = &current {
            for (k, f) in &r.fields {
                if edit.fields.contains_key(k) {
                    base_versions.insert(k.clone(), f.version);
                }
                last = last.max(Some(f.hlc));
            }
        }
        let m = Mutation {
            id: 0,
            kind: edit.kind,
            record_id: edit.id,
            op: edit.op,
            fields: edit.fields.clone().into_iter().collect(),
            base_versions,
            hlc: Hlc::next(last, now_ms, ClientId(uuid::Uuid::nil())),
        };
        let mut effects = Effects { applied: &mut *applied, history: &mut v.history, rules: &mut *cache, chain: &[] };
        if let MutationOutcome::Rejected { invalid, .. } =
            apply(&mut v.tx, actor, &m, &mut v.version, now_ms, &mut effects).await?
        {
            return Ok(Some(invalid));
        }
    }
    Ok(None)
}
