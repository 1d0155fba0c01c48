//! The business records' rules (SPEC DM-1…DM-8, LO-5), shared by the app (to say what is wrong
//! next to the field, offline too) and the server (to refuse what breaks them, whatever client
//! sent it). Records are JSON objects of field values; this module knows their fields.
//!
//! Validation looks only at what a change touches, so a record saved before a rule existed is
//! not wedged by it; and it judges the state after the merge, so a change that became invalid
//! through a colleague's concurrent edit is refused with a reason rather than half-applied.

use crate::config::{Stages, TransitionError};
use crate::schema::FieldType;
use crate::schema::names;
use crate::{Email, Phone, RecordKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

/// A contact linked to a lead or opportunity, with its role (a code of the role table).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedContact {
    pub id: Uuid,
    #[serde(default)]
    pub role: Option<String>,
}

/// Field names the rules and the named changes (`edit::Edit::move_stage`, …) share.
pub use crate::schema::names::{CONTACTS, GROUPS, STAGE};
/// The role of a lead's or opportunity's main contact (fixed in the default role table).
pub const MAIN_CONTACT: &str = "main_contact";
/// The role a contact gets when the record has a main contact already.
pub const OTHER_CONTACT: &str = "user";

/// Why a change breaks a rule: the field it concerns and what is wrong, in English (the app
/// shows its own translation for the codes it knows, this text otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[error("{message}")]
pub struct Invalid {
    pub field: String,
    pub code: InvalidCode,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvalidCode {
    Required,
    EmailOrPhoneRequired,
    BadEmail,
    BadPhone,
    BadNumber,
    StageNotAllowed,
    ContactBlocked,
    NotFound,
    AlreadyConverted,
    LinkedElsewhere,
    FixedRole,
    BadConfig,
    /// An attachment above [`ATTACHMENT_LIMIT`].
    TooLarge,
    /// A lead moved to its conversion stage without becoming an opportunity.
    ConvertByHand,
    /// A value nested deeper than [`limits::MAX_DEPTH`].
    TooDeep,
    /// One field's value larger than [`limits::MAX_FIELD_BYTES`].
    FieldTooLarge,
    /// A record larger than [`limits::MAX_RECORD_BYTES`] or with more than
    /// [`limits::MAX_RECORD_FIELDS`] fields.
    RecordTooLarge,
    /// A date that is not one (an import's cell).
    BadDate,
    /// A value that is not among those allowed: no such stage, table entry or user, not yes or
    /// no (an import's cell).
    BadValue,
    /// The user's role does not allow the change (an import's row).
    NotAllowed,
}

/// What one record may hold, so that no record can wedge a pull or fill a device: a value's
/// nesting, one field's size, the record's size and its number of fields. The same rules run in
/// the app (before a change is saved) and on the server (before it is stored).
pub mod limits {
    /// Levels of arrays and objects in one value (linked contacts use 2).
    pub const MAX_DEPTH: usize = 8;
    /// One field's value, as JSON.
    pub const MAX_FIELD_BYTES: usize = 64 * 1024;
    /// A whole record's values, as JSON.
    pub const MAX_RECORD_BYTES: usize = 256 * 1024;
    /// Fields of one record.
    pub const MAX_RECORD_FIELDS: usize = 200;
}

/// How deeply arrays and objects nest in `value` (a plain value is 0).
pub fn depth(value: &Value) -> usize {
    match value {
        Value::Array(items) => 1 + items.iter().map(depth).max().unwrap_or(0),
        Value::Object(map) => 1 + map.values().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// The size of `value` as JSON, in bytes.
fn json_len(value: &Value) -> usize {
    serde_json::to_string(value).map_or(usize::MAX, |s| s.len())
}

/// Checks the values a change sets against [`limits`] (nesting, then size), naming the field.
pub fn check_values<'a>(fields: impl IntoIterator<Item = (&'a String, &'a Value)>) -> Result<(), Invalid> {
    for (name, value) in fields {
        if depth(value) > limits::MAX_DEPTH {
            return Err(invalid(
                name,
                InvalidCode::TooDeep,
                format!("a value may nest at most {} levels deep", limits::MAX_DEPTH),
            ));
        }
        if json_len(value) > limits::MAX_FIELD_BYTES {
            return Err(invalid(
                name,
                InvalidCode::FieldTooLarge,
                format!("a field may hold at most {} KB", limits::MAX_FIELD_BYTES / 1024),
            ));
        }
    }
    Ok(())
}

/// Checks a whole record against [`limits`]: its number of fields and its size.
pub fn check_record(values: &Map<String, Value>) -> Result<(), Invalid> {
    if values.len() > limits::MAX_RECORD_FIELDS {
        return Err(invalid(
            "",
            InvalidCode::RecordTooLarge,
            format!("a record may have at most {} fields", limits::MAX_RECORD_FIELDS),
        ));
    }
    let size: usize = values.iter().map(|(k, v)| k.len() + json_len(v)).sum();
    if size > limits::MAX_RECORD_BYTES {
        return Err(invalid(
            "",
            InvalidCode::RecordTooLarge,
            format!("a record may hold at most {} KB", limits::MAX_RECORD_BYTES / 1024),
        ));
    }
    Ok(())
}

/// The prefix and first number of the kinds the server numbers when their creation arrives
/// (leads L10001…, opportunities O20001…); the device shows the prefix and "…" until then.
pub fn numbering(kind: RecordKind) -> Option<(&'static str, i64)> {
    match kind {
        RecordKind::Lead => Some(("L", 10_001)),
        RecordKind::Opportunity => Some(("O", 20_001)),
        _ => None,
    }
}

/// The largest file an attachment may hold (DM-8): 10 MiB.
pub const ATTACHMENT_LIMIT: u64 = 10 * 1024 * 1024;

/// The types an attachment may have (DM-8).
pub const ATTACHMENT_TYPES: [&str; 5] = ["quote", "brochure", "contract", "presentation", "other"];

/// A size for people: "512 KB", "3.4 MB".
pub fn size_text(bytes: u64) -> String {
    if bytes < 1024 * 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    }
}

fn invalid(field: &str, code: InvalidCode, message: impl Into<String>) -> Invalid {
    Invalid { field: field.to_owned(), code, message: message.into() }
}

/// Whether a link changes from a merged record to its survivor (`Known::merged`).
fn merged_into(known: &Known, old: &Value, new: &Value) -> bool {
    let id = |v: &Value| v.as_str().and_then(|s| s.parse::<Uuid>().ok());
    matches!((id(old), id(new)), (Some(o), Some(n)) if known.merged.get(&o) == Some(&n))
}

/// The one refusal of a link to a record that is not there for the user (whatever the reason).
fn link_missing(field: &str) -> Invalid {
    invalid(field, InvalidCode::NotFound, "a linked record does not exist")
}

/// What validation may look up: other records a change refers to, and the stage lists.
#[derive(Clone, Debug, Default)]
pub struct Known {
    pub records: HashMap<Uuid, (RecordKind, Map<String, Value>)>,
    pub stages: BTreeMap<RecordKind, Stages>,
    /// The offices of users a record may be handed to (the app's list of colleagues).
    pub owners: HashMap<crate::UserId, crate::OfficeId>,
    /// Per list, the contact roles an administrator marked fixed (`TableEntry.fixed`): the
    /// role of a contact holding one cannot be changed. Read when a change touches contacts.
    pub fixed_roles: BTreeMap<RecordKind, std::collections::BTreeSet<String>>,
    /// Records merged into another in this change's transaction, with their survivor
    /// (`merge`): moving a link from one to the other is allowed where a change of link is not
    /// (a job order's lead), and a survivor replaces a merged contact even when blocked.
    pub merged: HashMap<Uuid, Uuid>,
    /// Per list, its criteria (`crate::criteria`): read when a change sets one.
    pub criteria: BTreeMap<RecordKind, Vec<crate::criteria::Criterion>>,
}

impl Known {
    /// Sets the criteria of `kind` from its criterion table.
    pub fn with_criteria<'a>(
        mut self,
        kind: RecordKind,
        entries: impl IntoIterator<Item = &'a crate::config::TableEntry>,
    ) -> Known {
        self.criteria.insert(kind, crate::criteria::of_kind(kind, entries));
        self
    }

