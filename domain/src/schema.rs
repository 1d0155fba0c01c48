//! The record schema: per kind, its fields — how each is edited, whether it is required, what
//! it links to, and whether the General form shows it. Forms, the record rules' required
//! fields and (later) CSV import/export and the API description read it, so a field is
//! described once.

use crate::RecordKind;
use crate::config::Table;

/// The name of every field, once: the schema below, the rules and the screens use these (a
/// field's name is written nowhere else but the migrations).
pub mod names {
    pub const BLOCKED: &str = "blocked";
    pub const BLOCKED_REASON: &str = "blocked_reason";
    pub const BODY: &str = "body";
    pub const CANDIDATE: &str = "candidate";
    pub const CATEGORY: &str = "category";
    pub const CITY: &str = "city";
    pub const COMPANY_ID: &str = "company_id";
    pub const COMPLETION_DATE: &str = "completion_date";
    pub const CONTACT_ID: &str = "contact_id";
    pub const CONTACTS: &str = "contacts";
    pub const CONTENT_TYPE: &str = "content_type";
    pub const COUNTRY: &str = "country";
    pub const CUSTOMER_NUMBER: &str = "customer_number";
    pub const DESCRIPTION: &str = "description";
    pub const DONE: &str = "done";
    pub const DUE_DATE: &str = "due_date";
    pub const EMAIL: &str = "email";
    pub const EXPECTED_CLOSE_DATE: &str = "expected_close_date";
    pub const EXPECTED_REVENUE: &str = "expected_revenue";
    pub const EXPECTED_VALUE: &str = "expected_value";
    pub const EXTERNAL_ID: &str = "external_id";
    pub const FIRST_NAME: &str = "first_name";
    pub const FUNCTION: &str = "function";
    pub const GROUPS: &str = "groups";
    pub const INDUSTRY: &str = "industry";
    pub const INTEREST: &str = "interest";
    pub const JOB_ORDER_ID: &str = "job_order_id";
    pub const LAST_NAME: &str = "last_name";
    pub const LEAD_ID: &str = "lead_id";
    pub const LOST_REASON: &str = "lost_reason";
    pub const NAME: &str = "name";
    pub const NUMBER: &str = "number";
    pub const OPPORTUNITY_ID: &str = "opportunity_id";
    pub const OWNER_ID: &str = "owner_id";
    pub const PHONE: &str = "phone";
    pub const PRIORITY: &str = "priority";
    pub const PROBABILITY: &str = "probability";
    pub const RECURS_FROM: &str = "recurs_from";
    pub const SIZE: &str = "size";
    pub const SOURCE: &str = "source";
    pub const START_DATE: &str = "start_date";
    pub const STAGE: &str = "stage";
    pub const STATUS: &str = "status";
    pub const SUBJECT: &str = "subject";
    pub const TITLE: &str = "title";
    pub const TYPE: &str = "type";
    pub const VAT_NUMBER: &str = "vat_number";
    pub const WEBSITE: &str = "website";
}

use names::*;

/// How a field holds and edits its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    LongText,
    /// A stage code of the kind's list.
    Stage,
    /// A code of one of the kind's tables.
    Table(Table),
    /// Whole euros.
    Money,
    /// 0 to 100.
    Percent,
    /// `YYYY-MM-DD`.
    Date,
    /// Yes or no.
    Check,
    /// An activity's type (task, call, meeting, e-mail).
    ActivityType,
    /// The owner: a user (changing it hands the record over).
    Owner,
    /// Codes of the kind's group table.
    Groups,
    /// Linked contacts with their roles.
    Contacts,
    /// The id of a record of this kind.
    Link(RecordKind),
    /// Given by the server (a record number).
    Assigned,
}

/// One field of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub ty: FieldType,
    /// A record cannot be without it (checked by `records::validate` when a change touches it).
    pub required: bool,
    /// Shown and edited on the General form (links and contacts have tabs of their own).
    pub form: bool,
    /// Found by the lists' search as you type (a link by the linked record's name; contacts by
    /// name, e-mail and phone).
    pub searched: bool,
}

impl Field {
    /// The same field, found by the lists' search.
    const fn searched(self) -> Field {
        Field { searched: true, ..self }
    }
}

const fn f(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty, required: false, form: true, searched: false }
}

const fn required(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty, required: true, form: true, searched: false }
}

const fn off_form(name: &'static str, ty: FieldType) -> Field {
    Field { name, ty, required: false, form: false, searched: false }
}

use FieldType as T;

