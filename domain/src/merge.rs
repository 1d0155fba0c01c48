//! Merging duplicates (SPEC DM-1, DM-2; issue 14): two companies, contacts or leads become one.
//! The survivor keeps its id and number and takes, per field, the value the user chose (and
//! every value it lacks); every record that linked the merged one links the survivor; the
//! merged record becomes a tombstone that redirects — a later edit of it (from a device that
//! was offline during the merge) lands on the survivor, and a later link to it is moved there,
//! so nothing a user was told was saved is lost.
//!
//! Pure: the server carries a merge out in one transaction through the ordinary `apply`
//! (rules, history, triggers), with these functions saying what to change.

use crate::RecordKind;
use crate::records::{LinkedContact, MAIN_CONTACT, contacts_of, contacts_value, id_of};
use crate::schema::{FieldType, names};
use crate::sync::{Mutation, StoredRecord};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use uuid::Uuid;

/// The kinds whose duplicates can be merged.
pub const MERGEABLE: [RecordKind; 3] = [RecordKind::Company, RecordKind::Contact, RecordKind::Lead];

/// How many merges a redirect follows (a merged survivor merged again, and so on).
pub const MAX_CHAIN: usize = 16;

/// A merge as the API takes it: `merged` goes into `survivor`; `take` names the fields whose
/// value comes from the merged record (the survivor's wins elsewhere, unless it has none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeRequest {
    pub survivor: Uuid,
    pub merged: Uuid,
    #[serde(default)]
    pub take: Vec<String>,
}

/// What a merge did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergeResponse {
    pub survivor: Uuid,
    /// The version of the merge's last change (a pull past it sees everything).
    pub version: u64,
    /// How many other records now link the survivor instead of the merged record.
    pub relinked: u32,
}

/// The history entry a merge leaves on both records (op `merge`): one change whose field says
/// which side the record was on, and whose new value names the other record.
pub const HISTORY_MERGED: &str = "merged";
pub const HISTORY_MERGED_INTO: &str = "merged_into";

/// The other record of a merge, as its history entry names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MergedRecord {
    pub id: Uuid,
    pub name: String,
}

/// Where a merged record went (`GET /api/records/{kind}/{id}/merged`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedInto {
    pub survivor: Uuid,
}

/// Why a merge cannot be done as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    #[error("only companies, contacts and leads can be merged")]
    NotMergeable,
    #[error("a record cannot be merged with itself")]
    SameRecord,
    #[error("`{0}` is not a field that can be taken over")]
    UnknownField(String),
    #[error("both leads were converted to an opportunity: merge the opportunities' leads apart first")]
    BothConverted,
}

/// Whether a value holds nothing (absent, null, blank text, empty list).
fn is_empty(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(a)) => a.is_empty(),
        Some(_) => false,
    }
}

/// The fields a merge may take from the merged record: the kind's fields except those the
/// server assigns (the survivor keeps its number).
fn mergeable_fields(kind: RecordKind) -> impl Iterator<Item = &'static crate::schema::Field> {
    crate::schema::fields(kind).iter().filter(|f| f.ty != FieldType::Assigned)
}

/// A field a merge asks about, of the merged record's values: whether the survivor has none
/// (then the merged value fills it unasked) or holds another (then the user chooses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub field: &'static str,
    pub fills: bool,
}

/// The fields a merge would ask about: those the merged record holds and the survivor holds
/// differently or not at all. Lists (groups, contacts) are united and numbers stay, so neither
/// is asked — the same rule [`survivor_changes`] applies.
pub fn choices(kind: RecordKind, survivor: &Map<String, Value>, merged: &Map<String, Value>) -> Vec<Choice> {
    mergeable_fields(kind)
        .filter(|f| !matches!(f.ty, FieldType::Contacts | FieldType::Groups))
        .filter(|f| !is_empty(merged.get(f.name)) && survivor.get(f.name) != merged.get(f.name))
        .map(|f| Choice { field: f.name, fills: is_empty(survivor.get(f.name)) })
        .collect()
}

