//! The sync protocol's wire types and its pure decisions (SPEC OF-2, OF-3). Effects — storage,
//! HTTP, transactions — live in `app::sync` and the server; what to apply, skip, refuse or log
//! as a conflict is decided here, once, for both.
//!
//! Everything here crosses the wire or lands in IndexedDB: change it deliberately and bump
//! [`PROTOCOL_VERSION`] when old clients could misread it.

use crate::RecordKind;
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use uuid::Uuid;

mod decide;
mod replica;
#[cfg(any(test, feature = "sim"))]
pub mod sim;

pub use decide::{
    Conflict, Decision, Effect, Lookups, MAX_FIELDS, OWNER_FIELD, StoredRecord, ZERO_HLC, decide, rule_lookups,
};
pub use replica::{
    Counters, RecordMap, Rejected, Replica, answered_up_to, apply_changes, base_versions, next_mutation, pull_acked,
    take_refusals,
};

/// The protocol version a client speaks; the server refuses others with a clear error.
/// 2: configuration kinds (`stage`, `table_entry`) and the `invalid` refusal.
/// 3: automation kinds (`rule`, `process`).
pub const PROTOCOL_VERSION: u32 = 3;

/// How far ahead of the server's clock a client's timestamp may be before it is clamped.
pub const MAX_CLOCK_SKEW_MS: i64 = 60_000;

/// One installation of the app (a browser profile), made on the client.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct ClientId(pub Uuid);

/// A hybrid logical clock timestamp: wall-clock milliseconds, a counter for events within the
/// same millisecond (or while the wall clock lags), and the client as the final tie-breaker, so
/// that any two timestamps are ordered and every replica orders them alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Hlc {
    pub wall_ms: i64,
    pub counter: u32,
    pub client: ClientId,
}

impl Ord for Hlc {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.wall_ms, self.counter, self.client).cmp(&(other.wall_ms, other.counter, other.client))
    }
}

impl PartialOrd for Hlc {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hlc {
    /// The timestamp for a new local event, after `last` (this client's latest) at wall time
    /// `now_ms`. Never goes backwards, even when the wall clock does.
    pub fn next(last: Option<Hlc>, now_ms: i64, client: ClientId) -> Hlc {
        match last {
            Some(last) if last.wall_ms >= now_ms => {
                Hlc { wall_ms: last.wall_ms, counter: last.counter.saturating_add(1), client }
            }
            _ => Hlc { wall_ms: now_ms, counter: 0, client },
        }
    }

    /// Merges a timestamp seen from elsewhere, so the next local event orders after it.
    pub fn observe(last: Option<Hlc>, seen: Hlc, client: ClientId) -> Hlc {
        match last {
            Some(last) if last >= seen => last,
            _ => Hlc { wall_ms: seen.wall_ms, counter: seen.counter, client },
        }
    }

