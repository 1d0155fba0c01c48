//! The server's decision for one pushed mutation, as a pure function: given the stored record
//! (if any), the actor and the mutation, what happens — insert, update (with the conflicts it
//! logs and whether ownership moved), delete, nothing, or a refusal with its reason. The server
//! loads and stores around it in one transaction; the simulation (`sync::sim`) runs the very same
//! function over an in-memory store, so the two cannot drift apart.

use super::{ClientId, FieldMerge, FieldState, Hlc, Mutation, MutationOutcome, Op, RejectCode, merge_field};
use crate::records::{Known, references, validate};
use crate::schema::names;
use crate::{Action, Actor, OfficeId, Ownership, RecordKind, UserId};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The field that holds a record's owner. It merges like any field; when its value changes, the
/// record's ownership (owner and the owner's office) changes with it.
pub const OWNER_FIELD: &str = names::OWNER_ID;

/// The most fields one mutation may carry; more is a malformed client.
pub const MAX_FIELDS: usize = 200;

/// A record as the server stores it: values with per-field versions and clocks, and a tombstone.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    pub owner: UserId,
    pub office: OfficeId,
    pub fields: BTreeMap<String, FieldState>,
    /// The version of the record's last change.
    pub version: u64,
    pub deleted: bool,
}

impl StoredRecord {
    pub fn ownership(&self) -> Ownership {
        Ownership { owner: self.owner, office: self.office }
    }

    /// The record's current values.
    pub fn values(&self) -> serde_json::Map<String, serde_json::Value> {
        self.fields.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect()
    }

    /// The record as a pull delivers it.
    pub fn to_state(&self) -> super::RecordState {
        super::RecordState {
            id: self.id,
            kind: self.kind,
            owner_id: self.owner,
            office_id: self.office,
            version: self.version,
            fields: self.fields.clone(),
        }
    }
}

/// A value that lost to a concurrent edit, kept for the record's history.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    pub field: String,
    pub lost: FieldState,
    pub kept: FieldState,
}

/// What applying a mutation does to the store.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Refused, or a repeated delete: the store is unchanged.
    Nothing,
    Insert(StoredRecord),
    Update {
        record: StoredRecord,
        conflicts: Vec<Conflict>,
        /// The ownership before, when this change moved the record to another owner or office
        /// (users who saw it only through the old one get a removal).
        moved_from: Option<Ownership>,
    },
    /// The record becomes a tombstone at this version.
    Delete(StoredRecord),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub outcome: MutationOutcome,
    pub effect: Effect,
}

/// The HLC of a field whose clock was never recorded (records loaded before sync existed).
pub const ZERO_HLC: Hlc = Hlc { wall_ms: 0, counter: 0, client: ClientId(Uuid::nil()) };

fn reject(code: RejectCode, reason: impl Into<String>) -> Decision {
    Decision {
        outcome: MutationOutcome::Rejected { code, reason: reason.into(), invalid: None },
        effect: Effect::Nothing,
    }
}

/// Decides one mutation. `version` is the version the change gets if it changes anything;
/// `now_ms` is the server's clock (client clocks are clamped to it); `office_of` finds an active
/// user's office, for changes of owner; `known` holds what the record rules look up (the
/// records and stage list [`rule_lookups`] names). A change the merge would store is checked
/// against the record rules (`records::validate`) and refused as `invalid` when it breaks one.
pub fn decide(
    existing: Option<&StoredRecord>,
    actor: &Actor,
    m: &Mutation,
    version: u64,
    now_ms: i64,
    office_of: &dyn Fn(UserId) -> Option<OfficeId>,
    known: &Known,
) -> Decision {
    // What a change sets is bounded before anything else: a value that loses the merge is
    // still kept in the conflict log.
    if let Err(invalid) = crate::records::check_values(&m.fields) {
        return refuse_invalid(invalid);
    }
    check_rules(existing, m, merge(existing, actor, m, version, now_ms, office_of), known)
}

