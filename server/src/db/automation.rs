//! Automation on the server (SPEC TR-1…TR-3): trigger rules run on every change the server
//! applies — a user's push, including one that arrives late from an offline device, or another
//! rule's change — in the same transaction; time-based rules and scheduled processes run from
//! the scheduler (`crate::automation`) or on demand. Automatic changes go through the same
//! `apply` as users' changes (rules checked, versions from the same counter, history naming the
//! rule), so they reach clients by the ordinary pull.

use super::apply::{AppliedChange, Effects, RuleCache, apply, config_of};
use super::history::HistoryLog;
use super::records::load;
use super::versioned::Versioned;
use super::{Db, accounts::SYSTEM_ID};
use serde_json::{Map, Value};
use sqlx::{AnyConnection, Row};
use std::collections::{BTreeMap, HashMap, VecDeque};
use veld_domain::access::presets;
use veld_domain::api::{FieldChange, ProcessItem, ProcessRunView};
use veld_domain::automation::{self, Event, ProcessDef, ProcessKind, RecurError, Rule};
use veld_domain::records::{contacts_of, id_of, text};
use veld_domain::schema::names;
use veld_domain::sync::{ClientId, Hlc, Mutation, MutationOutcome, Op};
use veld_domain::{Action, Actor, OfficeId, RecordKind, UserId};

/// Veld itself, as the author of automatic changes: every grant, no scope limits.
fn system_actor() -> Actor {
    let id: uuid::Uuid = SYSTEM_ID.parse().unwrap_or_default();
    Actor { user: UserId(id), office: OfficeId(id), permissions: presets::administrator() }
}

pub(super) async fn load_rules(conn: &mut AnyConnection) -> anyhow::Result<Vec<Rule>> {
    Ok(config_of(conn, RecordKind::Rule).await?.iter().filter_map(Rule::from_values).collect())
}

/// One automatic change, made by the last rule of `chain`: applied like a user's change.
#[allow(clippy::too_many_arguments)]
pub(super) async fn apply_automatic(
    conn: &mut AnyConnection,
    kind: RecordKind,
    id: uuid::Uuid,
    op: Op,
    fields: Map<String, Value>,
    actor: &Actor,
    chain: &[String],
    state: &mut Run<'_>,
) -> anyhow::Result<MutationOutcome> {
    let existing = load(conn, id).await?;
    // Based on the versions it read, and later than every clock on the record: it wins.
    let mut base_versions = BTreeMap::new();
    let mut last: Option<Hlc> = None;
    if let Some(r) = &existing {
        for (k, f) in &r.fields {
            if fields.contains_key(k) {
                base_versions.insert(k.clone(), f.version);
            }
            last = last.max(Some(f.hlc));
        }
    }
    let hlc = Hlc::next(last, state.now_ms, ClientId(uuid::Uuid::nil()));
    let m = Mutation { id: 0, kind, record_id: id, op, fields: fields.into_iter().collect(), base_versions, hlc };
    let mut effects = Effects { applied: &mut state.produced, history: state.history, rules: state.cache, chain };
    apply(conn, actor, &m, state.version, state.now_ms, &mut effects).await
}

/// What a run of automation carries along: the version counter, the history being written,
/// the stage lists read, and the changes it has made so far.
pub(super) struct Run<'a> {
    pub version: &'a mut i64,
    pub now_ms: i64,
    pub history: &'a mut HistoryLog,
    pub cache: &'a mut RuleCache,
    pub produced: Vec<AppliedChange>,
}

/// Carries out a fired rule on one record.
async fn fire(
    conn: &mut AnyConnection,
    rule: &Rule,
    kind: RecordKind,
    id: uuid::Uuid,
    chain: &[String],
    run: &mut Run<'_>,
) -> anyhow::Result<()> {
    // A rule reads and writes the table itself: the batch's new records are written first.
    run.cache.stop_deferring(conn, run.now_ms).await?;
    let Some(current) = load(conn, id).await?.filter(|r| !r.deleted) else { return Ok(()) };
    // A stage a rule sets brings its probability, as on every screen.
    let mut known = veld_domain::records::Known::default();
    known.stages.insert(kind, run.cache.stages_of(conn, kind).await?);
    let plan =
        automation::plan(rule, kind, id, &current.values(), current.owner, run.now_ms, &mut uuid::Uuid::now_v7, &known);
    let actor = system_actor();
    let mut outcomes = Vec::new();
    if !plan.update.is_empty() {
        outcomes.push(apply_automatic(conn, kind, id, Op::Update, plan.update, &actor, chain, run).await?);
    }
    for (k, new_id, fields) in plan.create {
        outcomes.push(apply_automatic(conn, k, new_id, Op::Create, fields, &actor, chain, run).await?);
    }
    for outcome in outcomes {
        if let MutationOutcome::Rejected { reason, .. } = outcome {
            tracing::warn!(rule = %rule.code, record = %id, %reason, "an automatic change was refused");
        }
    }
    Ok(())
}