    /// The server's view of a client timestamp: no later than its own clock plus the allowed
    /// skew, so a phone whose clock runs a day ahead cannot win every conflict for a day.
    pub fn clamped(self, server_now_ms: i64) -> Hlc {
        let limit = server_now_ms.saturating_add(MAX_CLOCK_SKEW_MS);
        if self.wall_ms > limit { Hlc { wall_ms: limit, counter: self.counter, client: self.client } } else { self }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Op {
    Create,
    Update,
    Delete,
}

/// One change made on a client: its id rises by one per client, with no gaps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mutation {
    pub id: u64,
    pub kind: RecordKind,
    pub record_id: Uuid,
    pub op: Op,
    /// New field values (create and update).
    #[serde(default)]
    pub fields: BTreeMap<String, serde_json::Value>,
    /// The version of each edited field this edit was based on (update).
    #[serde(default)]
    pub base_versions: BTreeMap<String, u64>,
    pub hlc: Hlc,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub protocol: u32,
    pub client_id: ClientId,
    pub mutations: Vec<Mutation>,
}

impl PushRequest {
    /// The request with every edit's clock stamped with the pushing client (the one the server
    /// authenticated): a clock naming another client would otherwise pass for that client's
    /// own later edit and overwrite a newer value without a conflict.
    pub fn stamped(mut self) -> PushRequest {
        for m in &mut self.mutations {
            m.hlc.client = self.client_id;
        }
        self
    }
}

/// What became of one pushed mutation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MutationOutcome {
    /// Applied now (possibly with some fields losing to concurrent edits: see the conflicts).
    Applied { version: u64, conflicts: u32 },
    /// Applied earlier: this was a repeated delivery.
    Duplicate,
    /// Refused for good (not allowed, record deleted elsewhere, malformed): it will never apply,
    /// and the client's queue moves past it. `code` is for the app to translate; `reason` is
    /// the server's English wording, for logs and older apps.
    Rejected {
        #[serde(default)]
        code: RejectCode,
        reason: String,
        /// For `invalid`: the rule broken (field and code), for the app to say in the user's
        /// language.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invalid: Option<crate::records::Invalid>,
    },
}

/// Why a mutation was refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The user's role does not allow this on this record.
    NotAllowed,
    /// The record was deleted elsewhere before this change arrived.
    DeletedElsewhere,
    /// The record does not exist on the server.
    NotFound,
    /// A record with this id exists already.
    AlreadyExists,
    /// The change is malformed (too many fields, bad names, wrong kind).
    #[default]
    Malformed,
    /// The change breaks a rule of the record (a required field, a stage transition, a blocked
    /// contact, a second conversion): the reason says which.
    Invalid,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MutationResult {
    pub id: u64,
    #[serde(flatten)]
    pub outcome: MutationOutcome,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub last_applied: u64,
    pub results: Vec<MutationResult>,
}

/// A record as the server holds it after the changes so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordState {
    pub id: Uuid,
    pub kind: RecordKind,
    pub owner_id: crate::UserId,
    pub office_id: crate::OfficeId,
    pub version: u64,
    pub fields: BTreeMap<String, FieldState>,
}

impl RecordState {
    /// The record as the list views show it.
    pub fn to_row(&self) -> crate::api::RecordRow {
        crate::api::RecordRow {
            id: self.id,
            kind: self.kind,
            owner_id: self.owner_id,
            office_id: self.office_id,
            data: serde_json::Value::Object(self.values()),
            updated_at: self.version as i64,
        }
    }

    /// The record's current field values as one JSON object.
    pub fn values(&self) -> serde_json::Map<String, serde_json::Value> {
        self.fields.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect()
    }
}

/// What the user sees of a record: the server's state with this device's unsent mutation
/// replayed on top (optimistic). `owner`/`office` are the creator's for a local create.
pub fn apply_local(
    record: Option<RecordState>,
    m: &Mutation,
    owner: crate::UserId,
    office: crate::OfficeId,
) -> Option<RecordState> {
    let pending = |value: &serde_json::Value| FieldState { value: value.clone(), version: 0, hlc: m.hlc };
    // A change of owner shows at once (the new office is the server's to say).
    let new_owner = m.fields.get(OWNER_FIELD).and_then(|v| v.as_str()?.parse::<crate::UserId>().ok());
    match m.op {
        Op::Delete => None,
        Op::Create => Some(record.unwrap_or(RecordState {
            id: m.record_id,
            kind: m.kind,
            owner_id: new_owner.unwrap_or(owner),
            office_id: office,
            version: 0,
            fields: m.fields.iter().map(|(k, v)| (k.clone(), pending(v))).collect(),
        })),
        Op::Update => record.map(|mut r| {
            for (k, v) in &m.fields {
                r.fields.insert(k.clone(), pending(v));
            }
            if let Some(owner) = new_owner {
                r.owner_id = owner;
            }
            r
        }),
    }
}

/// What the user sees of record `id`: the server's copy with this device's unsent changes to it
/// replayed in order (`pending` may hold other records' changes: they are skipped). The one
/// replay of an outbox: the app's store and [`Replica`] both show records through it.
pub fn replay<'a>(
    id: Uuid,
    server: Option<RecordState>,
    pending: impl IntoIterator<Item = &'a Mutation>,
    owner: crate::UserId,
    office: crate::OfficeId,
) -> Option<RecordState> {
    pending.into_iter().filter(|m| m.record_id == id).fold(server, |r, m| apply_local(r, m, owner, office))
}