const COMPANY: &[Field] = &[
    required(NAME, T::Text).searched(),
    f(STATUS, T::Table(Table::Status)),
    f(TYPE, T::Table(Table::Type)),
    f(CUSTOMER_NUMBER, T::Text).searched(),
    f(INDUSTRY, T::Text).searched(),
    f(CITY, T::Text).searched(),
    f(PHONE, T::Text).searched(),
    f(WEBSITE, T::Text).searched(),
    f(VAT_NUMBER, T::Text).searched(),
    // The record's id in the system it was imported from (CSV import matches on it).
    off_form(EXTERNAL_ID, T::Text),
];

const CONTACT: &[Field] = &[
    f(FIRST_NAME, T::Text).searched(),
    // A contact needs a first or a last name (a rule of its own in `records::validate`).
    f(LAST_NAME, T::Text).searched(),
    f(FUNCTION, T::Text).searched(),
    f(EMAIL, T::Text).searched(),
    f(PHONE, T::Text).searched(),
    f(BLOCKED, T::Check),
    f(BLOCKED_REASON, T::LongText),
    // ISO 3166 code the phone number is read in (the office's country when empty).
    off_form(COUNTRY, T::Text),
    off_form(COMPANY_ID, T::Link(RecordKind::Company)).searched(),
    off_form(EXTERNAL_ID, T::Text),
];

const LEAD: &[Field] = &[
    off_form(NUMBER, T::Assigned).searched(),
    required(TITLE, T::Text).searched(),
    f(STAGE, T::Stage),
    f(SOURCE, T::Table(Table::Source)),
    f(PRIORITY, T::Table(Table::Priority)),
    f(CATEGORY, T::Table(Table::Category)),
    f(OWNER_ID, T::Owner),
    f(INTEREST, T::LongText).searched(),
    f(GROUPS, T::Groups),
    f(EXPECTED_VALUE, T::Money),
    off_form(COMPANY_ID, T::Link(RecordKind::Company)).searched(),
    off_form(CONTACTS, T::Contacts).searched(),
    off_form(OPPORTUNITY_ID, T::Link(RecordKind::Opportunity)),
    off_form(EXTERNAL_ID, T::Text),
];

const OPPORTUNITY: &[Field] = &[
    off_form(NUMBER, T::Assigned).searched(),
    required(TITLE, T::Text).searched(),
    f(STAGE, T::Stage),
    f(SOURCE, T::Table(Table::Source)),
    f(PRIORITY, T::Table(Table::Priority)),
    f(CATEGORY, T::Table(Table::Category)),
    f(OWNER_ID, T::Owner),
    f(INTEREST, T::LongText).searched(),
    f(GROUPS, T::Groups),
    f(EXPECTED_REVENUE, T::Money),
    f(PROBABILITY, T::Percent),
    f(EXPECTED_CLOSE_DATE, T::Date),
    f(COMPLETION_DATE, T::Date),
    f(LOST_REASON, T::LongText),
    off_form(COMPANY_ID, T::Link(RecordKind::Company)).searched(),
    off_form(CONTACTS, T::Contacts).searched(),
    off_form(LEAD_ID, T::Link(RecordKind::Lead)),
    // The opportunity a recurring one was made from.
    off_form(RECURS_FROM, T::Link(RecordKind::Opportunity)),
    off_form(EXTERNAL_ID, T::Text),
];

const JOB_ORDER: &[Field] = &[
    required(TITLE, T::Text),
    f(STATUS, T::Text),
    f(DESCRIPTION, T::LongText),
    off_form(LEAD_ID, T::Link(RecordKind::Lead)),
    off_form(OPPORTUNITY_ID, T::Link(RecordKind::Opportunity)),
];

const ACTIVITY: &[Field] = &[
    required(SUBJECT, T::Text),
    f(TYPE, T::ActivityType),
    f(DUE_DATE, T::Date),
    f(DONE, T::Check),
    f(BODY, T::LongText),
    off_form(LEAD_ID, T::Link(RecordKind::Lead)),
    off_form(OPPORTUNITY_ID, T::Link(RecordKind::Opportunity)),
    off_form(COMPANY_ID, T::Link(RecordKind::Company)),
];

const PLACEMENT: &[Field] =
    &[required(CANDIDATE, T::Text), f(START_DATE, T::Date), off_form(JOB_ORDER_ID, T::Link(RecordKind::JobOrder))];

