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
    pub const CATEGORY: &str = "category";
    pub const CITY: &str = "city";
    pub const COMPANY_ID: &str = "company_id";
    pub const COMPLETION_DATE: &str = "completion_date";
    pub const CONTACTS: &str = "contacts";
    pub const CONTENT_TYPE: &str = "content_type";
    pub const CUSTOMER_NUMBER: &str = "customer_number";
    pub const DESCRIPTION: &str = "description";
    pub const DONE: &str = "done";
    pub const DUE_DATE: &str = "due_date";
    pub const EMAIL: &str = "email";
    pub const EXPECTED_CLOSE_DATE: &str = "expected_close_date";
    pub const EXPECTED_REVENUE: &str = "expected_revenue";
    pub const EXPECTED_VALUE: &str = "expected_value";
    pub const FIRST_NAME: &str = "first_name";
    pub const FUNCTION: &str = "function";
    pub const GROUPS: &str = "groups";
    pub const INDUSTRY: &str = "industry";
    pub const INTEREST: &str = "interest";
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
    pub const SIZE: &str = "size";
    pub const SOURCE: &str = "source";
    pub const STAGE: &str = "stage";
    pub const STATUS: &str = "status";
    pub const SUBJECT: &str = "subject";
    pub const TITLE: &str = "title";
    pub const TYPE: &str = "type";
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
    required(NAME, T::Text),
    f(CUSTOMER_NUMBER, T::Text),
    f(INDUSTRY, T::Text),
    f(CITY, T::Text),
    f(PHONE, T::Text),
    f(WEBSITE, T::Text),
    f(STATUS, T::Text),
];

const CONTACT: &[Field] = &[
    f(FIRST_NAME, T::Text),
    // A contact needs a first or a last name (a rule of its own in `records::validate`).
    f(LAST_NAME, T::Text),
    f(FUNCTION, T::Text),
    f(EMAIL, T::Text),
    f(PHONE, T::Text),
    f(BLOCKED, T::Check),
    f(BLOCKED_REASON, T::LongText),
    off_form(COMPANY_ID, T::Link(RecordKind::Company)),
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

const ATTACHMENT: &[Field] =
    &[required(NAME, T::Text), off_form(TYPE, T::Text), off_form(SIZE, T::Text), off_form(CONTENT_TYPE, T::Text)];

/// The fields of a kind, in the order the General form shows them (configuration kinds have
/// editors of their own and no schema here).
pub fn fields(kind: RecordKind) -> &'static [Field] {
    match kind {
        RecordKind::Company => COMPANY,
        RecordKind::Contact => CONTACT,
        RecordKind::Lead => LEAD,
        RecordKind::Opportunity => OPPORTUNITY,
        RecordKind::JobOrder => JOB_ORDER,
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

/// The field linking a record of `kind` to a lead or an opportunity (activities, job orders).
pub fn parent_field(parent: RecordKind) -> Option<&'static str> {
    match parent {
        RecordKind::Lead => Some("lead_id"),
        RecordKind::Opportunity => Some("opportunity_id"),
        RecordKind::Company => Some("company_id"),
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
                    assert_eq!(parent_field(to), Some(f.name), "{kind:?}.{} is not its kind's link field", f.name);
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
}