/// Runs the trigger rules on applied changes and on the changes they make in turn, until none
/// fires (a rule never fires on its own effect; chains stop at `automation::MAX_DEPTH`).
pub(super) async fn cascade(
    conn: &mut AnyConnection,
    rules: &[Rule],
    first: Vec<AppliedChange>,
    run: &mut Run<'_>,
) -> anyhow::Result<()> {
    let mut queue: VecDeque<AppliedChange> = first.into();
    while let Some(change) = queue.pop_front() {
        if !matches!(change.kind, RecordKind::Lead | RecordKind::Opportunity) || change.op == Op::Delete {
            continue;
        }
        let stages = run.cache.stages_of(conn, change.kind).await?;
        let fired: Vec<Rule> = automation::fired(
            rules,
            change.kind,
            change.before.as_ref(),
            &change.after,
            &change.fields,
            &stages,
            &change.made_by,
        )
        .into_iter()
        .cloned()
        .collect();
        for rule in fired {
            let mut chain = change.made_by.clone();
            chain.push(rule.code.clone());
            fire(conn, &rule, change.kind, change.record_id, &chain, run).await?;
            queue.extend(std::mem::take(&mut run.produced));
        }
    }
    Ok(())
}

/// The push's seam: runs the rules on a batch's applied changes, in its transaction.
pub(super) async fn run_triggers(
    conn: &mut AnyConnection,
    applied: Vec<AppliedChange>,
    version: &mut i64,
    now_ms: i64,
    history: &mut HistoryLog,
    cache: &mut RuleCache,
) -> anyhow::Result<()> {
    if !applied.iter().any(|c| matches!(c.kind, RecordKind::Lead | RecordKind::Opportunity)) {
        return Ok(());
    }
    let rules = match &cache.rules {
        Some(rules) => rules.clone(),
        None => {
            // (The batch may have made rules: they are written before they are read.)
            cache.stop_deferring(conn, now_ms).await?;
            load_rules(conn).await?
        }
    };
    if rules.is_empty() {
        return Ok(());
    }
    let mut run = Run { version, now_ms, history, cache, produced: Vec::new() };
    cascade(conn, &rules, applied, &mut run).await
}

/// Why a recurring request failed.
#[derive(Debug, thiserror::Error)]
pub enum RecurFailure {
    #[error("no such opportunity")]
    NotFound,
    #[error("your role does not allow creating opportunities")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] RecurError),
    /// A next opportunity the record rules refuse (a linked contact blocked or gone since):
    /// the refusal, as a push would give it.
    #[error("a recurring opportunity was refused")]
    Refused(MutationOutcome),
    #[error(transparent)]
    Db(#[from] anyhow::Error),
}

impl From<sqlx::Error> for RecurFailure {
    fn from(err: sqlx::Error) -> Self {
        RecurFailure::Db(err.into())
    }
}

/// A process's change of one record, field by field, for its report.
fn field_changes(before: &Map<String, Value>, update: &Map<String, Value>) -> Vec<FieldChange> {
    update
        .iter()
        .map(|(k, v)| FieldChange {
            field: k.clone(),
            old: before.get(k).cloned().unwrap_or(Value::Null),
            new: v.clone(),
        })
        .collect()
}

/// A versioned transaction for automatic changes, with the stage lists it has read.
pub(super) struct Automatic {
    v: Versioned,
    cache: RuleCache,
}

impl Automatic {
    pub(super) async fn begin(db: &Db) -> anyhow::Result<Automatic> {
        Ok(Automatic { v: Versioned::begin(db).await?, cache: RuleCache::default() })
    }

