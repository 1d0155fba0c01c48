//! The simulation's in-memory server: the server's pure decisions (`plan_batch`, `decide`)
//! with the bookkeeping the database layer does around them.

use super::super::{
    BatchStep, Change, ClientId, Conflict, Effect, MutationOutcome, MutationResult, PROTOCOL_VERSION, PullResponse,
    PushRequest, PushResponse, StoredRecord, decide, plan_batch, rule_lookups,
};
use super::{Cast, Refusal, SimServer};
use crate::records::Known;
use crate::{Action, Actor, OfficeId, Ownership, UserId};
use serde_json::Value;
use std::collections::BTreeMap;
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
        }
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
        let ids: Vec<u64> = request.mutations.iter().map(|m| m.id).collect();
        let plan = plan_batch(last_applied, &ids).map_err(|g| Refusal::Gap(g.to_string()))?;
        let users = std::mem::take(&mut self.cast_users);
        let office_of = |u: UserId| users.iter().find(|(x, _)| *x == u).map(|(_, o)| *o);
        let mut results = Vec::new();
        for (m, step) in request.mutations.iter().zip(plan) {
            let outcome = match step {
                BatchStep::Skip => match self.refusals.get(&(request.client_id, m.id)) {
                    Some(refusal) => refusal.clone(),
                    None => MutationOutcome::Duplicate,
                },
                BatchStep::Apply => {
                    let existing = self.records.get(&m.record_id).cloned();
                    // What the record rules look up, from this store (no stages configured).
                    let (links, _) = rule_lookups(existing.as_ref(), m);
                    let mut known = Known::default();
                    for id in links {
                        if let Some(r) = self.records.get(&id).filter(|r| !r.deleted) {
                            known.records.insert(id, (r.kind, r.values()));
                        }
                    }
                    let decision =
                        decide(existing.as_ref(), &actor, m, self.version + 1, self.now_ms, &office_of, &known);
                    *self.applications.entry((request.client_id, m.id)).or_default() += 1;
                    let old = existing.map(|r| r.version);
                    match decision.effect {
                        Effect::Nothing => {}
                        Effect::Insert(r) | Effect::Delete(r) => {
                            self.version += 1;
                            self.store(r, old);
                        }
                        Effect::Update { record, conflicts, moved_from } => {
                            self.version += 1;
                            self.conflicts.entry(record.id).or_default().extend(conflicts);
                            if let Some(from) = moved_from {
                                self.moves.push((record.version, record.id, from));
                            }
                            self.store(record, old);
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
        self.cast_users = users;
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

    fn lost_values(&mut self, id: Uuid) -> Vec<(String, Value)> {
        self.conflicts
            .get(&id)
            .map_or_else(Vec::new, |list| list.iter().map(|c| (c.field.clone(), c.lost.value.clone())).collect())
    }
}
