//! Deterministic sync simulation (SPEC OF-2, OF-3): five clients make random creates, edits,
//! owner changes and deletes, go offline, and talk to a server over a network that loses,
//! delays, duplicates and reorders deliveries; their clocks are up to a day off and jump back.
//! Then everyone reconnects and the invariants are checked:
//!
//! - every client converges to what the server holds and the client may see (records leaving
//!   its scope are removed), with an empty outbox;
//! - exactly once: the server applied each client's mutations 1..=n once each (its
//!   last-applied equals n, and the version counter grew by exactly one per effective change);
//! - no acknowledged write lost: each value written by an applied mutation is still the field's
//!   value, or was replaced by an edit that had seen it, or is in the conflict log;
//! - refused mutations are reported to their client (even when the first answer was lost) and
//!   left no trace;
//! - trigger rules (a rule set generated per seed, [`rules_for`]) fire on the changes the
//!   server applies, chain, and end; their automatic changes reach every client that may see
//!   them, and replace only values they read.
//!
//! The same driver runs against [`MemoryServer`] (the server's pure decisions over an in-memory
//! store: a thousand seeds in seconds) and, in the server's tests, against the real server over
//! HTTP on SQLite and PostgreSQL. A failing seed is printed; `run(seed, …)` replays it exactly.

use super::{ClientId, Mutation, Op, PullResponse, PushRequest, PushResponse, Replica, StoredRecord};
use crate::{Action, Actor, OfficeId, Ownership, RecordKind, UserId, access::presets};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

mod memory;
pub use memory::MemoryServer;

/// A push the server refused as a whole.
#[derive(Debug)]
pub enum Refusal {
    Gap(String),
    Other(String),
}

/// What the simulation needs from a server.
pub trait SimServer {
    fn push(&mut self, who: usize, request: &PushRequest) -> Result<PushResponse, Refusal>;
    /// A pull; `acked` is the last mutation id whose answer the client has (see `Replica::pull_acked`).
    fn pull(&mut self, who: usize, client: ClientId, cursor: u64, acked: u64) -> Result<PullResponse, String>;
    /// The server's clock.
    fn now_ms(&mut self) -> i64;
    /// Lets time pass (a no-op for a real server, whose clock runs by itself).
    fn advance(&mut self, _ms: i64) {}
    /// A record as stored (tombstones included), for the final checks.
    fn record(&mut self, id: Uuid) -> Option<StoredRecord>;
    /// The conflict log of a record: each losing (field, value).
    fn lost_values(&mut self, id: Uuid) -> Vec<(String, Value)>;
    /// What the trigger rules did (nothing, for a server without rules).
    fn automatic(&mut self) -> Automatic {
        Automatic::default()
    }
}

/// What a server's trigger rules did during a run.
#[derive(Clone, Debug, Default)]
pub struct Automatic {
    /// Changes they made (each took a version).
    pub versions: u64,
    /// Records they created.
    pub records: Vec<Uuid>,
    /// The values their changes replaced, having read them: (record, field, value).
    pub saw: Vec<(Uuid, String, Value)>,
}

/// The trigger rules of a seed: a few rules on opportunities, each on an event the others (or
/// the clients) cause — a create, a stage or a group a rule sets — with a condition now and
/// then, and actions that move stages, change groups, make tasks and hand records over (out
/// of some clients' sight). Chains and loops happen; they must end.
pub fn rules_for(seed: u64, cast: &Cast) -> Vec<crate::automation::Rule> {
    use crate::automation::{Compare, Condition, Event, Rule, RuleAction};
    let mut rng = StdRng::seed_from_u64(seed ^ 0x7261_6c65_7321);
    let stages = ["s1", "s2"];
    let groups = ["g1", "g2"];
    let pick = |rng: &mut StdRng, from: &[&str]| from[rng.gen_range(0..from.len())].to_owned();
    (0..rng.gen_range(0..=4))
        .map(|i| {
            let event = match rng.gen_range(0..3) {
                0 => Event::Created,
                1 => Event::StageChanged { stage: pick(&mut rng, &stages) },
                _ => Event::AddedToGroup { group: pick(&mut rng, &groups) },
            };
            let actions = (0..rng.gen_range(1..=2))
                .map(|_| match rng.gen_range(0..10) {
                    0..=2 => RuleAction::SetStage { stage: pick(&mut rng, &stages) },
                    3..=4 => RuleAction::AddToGroup { group: pick(&mut rng, &groups) },
                    5 => RuleAction::RemoveFromGroup { group: pick(&mut rng, &groups) },
                    6..=8 => RuleAction::CreateTask { subject: format!("task {i}"), due_in_days: 2, assignee: None },
                    _ => RuleAction::SetOwner { user: cast.users[rng.gen_range(0..cast.users.len())].0 },
                })
                .collect();
            let conditions = if rng.gen_bool(0.3) {
                vec![Condition { field: "note".into(), compare: Compare::IsNotEmpty, value: String::new() }]
            } else {
                Vec::new()
            };
            Rule {
                code: format!("rule{i}"),
                name: format!("Rule {i}"),
                list: RecordKind::Opportunity,
                active: rng.gen_bool(0.9),
                event,
                conditions,
                actions,
            }
        })
        .collect()
}