    /// The connection and the run state, borrowed apart.
    pub(super) fn parts(&mut self, now_ms: i64) -> (&mut AnyConnection, Run<'_>) {
        (
            &mut *self.v.tx,
            Run {
                version: &mut self.v.version,
                now_ms,
                history: &mut self.v.history,
                cache: &mut self.cache,
                produced: Vec::new(),
            },
        )
    }

    /// Writes the history and the counter and commits; whether anything changed.
    pub(super) async fn commit(mut self, now_ms: i64) -> anyhow::Result<bool> {
        self.cache.save(&mut self.v, now_ms).await?;
        self.v.commit(now_ms).await
    }
}

impl Db {
    /// Fires the time-based rules (TR-1: "last modification more than N days ago") on the
    /// records that are due, once per record and period; returns how many times rules fired.
    pub async fn run_time_rules(&self, now_ms: i64) -> anyhow::Result<usize> {
        let mut auto = Automatic::begin(self).await?;
        let fired = {
            let (conn, mut run) = auto.parts(now_ms);
            let run = &mut run;
            {
                let rules = load_rules(conn).await?;
                let timed: Vec<&Rule> =
                    rules.iter().filter(|r| r.active && matches!(r.event, Event::NotModifiedFor { .. })).collect();
                let mut fired = 0;
                for rule in timed {
                    let Event::NotModifiedFor { days } = rule.event else { continue };
                    let before = now_ms - i64::from(days) * 24 * 60 * 60 * 1000;
                    let rows = sqlx::query(
                        "SELECT id, version, updated_at, data FROM records \
                         WHERE kind = $1 AND deleted_at IS NULL AND updated_at < $2",
                    )
                    .bind(rule.list.as_str())
                    .bind(before)
                    .fetch_all(&mut *conn)
                    .await?;
                    for row in rows {
                        let id: uuid::Uuid = row.try_get::<String, _>(0)?.parse()?;
                        let period: i64 = row.try_get(1)?;
                        let values: Map<String, Value> = serde_json::from_str(&row.try_get::<String, _>(3)?)?;
                        if !automation::stale(rule, &values, row.try_get(2)?, now_ms) {
                            continue;
                        }
                        let claimed = sqlx::query(
                            "INSERT INTO rule_runs (rule_code, record_id, period, fired_at) VALUES ($1, $2, $3, $4) \
                             ON CONFLICT DO NOTHING",
                        )
                        .bind(&rule.code)
                        .bind(id.to_string())
                        .bind(period)
                        .bind(now_ms)
                        .execute(&mut *conn)
                        .await?
                        .rows_affected();
                        if claimed == 0 {
                            continue;
                        }
                        let chain = vec![rule.code.clone()];
                        fire(conn, rule, rule.list, id, &chain, run).await?;
                        let produced = std::mem::take(&mut run.produced);
                        cascade(conn, &rules, produced, run).await?;
                        fired += 1;
                    }
                }
                fired
            }
        };
        auto.commit(now_ms).await?;
        Ok(fired)
    }

    /// The processes whose scheduled run is due.
    pub async fn due_processes(&self, now_ms: i64) -> anyhow::Result<Vec<ProcessDef>> {
        let mut conn = self.pool().acquire().await?;
        let all: Vec<ProcessDef> =
            config_of(&mut conn, RecordKind::Process).await?.iter().filter_map(ProcessDef::from_values).collect();
        let mut due = Vec::new();
        for p in all {
            let last: Option<i64> = sqlx::query("SELECT MAX(started_at) FROM process_runs WHERE process_code = $1")
                .bind(&p.code)
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            if p.due(last, now_ms) {
                due.push(p);
            }
        }
        Ok(due)
    }

