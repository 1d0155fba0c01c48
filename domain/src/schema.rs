//! The record schema: per kind, its fields — how each is edited, whether it is required, what
//! it links to, and whether the General form shows it. Forms, the record rules' required
//! fields and (later) CSV import/export and the API description read it, so a field is
//! described once.

use crate::RecordKind;
use crate::config::Table;

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
    required("name", T::Text),
    f("customer_number", T::Text),
    f("industry", T::Text),
    f("city", T::Text),
    f("phone", T::Text),
    f("website", T::Text),
    f("status", T::Text),
];

const CONTACT: &[Field] = &[
    f("first_name", T::Text),
    // A contact needs a first or a last name (a rule of its own in `records::validate`).
    f("last_name", T::Text),
    f("function", T::Text),
    f("email", T::Text),
    f("phone", T::Text),
    f("blocked", T::Check),
    f("blocked_reason", T::LongText),
    off_form("company_id", T::Link(RecordKind::Company)),
];

const LEAD: &[Field] = &[
    off_form("number", T::Assigned).searched(),
    required("title", T::Text).searched(),
    f("stage", T::Stage),
    f("source", T::Table(Table::Source)),
    f("priority", T::Table(Table::Priority)),
    f("category", T::Table(Table::Category)),
    f("owner_id", T::Owner),
    f("interest", T::LongText).searched(),
    f("groups", T::Groups),
    f("expected_value", T::Money),
    off_form("company_id", T::Link(RecordKind::Company)).searched(),
    off_form("contacts", T::Contacts).searched(),
    off_form("opportunity_id", T::Link(RecordKind::Opportunity)),
];

const OPPORTUNITY: &[Field] = &[
    off_form("number", T::Assigned).searched(),
    required("title", T::Text).searched(),
    f("stage", T::Stage),
    f("source", T::Table(Table::Source)),
    f("priority", T::Table(Table::Priority)),
    f("category", T::Table(Table::Category)),
    f("owner_id", T::Owner),
    f("interest", T::LongText).searched(),
    f("groups", T::Groups),
    f("expected_revenue", T::Money),
    f("probability", T::Percent),
    f("expected_close_date", T::Date),
    f("completion_date", T::Date),
    f("lost_reason", T::LongText),
    off_form("company_id", T::Link(RecordKind::Company)).searched(),
    off_form("contacts", T::Contacts).searched(),
    off_form("lead_id", T::Link(RecordKind::Lead)),
];

const JOB_ORDER: &[Field] = &[
    required("title", T::Text),
    f("status", T::Text),
    f("description", T::LongText),
    off_form("lead_id", T::Link(RecordKind::Lead)),
    off_form("opportunity_id", T::Link(RecordKind::Opportunity)),
];

const ACTIVITY: &[Field] = &[
    required("subject", T::Text),
    f("type", T::ActivityType),
    f("due_date", T::Date),
    f("done", T::Check),
    f("body", T::LongText),
    off_form("lead_id", T::Link(RecordKind::Lead)),
    off_form("opportunity_id", T::Link(RecordKind::Opportunity)),
    off_form("company_id", T::Link(RecordKind::Company)),
];

const ATTACHMENT: &[Field] = &[
    required("name", T::Text),
    off_form("type", T::Text),
    off_form("size", T::Text),
    off_form("content_type", T::Text),
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