fn refuse_invalid(invalid: crate::records::Invalid) -> Decision {
    Decision {
        outcome: MutationOutcome::Rejected {
            code: RejectCode::Invalid,
            reason: invalid.message.clone(),
            invalid: Some(invalid),
        },
        effect: Effect::Nothing,
    }
}

/// What the record rules need looked up to decide a mutation ([`rule_lookups`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookups {
    /// The records it links (for a create or a change of a link).
    pub records: Vec<Uuid>,
    /// The stage list of its kind (for a change of stage).
    pub stages: Option<RecordKind>,
    /// The fixed contact roles of its kind (for a change of an existing record's contacts).
    pub roles: Option<RecordKind>,
    /// The criteria of its kind (for a change that sets one).
    pub criteria: Option<RecordKind>,
}

/// What the record rules need looked up to decide `m` on `existing`.
pub fn rule_lookups(existing: Option<&StoredRecord>, m: &Mutation) -> Lookups {
    let mut values = existing.map(StoredRecord::values).unwrap_or_default();
    values.extend(m.fields.iter().map(|(k, v)| (k.clone(), v.clone())));
    let relinks = m.op == Op::Create || crate::schema::link_fields(m.kind).any(|(f, _)| m.fields.contains_key(f));
    let records = if relinks { references(m.kind, &values) } else { Vec::new() };
    let pipeline = matches!(m.kind, RecordKind::Lead | RecordKind::Opportunity);
    let stages = (pipeline && m.fields.contains_key(names::STAGE)).then_some(m.kind);
    let roles = (pipeline && existing.is_some() && m.fields.contains_key(names::CONTACTS)).then_some(m.kind);
    let criteria = m.fields.keys().any(|k| crate::criteria::code_of(k).is_some()).then_some(m.kind);
    Lookups { records, stages, roles, criteria }
}

/// The record rules on what the merge would store: a change that breaks one is refused with
/// the reason, and nothing of it is stored.
fn check_rules(existing: Option<&StoredRecord>, m: &Mutation, decision: Decision, known: &Known) -> Decision {
    let after = match &decision.effect {
        Effect::Insert(record) | Effect::Update { record, .. } => record.values(),
        _ => return decision,
    };
    let before = existing.map(StoredRecord::values);
    let changed: Vec<String> = m.fields.keys().cloned().collect();
    match validate(m.kind, m.record_id, before.as_ref(), &after, &changed, known) {
        Ok(()) => decision,
        Err(invalid) => refuse_invalid(invalid),
    }
}

