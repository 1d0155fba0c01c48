//! The one way a change to a record is prepared, wherever it comes from (a form, a board drag,
//! the bulk bar, the wizard, automation): [`prepare`] checks permission, drops what does not
//! change, adds what a change brings with it (a new stage's probability, normalised e-mail and
//! phone) and checks the record's rules — before anything is stored, so the user hears "no" on
//! the spot instead of on the Pending changes page after a sync.
//!
//! An edit carries only the fields the user changed: a field whose value stays as it is does
//! not travel, so it can never beat a colleague's concurrent edit of that field (SPEC OF-3).

use crate::records::{self, Invalid, Known};
use crate::schema::names;
use crate::sync::{OWNER_FIELD, Op, RecordState};
use crate::{Action, Actor, Ownership, RecordKind};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// A change the user (or automation) asks for: create, update or delete one record.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Edit {
    pub kind: RecordKind,
    pub id: Uuid,
    pub op: Op,
    /// The new values (create, update). `owner_id` hands the record to another user.
    pub fields: Map<String, Value>,
}

impl Edit {
    pub fn create(kind: RecordKind, id: Uuid, fields: Map<String, Value>) -> Edit {
        Edit { kind, id, op: Op::Create, fields }
    }

    pub fn update(kind: RecordKind, id: Uuid, fields: Map<String, Value>) -> Edit {
        Edit { kind, id, op: Op::Update, fields }
    }

    pub fn delete(kind: RecordKind, id: Uuid) -> Edit {
        Edit { kind, id, op: Op::Delete, fields: Map::new() }
    }

    /// Sets one field (builder style).
    pub fn set(mut self, field: &str, value: Value) -> Edit {
        self.fields.insert(field.to_owned(), value);
        self
    }

    /// The fields as the sync protocol carries them.
    pub fn fields_map(&self) -> std::collections::BTreeMap<String, Value> {
        self.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }
}

/// Named changes. Every entry point — the form, the board, the bulk bar, the wizard, the
/// contacts tab, automation — builds its change with one of these, so a change means the same
/// wherever it is made; [`prepare`] then adds what it brings (a new stage's probability) and
/// checks it (the stage transition, a fixed role, permission on both sides of a hand-over).
impl Edit {
    /// Moves a lead or opportunity to `stage`.
    pub fn move_stage(kind: RecordKind, id: Uuid, stage: &str) -> Edit {
        Edit::update(kind, id, Map::new()).set(records::STAGE, json!(stage))
    }

    /// Hands the record to `user` (who must be allowed to hold it, in their office).
    pub fn set_owner(kind: RecordKind, id: Uuid, user: crate::UserId) -> Edit {
        Edit::update(kind, id, Map::new()).set(OWNER_FIELD, json!(user.to_string()))
    }

    /// Puts the record (whose values are `current`) into a group, or takes it out; `None` when
    /// it already is as asked.
    pub fn group(kind: RecordKind, id: Uuid, current: &Map<String, Value>, group: &str, member: bool) -> Option<Edit> {
        let groups = regrouped(current, group, member)?;
        Some(Edit::update(kind, id, Map::new()).set(records::GROUPS, json!(groups)))
    }

    /// Links a contact to a lead or opportunity; the first one linked becomes its main contact.
    /// `None` when it is linked already.
    pub fn link_contact(kind: RecordKind, id: Uuid, current: &Map<String, Value>, contact: Uuid) -> Option<Edit> {
        let mut linked = records::contacts_of(current);
        if linked.iter().any(|c| c.id == contact) {
            return None;
        }
        let has_main = linked.iter().any(|c| c.role.as_deref() == Some(records::MAIN_CONTACT));
        let role = if has_main { records::OTHER_CONTACT } else { records::MAIN_CONTACT };
        linked.push(records::LinkedContact { id: contact, role: Some(role.to_owned()) });
        Some(contacts_edit(kind, id, &linked))
    }

    /// Unlinks a contact; `None` when it is not linked.
    pub fn unlink_contact(kind: RecordKind, id: Uuid, current: &Map<String, Value>, contact: Uuid) -> Option<Edit> {
        let mut linked = records::contacts_of(current);
        let before = linked.len();
        linked.retain(|c| c.id != contact);
        (linked.len() != before).then(|| contacts_edit(kind, id, &linked))
    }

