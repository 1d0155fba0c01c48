//! The simulation's in-memory server: the server's pure decisions (`plan_batch`, `decide`,
//! and the trigger rules' `automation::fired` and `plan`) with the bookkeeping the database
//! layer does around them.

use super::super::{
    BatchStep, Change, ClientId, Conflict, Effect, MutationOutcome, MutationResult, PROTOCOL_VERSION, PullResponse,
    PushRequest, PushResponse, StoredRecord, decide, plan_batch, rule_lookups,
};
use super::super::{Hlc, Mutation, Op};
use super::{Cast, Refusal, SimServer};
use crate::automation::{self, Rule};
use crate::config::Stages;
use crate::records::Known;
use crate::{Action, Actor, OfficeId, Ownership, RecordKind, UserId};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, VecDeque};
use uuid::Uuid;

/// The server's decisions over an in-memory store: `plan_batch` and `decide`, with the same
/// bookkeeping the database layer does (last-applied per client, refusals remembered and
/// repeated for duplicates, version counter, conflict log, moves out of scope).
pub struct MemoryServer {
    cast_users: Vec<(UserId, OfficeId)>,
    actors: Vec<Actor>,
    now_ms: i64,
    version: u64,
    records: BTreeMap<Uuid, StoredRecord>,
    by_version: BTreeMap<u64, Uuid>,
    clients: BTreeMap<ClientId, (UserId, u64)>,
    refusals: BTreeMap<(ClientId, u64), MutationOutcome>,
    conflicts: BTreeMap<Uuid, Vec<Conflict>>,
    /// (version, record, ownership before the move)
    moves: Vec<(u64, Uuid, Ownership)>,
    /// How often each (client, mutation) was applied: must end at one.
    applications: BTreeMap<(ClientId, u64), u32>,
    /// The trigger rules (TR-1), run on every applied change as the server runs them.
    rules: Vec<Rule>,
    automatic: super::Automatic,
}

/// A change that took effect, as the trigger rules see it.
struct Applied {
    kind: RecordKind,
    id: Uuid,
    before: Option<Map<String, Value>>,
    after: Map<String, Value>,
    changed: Vec<String>,
    /// The rules whose automatic changes led here.
    made_by: Vec<String>,
}

/// Veld itself, as the author of automatic changes (as `server::db::automation` has it).
fn system_actor() -> Actor {
    Actor {
        user: UserId(Uuid::nil()),
        office: OfficeId(Uuid::nil()),
        permissions: crate::access::presets::administrator(),
    }
}

impl MemoryServer {
    pub fn new(cast: &Cast) -> MemoryServer {
        MemoryServer {
            cast_users: cast.users.clone(),
            actors: cast.actors.clone(),
            now_ms: 1_800_000_000_000,
            version: 1,
            records: BTreeMap::new(),
            by_version: BTreeMap::new(),
            clients: BTreeMap::new(),
            refusals: BTreeMap::new(),
            conflicts: BTreeMap::new(),
            moves: Vec::new(),
            applications: BTreeMap::new(),
            rules: Vec::new(),
            automatic: super::Automatic::default(),
        }
    }

    /// The same server running these trigger rules on every change it applies.
    pub fn with_rules(mut self, rules: Vec<Rule>) -> MemoryServer {
        self.rules = rules;
        self
    }

    fn office_of(&self, user: UserId) -> Option<OfficeId> {
        self.cast_users.iter().find(|(x, _)| *x == user).map(|(_, o)| *o)
    }

    /// What the record rules look up for `m`, from this store (no stages configured).
    fn known_for(&self, actor: &Actor, existing: Option<&StoredRecord>, m: &Mutation) -> Known {
        let mut known = Known::default();
        for id in rule_lookups(existing, m).records {
            // Only what the actor may see (as `server::db::apply::known_for`).
            if let Some(r) =
                self.records.get(&id).filter(|r| !r.deleted && actor.may(Action::View, r.kind, r.ownership()))
            {
                known.records.insert(id, (r.kind, r.values()));
            }
        }
        known
    }