    /// Whether `role` is fixed on records of `kind`.
    pub fn is_fixed_role(&self, kind: RecordKind, role: &str) -> bool {
        self.fixed_roles.get(&kind).is_some_and(|roles| roles.contains(role))
    }

    /// Sets the fixed roles of `kind` from its role table.
    pub fn with_roles<'a>(
        mut self,
        kind: RecordKind,
        roles: impl IntoIterator<Item = &'a crate::config::TableEntry>,
    ) -> Known {
        self.fixed_roles.insert(
            kind,
            roles
                .into_iter()
                .filter(|e| e.fixed && e.list == kind && e.table == crate::config::Table::Role)
                .map(|e| e.code.clone())
                .collect(),
        );
        self
    }
}

/// A string field, trimmed; `None` when absent, null or blank.
pub fn text<'a>(values: &'a Map<String, Value>, field: &str) -> Option<&'a str> {
    values.get(field)?.as_str().map(str::trim).filter(|s| !s.is_empty())
}

/// A reference field (`company_id`, `lead_id`, …).
pub fn id_of(values: &Map<String, Value>, field: &str) -> Option<Uuid> {
    text(values, field)?.parse().ok()
}

/// The contacts a lead or opportunity links, in order.
pub fn contacts_of(values: &Map<String, Value>) -> Vec<LinkedContact> {
    values.get(names::CONTACTS).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default()
}