/// Unsent changes grouped by record, in order, keeping those `keep` wants.
pub fn pending_by_record<'a>(
    pending: impl IntoIterator<Item = &'a Mutation>,
    keep: impl Fn(&Mutation) -> bool,
) -> std::collections::HashMap<Uuid, Vec<&'a Mutation>> {
    let mut out: std::collections::HashMap<Uuid, Vec<&'a Mutation>> = std::collections::HashMap::new();
    for m in pending.into_iter().filter(|m| keep(m)) {
        out.entry(m.record_id).or_default().push(m);
    }
    out
}

/// One entry of a pull.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The record is new or changed: replace the local copy.
    Upsert { record: RecordState },
    /// The record was deleted (or is no longer visible to this user): drop the local copy.
    Remove { kind: RecordKind, id: Uuid, version: u64 },
}

/// `GET /api/sync/pull?client_id=…&cursor=N`: the changes after `cursor` this user may see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub protocol: u32,
    /// Pass this as the next pull's cursor.
    pub cursor: u64,
    pub changes: Vec<Change>,
    /// The last mutation id the server applied from this client (its outbox can drop up to it).
    pub last_applied: u64,
    /// For the client's clock offset.
    pub server_time_ms: i64,
    /// The cursor is older than the tombstone window: drop the local copy (keep the outbox!)
    /// and pull again from 0.
    pub reset_required: bool,
    /// This client's refused mutations after the pull's `acked` id, up to `last_applied`: a
    /// refusal whose push answer was lost still reaches the user.
    #[serde(default)]
    pub rejected: Vec<MutationResult>,
    /// The pull stopped at its limit: pull again from `cursor` for the rest.
    #[serde(default)]
    pub more: bool,
    /// How many changes are left after this page (for the first download's progress bar).
    #[serde(default)]
    pub remaining: u64,
}

/// What to do with each mutation of a pushed batch, given the client's last applied id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BatchStep {
    /// Already applied (a retried or duplicated delivery): skip it.
    Skip,
    /// The next one: apply it (or record it as rejected) and advance last-applied to its id.
    Apply,
}

/// A batch that would leave a hole: mutation `expected` is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("mutation {expected} is missing: the batch jumps from {last_applied} to {found}")]
pub struct Gap {
    pub last_applied: u64,
    pub expected: u64,
    pub found: u64,
}

/// Plans a pushed batch: ids at or below `last_applied` are skipped, the rest must continue it
/// one by one. Either the whole plan or a [`Gap`]: nothing of a gapped batch is applied.
pub fn plan_batch(last_applied: u64, ids: &[u64]) -> Result<Vec<BatchStep>, Gap> {
    let mut next = last_applied + 1;
    ids.iter()
        .map(|&id| {
            if id < next {
                Ok(BatchStep::Skip)
            } else if id == next {
                next += 1;
                Ok(BatchStep::Apply)
            } else {
                Err(Gap { last_applied: next - 1, expected: next, found: id })
            }
        })
        .collect()
}

/// A field as the server stores it: its value, the version of the change that last set it,
/// and that change's (clamped) timestamp.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldState {
    pub value: serde_json::Value,
    pub version: u64,
    pub hlc: Hlc,
}

/// The outcome for one edited field.
#[derive(Clone, Debug, PartialEq)]
pub enum FieldMerge {
    /// The edit was based on the current value, or the field is new: it applies, no conflict.
    Apply,
    /// A concurrent edit, and this one is later: it applies; the value it replaces is kept in
    /// the conflict log.
    Overwrite { lost: FieldState },
    /// A concurrent edit, and the stored one is later: this edit's value goes to the conflict
    /// log and the field keeps its value.
    Lose,
}