    /// Runs the trigger rules on an applied change and on the changes they make in turn, until
    /// none fires (as `server::db::automation::cascade` does).
    fn cascade(&mut self, first: Applied) {
        let stages = Stages::default();
        let mut queue = VecDeque::from([first]);
        while let Some(change) = queue.pop_front() {
            if !matches!(change.kind, RecordKind::Lead | RecordKind::Opportunity) {
                continue;
            }
            let fired: Vec<Rule> = automation::fired(
                &self.rules,
                change.kind,
                change.before.as_ref(),
                &change.after,
                &change.changed,
                &stages,
                &change.made_by,
            )
            .into_iter()
            .cloned()
            .collect();
            for rule in fired {
                let Some(current) = self.records.get(&change.id).filter(|r| !r.deleted).cloned() else { continue };
                let mut chain = change.made_by.clone();
                chain.push(rule.code.clone());
                let mut next_id = {
                    let (version, mut n) = (self.version, 0u64);
                    move || {
                        n += 1;
                        Uuid::from_u64_pair(version, n)
                    }
                };
                let (values, owner) = (current.values(), current.owner);
                let plan = automation::plan(
                    &rule,
                    change.kind,
                    change.id,
                    &values,
                    owner,
                    self.now_ms,
                    &mut next_id,
                    &Known::default(),
                );
                if !plan.update.is_empty() {
                    queue.extend(self.apply_automatic(change.kind, change.id, Op::Update, plan.update, &chain));
                }
                for (kind, id, fields) in plan.create {
                    queue.extend(self.apply_automatic(kind, id, Op::Create, fields, &chain));
                }
            }
        }
    }

    /// One automatic change: based on the versions it read and later than every clock on the
    /// record, so it wins; decided like a user's change.
    fn apply_automatic(
        &mut self,
        kind: RecordKind,
        id: Uuid,
        op: Op,
        fields: Map<String, Value>,
        chain: &[String],
    ) -> Option<Applied> {
        let existing = self.records.get(&id).cloned();
        let mut base_versions = BTreeMap::new();
        let mut last: Option<Hlc> = None;
        if let Some(r) = &existing {
            for (k, f) in &r.fields {
                if fields.contains_key(k) {
                    base_versions.insert(k.clone(), f.version);
                    // It read this value and replaces it knowingly, as an edit that saw it.
                    self.automatic.saw.push((id, k.clone(), f.value.clone()));
                }
                last = last.max(Some(f.hlc));
            }
        }
        let hlc = Hlc::next(last, self.now_ms, ClientId(Uuid::nil()));
        let changed: Vec<String> = fields.keys().cloned().collect();
        let m = Mutation { id: 0, kind, record_id: id, op, fields: fields.into_iter().collect(), base_versions, hlc };
        let known = self.known_for(&system_actor(), existing.as_ref(), &m);
        let office_of = |u: UserId| self.office_of(u);
        let decision =
            decide(existing.as_ref(), &system_actor(), &m, self.version + 1, self.now_ms, &office_of, &known);
        let old = existing.as_ref().map(|r| r.version);
        let record = match decision.effect {
            Effect::Insert(r) => r,
            Effect::Update { record, conflicts, moved_from } => {
                self.conflicts.entry(record.id).or_default().extend(conflicts);
                if let Some(from) = moved_from {
                    self.moves.push((record.version, record.id, from));
                }
                record
            }
            // Refused (the server logs it and goes on) or nothing to do.
            Effect::Nothing | Effect::Delete(_) => return None,
        };
        self.version += 1;
        self.automatic.versions += 1;
        if op == Op::Create {
            self.automatic.records.push(id);
        }
        let after = record.values();
        self.store(record, old);
        Some(Applied { kind, id, before: existing.map(|r| r.values()), after, changed, made_by: chain.to_vec() })
    }

    /// Applied more than once, if anything was.
    pub fn applied_twice(&self) -> Option<(ClientId, u64)> {
        self.applications.iter().find(|(_, n)| **n > 1).map(|(k, _)| *k)
    }

    fn store(&mut self, record: StoredRecord, old_version: Option<u64>) {
        if let Some(v) = old_version {
            self.by_version.remove(&v);
        }
        self.by_version.insert(record.version, record.id);
        self.records.insert(record.id, record);
    }
}