pub fn contacts_value(contacts: &[LinkedContact]) -> Value {
    serde_json::to_value(contacts).unwrap_or(Value::Array(Vec::new()))
}

/// A contact's display name.
pub fn contact_name(values: &Map<String, Value>) -> String {
    let parts: Vec<&str> =
        [text(values, names::FIRST_NAME), text(values, names::LAST_NAME)].into_iter().flatten().collect();
    parts.join(" ")
}

/// Whether a contact is blocked, and why.
pub fn blocked(values: &Map<String, Value>) -> Option<String> {
    values
        .get(names::BLOCKED)
        .and_then(Value::as_bool)
        .filter(|b| *b)
        .map(|_| text(values, names::BLOCKED_REASON).unwrap_or_default().to_owned())
}

/// The other records a change to a record of `kind` refers to (for the server to load): what
/// its link fields and linked contacts point at (`schema::link_fields`).
pub fn references(kind: RecordKind, fields: &Map<String, Value>) -> Vec<Uuid> {
    let mut out = Vec::new();
    for (field, _) in crate::schema::link_fields(kind) {
        if field == names::CONTACTS {
            out.extend(contacts_of(fields).into_iter().map(|c| c.id));
        } else {
            out.extend(id_of(fields, field));
        }
    }
    out
}

/// What a record of `kind` is called in lists, links and reports: a contact's first and last
/// name, else its title field (`schema::title_field`).
pub fn display_name(kind: RecordKind, values: &Map<String, Value>) -> String {
    match kind {
        RecordKind::Contact => contact_name(values),
        _ => crate::schema::title_field(kind).and_then(|f| text(values, f)).unwrap_or_default().to_owned(),
    }
}

/// Normalises a contact's e-mail and phone as typed (so duplicates are found), or says what is
/// wrong with them. `country` is the contact's, else the office's (ISO 3166, e.g. `NL`).
pub fn normalise_contact(values: &mut Map<String, Value>) -> Result<(), Invalid> {
    let country = text(values, names::COUNTRY).map(str::to_owned);
    if let Some(raw) = text(values, names::EMAIL).map(str::to_owned) {
        let email = Email::parse(&raw).map_err(|e| invalid(names::EMAIL, InvalidCode::BadEmail, e.to_string()))?;
        values.insert(names::EMAIL.into(), json!(email.as_str()));
    }
    if let Some(raw) = text(values, names::PHONE).map(str::to_owned) {
        let phone = Phone::parse(&raw, country.as_deref().or(Some("NL")))
            .map_err(|e| invalid(names::PHONE, InvalidCode::BadPhone, e.to_string()))?;
        values.insert(names::PHONE.into(), json!(phone.as_str()));
    }
    if text(values, names::EMAIL).is_none() && text(values, names::PHONE).is_none() {
        return Err(invalid(
            names::EMAIL,
            InvalidCode::EmailOrPhoneRequired,
            "a contact needs an e-mail address or a phone number",
        ));
    }
    Ok(())
}