/// The five users of a simulation: an administrator, and a manager and a rep in each of two
/// offices (the demo data's admin, sanne, tom, pieter and lotte).
pub struct Cast {
    pub actors: Vec<Actor>,
    /// Every active user (the actors and others), who records may be handed to.
    pub users: Vec<(UserId, OfficeId)>,
}

impl Cast {
    pub fn new(actors: Vec<Actor>, others: Vec<(UserId, OfficeId)>) -> Cast {
        let users = actors.iter().map(|a| (a.user, a.office)).chain(others).collect();
        Cast { actors, users }
    }

    /// A cast of fresh ids with the demo data's roles.
    pub fn fresh() -> Cast {
        let (a, b) = (OfficeId::new(), OfficeId::new());
        let actor = |office, permissions| Actor { user: UserId::new(), office, permissions };
        Cast::new(
            vec![
                actor(a, presets::administrator()),
                actor(a, presets::sales_manager()),
                actor(a, presets::sales_rep()),
                actor(b, presets::sales_manager()),
                actor(b, presets::sales_rep()),
            ],
            vec![],
        )
    }

    pub fn office_of(&self, user: UserId) -> Option<OfficeId> {
        self.users.iter().find(|(u, _)| *u == user).map(|(_, o)| *o)
    }
}

/// The simulation's knobs.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Local changes per client.
    pub edits_per_client: usize,
    /// Mutations per push at most.
    pub batch: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { edits_per_client: 200, batch: 20 }
    }
}

/// What a seed did, for the printed figures.
#[derive(Clone, Copy, Debug, Default)]
pub struct Report {
    pub mutations: u64,
    pub applied: u64,
    pub rejected: u64,
    /// Refusals by the record rules (`invalid`), among `rejected`.
    pub invalid: u64,
    pub conflicts: u64,
    /// Changes made by trigger rules.
    pub automatic: u64,
    pub pushes: u64,
    pub pulls: u64,
    pub lost_requests: u64,
    pub lost_responses: u64,
    pub duplicated: u64,
    pub delayed: u64,
    pub resets: u64,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} mutations ({} applied, {} refused, {} of them by the record rules), {} automatic changes by trigger rules, {} conflicts logged, \
             {} pushes ({} requests lost, {} answers lost, {} duplicated, {} delayed/reordered), {} pulls, {} resets",
            self.mutations,
            self.applied,
            self.rejected,
            self.invalid,
            self.automatic,
            self.conflicts,
            self.pushes,
            self.lost_requests,
            self.lost_responses,
            self.duplicated,
            self.delayed,
            self.pulls,
            self.resets
        )
    }
}

impl std::ops::AddAssign for Report {
    fn add_assign(&mut self, o: Report) {
        self.mutations += o.mutations;
        self.applied += o.applied;
        self.rejected += o.rejected;
        self.invalid += o.invalid;
        self.conflicts += o.conflicts;
        self.automatic += o.automatic;
        self.pushes += o.pushes;
        self.pulls += o.pulls;
        self.lost_requests += o.lost_requests;
        self.lost_responses += o.lost_responses;
        self.duplicated += o.duplicated;
        self.delayed += o.delayed;
        self.resets += o.resets;
    }
}

