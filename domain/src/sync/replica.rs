//! A client's sync state and its pure transitions: record a local change, build a push, take an
//! acknowledgement, apply a pull. The app keeps the same state in IndexedDB and signals and
//! uses these functions for the decisions; the simulation drives `Replica` directly.

use super::{
    Change, ClientId, Hlc, Mutation, MutationOutcome, Op, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse,
    RecordState, RejectCode,
};
use crate::{OfficeId, RecordKind, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The server version each edited field is based on: what this device last got from the server
/// (its own unsent edits do not count; the server orders a client's mutations itself).
pub fn base_versions(
    server_copy: Option<&RecordState>,
    fields: &BTreeMap<String, serde_json::Value>,
) -> BTreeMap<String, u64> {
    server_copy.map_or_else(BTreeMap::new, |r| {
        fields.keys().filter_map(|k| r.fields.get(k).map(|f| (k.clone(), f.version))).collect()
    })
}

/// A device's counters for the next local change: its client, the next mutation id, the last
/// clock and the offset to the server's clock. `Replica` holds them; the app keeps them in its
/// sync metadata.
pub struct Counters<'a> {
    pub client: ClientId,
    pub next_mutation: &'a mut u64,
    pub last_hlc: &'a mut Option<Hlc>,
    pub clock_offset_ms: i64,
}

/// The one way a local change becomes a queued mutation: the next id (no gaps), a clock after
/// the last (never backwards, corrected by the server's offset), and each field's base version
/// from the server copy. Advances the counters.
pub fn next_mutation(
    counters: Counters<'_>,
    server_copy: Option<&RecordState>,
    (kind, record_id, op): (RecordKind, Uuid, Op),
    fields: BTreeMap<String, serde_json::Value>,
    device_now_ms: i64,
) -> Mutation {
    let base_versions = base_versions(server_copy, &fields);
    let hlc = Hlc::next(*counters.last_hlc, device_now_ms + counters.clock_offset_ms, counters.client);
    let mutation = Mutation { id: *counters.next_mutation, kind, record_id, op, fields, base_versions, hlc };
    *counters.next_mutation += 1;
    *counters.last_hlc = Some(hlc);
    mutation
}

/// A mutation the server refused for good, kept until the user discards it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejected {
    pub mutation: Mutation,
    #[serde(default)]
    pub code: RejectCode,
    pub reason: String,
    /// For `invalid`: the rule broken, to say in the user's language.
    #[serde(default)]
    pub invalid: Option<crate::records::Invalid>,
}

/// Moves the refused mutations of `results` from `outbox` into the returned list.
pub fn take_refusals(outbox: &[Mutation], results: &[super::MutationResult]) -> Vec<Rejected> {
    results
        .iter()
        .filter_map(|r| match &r.outcome {
            MutationOutcome::Rejected { code, reason, invalid } => {
                let mutation = outbox.iter().find(|m| m.id == r.id)?.clone();
                Some(Rejected { mutation, code: *code, reason: reason.clone(), invalid: invalid.clone() })
            }
            _ => None,
        })
        .collect()
}

/// How far a push's answer lets the outbox go: up to the last mutation it answered. The
/// server's `last_applied` may be further on (a delayed copy of a later push arrived first), but
/// those answers — refusals among them — come with the next pull, which must find them queued.
pub fn answered_up_to(response: &PushResponse) -> u64 {
    let answered = response.results.iter().map(|r| r.id).max().unwrap_or(0);
    answered.min(response.last_applied)
}

/// The `acked` of a pull: the last mutation id whose answer this device has (everything before
/// its oldest unsent one).
pub fn pull_acked(outbox: &[Mutation], next_mutation: u64) -> u64 {
    outbox.first().map_or(next_mutation.saturating_sub(1), |m| m.id.saturating_sub(1))
}

/// One device's copy: the server's records as last pulled, the unsent outbox, and bookkeeping.
#[derive(Clone, Debug)]
pub struct Replica {
    pub client: ClientId,
    pub user: UserId,
    pub office: OfficeId,
    pub records: BTreeMap<Uuid, RecordState>,
    pub outbox: Vec<Mutation>,
    /// Refused mutations, shown on the Pending changes page.
    pub rejected: Vec<Rejected>,
    pub cursor: u64,
    pub next_mutation: u64,
    pub last_hlc: Option<Hlc>,
    /// Server time minus device time, learnt on each pull.
    pub clock_offset_ms: i64,
}

impl Replica {
    pub fn new(client: ClientId, user: UserId, office: OfficeId) -> Replica {
        Replica {
            client,
            user,
            office,
            records: BTreeMap::new(),
            outbox: Vec::new(),
            rejected: Vec::new(),
            cursor: 0,
            next_mutation: 1,
            last_hlc: None,
            clock_offset_ms: 0,
        }
    }

    /// Records a local change at device time `device_now_ms`; returns the queued mutation.
    pub fn change(
        &mut self,
        kind: RecordKind,
        record_id: Uuid,
        op: Op,
        fields: BTreeMap<String, serde_json::Value>,
        device_now_ms: i64,
    ) -> Mutation {
        let counters = Counters {
            client: self.client,
            next_mutation: &mut self.next_mutation,
            last_hlc: &mut self.last_hlc,
            clock_offset_ms: self.clock_offset_ms,
        };
        let mutation =
            next_mutation(counters, self.records.get(&record_id), (kind, record_id, op), fields, device_now_ms);
        self.outbox.push(mutation.clone());
        mutation
    }