/// The merge and access part of [`decide`].
fn merge(
    existing: Option<&StoredRecord>,
    actor: &Actor,
    m: &Mutation,
    version: u64,
    now_ms: i64,
    office_of: &dyn Fn(UserId) -> Option<OfficeId>,
) -> Decision {
    if m.fields.len() > MAX_FIELDS {
        return reject(RejectCode::Malformed, format!("a change may set at most {MAX_FIELDS} fields"));
    }
    if m.fields.keys().any(|k| k.is_empty() || k.len() > 64) {
        return reject(RejectCode::Malformed, "field names must have 1 to 64 characters");
    }
    // A new owner must be an active user; the record moves to their office.
    let new_owner = match m.fields.get(OWNER_FIELD) {
        None => None,
        Some(value) => {
            let Some(user) = value.as_str().and_then(|s| s.parse::<UserId>().ok()) else {
                return reject(RejectCode::Malformed, "the owner must be a user id");
            };
            let Some(office) = office_of(user) else {
                return reject(RejectCode::NotFound, "the new owner is not an active user");
            };
            Some(Ownership { owner: user, office })
        }
    };
    let hlc = m.hlc.clamped(now_ms);
    let what = m.kind.as_str().replace('_', " ");
    match m.op {
        Op::Create => {
            if existing.is_some() {
                return reject(RejectCode::AlreadyExists, format!("a record with id {} exists already", m.record_id));
            }
            let ownership = new_owner.unwrap_or(Ownership { owner: actor.user, office: actor.office });
            if !actor.may(Action::Create, m.kind, ownership) {
                let whose = if ownership.owner == actor.user { "" } else { " for someone else" };
                return reject(RejectCode::NotAllowed, format!("your role does not allow creating a {what}{whose}"));
            }
            let fields =
                m.fields.iter().map(|(k, v)| (k.clone(), FieldState { value: v.clone(), version, hlc })).collect();
            let record = StoredRecord {
                id: m.record_id,
                kind: m.kind,
                owner: ownership.owner,
                office: ownership.office,
                fields,
                version,
                deleted: false,
            };
            Decision { outcome: MutationOutcome::Applied { version, conflicts: 0 }, effect: Effect::Insert(record) }
        }
        Op::Update | Op::Delete => {
            // A record the actor may not see — live or deleted — is refused exactly like one
            // that does not exist: the answer tells nothing of it.
            let Some(current) = existing.filter(|c| actor.may(Action::View, c.kind, c.ownership())) else {
                return reject(
                    RejectCode::NotFound,
                    format!("the {what} does not exist (it may never have reached the server)"),
                );
            };
            if current.kind != m.kind {
                return reject(
                    RejectCode::Malformed,
                    format!("record {} is a {}, not a {what}", m.record_id, current.kind.as_str()),
                );
            }
            if m.op == Op::Delete {
                if current.deleted {
                    // Deleted already (here or elsewhere): the user's wish holds.
                    return Decision {
                        outcome: MutationOutcome::Applied { version: current.version, conflicts: 0 },
                        effect: Effect::Nothing,
                    };
                }
                if !actor.may(Action::Delete, m.kind, current.ownership()) {
                    return reject(RejectCode::NotAllowed, format!("your role does not allow deleting this {what}"));
                }
                let record = StoredRecord { version, deleted: true, ..current.clone() };
                return Decision {
                    outcome: MutationOutcome::Applied { version, conflicts: 0 },
                    effect: Effect::Delete(record),
                };
            }
            if current.deleted {
                return reject(
                    RejectCode::DeletedElsewhere,
                    format!("this {what} was deleted by someone else; your changes were not applied"),
                );
            }
            if !actor.may(Action::Edit, m.kind, current.ownership()) {
                return reject(RejectCode::NotAllowed, format!("your role does not allow editing this {what}"));
            }
            if let Some(to) = new_owner
                && to != current.ownership()
                && !actor.may(Action::Edit, m.kind, to)
            {
                return reject(
                    RejectCode::NotAllowed,
                    format!("your role does not allow handing this {what} to that owner"),
                );
            }
            let mut record = StoredRecord { version, ..current.clone() };
            let mut conflicts = Vec::new();
            for (field, value) in &m.fields {
                let incoming = FieldState { value: value.clone(), version, hlc };
                let stored = record.fields.get(field);
                match merge_field(stored, m.base_versions.get(field).copied(), hlc) {
                    FieldMerge::Apply => {
                        record.fields.insert(field.clone(), incoming);
                    }
                    FieldMerge::Overwrite { lost } => {
                        conflicts.push(Conflict { field: field.clone(), lost, kept: incoming.clone() });
                        record.fields.insert(field.clone(), incoming);
                    }
                    FieldMerge::Lose => {
                        if let Some(kept) = stored {
                            conflicts.push(Conflict { field: field.clone(), lost: incoming, kept: kept.clone() });
                        }
                    }
                }
            }
            let mut moved_from = None;
            if let Some(to) = new_owner
                && record.fields.get(OWNER_FIELD).is_some_and(|f| f.version == version)
                && to != current.ownership()
            {
                moved_from = Some(current.ownership());
                record.owner = to.owner;
                record.office = to.office;
            }
            let outcome = MutationOutcome::Applied { version, conflicts: conflicts.len() as u32 };
            Decision { outcome, effect: Effect::Update { record, conflicts, moved_from } }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::presets;
    use serde_json::json;

    fn hlc(wall_ms: i64, c: u128) -> Hlc {
        Hlc { wall_ms, counter: 0, client: ClientId(Uuid::from_u128(c)) }
    }

    fn mutation(op: Op, record_id: Uuid, fields: serde_json::Value, base: &[(&str, u64)], at: Hlc) -> Mutation {
        Mutation {
            id: 1,
            kind: RecordKind::Opportunity,
            record_id,
            op,
            fields: fields.as_object().unwrap().clone().into_iter().collect(),
            base_versions: base.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect(),
            hlc: at,
        }
    }

    struct World {
        rep: Actor,
        colleague: Actor,
        manager: Actor,
        other_office: OfficeId,
        stranger: UserId,
    }

    fn world() -> World {
        let office = OfficeId::new();
        let other_office = OfficeId::new();
        World {
            rep: Actor { user: UserId::new(), office, permissions: presets::sales_rep() },
            colleague: Actor { user: UserId::new(), office, permissions: presets::sales_rep() },
            manager: Actor { user: UserId::new(), office, permissions: presets::sales_manager() },
            other_office,
            stranger: UserId::new(),
        }
    }

    impl World {
        fn office_of(&self, user: UserId) -> Option<OfficeId> {
            if user == self.stranger {
                Some(self.other_office)
            } else {
                [&self.rep, &self.colleague, &self.manager].iter().find(|a| a.user == user).map(|a| a.office)
            }
        }
    }

    fn created(w: &World, by: &Actor) -> StoredRecord {
        let m = mutation(
            Op::Create,
            Uuid::now_v7(),
            json!({ "title": "Fleet", "stage": "qualification" }),
            &[],
            hlc(100, 1),
        );
        match decide(None, by, &m, 5, 1_000, &|u| w.office_of(u), &Known::default()).effect {
            Effect::Insert(r) => r,
            other => panic!("expected an insert, got {other:?}"),
        }
    }

    #[test]
    fn a_create_belongs_to_its_maker_and_a_second_create_is_refused() {
        let w = world();
        let r = created(&w, &w.rep);
        assert_eq!((r.owner, r.office, r.version), (w.rep.user, w.rep.office, 5));
        assert_eq!(r.fields["title"].version, 5);
        let again = mutation(Op::Create, r.id, json!({}), &[], hlc(1, 1));
        let d = decide(Some(&r), &w.rep, &again, 6, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::AlreadyExists, .. }));
        assert_eq!(d.effect, Effect::Nothing);
    }

    #[test]
    fn concurrent_edits_keep_the_later_and_log_the_loser() {
        let w = world();
        let r = created(&w, &w.rep);
        let later = mutation(Op::Update, r.id, json!({ "stage": "proposal" }), &[("stage", 4)], hlc(900, 2));
        let d = decide(Some(&r), &w.rep, &later, 6, 1_000, &|u| w.office_of(u), &Known::default());
        let Effect::Update { record, conflicts, moved_from } = d.effect else { panic!("{:?}", d.effect) };
        assert_eq!(record.fields["stage"].value, json!("proposal"));
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].lost.value, json!("qualification"));
        assert_eq!(moved_from, None);
        let earlier = mutation(Op::Update, r.id, json!({ "stage": "won", "title": "X" }), &[("title", 5)], hlc(50, 3));
        let d = decide(Some(&record), &w.rep, &earlier, 7, 1_000, &|u| w.office_of(u), &Known::default());
        let Effect::Update { record, conflicts, .. } = d.effect else { panic!() };
        assert_eq!(record.fields["stage"].value, json!("proposal"), "the earlier concurrent edit loses");
        assert_eq!(record.fields["title"].value, json!("X"), "a based edit to another field applies");
        assert_eq!(conflicts[0].lost.value, json!("won"));
        assert_eq!(d.outcome, MutationOutcome::Applied { version: 7, conflicts: 1 });
    }

    #[test]
    fn handing_a_record_over_moves_it_to_the_new_owners_office_when_allowed() {
        let w = world();
        let r = created(&w, &w.rep);
        let to = |user: UserId| mutation(Op::Update, r.id, json!({ OWNER_FIELD: user.to_string() }), &[], hlc(900, 2));
        // A rep edits only their own: handing it to a colleague is not theirs to do.
        let d = decide(Some(&r), &w.rep, &to(w.colleague.user), 6, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::NotAllowed, .. }), "{d:?}");
        // The manager works their office: within it, yes; to another office, no.
        let d = decide(Some(&r), &w.manager, &to(w.colleague.user), 6, 1_000, &|u| w.office_of(u), &Known::default());
        let Effect::Update { record, moved_from, .. } = d.effect else { panic!("{d:?}") };
        assert_eq!((record.owner, moved_from.map(|o| o.owner)), (w.colleague.user, Some(w.rep.user)));
        let d = decide(Some(&r), &w.manager, &to(w.stranger), 6, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::NotAllowed, .. }));
        let d = decide(Some(&r), &w.manager, &to(UserId::new()), 6, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::NotFound, .. }));
        let bad = mutation(Op::Update, r.id, json!({ OWNER_FIELD: 7 }), &[], hlc(900, 2));
        let d = decide(Some(&r), &w.manager, &bad, 6, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::Malformed, .. }));
    }

    #[test]
    fn deletes_are_tombstones_and_edits_after_them_are_refused() {
        let w = world();
        let r = created(&w, &w.rep);
        let del = mutation(Op::Delete, r.id, json!({}), &[], hlc(900, 1));
        let Effect::Delete(gone) =
            decide(Some(&r), &w.rep, &del, 6, 1_000, &|u| w.office_of(u), &Known::default()).effect
        else {
            panic!()
        };
        assert!(gone.deleted && gone.version == 6);
        let again = decide(Some(&gone), &w.rep, &del, 7, 1_000, &|u| w.office_of(u), &Known::default());
        assert_eq!(again.effect, Effect::Nothing, "deleting twice changes nothing");
        let edit = mutation(Op::Update, r.id, json!({ "stage": "won" }), &[], hlc(950, 2));
        let d = decide(Some(&gone), &w.rep, &edit, 7, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::DeletedElsewhere, .. }));
        let colleague_edit = decide(Some(&r), &w.colleague, &edit, 7, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(colleague_edit.outcome, MutationOutcome::Rejected { code: RejectCode::NotAllowed, .. }));
    }

    #[test]
    fn a_clock_a_day_ahead_is_clamped_and_cannot_win_for_a_day() {
        let w = world();
        let r = created(&w, &w.rep);
        let day = 86_400_000;
        let ahead = mutation(Op::Update, r.id, json!({ "stage": "won" }), &[], hlc(1_000 + day, 9));
        let Effect::Update { record, .. } =
            decide(Some(&r), &w.rep, &ahead, 6, 1_000, &|u| w.office_of(u), &Known::default()).effect
        else {
            panic!()
        };
        assert_eq!(record.fields["stage"].hlc.wall_ms, 1_000 + super::super::MAX_CLOCK_SKEW_MS);
    }

    #[test]
    fn the_record_rules_are_part_of_the_decision() {
        let w = world();
        let untitled = mutation(Op::Create, Uuid::now_v7(), json!({ "stage": "qualification" }), &[], hlc(100, 1));
        let d = decide(None, &w.rep, &untitled, 5, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::Invalid, .. }), "{d:?}");
        assert!(matches!(d.effect, Effect::Nothing));
        // The lookups a change needs: links for a create or a relink, stages for a stage change.
        let r = created(&w, &w.rep);
        let contact = Uuid::now_v7();
        let link =
            mutation(Op::Update, r.id, json!({ "contacts": [{"id": contact, "role": "user"}] }), &[], hlc(200, 1));
        let opportunity = Some(RecordKind::Opportunity);
        assert_eq!(
            rule_lookups(Some(&r), &link),
            Lookups { records: vec![contact], stages: None, roles: opportunity, criteria: None },
            "a relink of an existing record's contacts needs the fixed roles"
        );
        let stage = mutation(Op::Update, r.id, json!({ "stage": "proposal" }), &[], hlc(200, 1));
        assert_eq!(
            rule_lookups(Some(&r), &stage),
            Lookups { records: vec![], stages: opportunity, roles: None, criteria: None }
        );
        // A linked contact that is not known (not there, or not visible) is refused.
        let d = decide(Some(&r), &w.rep, &link, 6, 1_000, &|u| w.office_of(u), &Known::default());
        assert!(matches!(d.outcome, MutationOutcome::Rejected { code: RejectCode::Invalid, .. }), "{d:?}");
    }

    #[test]
    fn a_record_out_of_sight_is_answered_as_no_record_live_or_deleted() {
        let w = world();
        let r = created(&w, &w.rep);
        let outsider = Actor { user: UserId::new(), office: w.other_office, permissions: presets::sales_rep() };
        let answer = |existing: Option<&StoredRecord>, op| {
            let m = mutation(
                op,
                r.id,
                if op == Op::Update { json!({ "title": "x" }) } else { json!({}) },
                &[],
                hlc(900, 3),
            );
            decide(existing, &outsider, &m, 6, 1_000, &|u| w.office_of(u), &Known::default()).outcome
        };
        let gone = StoredRecord { deleted: true, ..r.clone() };
        for op in [Op::Update, Op::Delete] {
            let nothing = answer(None, op);
            assert!(matches!(nothing, MutationOutcome::Rejected { code: RejectCode::NotFound, .. }), "{nothing:?}");
            assert_eq!(answer(Some(&r), op), nothing, "{op:?} on a live record out of scope");
            assert_eq!(answer(Some(&gone), op), nothing, "{op:?} on a deleted record out of scope");
        }
    }

    #[test]
    fn values_beyond_the_limits_are_refused_before_the_merge() {
        let w = world();
        let r = created(&w, &w.rep);
        let deep = (0..=crate::records::limits::MAX_DEPTH).fold(json!(1), |v, _| json!([v]));
        // Older than the stored value: it would lose the merge, and still it is refused.
        let m = mutation(Op::Update, r.id, json!({ "note": deep }), &[], hlc(50, 0));
        let d = decide(Some(&r), &w.rep, &m, 6, 1_000, &|u| w.office_of(u), &Known::default());
        let MutationOutcome::Rejected { code: RejectCode::Invalid, invalid: Some(invalid), .. } = d.outcome else {
            panic!("{d:?}")
        };
        assert_eq!((invalid.field.as_str(), invalid.code), ("note", crate::records::InvalidCode::TooDeep));
        assert_eq!(d.effect, Effect::Nothing);
    }

    #[test]
    fn a_pushed_clock_is_stamped_with_the_pushing_client() {
        let (mine, theirs) = (ClientId(Uuid::from_u128(1)), ClientId(Uuid::from_u128(2)));
        let m = Mutation {
            hlc: Hlc { wall_ms: 5, counter: 0, client: theirs },
            ..mutation(Op::Create, Uuid::now_v7(), json!({}), &[], hlc(5, 0))
        };
        let req = super::super::PushRequest { protocol: 1, client_id: mine, mutations: vec![m.clone(), m] };
        assert!(req.stamped().mutations.iter().all(|m| m.hlc.client == mine));
    }
}