struct Client {
    replica: Replica,
    online: bool,
    /// Device clock minus server clock.
    skew_ms: i64,
    edits: usize,
    /// Everything this client ever queued, by mutation id.
    made: BTreeMap<u64, Made>,
}

/// A queued mutation and the values its fields replaced in this device's server copy.
struct Made {
    mutation: Mutation,
    saw: BTreeMap<String, Value>,
}

// Fields without record rules (the rules have their own tests): creates set the first two,
// so companies get a name and opportunities a title.
const FIELDS: [&str; 4] = ["name", "title", "amount", "note"]; // not a record field
const KINDS: [RecordKind; 2] = [RecordKind::Opportunity, RecordKind::Company];

/// Runs one seed; `Err` says which invariant broke.
pub fn run(seed: u64, cast: &Cast, server: &mut dyn SimServer, settings: Settings) -> Result<Report, String> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut report = Report::default();
    // Client ids derive from the seed, so a replay is exact (and distinct across seeds that
    // share a server).
    let mut clients: Vec<Client> = cast
        .actors
        .iter()
        .enumerate()
        .map(|(i, a)| Client {
            replica: Replica::new(ClientId(Uuid::from_u64_pair(seed, i as u64 + 1)), a.user, a.office),
            online: rng.gen_bool(0.7),
            skew_ms: rng.gen_range(-86_400_000..=86_400_000),
            edits: 0,
            made: BTreeMap::new(),
        })
        .collect();
    let start_head = {
        let pull = server.pull(0, clients[0].replica.client, 0, 0).map_err(|e| format!("first pull: {e}"))?;
        pull.cursor
    };
    // Requests the network holds back, delivered later, out of order (their answers are lost).
    let mut in_flight: Vec<(usize, PushRequest)> = Vec::new();
    let mut created: Vec<(RecordKind, Uuid)> = Vec::new();

    while clients.iter().any(|c| c.edits < settings.edits_per_client) {
        server.advance(rng.gen_range(0..2_000));
        let who = rng.gen_range(0..clients.len());
        let roll: f64 = rng.r#gen();
        if roll < 0.55 {
            if clients[who].edits >= settings.edits_per_client {
                continue;
            }
            let now = server.now_ms() + clients[who].skew_ms;
            local_change(&mut rng, cast, &mut clients[who], who, now, &mut created);
            clients[who].edits += 1;
            report.mutations += 1;
        } else if roll < 0.85 {
            if clients[who].online {
                sync_round(&mut rng, server, &mut clients[who], who, settings, &mut in_flight, &mut report)?;
            }
        } else if roll < 0.92 {
            clients[who].online = !clients[who].online;
        } else if roll < 0.94 {
            // The device clock jumps back (a manual correction, a dead battery).
            clients[who].skew_ms -= rng.gen_range(1_000..3_600_000);
        } else if !in_flight.is_empty() {
            let (from, request) = in_flight.swap_remove(rng.gen_range(0..in_flight.len()));
            deliver_late(server, from, &request, &mut clients[from])?;
        }
    }

    // Everyone reconnects; the network delivers what it held; all sync until quiet.
    for (from, request) in std::mem::take(&mut in_flight) {
        deliver_late(server, from, &request, &mut clients[from])?;
    }
    for round in 0.. {
        if round > 50 {
            return Err("the clients did not settle in 50 rounds".into());
        }
        for (who, c) in clients.iter_mut().enumerate() {
            c.online = true;
            while let Some(request) = c.replica.push_request(settings.batch) {
                report.pushes += 1;
                let response = server.push(who, &request).map_err(|e| format!("final push of client {who}: {e:?}"))?;
                c.replica.take_push(&response);
            }
        }
        let mut quiet = true;
        for (who, c) in clients.iter_mut().enumerate() {
            let before = c.replica.cursor;
            pull(server, c, who, &mut report)?;
            quiet &= c.replica.cursor == before || round == 0;
        }
        if round > 0 && quiet {
            break;
        }
    }
    check(server, cast, &clients, &created, start_head, &mut report)?;
    Ok(report)
}

struct Target {
    id: Uuid,
    kind: RecordKind,
}