    /// The next push: the oldest `max` unsent mutations, or `None` when there are none.
    pub fn push_request(&self, max: usize) -> Option<PushRequest> {
        (!self.outbox.is_empty()).then(|| PushRequest {
            protocol: PROTOCOL_VERSION,
            client_id: self.client,
            mutations: self.outbox.iter().take(max).cloned().collect(),
        })
    }

    /// The server has applied (or refused for good) everything up to `last_applied`.
    pub fn acknowledge(&mut self, last_applied: u64) {
        self.outbox.retain(|m| m.id > last_applied);
    }

    /// Takes a push's answer: refusals are kept for the user, the rest leaves the outbox.
    pub fn take_push(&mut self, response: &PushResponse) {
        let refused = take_refusals(&self.outbox, &response.results);
        self.rejected.extend(refused);
        self.acknowledge(answered_up_to(response));
    }

    /// The `acked` to send with the next pull.
    pub fn pull_acked(&self) -> u64 {
        pull_acked(&self.outbox, self.next_mutation)
    }

    /// Applies a pull made at device time `device_now_ms`. Returns `false` when the server asked
    /// for a reset: the local copy is dropped (the outbox kept) and the caller pulls again.
    pub fn apply_pull(&mut self, response: PullResponse, device_now_ms: i64) -> bool {
        self.clock_offset_ms = response.server_time_ms - device_now_ms;
        if response.reset_required {
            self.records.clear();
            self.cursor = 0;
            return false;
        }
        if self.cursor == 0 {
            self.records.clear();
        }
        apply_changes(&mut self.records, response.changes);
        self.cursor = response.cursor;
        let refused = take_refusals(&self.outbox, &response.rejected);
        self.rejected.extend(refused);
        self.acknowledge(response.last_applied);
        true
    }

    /// What the user sees: the server's records with the outbox replayed on top.
    pub fn visible(&self) -> BTreeMap<Uuid, RecordState> {
        let mut shown = self.records.clone();
        for (id, changes) in super::pending_by_record(&self.outbox, |_| true) {
            let current = shown.remove(&id);
            if let Some(r) = super::replay(id, current, changes, self.user, self.office) {
                shown.insert(r.id, r);
            }
        }
        shown
    }
}

/// A device's copy of the server's records, keyed by id (`Replica`'s map, the app's store).
pub trait RecordMap {
    fn put(&mut self, record: RecordState);
    fn drop_id(&mut self, id: &Uuid);
}

impl RecordMap for BTreeMap<Uuid, RecordState> {
    fn put(&mut self, record: RecordState) {
        self.insert(record.id, record);
    }
    fn drop_id(&mut self, id: &Uuid) {
        self.remove(id);
    }
}

impl<S: std::hash::BuildHasher> RecordMap for std::collections::HashMap<Uuid, RecordState, S> {
    fn put(&mut self, record: RecordState) {
        self.insert(record.id, record);
    }
    fn drop_id(&mut self, id: &Uuid) {
        self.remove(id);
    }
}

/// Applies pulled changes to a device's copy of the records.
pub fn apply_changes(records: &mut impl RecordMap, changes: Vec<Change>) {
    for change in changes {
        match change {
            Change::Upsert { record } => records.put(record),
            Change::Remove { id, .. } => records.drop_id(&id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::FieldState;
    use serde_json::json;

    fn replica() -> Replica {
        Replica::new(ClientId(Uuid::from_u128(1)), UserId::new(), OfficeId::new())
    }

    #[test]
    fn edits_queue_in_order_with_base_versions_from_the_server_copy() {
        let mut r = replica();
        let id = Uuid::now_v7();
        let hlc = Hlc { wall_ms: 5, counter: 0, client: r.client };
        r.records.insert(
            id,
            RecordState {
                id,
                kind: RecordKind::Lead,
                owner_id: r.user,
                office_id: r.office,
                version: 9,
                fields: [("title".to_owned(), FieldState { value: json!("A"), version: 9, hlc })].into(),
            },
        );
        let a = r.change(RecordKind::Lead, id, Op::Update, [("title".to_owned(), json!("B"))].into(), 1_000);
        let b = r.change(RecordKind::Lead, id, Op::Update, [("title".to_owned(), json!("C"))].into(), 900);
        assert_eq!((a.id, b.id), (1, 2));
        assert_eq!(a.base_versions["title"], 9);
        assert_eq!(b.base_versions["title"], 9, "based on the server copy, not on the unsent edit");
        assert!(b.hlc > a.hlc, "the clock went back, the HLC did not");
        assert_eq!(r.visible()[&id].fields["title"].value, json!("C"));
        assert_eq!(r.push_request(1).unwrap().mutations, vec![a]);
        r.acknowledge(1);
        assert_eq!(r.outbox, vec![b]);
    }

    #[test]
    fn a_reset_drops_the_copy_and_keeps_the_outbox() {
        let mut r = replica();
        let id = Uuid::now_v7();
        r.change(RecordKind::Lead, id, Op::Create, [("title".to_owned(), json!("New"))].into(), 1_000);
        r.cursor = 40;
        let reset = PullResponse {
            protocol: PROTOCOL_VERSION,
            cursor: 0,
            changes: vec![],
            last_applied: 0,
            server_time_ms: 61_000,
            reset_required: true,
            rejected: vec![],
            more: false,
            remaining: 0,
        };
        assert!(!r.apply_pull(reset, 1_000));
        assert_eq!((r.cursor, r.outbox.len(), r.clock_offset_ms), (0, 1, 60_000));
        assert!(r.visible().contains_key(&id), "the unsent create still shows");
    }
}