impl SimServer for MemoryServer {
    fn push(&mut self, who: usize, request: &PushRequest) -> Result<PushResponse, Refusal> {
        let actor = self.actors[who].clone();
        let (owner, mut last_applied) = self.clients.get(&request.client_id).copied().unwrap_or((actor.user, 0));
        if owner != actor.user {
            return Err(Refusal::Other("foreign client".into()));
        }
        let request = &request.clone().stamped();
        let ids: Vec<u64> = request.mutations.iter().map(|m| m.id).collect();
        let plan = plan_batch(last_applied, &ids).map_err(|g| Refusal::Gap(g.to_string()))?;
        let mut results = Vec::new();
        for (m, step) in request.mutations.iter().zip(plan) {
            let outcome = match step {
                BatchStep::Skip => match self.refusals.get(&(request.client_id, m.id)) {
                    Some(refusal) => refusal.clone(),
                    None => MutationOutcome::Duplicate,
                },
                BatchStep::Apply => {
                    let existing = self.records.get(&m.record_id).cloned();
                    let known = self.known_for(&actor, existing.as_ref(), m);
                    let office_of = |u: UserId| self.office_of(u);
                    let decision =
                        decide(existing.as_ref(), &actor, m, self.version + 1, self.now_ms, &office_of, &known);
                    *self.applications.entry((request.client_id, m.id)).or_default() += 1;
                    let old = existing.as_ref().map(|r| r.version);
                    let stored = match decision.effect {
                        Effect::Nothing => None,
                        Effect::Insert(r) | Effect::Delete(r) => Some(r),
                        Effect::Update { record, conflicts, moved_from } => {
                            self.conflicts.entry(record.id).or_default().extend(conflicts);
                            if let Some(from) = moved_from {
                                self.moves.push((record.version, record.id, from));
                            }
                            Some(record)
                        }
                    };
                    if let Some(r) = stored {
                        self.version += 1;
                        let applied = (!r.deleted && !self.rules.is_empty()).then(|| Applied {
                            kind: r.kind,
                            id: r.id,
                            before: existing.map(|e| e.values()),
                            after: r.values(),
                            changed: m.fields.keys().cloned().collect(),
                            made_by: Vec::new(),
                        });
                        self.store(r, old);
                        if let Some(applied) = applied {
                            self.cascade(applied);
                        }
                    }
                    if let MutationOutcome::Rejected { .. } = &decision.outcome {
                        self.refusals.insert((request.client_id, m.id), decision.outcome.clone());
                    }
                    last_applied = m.id;
                    decision.outcome
                }
            };
            results.push(MutationResult { id: m.id, outcome });
        }
        self.clients.insert(request.client_id, (actor.user, last_applied));
        Ok(PushResponse { last_applied, results })
    }

    fn pull(&mut self, who: usize, client: ClientId, cursor: u64, acked: u64) -> Result<PullResponse, String> {
        let actor = &self.actors[who];
        let mut changes = Vec::new();
        for (&version, id) in self.by_version.range(cursor + 1..) {
            let r = &self.records[id];
            let visible = |o: Ownership| actor.may(Action::View, r.kind, o);
            if visible(r.ownership()) {
                changes.push(if r.deleted {
                    Change::Remove { kind: r.kind, id: r.id, version }
                } else {
                    Change::Upsert { record: r.to_state() }
                });
            } else if self.moves.iter().any(|(v, m, from)| *v > cursor && m == id && visible(*from)) {
                changes.push(Change::Remove { kind: r.kind, id: r.id, version });
            }
        }
        let last_applied = self.clients.get(&client).map_or(0, |(_, l)| *l);
        let rejected = if acked >= last_applied {
            Vec::new()
        } else {
            self.refusals
                .range((client, acked + 1)..=(client, last_applied))
                .map(|((_, id), outcome)| MutationResult { id: *id, outcome: outcome.clone() })
                .collect()
        };
        Ok(PullResponse {
            protocol: PROTOCOL_VERSION,
            cursor: self.version,
            changes,
            last_applied,
            server_time_ms: self.now_ms,
            reset_required: false,
            rejected,
            more: false,
            remaining: 0,
        })
    }

    fn now_ms(&mut self) -> i64 {
        self.now_ms
    }

    fn advance(&mut self, ms: i64) {
        self.now_ms += ms;
    }

    fn record(&mut self, id: Uuid) -> Option<StoredRecord> {
        self.records.get(&id).cloned()
    }

    fn automatic(&mut self) -> super::Automatic {
        self.automatic.clone()
    }

    fn lost_values(&mut self, id: Uuid) -> Vec<(String, Value)> {
        self.conflicts
            .get(&id)
            .map_or_else(Vec::new, |list| list.iter().map(|c| (c.field.clone(), c.lost.value.clone())).collect())
    }
}