    /// Runs a scheduled process now (`trigger`: `schedule` or `manual`) and keeps its report;
    /// `None` when no process has that code.
    pub async fn run_process(
        &self,
        code: &str,
        now_ms: i64,
        trigger: &str,
    ) -> anyhow::Result<Option<(ProcessRunView, bool)>> {
        let def = {
            let mut conn = self.pool().acquire().await?;
            config_of(&mut conn, RecordKind::Process)
                .await?
                .iter()
                .filter_map(ProcessDef::from_values)
                .find(|p| p.code == code)
        };
        let Some(def) = def else { return Ok(None) };
        let run_id = uuid::Uuid::now_v7();
        let trigger = trigger.to_owned();
        let mut auto = Automatic::begin(self).await?;
        let view = {
            let (conn, mut run) = auto.parts(now_ms);
            let run = &mut run;
            {
                let chain = vec![format!("process:{}", def.code)];
                let actor = system_actor();
                let rules = load_rules(conn).await?;
                let mut items = Vec::new();
                match &def.kind {
                    ProcessKind::CloseInactive { days, reason } => {
                        let stages = run.cache.stages_of(conn, RecordKind::Opportunity).await?;
                        // The latest activity of each opportunity.
                        let mut latest: HashMap<uuid::Uuid, i64> = HashMap::new();
                        for row in sqlx::query(
                            "SELECT data, updated_at FROM records WHERE kind = 'activity' AND deleted_at IS NULL",
                        )
                        .fetch_all(&mut *conn)
                        .await?
                        {
                            let data: Map<String, Value> = serde_json::from_str(&row.try_get::<String, _>(0)?)?;
                            if let Some(o) = id_of(&data, names::OPPORTUNITY_ID) {
                                let at: i64 = row.try_get(1)?;
                                latest.entry(o).and_modify(|t| *t = (*t).max(at)).or_insert(at);
                            }
                        }
                        let rows = sqlx::query(
                            "SELECT id, data, created_at FROM records WHERE kind = 'opportunity' AND deleted_at IS NULL",
                        )
                        .fetch_all(&mut *conn)
                        .await?;
                        for row in rows {
                            let id: uuid::Uuid = row.try_get::<String, _>(0)?.parse()?;
                            let values: Map<String, Value> = serde_json::from_str(&row.try_get::<String, _>(1)?)?;
                            let created: i64 = row.try_get(2)?;
                            let last = latest.get(&id).copied().unwrap_or(created).max(created);
                            let Some(update) =
                                automation::close_inactive(&values, last, now_ms, *days, reason, &stages)
                            else {
                                continue;
                            };
                            let note = format!(
                                "stage → {}",
                                update.get(names::STAGE).and_then(Value::as_str).unwrap_or_default()
                            );
                            let changes = field_changes(&values, &update);
                            let outcome = apply_automatic(
                                conn,
                                RecordKind::Opportunity,
                                id,
                                Op::Update,
                                update,
                                &actor,
                                &chain,
                                run,
                            )
                            .await?;
                            if let MutationOutcome::Applied { .. } = outcome {
                                items.push(ProcessItem {
                                    record_id: id,
                                    kind: RecordKind::Opportunity,
                                    title: text(&values, names::TITLE).unwrap_or_default().to_owned(),
                                    note,
                                    changes,
                                });
                            }
                        }
                    }
                    ProcessKind::RefreshLeads => {
                        let mut companies = HashMap::new();
                        let mut contacts = HashMap::new();
                        for row in sqlx::query("SELECT id, kind, data FROM records WHERE kind IN ('company', 'contact') AND deleted_at IS NULL")
                            .fetch_all(&mut *conn)
                            .await?
                        {
                            let id: uuid::Uuid = row.try_get::<String, _>(0)?.parse()?;
                            let data: Map<String, Value> = serde_json::from_str(&row.try_get::<String, _>(2)?)?;
                            if row.try_get::<String, _>(1)? == "company" {
                                companies.insert(id, data);
                            } else {
                                contacts.insert(id, data);
                            }
                        }
                        let rows =
                            sqlx::query("SELECT id, data FROM records WHERE kind = 'lead' AND deleted_at IS NULL")
                                .fetch_all(&mut *conn)
                                .await?;
                        for row in rows {
                            let id: uuid::Uuid = row.try_get::<String, _>(0)?.parse()?;
                            let values: Map<String, Value> = serde_json::from_str(&row.try_get::<String, _>(1)?)?;
                            let company = id_of(&values, names::COMPANY_ID).and_then(|c| companies.get(&c));
                            let contact = contacts_of(&values).first().and_then(|c| contacts.get(&c.id));
                            let update = automation::lead_copies(&values, company, contact);
                            if update.is_empty() {
                                continue;
                            }
                            let note = update.keys().cloned().collect::<Vec<_>>().join(", ");
                            let changes = field_changes(&values, &update);
                            let outcome =
                                apply_automatic(conn, RecordKind::Lead, id, Op::Update, update, &actor, &chain, run)
                                    .await?;
                            if let MutationOutcome::Applied { .. } = outcome {
                                items.push(ProcessItem {
                                    record_id: id,
                                    kind: RecordKind::Lead,
                                    title: text(&values, names::TITLE).unwrap_or_default().to_owned(),
                                    note,
                                    changes,
                                });
                            }
                        }
                    }
                }
                // The process's changes set off trigger rules like any other change.
                let produced = std::mem::take(&mut run.produced);
                cascade(conn, &rules, produced, run).await?;
                let view = ProcessRunView {
                    id: run_id,
                    process: def.code.clone(),
                    trigger: trigger.clone(),
                    started_at: now_ms,
                    changed: items.len() as u64,
                    items,
                };
                sqlx::query(
                    "INSERT INTO process_runs (id, process_code, trigger, started_at, changed, report) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(run_id.to_string())
                .bind(&view.process)
                .bind(&view.trigger)
                .bind(now_ms)
                .bind(view.changed as i64)
                .bind(serde_json::to_string(&view.items)?)
                .execute(&mut *conn)
                .await?;
                view
            }
        };
        let changed = auto.commit(now_ms).await?;
        Ok(Some((view, changed)))
    }

    /// The latest runs of the scheduled processes, newest first.
    pub async fn process_runs(&self, limit: i64) -> anyhow::Result<Vec<ProcessRunView>> {
        let rows = sqlx::query(
            "SELECT id, process_code, trigger, started_at, changed, report FROM process_runs \
             ORDER BY started_at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ProcessRunView {
                    id: r.try_get::<String, _>(0)?.parse()?,
                    process: r.try_get(1)?,
                    trigger: r.try_get(2)?,
                    started_at: r.try_get(3)?,
                    changed: r.try_get::<i64, _>(4)? as u64,
                    items: serde_json::from_str(&r.try_get::<String, _>(5)?)?,
                })
            })
            .collect()
    }

    /// Makes the next opportunities of a base one (TR-2), as the user asking: every
    /// `every_months` months from its completion date. Refused without a completion date.
    pub async fn make_recurring(
        &self,
        actor: &Actor,
        base: uuid::Uuid,
        every_months: u32,
        count: u32,
        now_ms: i64,
    ) -> Result<Vec<uuid::Uuid>, RecurFailure> {
        let record = self.stored_record(base).await?.filter(|r| r.kind == RecordKind::Opportunity && !r.deleted);
        let Some(record) = record else { return Err(RecurFailure::NotFound) };
        if !actor.may(Action::View, RecordKind::Opportunity, record.ownership()) {
            return Err(RecurFailure::NotFound);
        }
        if !actor.permissions.can_at_all(RecordKind::Opportunity, Action::Create) {
            return Err(RecurFailure::Forbidden);
        }
        let mut conn = self.pool().acquire().await?;
        let stages = super::apply::stages(&mut conn, RecordKind::Opportunity).await?;
        drop(conn);
        let next = automation::recurring(base, &record.values(), every_months, count, &stages)?;
        let mut auto = Automatic::begin(self).await?;
        let ids = {
            let (conn, mut run) = auto.parts(now_ms);
            let run = &mut run;
            {
                let rules = load_rules(conn).await?;
                let mut ids = Vec::new();
                for fields in next {
                    let id = uuid::Uuid::now_v7();
                    let outcome =
                        apply_automatic(conn, RecordKind::Opportunity, id, Op::Create, fields, actor, &[], run).await?;
                    if let MutationOutcome::Applied { .. } = outcome {
                        ids.push(id);
                    } else {
                        // Nothing is kept: the transaction is dropped without a commit.
                        return Err(RecurFailure::Refused(outcome));
                    }
                }
                let produced = std::mem::take(&mut run.produced);
                cascade(conn, &rules, produced, run).await?;
                ids
            }
        };
        auto.commit(now_ms).await?;
        Ok(ids)
    }
}

impl Db {
    /// The newest change version.
    pub async fn current_version(&self) -> anyhow::Result<u64> {
        let v: i64 =
            sqlx::query("SELECT version FROM sync_counter WHERE id = 1").fetch_one(self.pool()).await?.try_get(0)?;
        Ok(v as u64)
    }
}