/// A list field's items: the survivor's, then the merged record's it lacks (groups; contacts
/// are merged by [`union_contacts`]).
fn union_list(a: Option<&Value>, b: Option<&Value>) -> Value {
    let mut out: Vec<Value> = a.and_then(Value::as_array).cloned().unwrap_or_default();
    for item in b.and_then(Value::as_array).into_iter().flatten() {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Value::Array(out)
}

/// Two contact lists as one: the survivor's, then the merged record's others; one main contact
/// (the survivor's if it has one).
fn union_contacts(a: &[LinkedContact], b: &[LinkedContact]) -> Vec<LinkedContact> {
    let has_main = a.iter().any(|c| c.role.as_deref() == Some(MAIN_CONTACT));
    let mut out = a.to_vec();
    for c in b {
        if out.iter().any(|o| o.id == c.id) {
            continue;
        }
        let mut c = c.clone();
        if has_main && c.role.as_deref() == Some(MAIN_CONTACT) {
            c.role = Some(crate::records::OTHER_CONTACT.to_owned());
        }
        out.push(c);
    }
    out
}

/// What the survivor's update sets: per field, the merged record's value where `take` names the
/// field or the survivor has none; lists (groups, contacts) united. Only fields that change.
pub fn survivor_changes(
    kind: RecordKind,
    survivor: &Map<String, Value>,
    merged: &Map<String, Value>,
    take: &[String],
) -> Result<Map<String, Value>, MergeError> {
    if !MERGEABLE.contains(&kind) {
        return Err(MergeError::NotMergeable);
    }
    if let Some(bad) = take.iter().find(|t| !mergeable_fields(kind).any(|f| f.name == t.as_str())) {
        return Err(MergeError::UnknownField(bad.chars().take(64).collect()));
    }
    if kind == RecordKind::Lead
        && let (Some(a), Some(b)) = (id_of(survivor, names::OPPORTUNITY_ID), id_of(merged, names::OPPORTUNITY_ID))
        && a != b
    {
        return Err(MergeError::BothConverted);
    }
    let mut out = Map::new();
    for field in mergeable_fields(kind) {
        let (mine, theirs) = (survivor.get(field.name), merged.get(field.name));
        let value = match field.ty {
            FieldType::Contacts => contacts_value(&union_contacts(&contacts_of(survivor), &contacts_of(merged))),
            FieldType::Groups => union_list(mine, theirs),
            _ if take.iter().any(|t| t == field.name) => theirs.cloned().unwrap_or(Value::Null),
            _ if is_empty(mine) && !is_empty(theirs) => theirs.cloned().unwrap_or(Value::Null),
            _ => continue,
        };
        let unchanged = match mine {
            Some(m) => *m == value,
            None => is_empty(Some(&value)),
        };
        if !unchanged {
            out.insert(field.name.to_owned(), value);
        }
    }
    // Criteria (fields of their own, not in the schema): the survivor's stay; one it has not
    // chosen in is filled from the other.
    for (name, theirs) in merged.iter().filter(|(k, _)| crate::criteria::code_of(k).is_some()) {
        let mine = crate::criteria::chosen(survivor.get(name));
        if mine.is_empty() && !crate::criteria::chosen(Some(theirs)).is_empty() {
            out.insert(name.clone(), theirs.clone());
        }
    }
    Ok(out)
}

/// What a record of `kind` must change so that it links `survivor` wherever it linked `merged`
/// (its link fields and linked contacts); empty when it does not link `merged`.
pub fn relink(kind: RecordKind, values: &Map<String, Value>, merged: Uuid, survivor: Uuid) -> Map<String, Value> {
    let mut out = Map::new();
    for (field, _) in crate::schema::link_fields(kind) {
        if field == names::CONTACTS {
            let contacts = contacts_of(values);
            let Some(at) = contacts.iter().position(|c| c.id == merged) else { continue };
            let mut moved = contacts.clone();
            let gone = moved.remove(at);
            match moved.iter_mut().find(|c| c.id == survivor) {
                // Linked both: one entry stays, with the main role if either had it.
                Some(kept) => {
                    if gone.role.as_deref() == Some(MAIN_CONTACT) {
                        kept.role = gone.role;
                    }
                }
                None => moved.insert(at, LinkedContact { id: survivor, role: gone.role }),
            }
            out.insert(field.to_owned(), contacts_value(&moved));
        } else if id_of(values, field) == Some(merged) {
            out.insert(field.to_owned(), Value::String(survivor.to_string()));
        }
    }
    out
}

/// An incoming change's links to merged records, moved to their survivors (`survivor_of` follows
/// the merges). Whether anything moved.
pub fn follow_links(m: &mut Mutation, survivor_of: &dyn Fn(Uuid) -> Option<Uuid>) -> bool {
    let values: Map<String, Value> = m.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut moved = false;
    for target in crate::records::references(m.kind, &values) {
        if let Some(survivor) = survivor_of(target) {
            let current: Map<String, Value> = m.fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            for (k, v) in relink(m.kind, &current, target, survivor) {
                m.fields.insert(k, v);
                moved = true;
            }
        }
    }
    moved
}

/// A change of a merged record, redirected to its survivor: the same fields, now on the
/// survivor. A field nobody changed since the merge (version `merged_at`) takes the edit as it
/// would have on the merged record; one changed since competes by clock as any concurrent edit
/// (the loser kept in the conflict log).
pub fn redirect(m: &Mutation, survivor: &StoredRecord, merged_at: u64) -> Mutation {
    let base_versions: BTreeMap<String, u64> = m
        .fields
        .keys()
        .map(|k| {
            let base = match survivor.fields.get(k) {
                Some(f) if f.version <= merged_at => f.version,
                _ => merged_at,
            };
            (k.clone(), base)
        })
        .collect();
    Mutation { record_id: survivor.id, kind: survivor.kind, base_versions, ..m.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{ClientId, FieldState, Hlc, Op, decide};
    use crate::{Actor, OfficeId, UserId, access::presets};
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    #[test]
    fn the_survivor_keeps_its_values_takes_the_chosen_ones_and_fills_its_gaps() {
        let s = map(json!({ "name": "Acme", "city": "Gouda", "phone": "" }));
        let m = map(json!({ "name": "ACME B.V.", "city": "Delft", "phone": "+31182123456", "website": "acme.nl" }));
        let changes = survivor_changes(RecordKind::Company, &s, &m, &["city".into()]).unwrap();
        assert_eq!(
            changes,
            map(json!({ "city": "Delft", "phone": "+31182123456", "website": "acme.nl" })),
            "name stays, city taken, empty phone and missing website filled"
        );
        assert!(survivor_changes(RecordKind::Company, &s, &s, &[]).unwrap().is_empty(), "the same values: nothing");
    }

    #[test]
    fn criteria_the_survivor_has_not_chosen_in_come_from_the_other() {
        let s = map(json!({ "last_name": "Bakker", "criterion:segment": ["fleet"], "criterion:sector": [] }));
        let m = map(json!({ "last_name": "Bakker", "criterion:segment": ["private"], "criterion:sector": ["food"],
                            "criterion:interests": ["ev", "vans"] }));
        let changes = survivor_changes(RecordKind::Contact, &s, &m, &[]).unwrap();
        assert_eq!(
            changes,
            map(json!({ "criterion:sector": ["food"], "criterion:interests": ["ev", "vans"] })),
            "the survivor's segment stays; the gaps are filled"
        );
    }

    #[test]
    fn the_choices_are_the_values_that_differ_and_the_gaps_that_fill() {
        let s = map(json!({ "title": "Fleet", "source": "", "groups": ["a"], "number": "L1" }));
        let m =
            map(json!({ "title": "Fleet 2027", "source": "website", "groups": ["b"], "number": "L2", "interest": "" }));
        assert_eq!(
            choices(RecordKind::Lead, &s, &m),
            vec![Choice { field: "title", fills: false }, Choice { field: "source", fills: true }],
            "no number, no lists, nothing the merged record lacks"
        );
        // What is chosen and what fills is what the survivor's update then sets.
        let changes = survivor_changes(RecordKind::Lead, &s, &m, &["title".into()]).unwrap();
        assert_eq!(changes["title"], "Fleet 2027");
        assert_eq!(changes["source"], "website");
    }

    #[test]
    fn taking_a_value_the_merged_record_lacks_clears_it() {
        let s = map(json!({ "first_name": "Eva", "last_name": "Smit", "function": "Buyer" }));
        let m = map(json!({ "first_name": "Eva", "last_name": "Smit" }));
        let changes = survivor_changes(RecordKind::Contact, &s, &m, &["function".into()]).unwrap();
        assert_eq!(changes, map(json!({ "function": null })));
    }

    #[test]
    fn lists_are_united_with_one_main_contact() {
        let (a, b, c) = (id(1), id(2), id(3));
        let s = map(json!({ "title": "Fleet", "groups": ["north"],
            "contacts": [{ "id": a, "role": "main_contact" }, { "id": b, "role": "user" }] }));
        let m = map(json!({ "title": "Fleet deal", "groups": ["north", "south"],
            "contacts": [{ "id": c, "role": "main_contact" }, { "id": b, "role": "user" }] }));
        let changes = survivor_changes(RecordKind::Lead, &s, &m, &[]).unwrap();
        assert_eq!(changes["groups"], json!(["north", "south"]));
        assert_eq!(
            changes["contacts"],
            json!([{ "id": a, "role": "main_contact" }, { "id": b, "role": "user" }, { "id": c, "role": "user" }])
        );
        assert!(!changes.contains_key("title"));
    }

    #[test]
    fn what_cannot_be_merged_is_refused_with_the_reason() {
        let s = map(json!({ "title": "A", "opportunity_id": id(8) }));
        let m = map(json!({ "title": "B", "opportunity_id": id(9) }));
        assert_eq!(survivor_changes(RecordKind::Lead, &s, &m, &[]), Err(MergeError::BothConverted));
        assert_eq!(survivor_changes(RecordKind::Opportunity, &s, &m, &[]), Err(MergeError::NotMergeable));
        assert_eq!(
            survivor_changes(RecordKind::Lead, &s, &map(json!({})), &["number".into()]),
            Err(MergeError::UnknownField("number".into())),
            "the survivor keeps its number"
        );
        assert_eq!(
            survivor_changes(RecordKind::Company, &s, &s, &["nonsense".into()]),
            Err(MergeError::UnknownField("nonsense".into()))
        );
        // One converted lead: the survivor takes the conversion.
        let one = survivor_changes(RecordKind::Lead, &map(json!({ "title": "A" })), &m, &[]).unwrap();
        assert_eq!(one["opportunity_id"], json!(id(9)));
    }

    #[test]
    fn relinking_moves_links_and_contacts_to_the_survivor() {
        let (gone, kept, other) = (id(1), id(2), id(3));
        let activity = map(json!({ "subject": "Call", "company_id": gone.to_string() }));
        assert_eq!(relink(RecordKind::Activity, &activity, gone, kept), map(json!({ "company_id": kept.to_string() })));
        assert!(relink(RecordKind::Activity, &activity, other, kept).is_empty(), "links elsewhere: nothing");
        // A lead linking both: one entry, with the main role the merged contact had.
        let lead = map(json!({ "title": "X", "contacts": [
            { "id": kept, "role": "user" }, { "id": gone, "role": "main_contact" }, { "id": other, "role": "user" }] }));
        assert_eq!(
            relink(RecordKind::Lead, &lead, gone, kept)["contacts"],
            json!([{ "id": kept, "role": "main_contact" }, { "id": other, "role": "user" }])
        );
        // Linking only the merged contact: the survivor takes its place and role.
        let lead = map(
            json!({ "title": "X", "contacts": [{ "id": other, "role": "user" }, { "id": gone, "role": "main_contact" }] }),
        );
        assert_eq!(
            relink(RecordKind::Lead, &lead, gone, kept)["contacts"],
            json!([{ "id": other, "role": "user" }, { "id": kept, "role": "main_contact" }])
        );
    }

    fn hlc(wall_ms: i64, c: u128) -> Hlc {
        Hlc { wall_ms, counter: 0, client: ClientId(id(c)) }
    }

    fn stored(rid: Uuid, fields: &[(&str, Value, u64, Hlc)]) -> StoredRecord {
        StoredRecord {
            id: rid,
            kind: RecordKind::Company,
            owner: UserId(id(50)),
            office: OfficeId(id(60)),
            fields: fields
                .iter()
                .map(|(k, v, version, h)| {
                    ((*k).to_owned(), FieldState { value: v.clone(), version: *version, hlc: *h })
                })
                .collect(),
            version: fields.iter().map(|f| f.2).max().unwrap_or(1),
            deleted: false,
        }
    }

    #[test]
    fn an_offline_edit_of_the_merged_record_lands_on_the_survivor() {
        let (gone, kept) = (id(1), id(2));
        // Merged at version 10: the survivor took the city then; its phone changed since (v12).
        let survivor = stored(
            kept,
            &[
                ("name", json!("Acme"), 3, hlc(100, 9)),
                ("city", json!("Delft"), 10, hlc(500, 0)),
                ("phone", json!("+31100"), 12, hlc(900, 7)),
            ],
        );
        // Edited offline before the merge (clock 200), pushed after it.
        let edit = Mutation {
            id: 4,
            kind: RecordKind::Company,
            record_id: gone,
            op: Op::Update,
            fields: [("city".to_owned(), json!("Gouda")), ("phone".to_owned(), json!("+31200"))].into(),
            base_versions: [("city".to_owned(), 2), ("phone".to_owned(), 2)].into(),
            hlc: hlc(200, 5),
        };
        let redirected = redirect(&edit, &survivor, 10);
        assert_eq!(redirected.record_id, kept);
        let actor = Actor { user: UserId(id(50)), office: OfficeId(id(60)), permissions: presets::administrator() };
        let office = |_| Some(OfficeId(id(60)));
        let d = decide(Some(&survivor), &actor, &redirected, 13, 1_000, &office, &Default::default());
        let crate::sync::Effect::Update { record, conflicts, .. } = d.effect else { panic!("{:?}", d.outcome) };
        assert_eq!(record.fields["city"].value, json!("Gouda"), "untouched since the merge: the edit applies");
        assert_eq!(record.fields["phone"].value, json!("+31100"), "edited after the merge, later clock: kept");
        assert_eq!(conflicts.len(), 1, "the losing phone is kept in the conflict log");
        assert_eq!(conflicts[0].lost.value, json!("+31200"));
    }

    #[test]
    fn a_new_link_to_a_merged_record_is_moved_to_its_survivor() {
        let (gone, kept) = (id(1), id(2));
        let mut m = Mutation {
            id: 1,
            kind: RecordKind::Lead,
            record_id: id(7),
            op: Op::Create,
            fields: [
                ("title".to_owned(), json!("Vans")),
                ("company_id".to_owned(), json!(gone.to_string())),
                ("contacts".to_owned(), json!([{ "id": gone, "role": "main_contact" }])),
            ]
            .into(),
            base_versions: BTreeMap::new(),
            hlc: hlc(1, 1),
        };
        assert!(follow_links(&mut m, &|x| (x == gone).then_some(kept)));
        assert_eq!(m.fields["company_id"], json!(kept.to_string()));
        assert_eq!(m.fields["contacts"], json!([{ "id": kept, "role": "main_contact" }]));
        assert!(!follow_links(&mut m, &|x| (x == gone).then_some(kept)), "nothing left to move");
    }
}