    /// Gives a linked contact another role (none: no role); `None` when it is not linked or
    /// has that role. A fixed role is refused by the rules, not here.
    pub fn set_contact_role(
        kind: RecordKind,
        id: Uuid,
        current: &Map<String, Value>,
        contact: Uuid,
        role: Option<&str>,
    ) -> Option<Edit> {
        let mut linked = records::contacts_of(current);
        let c = linked.iter_mut().find(|c| c.id == contact)?;
        let role = role.map(str::trim).filter(|r| !r.is_empty()).map(str::to_owned);
        if c.role == role {
            return None;
        }
        c.role = role;
        Some(contacts_edit(kind, id, &linked))
    }
}

fn contacts_edit(kind: RecordKind, id: Uuid, linked: &[records::LinkedContact]) -> Edit {
    Edit::update(kind, id, Map::new()).set(records::CONTACTS, records::contacts_value(linked))
}

/// A record's groups with `group` added (`member`) or removed; `None` when nothing changes.
pub fn regrouped(current: &Map<String, Value>, group: &str, member: bool) -> Option<Vec<String>> {
    let mut groups = crate::automation::groups_of(current);
    match (member, groups.iter().any(|g| g == group)) {
        (true, true) | (false, false) => None,
        (true, false) => {
            groups.push(group.to_owned());
            Some(groups)
        }
        (false, true) => {
            groups.retain(|g| g != group);
            Some(groups)
        }
    }
}

/// Why an edit is refused before it is stored. A record the user may not see and one that does
/// not exist give the same answer, [`Refused::NotAllowed`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    /// The change breaks a rule of the record: the field and the reason.
    #[error(transparent)]
    Invalid(Invalid),
    /// The user's role does not allow it on this record, or there is no such record.
    #[error("not allowed")]
    NotAllowed,
}

impl From<Invalid> for Refused {
    fn from(e: Invalid) -> Self {
        Refused::Invalid(e)
    }
}

impl records::Conversion {
    /// The conversion as edits, in the order they must be made: the opportunity, the lead, its
    /// job orders.
    pub fn edits(self, lead_id: Uuid, opportunity_id: Uuid) -> Vec<Edit> {
        let mut out = vec![
            Edit::create(RecordKind::Opportunity, opportunity_id, self.opportunity),
            Edit::update(RecordKind::Lead, lead_id, self.lead_update),
        ];
        out.extend(self.job_orders.into_iter().map(|(id, fields)| Edit::update(RecordKind::JobOrder, id, fields)));
        out
    }
}

/// The values of a record as a change sees them: its fields and its owner.
pub fn values_with_owner(record: &RecordState) -> Map<String, Value> {
    let mut values = record.values();
    values.insert(OWNER_FIELD.to_owned(), json!(record.owner_id.to_string()));
    values
}

/// Prepares `edit` against `before` (the record as the user sees it; `None` when it does not
/// exist on this device): `Ok(None)` when nothing would change, else the edit to store, with
/// only the fields that change and what they bring with them.
pub fn prepare(
    edit: Edit,
    before: Option<&RecordState>,
    actor: &Actor,
    known: &Known,
) -> Result<Option<Edit>, Refused> {
    let Edit { kind, id, op, mut fields } = edit;
    if before.is_some_and(|b| b.kind != kind) {
        return Err(Refused::NotAllowed);
    }
    let own = Ownership { owner: actor.user, office: actor.office };
    match (op, before) {
        (Op::Delete, Some(b)) => {
            let ownership = Ownership { owner: b.owner_id, office: b.office_id };
            if !actor.may(Action::Delete, kind, ownership) {
                return Err(Refused::NotAllowed);
            }
            Ok(Some(Edit { kind, id, op, fields: Map::new() }))
        }
        (Op::Delete | Op::Update, None) | (Op::Create, Some(_)) => Err(Refused::NotAllowed),
        (Op::Create, None) => {
            // A record made for someone else is theirs: the role must allow creating it there.
            let ownership = new_owner(&fields, known).unwrap_or(own);
            if !actor.may(Action::Create, kind, ownership) {
                return Err(Refused::NotAllowed);
            }
            fields.retain(|_, v| !v.is_null());
            derive(kind, None, &mut fields, known)?;
            let after = fields.clone();
            records::validate(kind, id, None, &after, &[], known)?;
            Ok(Some(Edit { kind, id, op, fields }))
        }
        (Op::Update, Some(b)) => {
            let ownership = Ownership { owner: b.owner_id, office: b.office_id };
            if !actor.may(Action::Edit, kind, ownership) {
                return Err(Refused::NotAllowed);
            }
            let current = values_with_owner(b);
            // What stays as it is does not travel: it must not beat a colleague's edit of it.
            fields.retain(|k, v| !same(current.get(k), v));
            if fields.is_empty() {
                return Ok(None);
            }
            // Handing it over: the role must allow it on both sides (as the server checks).
            if new_owner(&fields, known).is_some_and(|to| !actor.may(Action::Edit, kind, to)) {
                return Err(Refused::NotAllowed);
            }
            derive(kind, Some(&current), &mut fields, known)?;
            fields.retain(|k, v| !same(current.get(k), v));
            if fields.is_empty() {
                return Ok(None);
            }
            let mut after = current.clone();
            after.extend(fields.clone());
            let changed: Vec<String> = fields.keys().cloned().collect();
            records::validate(kind, id, Some(&current), &after, &changed, known)?;
            Ok(Some(Edit { kind, id, op, fields }))
        }
    }
}