/// Decides one field of an update (SPEC OF-3): last writer by hybrid logical clock wins among
/// concurrent edits; every loser is returned for the conflict log, never silently dropped.
///
/// A client's own earlier value never counts as concurrent: the server applies each client's
/// mutations in order, so its later edit saw its earlier one (two offline edits of one field are
/// a sequence, not a conflict).
pub fn merge_field(current: Option<&FieldState>, base_version: Option<u64>, incoming: Hlc) -> FieldMerge {
    match current {
        None => FieldMerge::Apply,
        Some(cur) if base_version == Some(cur.version) => FieldMerge::Apply,
        Some(cur) if cur.hlc.client == incoming.client => FieldMerge::Apply,
        Some(cur) if incoming > cur.hlc => FieldMerge::Overwrite { lost: cur.clone() },
        Some(_) => FieldMerge::Lose,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(n: u128) -> ClientId {
        ClientId(Uuid::from_u128(n))
    }

    fn hlc(wall_ms: i64, counter: u32, c: u128) -> Hlc {
        Hlc { wall_ms, counter, client: client(c) }
    }

    #[test]
    fn hlc_never_goes_backwards_even_when_the_wall_clock_does() {
        let c = client(1);
        let a = Hlc::next(None, 1_000, c);
        let b = Hlc::next(Some(a), 1_000, c);
        let d = Hlc::next(Some(b), 400, c); // the clock jumped back
        let e = Hlc::next(Some(d), 2_000, c);
        assert!(a < b && b < d && d < e, "{a:?} {b:?} {d:?} {e:?}");
        assert_eq!(d.wall_ms, 1_000);
        assert_eq!(e, hlc(2_000, 0, 1));
    }

    #[test]
    fn observing_a_later_timestamp_orders_the_next_event_after_it() {
        let me = client(1);
        let seen = hlc(5_000, 3, 2);
        let merged = Hlc::observe(Some(hlc(1_000, 0, 1)), seen, me);
        let next = Hlc::next(Some(merged), 1_200, me);
        assert!(next > seen);
        assert_eq!(Hlc::observe(Some(hlc(9_000, 0, 1)), seen, me), hlc(9_000, 0, 1));
    }

    #[test]
    fn client_clocks_are_clamped_to_server_time_plus_skew() {
        let day = 24 * 60 * 60 * 1000;
        let now = 10 * day;
        assert_eq!(hlc(now + day, 7, 1).clamped(now), hlc(now + MAX_CLOCK_SKEW_MS, 7, 1));
        assert_eq!(hlc(now - day, 7, 1).clamped(now), hlc(now - day, 7, 1), "late clocks are kept");
    }

    #[test]
    fn equal_times_are_ordered_by_counter_then_client() {
        assert!(hlc(1, 0, 9) < hlc(1, 1, 1));
        assert!(hlc(1, 1, 1) < hlc(1, 1, 2));
    }

    #[test]
    fn batches_skip_duplicates_apply_the_next_and_refuse_gaps() {
        use BatchStep::{Apply, Skip};
        assert_eq!(plan_batch(0, &[1, 2, 3]), Ok(vec![Apply, Apply, Apply]));
        assert_eq!(plan_batch(2, &[1, 2, 3, 4]), Ok(vec![Skip, Skip, Apply, Apply]));
        assert_eq!(plan_batch(2, &[3, 3, 4]), Ok(vec![Apply, Skip, Apply]), "a duplicate within the batch");
        assert_eq!(plan_batch(2, &[]), Ok(vec![]));
        assert_eq!(plan_batch(2, &[3, 5]), Err(Gap { last_applied: 3, expected: 4, found: 5 }));
        assert_eq!(plan_batch(0, &[2]), Err(Gap { last_applied: 0, expected: 1, found: 2 }));
    }

    #[test]
    fn field_merge_applies_based_edits_and_logs_every_loser() {
        let stored = FieldState { value: "Proposal".into(), version: 7, hlc: hlc(5_000, 0, 1) };
        assert_eq!(merge_field(None, None, hlc(1, 0, 2)), FieldMerge::Apply);
        assert_eq!(merge_field(Some(&stored), Some(7), hlc(1, 0, 2)), FieldMerge::Apply, "based on the current value");
        assert_eq!(
            merge_field(Some(&stored), Some(6), hlc(6_000, 0, 2)),
            FieldMerge::Overwrite { lost: stored.clone() },
            "concurrent and later"
        );
        assert_eq!(merge_field(Some(&stored), Some(6), hlc(4_000, 0, 2)), FieldMerge::Lose, "concurrent and earlier");
        assert_eq!(merge_field(Some(&stored), None, hlc(4_000, 0, 2)), FieldMerge::Lose, "no base: concurrent");
        assert_eq!(
            merge_field(Some(&stored), Some(3), hlc(4_000, 0, 1)),
            FieldMerge::Apply,
            "the same client's later edit follows its earlier one, whatever the clocks say"
        );
    }

    #[test]
    fn local_mutations_replay_on_top_of_the_server_state() {
        let (owner, office) = (crate::UserId::new(), crate::OfficeId::new());
        let id = Uuid::now_v7();
        let m = |op, fields: serde_json::Value| Mutation {
            id: 1,
            kind: RecordKind::Lead,
            record_id: id,
            op,
            fields: fields.as_object().unwrap().clone().into_iter().collect(),
            base_versions: BTreeMap::new(),
            hlc: hlc(1, 0, 1),
        };
        let created = apply_local(None, &m(Op::Create, serde_json::json!({ "title": "A" })), owner, office).unwrap();
        assert_eq!((created.owner_id, created.version), (owner, 0));
        let edited =
            apply_local(Some(created), &m(Op::Update, serde_json::json!({ "stage": "won" })), owner, office).unwrap();
        assert_eq!(serde_json::Value::Object(edited.values()), serde_json::json!({ "title": "A", "stage": "won" }));
        assert_eq!(apply_local(Some(edited), &m(Op::Delete, serde_json::json!({})), owner, office), None);
        assert_eq!(
            apply_local(None, &m(Op::Update, serde_json::json!({ "x": 1 })), owner, office),
            None,
            "edit of an unknown record"
        );
    }

    #[test]
    fn mutations_round_trip_as_json() {
        let m = Mutation {
            id: 4,
            kind: RecordKind::Opportunity,
            record_id: Uuid::now_v7(),
            op: Op::Update,
            fields: [("stage".to_owned(), serde_json::json!("won"))].into(),
            base_versions: [("stage".to_owned(), 12)].into(),
            hlc: hlc(1_700_000_000_000, 2, 3),
        };
        let json = serde_json::to_string(&m).unwrap();
        assert!(json.contains(r#""op":"update""#) && json.contains(r#""kind":"opportunity""#), "{json}");
        assert_eq!(serde_json::from_str::<Mutation>(&json).unwrap(), m);
    }

    mod model {
        use super::super::*;
        use proptest::prelude::*;

        /// The reference model: the new last-applied id, or `None` if the batch has a gap.
        fn reference(last_applied: u64, batch: &[u64]) -> Option<u64> {
            let mut last = last_applied;
            for &id in batch {
                if id == last + 1 {
                    last = id;
                } else if id > last + 1 {
                    return None;
                }
            }
            Some(last)
        }

        proptest! {
            /// Any sequence of deliveries (retried, duplicated, reordered, gapped batches) applied
            /// through `plan_batch` applies each id exactly once, in order, and last-applied only
            /// grows.
            #[test]
            fn deliveries_apply_each_mutation_once_in_order(
                batches in prop::collection::vec(prop::collection::vec(1u64..30, 0..8), 0..40)
            ) {
                let mut last_applied = 0u64;
                let mut applied = Vec::new();
                for batch in &batches {
                    let before = last_applied;
                    match plan_batch(last_applied, batch) {
                        Ok(steps) => {
                            prop_assert_eq!(steps.len(), batch.len());
                            for (id, step) in batch.iter().zip(steps) {
                                if step == BatchStep::Apply {
                                    prop_assert_eq!(*id, last_applied + 1);
                                    last_applied = *id;
                                    applied.push(*id);
                                } else {
                                    prop_assert!(*id <= last_applied);
                                }
                            }
                        }
                        Err(gap) => {
                            prop_assert!(reference(before, batch).is_none(), "refused without a gap: {:?}", gap);
                            prop_assert_eq!(last_applied, before, "a refused batch applies nothing");
                        }
                    }
                    if let Some(expected) = reference(before, batch) {
                        prop_assert_eq!(last_applied, expected);
                    }
                    prop_assert!(last_applied >= before);
                }
                prop_assert_eq!(applied, (1..=last_applied).collect::<Vec<_>>());
            }
        }
    }
}