fn local_change(
    rng: &mut StdRng,
    cast: &Cast,
    c: &mut Client,
    who: usize,
    device_now: i64,
    created: &mut Vec<(RecordKind, Uuid)>,
) {
    // Something the user sees: from the server copy or an unsent create (not one deleted here).
    let pending_creates: Vec<&Mutation> = c.replica.outbox.iter().filter(|m| m.op == Op::Create).collect();
    let candidates = c.replica.records.len() + pending_creates.len();
    let target = if candidates == 0 {
        None
    } else {
        let i = rng.gen_range(0..candidates);
        let (id, kind) = match c.replica.records.values().nth(i) {
            Some(r) => (r.id, r.kind),
            None => (
                pending_creates[i - c.replica.records.len()].record_id,
                pending_creates[i - c.replica.records.len()].kind,
            ),
        };
        let deleted_here = c.replica.outbox.iter().any(|m| m.op == Op::Delete && m.record_id == id);
        (!deleted_here).then_some((id, kind))
    };
    let next = c.replica.next_mutation;
    // Each written value is unique, so the checks can follow it.
    let value = |field: &str| json!(format!("c{who}-m{next}-{field}"));
    let target = target.map(|(id, kind)| Target { id, kind });
    // Mostly, like the app, it offers only what the role allows; now and then it tries anyway
    // (an app whose role changed meanwhile): the server refuses, and the client is not wedged.
    let actor = &cast.actors[who];
    let allowed = |t: &Target| {
        c.replica
            .records
            .get(&t.id)
            .is_none_or(|r| actor.may(Action::Edit, r.kind, Ownership { owner: r.owner_id, office: r.office_id }))
    };
    let target = target.filter(|t| allowed(t) || rng.gen_bool(0.1));
    let roll: f64 = rng.r#gen();
    let (kind, id, op, fields) = match target {
        Some(r) if roll < 0.80 => {
            let n = rng.gen_range(1..=2);
            let mut fields: BTreeMap<String, Value> = BTreeMap::new();
            for _ in 0..n {
                let f = FIELDS[rng.gen_range(0..FIELDS.len())];
                fields.insert(f.to_owned(), value(f));
            }
            if rng.gen_bool(0.03)
                && let Some(required) = crate::schema::required_fields(r.kind).next()
            {
                // Blank the field a record cannot be without: the record rules refuse it.
                fields.insert(required.to_owned(), json!(""));
            }
            if rng.gen_bool(0.05) {
                // Hand it over to someone (possibly not allowed: the server says so).
                let users = &cast.users;
                let (to, _) = users[rng.gen_range(0..users.len())];
                fields.insert(super::OWNER_FIELD.to_owned(), json!(to.to_string()));
            }
            (r.kind, r.id, Op::Update, fields)
        }
        Some(r) if roll < 0.85 => (r.kind, r.id, Op::Delete, BTreeMap::new()),
        _ => {
            let kind = KINDS[rng.gen_range(0..KINDS.len())];
            let fields = FIELDS[..2].iter().map(|f| ((*f).to_owned(), value(f))).collect();
            let id = Uuid::from_u64_pair(rng.r#gen(), rng.r#gen());
            created.push((kind, id));
            (kind, id, Op::Create, fields)
        }
    };
    let saw = c
        .replica
        .records
        .get(&id)
        .map(|r| fields.keys().filter_map(|k| r.fields.get(k).map(|f| (k.clone(), f.value.clone()))).collect())
        .unwrap_or_default();
    let mutation = c.replica.change(kind, id, op, fields, device_now);
    c.made.insert(mutation.id, Made { mutation, saw });
}

fn pull(server: &mut dyn SimServer, c: &mut Client, who: usize, report: &mut Report) -> Result<(), String> {
    loop {
        report.pulls += 1;
        let response = server.pull(who, c.replica.client, c.replica.cursor, c.replica.pull_acked())?;
        let device_now = server.now_ms() + c.skew_ms;
        let more = response.more;
        if !c.replica.apply_pull(response, device_now) {
            report.resets += 1;
        } else if !more {
            return Ok(());
        }
    }
}

fn sync_round(
    rng: &mut StdRng,
    server: &mut dyn SimServer,
    c: &mut Client,
    who: usize,
    settings: Settings,
    in_flight: &mut Vec<(usize, PushRequest)>,
    report: &mut Report,
) -> Result<(), String> {
    let batch = rng.gen_range(1..=settings.batch);
    if let Some(request) = c.replica.push_request(batch) {
        report.pushes += 1;
        let fate: f64 = rng.r#gen();
        if fate < 0.10 {
            report.lost_requests += 1;
            return Ok(()); // lost on the way: the client sees a network error
        } else if fate < 0.15 {
            report.delayed += 1;
            in_flight.push((who, request));
            return Ok(());
        }
        let first = match server.push(who, &request) {
            Ok(r) => r,
            Err(Refusal::Gap(e)) => return Err(format!("client {who} was refused a gap: {e}")),
            Err(Refusal::Other(e)) => return Err(format!("client {who}'s push failed: {e}")),
        };
        let response = if fate < 0.20 {
            report.duplicated += 1;
            server.push(who, &request).map_err(|e| format!("duplicate push: {e:?}"))?
        } else {
            first
        };
        if (0.20..0.30).contains(&fate) {
            report.lost_responses += 1;
            return Ok(()); // applied, but the answer was lost: the client will send it again
        }
        c.replica.take_push(&response);
    }
    if rng.gen_bool(0.9) {
        pull(server, c, who, report)?;
    } else {
        report.lost_responses += 1;
    }
    Ok(())
}

fn deliver_late(server: &mut dyn SimServer, from: usize, request: &PushRequest, c: &mut Client) -> Result<(), String> {
    match server.push(from, request) {
        Ok(_) => Ok(()), // nobody is waiting for this answer
        // A late request can only repeat or continue what the server has: never a hole.
        Err(e) => Err(format!("a late push of client {from} was refused: {e:?} (outbox {:?})", c.replica.outbox.len())),
    }
}

fn check(
    server: &mut dyn SimServer,
    cast: &Cast,
    clients: &[Client],
    created: &[(RecordKind, Uuid)],
    start_head: u64,
    report: &mut Report,
) -> Result<(), String> {
    // The server's view of every record the simulation touched.
    let automatic = server.automatic();
    report.automatic = automatic.versions;
    let mut ids: BTreeSet<Uuid> = created.iter().map(|(_, id)| *id).collect();
    ids.extend(automatic.records.iter().copied());
    for c in clients {
        ids.extend(c.made.values().map(|m| m.mutation.record_id));
    }
    let mut stored: BTreeMap<Uuid, StoredRecord> = BTreeMap::new();
    let mut conflicts: BTreeMap<Uuid, Vec<(String, Value)>> = BTreeMap::new();
    for &id in &ids {
        if let Some(r) = server.record(id) {
            conflicts.insert(id, server.lost_values(id));
            stored.insert(id, r);
        }
    }
    report.conflicts = conflicts.values().map(|c| c.len() as u64).sum();

    // Convergence: each client holds exactly what it may see of the server's records.
    for (who, c) in clients.iter().enumerate() {
        let actor = &cast.actors[who];
        if !c.replica.outbox.is_empty() {
            return Err(format!("client {who} still has {} unsent mutations", c.replica.outbox.len()));
        }
        for (&id, r) in &stored {
            let may = !r.deleted && actor.may(Action::View, r.kind, r.ownership());
            match (may, c.replica.records.get(&id)) {
                (true, Some(mine)) if *mine == r.to_state() => {}
                (true, Some(mine)) => {
                    return Err(format!(
                        "client {who} holds {id} at version {}, the server at {}: {mine:?} vs {r:?}",
                        mine.version, r.version
                    ));
                }
                (true, None) => return Err(format!("client {who} is missing record {id}")),
                (false, Some(_)) => {
                    return Err(format!("client {who} still holds {id}, which it may not see (or was deleted)"));
                }
                (false, None) => {}
            }
        }
        for id in c.replica.records.keys() {
            if ids.contains(id) && !stored.contains_key(id) {
                return Err(format!("client {who} holds {id}, which the server never stored"));
            }
        }
    }

    let refused: Vec<BTreeSet<u64>> =
        clients.iter().map(|c| c.replica.rejected.iter().map(|r| r.mutation.id).collect()).collect();
    report.invalid =
        clients.iter().flat_map(|c| &c.replica.rejected).filter(|r| r.code == super::RejectCode::Invalid).count()
            as u64;
    // Exactly once: one version per effective change.
    let mut effective = 0u64;
    let mut deleted = BTreeSet::new();
    for (c, refused) in clients.iter().zip(&refused) {
        for (id, made) in &c.made {
            if refused.contains(id) {
                report.rejected += 1;
                continue;
            }
            report.applied += 1;
            match made.mutation.op {
                Op::Create | Op::Update => effective += 1,
                Op::Delete => {
                    deleted.insert(made.mutation.record_id);
                }
            }
        }
    }
    effective += deleted.len() as u64 + automatic.versions;
    let head = clients[0].replica.cursor;
    if head - start_head != effective {
        return Err(format!(
            "the server's version grew by {} but {effective} changes took effect (of them {} automatic): something applied twice or not at all",
            head - start_head,
            automatic.versions
        ));
    }
    for &id in &deleted {
        if !stored.get(&id).is_some_and(|r| r.deleted) {
            return Err(format!("record {id} was deleted by an applied mutation but is not a tombstone"));
        }
    }

    // No write lost: every applied value is current, replaced by an edit that saw it, or logged.
    let mut seen_by_later: BTreeSet<(Uuid, String, String)> =
        automatic.saw.iter().map(|(id, field, value)| (*id, field.clone(), value.to_string())).collect();
    for (c, refused) in clients.iter().zip(&refused) {
        for (id, made) in &c.made {
            if refused.contains(id) {
                continue;
            }
            for (field, value) in &made.saw {
                seen_by_later.insert((made.mutation.record_id, field.clone(), value.to_string()));
            }
        }
    }
    for (who, (c, refused)) in clients.iter().zip(&refused).enumerate() {
        for (id, made) in &c.made {
            let m = &made.mutation;
            let record = stored.get(&m.record_id);
            if refused.contains(id) {
                // A refused change leaves no trace.
                if m.op != Op::Delete
                    && let Some(r) = record
                    && m.fields
                        .iter()
                        .any(|(f, v)| f != super::OWNER_FIELD && r.fields.get(f).is_some_and(|s| s.value == *v))
                {
                    return Err(format!("client {who}'s refused mutation {id} left its value in {}", m.record_id));
                }
                continue;
            }
            if m.op == Op::Delete {
                continue;
            }
            let Some(record) = record else {
                return Err(format!(
                    "client {who}'s applied mutation {id} names {}, which the server lacks",
                    m.record_id
                ));
            };
            for (field, value) in &m.fields {
                let current = record.fields.get(field).is_some_and(|s| s.value == *value);
                let replaced_knowingly = seen_by_later.contains(&(m.record_id, field.clone(), value.to_string()))
                    || later_own_edit(c, refused, *id, m.record_id, field);
                let logged = conflicts
                    .get(&m.record_id)
                    .is_some_and(|list| list.iter().any(|(f, lost)| f == field && lost == value));
                if !(current || replaced_knowingly || logged) {
                    return Err(format!(
                        "client {who}'s applied write {field} = {value} to {} was lost: not current, not replaced by an edit that saw it, not in the conflict log",
                        m.record_id
                    ));
                }
            }
        }
    }
    Ok(())
}

/// Whether this client later applied another edit to the same field (which follows its own).
fn later_own_edit(c: &Client, refused: &BTreeSet<u64>, after: u64, record: Uuid, field: &str) -> bool {
    c.made
        .range(after + 1..)
        .any(|(id, m)| !refused.contains(id) && m.mutation.record_id == record && m.mutation.fields.contains_key(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_rules_chain_on_each_others_changes_and_a_loop_ends() {
        use crate::automation::{Event, Rule, RuleAction};
        let rule = |code: &str, event: Event, actions: Vec<RuleAction>| Rule {
            code: code.into(),
            name: code.into(),
            list: RecordKind::Opportunity,
            active: true,
            event,
            conditions: vec![],
            actions,
        };
        let group = |g: &str| g.to_owned();
        let rules = vec![
            rule("welcome", Event::Created, vec![RuleAction::AddToGroup { group: group("g1") }]),
            rule(
                "g1_moves",
                Event::AddedToGroup { group: group("g1") },
                vec![RuleAction::SetStage { stage: "s1".into() }, RuleAction::AddToGroup { group: group("g2") }],
            ),
            // g2 ↔ g1 would loop for ever: a rule never fires on its own effect's chain.
            rule(
                "g2_back",
                Event::AddedToGroup { group: group("g2") },
                vec![RuleAction::RemoveFromGroup { group: group("g1") }, RuleAction::AddToGroup { group: group("g1") }],
            ),
            rule(
                "s1_task",
                Event::StageChanged { stage: "s1".into() },
                vec![RuleAction::CreateTask { subject: "Call".into(), due_in_days: 1, assignee: None }],
            ),
        ];
        let cast = Cast::fresh();
        let mut server = MemoryServer::new(&cast).with_rules(rules);
        let manager = &cast.actors[1];
        let mut replica = Replica::new(ClientId(Uuid::from_u64_pair(9, 9)), manager.user, manager.office);
        let id = Uuid::from_u64_pair(1, 2);
        let fields = [("title".to_owned(), json!("Fleet"))].into();
        replica.change(RecordKind::Opportunity, id, Op::Create, fields, server.now_ms());
        let request = replica.push_request(10).unwrap();
        let response = server.push(1, &request).unwrap();
        assert_eq!(response.results.len(), 1);
        let record = server.record(id).unwrap();
        let values = record.values();
        assert_eq!(values["stage"], json!("s1"));
        let groups = crate::automation::groups_of(&values);
        assert!(groups.contains(&"g1".to_owned()) && groups.contains(&"g2".to_owned()), "{groups:?}");
        let automatic = server.automatic();
        assert_eq!(automatic.records.len(), 1, "one task for the stage");
        assert!(automatic.versions >= 3 && automatic.versions <= 8, "the chain ended: {automatic:?}");
        assert_eq!(record.version + 1, server.record(automatic.records[0]).unwrap().version);
        // The same seed makes the same rules (a failing seed replays exactly).
        assert_eq!(rules_for(7, &cast), rules_for(7, &cast));
    }

    /// Seeds per run: `VELD_SIM_SEEDS` (default 1,000); `VELD_SIM_SEED` replays one.
    #[test]
    fn a_thousand_seeds_converge_without_losing_or_repeating_a_write() {
        let seeds: Vec<u64> = match std::env::var("VELD_SIM_SEED") {
            Ok(s) => vec![s.parse().expect("VELD_SIM_SEED is a number")],
            Err(_) => {
                let n: u64 = std::env::var("VELD_SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(1_000);
                (0..n).collect()
            }
        };
        let started = std::time::Instant::now();
        let run_one = |seed: u64| -> Report {
            let cast = Cast::fresh();
            let mut server = MemoryServer::new(&cast).with_rules(rules_for(seed, &cast));
            let report = run(seed, &cast, &mut server, Settings::default()).unwrap_or_else(|e| {
                panic!("seed {seed} failed: {e}\nreplay: VELD_SIM_SEED={seed} cargo test -p veld-domain sim")
            });
            if let Some((client, id)) = server.applied_twice() {
                panic!("seed {seed}: mutation {id} of {client:?} was applied twice");
            }
            report
        };
        // Seeds are independent: spread them over the cores.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(seeds.len().max(1));
        let total = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads)
                .map(|t| {
                    let mine: Vec<u64> = seeds.iter().copied().skip(t).step_by(threads).collect();
                    scope.spawn(move || {
                        let mut sum = Report::default();
                        for seed in mine {
                            sum += run_one(seed);
                        }
                        sum
                    })
                })
                .collect();
            let mut total = Report::default();
            for h in handles {
                total += h.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            }
            total
        });
        println!(
            "simulation: {} seeds × 5 clients × 200 edits in {:.1} s: {total}",
            seeds.len(),
            started.elapsed().as_secs_f64()
        );
        assert_eq!(total.mutations, seeds.len() as u64 * 5 * 200);
        assert!(
            total.conflicts > 0 && total.rejected > 0 && total.duplicated > 0 && total.automatic > 0,
            "the simulation exercised too little: {total:?}"
        );
    }
}