/// Checks a change to record `id` of `kind`: `before` is the stored state (none for a create),
/// `after` the state the change would leave, `changed` the fields the change set.
pub fn validate(
    kind: RecordKind,
    id: Uuid,
    before: Option<&Map<String, Value>>,
    after: &Map<String, Value>,
    changed: &[String],
    known: &Known,
) -> Result<(), Invalid> {
    check_values(after.iter().filter(|(k, _)| before.is_none() || changed.contains(k)))?;
    check_record(after)?;
    let touched = |f: &str| before.is_none() || changed.iter().any(|c| c == f);
    let was = |f: &str| before.and_then(|b| b.get(f)).filter(|v| !v.is_null());
    let required = |f: &str, what: &str| {
        if touched(f) && text(after, f).is_none() {
            Err(invalid(f, InvalidCode::Required, format!("{what} is required")))
        } else {
            Ok(())
        }
    };
    for f in crate::schema::required_fields(kind) {
        required(f, &format!("`{f}`"))?;
    }
    // Amounts and percentages: numbers of at least 0; a percentage at most 100.
    for field in crate::schema::fields(kind).iter().filter(|f| matches!(f.ty, FieldType::Money | FieldType::Percent)) {
        let f = field.name;
        if !touched(f) {
            continue;
        }
        if after.get(f).is_some_and(|v| !v.is_null() && v.as_f64().is_none_or(|n| n < 0.0)) {
            return Err(invalid(f, InvalidCode::BadNumber, format!("`{f}` must be a number of at least 0")));
        }
        if field.ty == FieldType::Percent && after.get(f).and_then(Value::as_f64).is_some_and(|p| p > 100.0) {
            return Err(invalid(f, InvalidCode::BadNumber, format!("`{f}` is a percentage: at most 100")));
        }
    }
    // Criteria: options of the list's own criteria (companies and contacts have them).
    for (field, value) in after.iter().filter(|(k, _)| crate::criteria::code_of(k).is_some() && touched(k)) {
        let criteria = known.criteria.get(&kind).map(Vec::as_slice).unwrap_or_default();
        if let Err(e) = crate::criteria::check(criteria, field, value) {
            return Err(invalid(field, InvalidCode::BadValue, e.to_string()));
        }
    }
    match kind {
        RecordKind::Company => Ok(()),
        RecordKind::Contact => {
            if [names::EMAIL, names::PHONE, names::COUNTRY].iter().any(|f| touched(f)) {
                let mut copy = after.clone();
                normalise_contact(&mut copy)?;
            }
            if (touched(names::FIRST_NAME) || touched(names::LAST_NAME)) && contact_name(after).is_empty() {
                return Err(invalid(names::LAST_NAME, InvalidCode::Required, "a contact needs a name"));
            }
            Ok(())
        }
        RecordKind::Lead | RecordKind::Opportunity => {
            if touched(names::STAGE)
                && let Some(to) = text(after, names::STAGE)
            {
                let from = before.and_then(|b| text(b, names::STAGE));
                if let Some(stages) = known.stages.get(&kind).filter(|s| !s.0.is_empty()) {
                    // Conversion (LO-5) closes a lead from whatever stage it is in.
                    let converting = kind == RecordKind::Lead
                        && changed.iter().any(|c| c == names::OPPORTUNITY_ID)
                        && stages.default_end().is_some_and(|e| e.code == to);
                    if !converting {
                        let target = stages.check_move(from, to).map_err(|e: TransitionError| {
                            invalid(names::STAGE, InvalidCode::StageNotAllowed, e.to_string())
                        })?;
                        // A lead reaches its conversion stage only by becoming an opportunity.
                        if kind == RecordKind::Lead
                            && from != Some(to)
                            && target.outcome == Some(crate::config::Outcome::Converted)
                            && text(after, names::OPPORTUNITY_ID).is_none()
                        {
                            return Err(invalid(
                                names::STAGE,
                                InvalidCode::ConvertByHand,
                                "a lead is converted with “+ Opportunity”, not by choosing its stage",
                            ));
                        }
                    }
                }
            }
            if touched(names::CONTACTS) {
                let old = before.map(contacts_of).unwrap_or_default();
                for c in contacts_of(after) {
                    let previous = old.iter().find(|o| o.id == c.id);
                    let replaces_merged = old.iter().any(|o| known.merged.get(&o.id) == Some(&c.id));
                    if previous.is_none() && !replaces_merged {
                        match known.records.get(&c.id) {
                            Some((RecordKind::Contact, values)) => {
                                if let Some(reason) = blocked(values) {
                                    let name = contact_name(values);
                                    let why = if reason.is_empty() { String::new() } else { format!(": {reason}") };
                                    return Err(invalid(
                                        names::CONTACTS,
                                        InvalidCode::ContactBlocked,
                                        format!("{name} is blocked and cannot be linked{why}"),
                                    ));
                                }
                            }
                            _ => return Err(link_missing(names::CONTACTS)),
                        }
                    }
                    if let Some(prev) = previous
                        && prev.role != c.role
                        && prev.role.as_deref().is_some_and(|role| known.is_fixed_role(kind, role))
                    {
                        return Err(invalid(
                            names::CONTACTS,
                            InvalidCode::FixedRole,
                            format!("the role `{}` is fixed", prev.role.as_deref().unwrap_or_default()),
                        ));
                    }
                }
            }
            if kind == RecordKind::Lead
                && touched(names::OPPORTUNITY_ID)
                && let (Some(old), Some(new)) = (was(names::OPPORTUNITY_ID), after.get(names::OPPORTUNITY_ID))
                && old != new
            {
                return Err(invalid(
                    names::OPPORTUNITY_ID,
                    InvalidCode::AlreadyConverted,
                    format!("this lead was converted already, to opportunity {}", old.as_str().unwrap_or_default()),
                ));
            }
            if kind == RecordKind::Opportunity
                && touched(names::LEAD_ID)
                && let Some(lead) = id_of(after, names::LEAD_ID)
            {
                match known.records.get(&lead) {
                    Some((RecordKind::Lead, values)) => {
                        if let Some(other) = id_of(values, names::OPPORTUNITY_ID).filter(|o| *o != id) {
                            return Err(invalid(
                                names::LEAD_ID,
                                InvalidCode::AlreadyConverted,
                                format!("this lead was converted already, to opportunity {other}"),
                            ));
                        }
                    }
                    _ => return Err(link_missing(names::LEAD_ID)),
                }
            }
            Ok(())
        }
        RecordKind::JobOrder => {
            for (f, what) in [(names::LEAD_ID, "lead"), (names::OPPORTUNITY_ID, "opportunity")] {
                if touched(f)
                    && let (Some(old), Some(new)) = (was(f), after.get(f).filter(|v| !v.is_null()))
                    && old != new
                    && !merged_into(known, old, new)
                {
                    return Err(invalid(
                        f,
                        InvalidCode::LinkedElsewhere,
                        format!(
                            "this job order is linked to another {what} already ({}); a job order belongs to one {what}",
                            old.as_str().unwrap_or_default()
                        ),
                    ));
                }
            }
            Ok(())
        }
        RecordKind::Stage => {
            let stage = crate::config::StageDef::from_values(after)
                .ok_or_else(|| invalid("code", InvalidCode::BadConfig, "this is not a valid stage"))?;
            if stage.code.trim().is_empty() || stage.name.get("en").is_empty() {
                return Err(invalid("code", InvalidCode::Required, "a stage needs a code and a name"));
            }
            if !matches!(stage.list, RecordKind::Lead | RecordKind::Opportunity) {
                return Err(invalid("list", InvalidCode::BadConfig, "stages belong to leads or opportunities"));
            }
            Ok(())
        }
        RecordKind::TableEntry => {
            let entry = crate::config::TableEntry::from_values(after)
                .ok_or_else(|| invalid("code", InvalidCode::BadConfig, "this is not a valid table entry"))?;
            if entry.code.trim().is_empty() || entry.label.get("en").is_empty() {
                return Err(invalid("code", InvalidCode::Required, "an entry needs a code and a label"));
            }
            Ok(())
        }
        RecordKind::Attachment => {
            if touched(names::TYPE) && !text(after, names::TYPE).is_some_and(|t| ATTACHMENT_TYPES.contains(&t)) {
                return Err(invalid(
                    names::TYPE,
                    InvalidCode::Required,
                    format!("an attachment's type is one of {}", ATTACHMENT_TYPES.join(", ")),
                ));
            }
            if touched(names::SIZE) {
                match after.get(names::SIZE).and_then(Value::as_u64) {
                    None => {
                        return Err(invalid(
                            names::SIZE,
                            InvalidCode::BadNumber,
                            "an attachment needs its size in bytes",
                        ));
                    }
                    Some(n) if n > ATTACHMENT_LIMIT => {
                        return Err(invalid(
                            names::SIZE,
                            InvalidCode::TooLarge,
                            format!("the file is {}; the limit is {}", size_text(n), size_text(ATTACHMENT_LIMIT)),
                        ));
                    }
                    Some(_) => {}
                }
            }
            Ok(())
        }
        RecordKind::Rule => {
            let rule = crate::automation::Rule::from_values(after)
                .ok_or_else(|| invalid("event", InvalidCode::BadConfig, "this is not a valid rule"))?;
            rule.check().map_err(|reason| invalid("code", InvalidCode::BadConfig, reason))
        }
        RecordKind::Process => {
            let process = crate::automation::ProcessDef::from_values(after)
                .ok_or_else(|| invalid("process", InvalidCode::BadConfig, "this is not a valid process"))?;
            process.check().map_err(|reason| invalid("code", InvalidCode::BadConfig, reason))
        }
        RecordKind::Placement | RecordKind::Activity => Ok(()),
    }?;
    // A link points at a live record of its kind that the user may see (`known` holds only
    // those); anything else — none, deleted, another kind, out of the user's scope — is refused
    // in the same words, so a refusal tells nothing about records the user may not see.
    for (field, target) in crate::schema::link_fields(kind).filter(|(f, _)| *f != names::CONTACTS && touched(f)) {
        let linked = match after.get(field) {
            None | Some(Value::Null) => continue,
            Some(Value::String(s)) if s.is_empty() => continue,
            Some(v) => v.as_str().and_then(|s| s.parse::<Uuid>().ok()),
        };
        if linked.and_then(|id| known.records.get(&id)).is_none_or(|(k, _)| *k != target) {
            return Err(link_missing(field));
        }
    }
    Ok(())
}