/// A file on a lead, opportunity, company, contact or job order (one link each).
const ATTACHMENT: &[Field] = &[
    required(NAME, T::Text),
    off_form(TYPE, T::Text),
    off_form(SIZE, T::Text),
    off_form(CONTENT_TYPE, T::Text),
    off_form(LEAD_ID, T::Link(RecordKind::Lead)),
    off_form(OPPORTUNITY_ID, T::Link(RecordKind::Opportunity)),
    off_form(COMPANY_ID, T::Link(RecordKind::Company)),
    off_form(CONTACT_ID, T::Link(RecordKind::Contact)),
    off_form(JOB_ORDER_ID, T::Link(RecordKind::JobOrder)),
];

/// The fields of a kind, in the order the General form shows them (configuration kinds have
/// editors of their own and no schema here).
pub fn fields(kind: RecordKind) -> &'static [Field] {
    match kind {
        RecordKind::Company => COMPANY,
        RecordKind::Contact => CONTACT,
        RecordKind::Lead => LEAD,
        RecordKind::Opportunity => OPPORTUNITY,
        RecordKind::JobOrder => JOB_ORDER,
        RecordKind::Placement => PLACEMENT,
        RecordKind::Activity => ACTIVITY,
        RecordKind::Attachment => ATTACHMENT,
        _ => &[],
    }
}

/// The fields of a kind the lists' search looks in, in order.
pub fn searched_fields(kind: RecordKind) -> impl Iterator<Item = &'static Field> {
    fields(kind).iter().filter(|f| f.searched)
}

/// One field of a kind.
pub fn field(kind: RecordKind, name: &str) -> Option<&'static Field> {
    fields(kind).iter().find(|f| f.name == name)
}

/// The fields a record of `kind` cannot be without.
pub fn required_fields(kind: RecordKind) -> impl Iterator<Item = &'static str> {
    fields(kind).iter().filter(|f| f.required).map(|f| f.name)
}

/// The field holding a lead's or opportunity's value.
pub fn value_field(kind: RecordKind) -> Option<&'static str> {
    fields(kind).iter().find(|f| f.ty == FieldType::Money).map(|f| f.name)
}

/// The field by which a record links to one of `parent` (an activity to its lead, an
/// attachment to its contact, a placement to its job order).
pub fn parent_field(parent: RecordKind) -> Option<&'static str> {
    match parent {
        RecordKind::Lead => Some(LEAD_ID),
        RecordKind::Opportunity => Some(OPPORTUNITY_ID),
        RecordKind::Company => Some(COMPANY_ID),
        RecordKind::Contact => Some(CONTACT_ID),
        RecordKind::JobOrder => Some(JOB_ORDER_ID),
        _ => None,
    }
}

/// The fields of `kind` that point at other records (links and linked contacts), with the
/// kind each points at.
pub fn link_fields(kind: RecordKind) -> impl Iterator<Item = (&'static str, RecordKind)> {
    fields(kind).iter().filter_map(|f| match f.ty {
        FieldType::Link(to) => Some((f.name, to)),
        FieldType::Contacts => Some((f.name, RecordKind::Contact)),
        _ => None,
    })
}