/// The ownership an edit hands its record to, when it sets an owner whose office is known (an
/// unknown one is for the server to judge).
fn new_owner(fields: &Map<String, Value>, known: &Known) -> Option<Ownership> {
    let owner: crate::UserId = fields.get(OWNER_FIELD)?.as_str()?.parse().ok()?;
    known.owners.get(&owner).map(|office| Ownership { owner, office: *office })
}

/// Whether a stored value and a new one mean the same (an absent field and null do; a list of
/// groups in another order does not — the user reordered it).
fn same(current: Option<&Value>, new: &Value) -> bool {
    match (current, new) {
        (None | Some(Value::Null), Value::Null) => true,
        (None | Some(Value::Null), Value::String(s)) => s.trim().is_empty(),
        (None | Some(Value::Null), Value::Array(a)) => a.is_empty(),
        (Some(Value::String(a)), Value::Null) => a.trim().is_empty(),
        (Some(Value::Array(a)), Value::Null) => a.is_empty(),
        (Some(c), n) => c == n,
        _ => false,
    }
}

/// What a change brings with it, whichever screen (or rule) made it: an opportunity moved to
/// another stage takes that stage's probability unless the change sets one; a contact's e-mail
/// and phone are stored normalised (so duplicates are found).
pub fn derive(
    kind: RecordKind,
    before: Option<&Map<String, Value>>,
    fields: &mut Map<String, Value>,
    known: &Known,
) -> Result<(), Invalid> {
    if kind == RecordKind::Opportunity
        && !fields.contains_key(names::PROBABILITY)
        && let Some(stage) = fields.get(names::STAGE).and_then(Value::as_str)
        && before.and_then(|b| records::text(b, names::STAGE)) != Some(stage)
        && let Some(def) = known.stages.get(&kind).and_then(|s| s.get(stage))
    {
        fields.insert(names::PROBABILITY.into(), json!(def.probability));
    }
    if kind == RecordKind::Contact
        && [names::EMAIL, names::PHONE, names::COUNTRY].iter().any(|f| fields.contains_key(*f))
    {
        let mut all = before.cloned().unwrap_or_default();
        all.extend(fields.clone());
        records::normalise_contact(&mut all)?;
        for f in [names::EMAIL, names::PHONE] {
            if let (true, Some(v)) = (fields.contains_key(f), all.get(f)) {
                fields.insert(f.to_owned(), v.clone());
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Stages, default_stages};
    use crate::sync::{ClientId, FieldState, Hlc};
    use crate::{OfficeId, UserId};

    fn known() -> Known {
        let mut k = Known::default();
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            k.stages.insert(list, Stages::of(list, default_stages()));
            k = k.with_roles(list, &crate::config::default_tables());
        }
        k
    }

    fn rep() -> Actor {
        Actor { user: UserId::new(), office: OfficeId::new(), permissions: crate::access::presets::sales_rep() }
    }

    fn record(kind: RecordKind, owner: &Actor, values: Value) -> RecordState {
        let hlc = Hlc { wall_ms: 1, counter: 0, client: ClientId(Uuid::nil()) };
        RecordState {
            id: Uuid::now_v7(),
            kind,
            owner_id: owner.user,
            office_id: owner.office,
            version: 3,
            fields: values
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), FieldState { value: v.clone(), version: 3, hlc }))
                .collect(),
        }
    }

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn an_edit_carries_only_the_fields_that_change() {
        let me = Actor { permissions: crate::access::presets::marketing(), ..rep() };
        let r = record(RecordKind::Lead, &me, json!({"title": "Vans", "stage": "new", "interest": null}));
        // The form sends every field as text: untouched ones are the same value.
        let edit = Edit::update(
            RecordKind::Lead,
            r.id,
            obj(json!({"title": "Vans", "interest": "", "groups": [], "source": null, "stage": "contacted"})),
        );
        let out = prepare(edit, Some(&r), &me, &known()).unwrap().unwrap();
        assert_eq!(out.fields, obj(json!({"stage": "contacted"})));
        let unchanged = Edit::update(RecordKind::Lead, r.id, obj(json!({"title": "Vans"})));
        assert_eq!(prepare(unchanged, Some(&r), &me, &known()), Ok(None));
        let owner = Edit::update(RecordKind::Lead, r.id, obj(json!({"owner_id": me.user.to_string()})));
        assert_eq!(prepare(owner, Some(&r), &me, &known()), Ok(None), "the same owner is no change");
    }

    #[test]
    fn a_new_stage_brings_its_probability_unless_the_edit_sets_one() {
        let me = rep();
        let r =
            record(RecordKind::Opportunity, &me, json!({"title": "Vans", "stage": "qualification", "probability": 10}));
        let moved = Edit::update(RecordKind::Opportunity, r.id, Map::new()).set("stage", json!("proposal"));
        let out = prepare(moved, Some(&r), &me, &known()).unwrap().unwrap();
        assert_eq!(out.fields["probability"], 50);
        let typed = Edit::update(RecordKind::Opportunity, r.id, obj(json!({"stage": "proposal", "probability": 40})));
        assert_eq!(prepare(typed, Some(&r), &me, &known()).unwrap().unwrap().fields["probability"], 40);
        let later = record(RecordKind::Opportunity, &me, json!({"title": "Vans", "stage": "proposal"}));
        let back = Edit::update(RecordKind::Opportunity, later.id, obj(json!({"stage": "qualification"})));
        assert_eq!(
            prepare(back, Some(&later), &me, &known()).map_err(|e| matches!(e, Refused::Invalid(_))),
            Err(true),
            "the transition rules hold for every entry point"
        );
    }

    #[test]
    fn what_the_role_may_not_do_is_refused_alike_for_missing_records() {
        let me = rep();
        let colleague = Actor { user: UserId::new(), ..me.clone() };
        let theirs = record(RecordKind::Opportunity, &colleague, json!({"title": "Theirs", "stage": "proposal"}));
        let edit = Edit::update(RecordKind::Opportunity, theirs.id, obj(json!({"title": "Mine now"})));
        let mine = record(RecordKind::Opportunity, &me, json!({"title": "Mine", "stage": "proposal"}));
        let own_edit = Edit::update(RecordKind::Opportunity, mine.id, obj(json!({"title": "Mine, renamed"})));
        assert!(prepare(own_edit, Some(&mine), &me, &known()).unwrap().is_some());
        assert_eq!(prepare(edit.clone(), Some(&theirs), &me, &known()), Err(Refused::NotAllowed));
        assert_eq!(prepare(edit, None, &me, &known()), Err(Refused::NotAllowed), "a missing record: the same answer");
        // A sales rep creates no leads (marketing does).
        let create = Edit::create(RecordKind::Lead, Uuid::now_v7(), obj(json!({"title": "New", "stage": "new"})));
        assert_eq!(prepare(create, None, &me, &known()), Err(Refused::NotAllowed));
        let delete = Edit::delete(RecordKind::Opportunity, theirs.id);
        assert_eq!(prepare(delete, None, &me, &known()), Err(Refused::NotAllowed));
        // A rep may not hand their own opportunity to a colleague (edit: own records only); a
        // manager may, within the office. Said before saving, as the server would.
        let mut k = known();
        k.owners.insert(colleague.user, colleague.office);
        let hand_over =
            Edit::update(RecordKind::Opportunity, mine.id, obj(json!({"owner_id": colleague.user.to_string()})));
        assert_eq!(prepare(hand_over.clone(), Some(&mine), &me, &k), Err(Refused::NotAllowed));
        let manager = Actor { user: UserId::new(), permissions: crate::access::presets::sales_manager(), ..me.clone() };
        assert!(prepare(hand_over, Some(&mine), &manager, &k).unwrap().is_some());
        let for_colleague = Edit::create(
            RecordKind::Opportunity,
            Uuid::now_v7(),
            obj(json!({"title": "X", "owner_id": colleague.user.to_string()})),
        );
        assert_eq!(prepare(for_colleague, None, &me, &k), Err(Refused::NotAllowed));
    }

    #[test]
    fn creates_are_validated_and_contacts_normalised() {
        let me = rep();
        let id = Uuid::now_v7();
        let bad = Edit::create(RecordKind::Contact, id, obj(json!({"last_name": "Smit"})));
        assert!(matches!(prepare(bad, None, &me, &known()), Err(Refused::Invalid(e)) if e.field == "email"));
        let ok = Edit::create(
            RecordKind::Contact,
            id,
            obj(json!({"last_name": "Smit", "email": " Eva@Example.NL", "phone": "06-1234 5678", "function": null})),
        );
        let out = prepare(ok, None, &me, &known()).unwrap().unwrap();
        assert_eq!(out.fields, obj(json!({"last_name": "Smit", "email": "eva@example.nl", "phone": "+31612345678"})));
        let c = record(RecordKind::Contact, &me, json!({"last_name": "Smit", "phone": "+31612345678"}));
        let same_phone = Edit::update(RecordKind::Contact, c.id, obj(json!({"phone": "06 1234 5678"})));
        assert_eq!(prepare(same_phone, Some(&c), &me, &known()), Ok(None), "the same number typed differently");
    }

    #[test]
    fn a_lead_is_converted_only_with_its_opportunity() {
        let marketing = Actor { permissions: crate::access::presets::marketing(), ..rep() };
        let r = record(RecordKind::Lead, &marketing, json!({"title": "Vans", "stage": "qualified"}));
        let by_hand = Edit::update(RecordKind::Lead, r.id, obj(json!({"stage": "converted"})));
        assert!(matches!(
            prepare(by_hand, Some(&r), &marketing, &known()),
            Err(Refused::Invalid(e)) if e.field == "stage"
        ));
        let opportunity = Uuid::now_v7();
        let converting = Edit::update(
            RecordKind::Lead,
            r.id,
            obj(json!({"stage": "converted", "opportunity_id": opportunity.to_string()})),
        );
        let mut k = known();
        assert!(
            matches!(prepare(converting.clone(), Some(&r), &marketing, &k), Err(Refused::Invalid(e)) if e.field == "opportunity_id"),
            "the opportunity must be there first"
        );
        k.records.insert(opportunity, (RecordKind::Opportunity, obj(json!({"title": "Vans"}))));
        assert!(prepare(converting, Some(&r), &marketing, &k).unwrap().is_some());
    }

    #[test]
    fn a_stage_move_brings_its_probability_wherever_it_is_made() {
        let me = Actor { permissions: crate::access::presets::sales_manager(), ..rep() };
        let r =
            record(RecordKind::Opportunity, &me, json!({"title": "Vans", "stage": "qualification", "probability": 10}));
        let out = prepare(Edit::move_stage(RecordKind::Opportunity, r.id, "proposal"), Some(&r), &me, &known());
        assert_eq!(out.unwrap().unwrap().fields, obj(json!({"stage": "proposal", "probability": 50})));
        // A probability the same change sets stays (the form's field beats the stage's default).
        let both = Edit::move_stage(RecordKind::Opportunity, r.id, "proposal").set("probability", json!(35));
        assert_eq!(prepare(both, Some(&r), &me, &known()).unwrap().unwrap().fields["probability"], json!(35));
        // Along the configured transitions only: two steps back is refused on the spot.
        let late = record(RecordKind::Opportunity, &me, json!({"title": "V", "stage": "negotiation"}));
        let back = Edit::move_stage(RecordKind::Opportunity, late.id, "qualification");
        assert!(matches!(prepare(back, Some(&late), &me, &known()), Err(Refused::Invalid(e)) if e.field == "stage"));
    }

    #[test]
    fn group_changes_carry_the_whole_list_and_nothing_when_already_so() {
        let id = Uuid::now_v7();
        let v = obj(json!({"groups": ["a", "b"]}));
        assert_eq!(
            Edit::group(RecordKind::Lead, id, &v, "c", true).unwrap().fields,
            obj(json!({"groups": ["a", "b", "c"]}))
        );
        assert_eq!(Edit::group(RecordKind::Lead, id, &v, "a", false).unwrap().fields, obj(json!({"groups": ["b"]})));
        assert_eq!(Edit::group(RecordKind::Lead, id, &v, "a", true), None);
        assert_eq!(Edit::group(RecordKind::Lead, id, &Map::new(), "a", false), None, "no groups yet");
        assert_eq!(regrouped(&Map::new(), "x", true), Some(vec!["x".to_owned()]));
    }

    #[test]
    fn the_first_linked_contact_is_the_main_contact_and_a_contact_is_linked_once() {
        let (id, eva, bo) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let kind = RecordKind::Lead;
        let first = Edit::link_contact(kind, id, &Map::new(), eva).unwrap();
        let linked = records::contacts_of(&first.fields);
        assert_eq!(linked[0].role.as_deref(), Some(records::MAIN_CONTACT));
        let second = Edit::link_contact(kind, id, &first.fields, bo).unwrap();
        let roles: Vec<_> = records::contacts_of(&second.fields).into_iter().map(|c| c.role).collect();
        assert_eq!(roles, [Some("main_contact".to_owned()), Some("user".to_owned())]);
        assert_eq!(Edit::link_contact(kind, id, &second.fields, bo), None, "linked already");
        let without = Edit::unlink_contact(kind, id, &second.fields, eva).unwrap();
        assert_eq!(records::contacts_of(&without.fields).len(), 1);
        assert_eq!(Edit::unlink_contact(kind, id, &without.fields, eva), None, "not linked");
    }

    #[test]
    fn a_contacts_role_changes_unless_it_holds_a_fixed_one() {
        let me = Actor { permissions: crate::access::presets::marketing(), ..rep() };
        let (eva, bo) = (Uuid::now_v7(), Uuid::now_v7());
        let mut k = known();
        for c in [eva, bo] {
            k.records.insert(c, (RecordKind::Contact, obj(json!({"last_name": "X"}))));
        }
        let contacts = json!([{"id": eva, "role": "main_contact"}, {"id": bo, "role": "user"}]);
        let r = record(RecordKind::Lead, &me, json!({"title": "Vans", "contacts": contacts}));
        let v = r.values();
        let bo_decides = Edit::set_contact_role(RecordKind::Lead, r.id, &v, bo, Some("decision_maker")).unwrap();
        assert!(prepare(bo_decides, Some(&r), &me, &k).unwrap().is_some());
        let eva_demoted = Edit::set_contact_role(RecordKind::Lead, r.id, &v, eva, Some("user")).unwrap();
        assert!(
            matches!(prepare(eva_demoted.clone(), Some(&r), &me, &k), Err(Refused::Invalid(e)) if e.code == records::InvalidCode::FixedRole)
        );
        assert_eq!(Edit::set_contact_role(RecordKind::Lead, r.id, &v, bo, Some(" user ")), None, "the same role");
        assert_eq!(
            Edit::set_contact_role(RecordKind::Lead, r.id, &v, Uuid::now_v7(), Some("user")),
            None,
            "not linked"
        );
        // The administrator unfixes the main contact's role: now it may change.
        let mut tables = crate::config::default_tables();
        tables.iter_mut().for_each(|e| e.fixed = false);
        let k = k.with_roles(RecordKind::Lead, &tables);
        assert!(prepare(eva_demoted, Some(&r), &me, &k).unwrap().is_some());
    }

    #[test]
    fn a_hand_over_is_the_owner_field_and_is_checked_on_both_sides() {
        let me = rep();
        let elsewhere = Actor { office: crate::OfficeId::new(), ..rep() };
        let mut k = known();
        k.owners.insert(elsewhere.user, elsewhere.office);
        let r = record(RecordKind::Opportunity, &me, json!({"title": "Vans"}));
        let to_far = Edit::set_owner(RecordKind::Opportunity, r.id, elsewhere.user);
        assert_eq!(to_far.fields, obj(json!({"owner_id": elsewhere.user.to_string()})));
        assert_eq!(
            prepare(to_far, Some(&r), &me, &k),
            Err(Refused::NotAllowed),
            "a rep may not give it to another office"
        );
        let manager = Actor { permissions: crate::access::presets::administrator(), ..me.clone() };
        let to_far = Edit::set_owner(RecordKind::Opportunity, r.id, elsewhere.user);
        assert!(prepare(to_far, Some(&r), &manager, &k).unwrap().is_some());
    }
}