/// The fields of a lead's conversion (LO-5): the new opportunity's (company, contacts with
/// roles, description, source and the link back), the lead's update (link to the opportunity,
/// the default end stage), and its job orders' (each now also on the opportunity).
pub struct Conversion {
    pub opportunity: Map<String, Value>,
    pub lead_update: Map<String, Value>,
    pub job_orders: Vec<(Uuid, Map<String, Value>)>,
}

/// Why a lead cannot be converted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ConvertError {
    #[error("this lead was converted already")]
    AlreadyConverted(Uuid),
    #[error("no opportunity stages are configured")]
    NoStages,
}

/// Converts lead `lead_id` (its values `lead`, and the job orders linked to it with theirs)
/// into opportunity `opportunity_id`.
pub fn convert_lead(
    lead_id: Uuid,
    opportunity_id: Uuid,
    lead: &Map<String, Value>,
    job_orders: &[(Uuid, Map<String, Value>)],
    lead_stages: &Stages,
    opportunity_stages: &Stages,
) -> Result<Conversion, ConvertError> {
    if let Some(existing) = id_of(lead, names::OPPORTUNITY_ID) {
        return Err(ConvertError::AlreadyConverted(existing));
    }
    let start = opportunity_stages.default_stage().ok_or(ConvertError::NoStages)?;
    let mut opportunity = Map::new();
    for f in [
        names::TITLE,
        names::INTEREST,
        names::DESCRIPTION,
        names::SOURCE,
        names::COMPANY_ID,
        names::CONTACTS,
        names::PRIORITY,
        names::CATEGORY,
    ] {
        if let Some(v) = lead.get(f).filter(|v| !v.is_null()) {
            opportunity.insert(f.into(), v.clone());
        }
    }
    let value = |kind| crate::schema::value_field(kind).unwrap_or_default();
    if let Some(v) = lead.get(value(RecordKind::Lead)).filter(|v| !v.is_null()) {
        opportunity.insert(value(RecordKind::Opportunity).into(), v.clone());
    }
    opportunity.insert(names::STAGE.into(), json!(start.code));
    opportunity.insert(names::PROBABILITY.into(), json!(start.probability));
    opportunity.insert(names::LEAD_ID.into(), json!(lead_id.to_string()));
    let mut lead_update = Map::new();
    lead_update.insert(names::OPPORTUNITY_ID.into(), json!(opportunity_id.to_string()));
    if let Some(end) = lead_stages.default_end() {
        lead_update.insert(names::STAGE.into(), json!(end.code));
    }
    // A job order belongs to one opportunity: those already on another stay where they are.
    let job_orders = job_orders
        .iter()
        .filter(|(_, v)| id_of(v, names::LEAD_ID) == Some(lead_id) && id_of(v, names::OPPORTUNITY_ID).is_none())
        .map(|(id, _)| {
            (*id, [(names::OPPORTUNITY_ID.to_owned(), json!(opportunity_id.to_string()))].into_iter().collect())
        })
        .collect();
    Ok(Conversion { opportunity, lead_update, job_orders })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::default_stages;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn known() -> Known {
        let mut k = Known::default();
        for list in [RecordKind::Lead, RecordKind::Opportunity] {
            k.stages.insert(list, Stages::of(list, default_stages()));
            k = k.with_roles(list, &crate::config::default_tables());
        }
        k
    }

    fn check(
        kind: RecordKind,
        before: Option<Value>,
        after: Value,
        changed: &[&str],
        known: &Known,
    ) -> Result<(), InvalidCode> {
        let changed: Vec<String> = changed.iter().map(|s| (*s).to_owned()).collect();
        validate(kind, Uuid::nil(), before.map(obj).as_ref(), &obj(after), &changed, known).map_err(|e| e.code)
    }

    #[test]
    fn a_contact_needs_an_email_or_a_phone_and_they_are_normalised() {
        let k = Known::default();
        let c = RecordKind::Contact;
        assert_eq!(check(c, None, json!({"last_name": "Smit"}), &[], &k), Err(InvalidCode::EmailOrPhoneRequired));
        assert_eq!(check(c, None, json!({"last_name": "Smit", "email": "x"}), &[], &k), Err(InvalidCode::BadEmail));
        assert_eq!(check(c, None, json!({"last_name": "Smit", "phone": "06 12"}), &[], &k), Err(InvalidCode::BadPhone));
        assert_eq!(check(c, None, json!({"last_name": "Smit", "phone": "06 1234 5678"}), &[], &k), Ok(()));
        assert_eq!(check(c, None, json!({"email": "a@b.nl"}), &[], &k), Err(InvalidCode::Required));
        // An old contact without either is not wedged by an edit of its function.
        assert_eq!(
            check(c, Some(json!({"last_name": "S"})), json!({"last_name": "S", "function": "CEO"}), &["function"], &k),
            Ok(())
        );
        let mut v = obj(json!({"email": "  Eva@Example.NL ", "phone": "06-1234 5678"}));
        normalise_contact(&mut v).unwrap();
        assert_eq!(v["email"], "eva@example.nl");
        assert_eq!(v["phone"], "+31612345678");
    }

    #[test]
    fn stage_changes_follow_the_configuration() {
        let k = known();
        let lead = |stage: &str| json!({"title": "T", "stage": stage});
        let l = RecordKind::Lead;
        assert_eq!(check(l, Some(lead("new")), lead("contacted"), &["stage"], &k), Ok(()));
        assert_eq!(check(l, Some(lead("new")), lead("converted"), &["stage"], &k), Err(InvalidCode::StageNotAllowed));
        assert_eq!(check(l, None, lead("nope"), &[], &k), Err(InvalidCode::StageNotAllowed));
        // Without configuration (an old database) nothing is refused.
        assert_eq!(check(l, Some(lead("new")), lead("converted"), &["stage"], &Known::default()), Ok(()));
        assert_eq!(check(l, None, json!({"title": " "}), &[], &k), Err(InvalidCode::Required));
    }

    #[test]
    fn blocked_contacts_cannot_be_linked_and_fixed_roles_stay() {
        let mut k = known();
        let (ok, bad) = (Uuid::now_v7(), Uuid::now_v7());
        k.records.insert(ok, (RecordKind::Contact, obj(json!({"first_name": "Eva"}))));
        k.records.insert(
            bad,
            (RecordKind::Contact, obj(json!({"first_name": "Bo", "blocked": true, "blocked_reason": "GDPR"}))),
        );
        let with = |ids: &[(Uuid, &str)]| {
            let cs: Vec<Value> = ids.iter().map(|(id, r)| json!({"id": id, "role": r})).collect();
            json!({"title": "T", "contacts": cs})
        };
        let l = RecordKind::Lead;
        assert_eq!(check(l, None, with(&[(ok, "user")]), &[], &k), Ok(()));
        assert_eq!(check(l, None, with(&[(bad, "user")]), &[], &k), Err(InvalidCode::ContactBlocked));
        assert_eq!(check(l, None, with(&[(Uuid::now_v7(), "user")]), &[], &k), Err(InvalidCode::NotFound));
        let before = with(&[(ok, "main_contact")]);
        assert_eq!(
            check(l, Some(before.clone()), with(&[(ok, "user")]), &["contacts"], &k),
            Err(InvalidCode::FixedRole)
        );
        let before_user = with(&[(ok, "user")]);
        assert_eq!(check(l, Some(before_user.clone()), with(&[(ok, "main_contact")]), &["contacts"], &k), Ok(()));
        // Which roles are fixed is the administrator's choice (the role table's `fixed`).
        let mut tables = crate::config::default_tables();
        for e in tables.iter_mut().filter(|e| e.list == l && e.table == crate::config::Table::Role) {
            e.fixed = e.code == "user";
        }
        let k = k.with_roles(l, &tables);
        assert_eq!(check(l, Some(before.clone()), with(&[(ok, "user")]), &["contacts"], &k), Ok(()));
        assert_eq!(
            check(l, Some(before_user), with(&[(ok, "main_contact")]), &["contacts"], &k),
            Err(InvalidCode::FixedRole)
        );
        // A blocked contact linked before the block is not a reason to refuse other edits.
        let linked = with(&[(bad, "user")]);
        assert_eq!(check(l, Some(linked.clone()), linked, &["title"], &k), Ok(()));
    }

    #[test]
    fn a_lead_converts_once_and_a_job_order_has_one_lead() {
        let mut k = known();
        let (lead, opp, other) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        k.records.insert(lead, (RecordKind::Lead, obj(json!({"title": "L", "opportunity_id": opp.to_string()}))));
        let o = RecordKind::Opportunity;
        let new_opp = json!({"title": "O", "lead_id": lead.to_string()});
        let changed: Vec<String> = Vec::new();
        assert_eq!(validate(o, opp, None, &obj(new_opp.clone()), &changed, &k), Ok(()));
        assert_eq!(
            validate(o, other, None, &obj(new_opp), &changed, &k).map_err(|e| e.code),
            Err(InvalidCode::AlreadyConverted)
        );
        let l = RecordKind::Lead;
        let converted = json!({"title": "L", "opportunity_id": opp.to_string()});
        let again = json!({"title": "L", "opportunity_id": other.to_string()});
        assert_eq!(check(l, Some(converted), again, &["opportunity_id"], &k), Err(InvalidCode::AlreadyConverted));
        let j = RecordKind::JobOrder;
        let linked = json!({"title": "J", "lead_id": lead.to_string()});
        assert_eq!(
            check(j, Some(linked.clone()), json!({"title": "J", "lead_id": other.to_string()}), &["lead_id"], &k),
            Err(InvalidCode::LinkedElsewhere)
        );
        assert_eq!(check(j, Some(linked), json!({"title": "J", "lead_id": null}), &["lead_id"], &k), Ok(()));
    }

    #[test]
    fn conversion_copies_the_lead_and_closes_it() {
        let k = known();
        let contact = Uuid::now_v7();
        let lead = obj(json!({
            "title": "Vans", "interest": "12 vans", "source": "showroom", "company_id": "c1",
            "contacts": [{"id": contact, "role": "main_contact"}], "expected_value": 5000, "stage": "qualified"
        }));
        let (id, opp) = (Uuid::now_v7(), Uuid::now_v7());
        let (job, elsewhere) = (Uuid::now_v7(), Uuid::now_v7());
        let jobs = vec![
            (job, obj(json!({"title": "Drivers", "lead_id": id.to_string()}))),
            (
                elsewhere,
                obj(
                    json!({"title": "Fitters", "lead_id": id.to_string(), "opportunity_id": Uuid::now_v7().to_string()}),
                ),
            ),
        ];
        let c = convert_lead(id, opp, &lead, &jobs, &k.stages[&RecordKind::Lead], &k.stages[&RecordKind::Opportunity])
            .unwrap();
        assert_eq!(c.opportunity["title"], "Vans");
        assert_eq!(c.opportunity["stage"], "qualification");
        assert_eq!(c.opportunity["expected_revenue"], 5000);
        assert_eq!(c.opportunity["lead_id"], id.to_string());
        assert_eq!(contacts_of(&c.opportunity), vec![LinkedContact { id: contact, role: Some("main_contact".into()) }]);
        assert_eq!(c.lead_update["stage"], "converted");
        assert_eq!(c.lead_update["opportunity_id"], opp.to_string());
        assert_eq!(c.job_orders, vec![(job, obj(json!({"opportunity_id": opp.to_string()})))], "job orders come along");
        // The conversion's own stage change is allowed from any stage; a plain one is not.
        let mut after = lead.clone();
        after.extend(c.lead_update.clone());
        let changed: Vec<String> = c.lead_update.keys().cloned().collect();
        let mut k = k.clone();
        k.records.insert(opp, (RecordKind::Opportunity, c.opportunity.clone()));
        assert_eq!(validate(RecordKind::Lead, id, Some(&lead), &after, &changed, &k), Ok(()));
        let mut plain = lead.clone();
        plain.insert("stage".into(), json!("converted"));
        let mut fresh = plain.clone();
        fresh.insert("stage".into(), json!("new"));
        assert_eq!(
            validate(RecordKind::Lead, id, Some(&fresh), &plain, &["stage".to_owned()], &k).map_err(|e| e.code),
            Err(InvalidCode::StageNotAllowed)
        );
        let mut done = lead.clone();
        done.insert("opportunity_id".into(), json!(Uuid::now_v7().to_string()));
        assert!(matches!(
            convert_lead(id, opp, &done, &[], &k.stages[&RecordKind::Lead], &k.stages[&RecordKind::Opportunity]),
            Err(ConvertError::AlreadyConverted(_))
        ));
    }
}