/// The field a record of `kind` is called by in lists and links (a contact is called by its
/// first and last name: `records::display_name`).
pub fn title_field(kind: RecordKind) -> Option<&'static str> {
    match kind {
        RecordKind::Company | RecordKind::Attachment => Some(NAME),
        RecordKind::Lead | RecordKind::Opportunity | RecordKind::JobOrder => Some(TITLE),
        RecordKind::Activity => Some(SUBJECT),
        RecordKind::Placement => Some(CANDIDATE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_names_each_field_once_and_links_to_real_kinds() {
        for kind in RecordKind::ALL {
            let names: Vec<&str> = fields(kind).iter().map(|f| f.name).collect();
            let mut unique = names.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(names.len(), unique.len(), "{kind:?} names a field twice");
            for f in fields(kind) {
                if let FieldType::Link(to) = f.ty {
                    assert!(!to.is_config(), "{kind:?}.{} links to configuration", f.name);
                    let back_link = kind == RecordKind::Opportunity && f.name == RECURS_FROM;
                    assert!(
                        back_link || parent_field(to) == Some(f.name),
                        "{kind:?}.{} is not its kind's link field",
                        f.name
                    );
                }
                assert!(!f.required || f.form || kind == RecordKind::Attachment, "{kind:?}.{}", f.name);
            }
        }
    }

    #[test]
    fn the_lists_search_the_number_title_interest_company_and_contacts() {
        for kind in [RecordKind::Lead, RecordKind::Opportunity] {
            let searched: Vec<&str> = searched_fields(kind).map(|f| f.name).collect();
            assert_eq!(searched, ["number", "title", "interest", "company_id", "contacts"], "{kind:?}");
        }
        assert_eq!(searched_fields(RecordKind::Stage).count(), 0);
        let company: Vec<&str> = searched_fields(RecordKind::Company).map(|f| f.name).collect();
        assert_eq!(company, ["name", "customer_number", "industry", "city", "phone", "website", "vat_number"]);
        let contact: Vec<&str> = searched_fields(RecordKind::Contact).map(|f| f.name).collect();
        assert_eq!(contact, ["first_name", "last_name", "function", "email", "phone", "company_id"]);
    }

    #[test]
    fn a_companys_status_and_type_are_codes_of_its_tables() {
        assert_eq!(field(RecordKind::Company, "status").map(|f| f.ty), Some(FieldType::Table(Table::Status)));
        assert_eq!(field(RecordKind::Company, "type").map(|f| f.ty), Some(FieldType::Table(Table::Type)));
        let tables = crate::config::default_tables();
        let statuses: Vec<&str> = tables
            .iter()
            .filter(|e| e.list == RecordKind::Company && e.table == Table::Status)
            .map(|e| e.code.as_str())
            .collect();
        assert_eq!(statuses, ["suspect", "prospect", "client", "former"], "the lifecycle, in order");
    }

    #[test]
    fn the_value_and_required_fields_come_from_the_schema() {
        assert_eq!(value_field(RecordKind::Lead), Some("expected_value"));
        assert_eq!(value_field(RecordKind::Opportunity), Some("expected_revenue"));
        assert_eq!(value_field(RecordKind::Company), None);
        assert_eq!(required_fields(RecordKind::Opportunity).collect::<Vec<_>>(), ["title"]);
        assert_eq!(required_fields(RecordKind::Activity).collect::<Vec<_>>(), ["subject"]);
        assert_eq!(required_fields(RecordKind::Contact).count(), 0, "first or last name: a rule of its own");
        assert_eq!(field(RecordKind::Lead, "source").map(|f| f.ty), Some(FieldType::Table(Table::Source)));
        assert!(field(RecordKind::Stage, "code").is_none());
    }

    #[test]
    fn every_link_is_a_reference_the_server_loads() {
        use crate::records::references;
        use serde_json::json;
        let (company, contact, lead, job) =
            (uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        let links: Vec<&str> = link_fields(RecordKind::Attachment).map(|(f, _)| f).collect();
        assert_eq!(links, [LEAD_ID, OPPORTUNITY_ID, COMPANY_ID, CONTACT_ID, JOB_ORDER_ID]);
        let on_contact = json!({ NAME: "cv.pdf", CONTACT_ID: contact.to_string() });
        assert_eq!(references(RecordKind::Attachment, on_contact.as_object().unwrap()), [contact]);
        let lead_values = json!({ TITLE: "x", COMPANY_ID: company.to_string(), CONTACTS: [{"id": contact.to_string(), "role": "user"}] });
        let mut found = references(RecordKind::Lead, lead_values.as_object().unwrap());
        found.sort();
        let mut want = vec![company, contact];
        want.sort();
        assert_eq!(found, want, "a lead refers to its company and its contacts");
        let placement = json!({ CANDIDATE: "Ann", JOB_ORDER_ID: job.to_string() });
        assert_eq!(references(RecordKind::Placement, placement.as_object().unwrap()), [job]);
        let activity = json!({ SUBJECT: "Call", LEAD_ID: lead.to_string() });
        assert_eq!(references(RecordKind::Activity, activity.as_object().unwrap()), [lead]);
    }

    #[test]
    fn a_record_is_called_by_its_title_field_and_a_contact_by_its_name() {
        use crate::records::display_name;
        use serde_json::json;
        let name = |kind, v: serde_json::Value| display_name(kind, v.as_object().unwrap());
        assert_eq!(name(RecordKind::Company, json!({ NAME: "Acme", CITY: "Gouda" })), "Acme");
        assert_eq!(name(RecordKind::Activity, json!({ SUBJECT: "Call back" })), "Call back");
        assert_eq!(name(RecordKind::Contact, json!({ FIRST_NAME: "Eva", LAST_NAME: "Smit" })), "Eva Smit");
        assert_eq!(name(RecordKind::Opportunity, json!({ NUMBER: "O20001" })), "");
        for kind in RecordKind::ALL.into_iter().filter(|k| !k.is_config() && *k != RecordKind::Contact) {
            let title = title_field(kind).unwrap_or_else(|| panic!("{kind:?} has no title field"));
            assert!(field(kind, title).is_some_and(|f| f.required), "{kind:?}'s title {title} is a required field");
        }
    }
}
