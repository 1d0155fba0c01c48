//! Criteria (DM-1, DM-2; OTYS's "criteria"): pick-lists an administrator defines for companies
//! and contacts — "Segment" with Fleet, SME and Private, "Interests" with several at once — and
//! a record's choices in them.
//!
//! A criterion is an entry of the list's [`Table::Criterion`] table with its options and whether
//! several may be chosen. A record holds each criterion in a field of its own,
//! `criterion:<code>`, as an array of option codes: two people setting two criteria of one
//! record at the same time both keep theirs (the sync merges per field).

use crate::RecordKind;
use crate::config::{Label, Table, TableEntry};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The start of a criterion's field name.
pub const PREFIX: &str = "criterion:";

/// The lists that have criteria.
pub const KINDS: [RecordKind; 2] = [RecordKind::Company, RecordKind::Contact];

/// At most this many options per criterion (and so per record's field).
pub const MAX_OPTIONS: usize = 100;

/// One option of a criterion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionOption {
    pub code: String,
    pub label: Label,
}

/// A criterion as a record's form and the lists read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Criterion {
    pub code: String,
    pub label: Label,
    pub multiple: bool,
    pub active: bool,
    pub options: Vec<CriterionOption>,
}

impl Criterion {
    /// The criterion an entry of a criterion table is; `None` for other entries.
    pub fn of(entry: &TableEntry) -> Option<Criterion> {
        (entry.table == Table::Criterion).then(|| Criterion {
            code: entry.code.clone(),
            label: entry.label.clone(),
            multiple: entry.multiple,
            active: entry.active,
            options: entry.options.clone(),
        })
    }

    /// The field a record holds this criterion in.
    pub fn field(&self) -> String {
        field(&self.code)
    }

    /// An option's label in `language` (its code when the option is gone).
    pub fn option_label<'a>(&'a self, code: &'a str, language: &str) -> &'a str {
        self.options.iter().find(|o| o.code == code).map_or(code, |o| o.label.get(language))
    }
}

/// The criteria of `kind`'s list among `entries`, in their order.
pub fn of_kind<'a>(kind: RecordKind, entries: impl IntoIterator<Item = &'a TableEntry>) -> Vec<Criterion> {
    let mut found: Vec<(&TableEntry, Criterion)> =
        entries.into_iter().filter(|e| e.list == kind).filter_map(|e| Some((e, Criterion::of(e)?))).collect();
    found.sort_by(|(a, _), (b, _)| (a.order, &a.code).cmp(&(b.order, &b.code)));
    found.into_iter().map(|(_, c)| c).collect()
}

/// The field of criterion `code`.
pub fn field(code: &str) -> String {
    format!("{PREFIX}{code}")
}

/// The criterion a field holds, if it is a criterion's.
pub fn code_of(field: &str) -> Option<&str> {
    field.strip_prefix(PREFIX)
}

/// The option codes a record holds in a criterion's field (none when it holds something else).
pub fn chosen(value: Option<&Value>) -> Vec<&str> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Why a criterion's value is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CriterionError {
    #[error("there is no criterion “{0}”")]
    Unknown(String),
    #[error("a criterion holds a list of its options")]
    NotAList,
    #[error("“{0}” is not an option of this criterion")]
    UnknownOption(String),
    #[error("this criterion takes one option")]
    OnlyOne,
}

/// Checks a criterion field's new value against the list's criteria: a list of distinct
/// options of an existing criterion, at most one where several may not be chosen; empty (or
/// null) always clears. An option or criterion made inactive since stays allowed where the
/// record already held it (the value is re-sent unchanged by no one: only touched fields are
/// checked).
pub fn check(criteria: &[Criterion], field: &str, value: &Value) -> Result<(), CriterionError> {
    let code = code_of(field).unwrap_or(field);
    if value.is_null() {
        return Ok(());
    }
    let Value::Array(items) = value else { return Err(CriterionError::NotAList) };
    if items.is_empty() {
        return Ok(());
    }
    let criterion = criteria.iter().find(|c| c.code == code).ok_or_else(|| CriterionError::Unknown(code.to_owned()))?;
    let mut seen = std::collections::BTreeSet::new();
    for item in items {
        let option = item.as_str().ok_or(CriterionError::NotAList)?;
        if !criterion.options.iter().any(|o| o.code == option) {
            return Err(CriterionError::UnknownOption(option.to_owned()));
        }
        seen.insert(option);
    }
    if seen.len() != items.len() || items.len() > MAX_OPTIONS {
        return Err(CriterionError::NotAList);
    }
    if !criterion.multiple && items.len() > 1 {
        return Err(CriterionError::OnlyOne);
    }
    Ok(())
}

/// The new value of a criterion's field after choosing (`on`) or dropping option `option`
/// (a single-choice criterion: the option replaces the one chosen); `None` when it is already so.
pub fn toggle(criterion: &Criterion, current: Option<&Value>, option: &str, on: bool) -> Option<Value> {
    let now = chosen(current);
    let next: Vec<&str> = match (on, criterion.multiple) {
        (true, _) if now.contains(&option) => return None,
        (true, true) => now.iter().copied().chain([option]).collect(),
        (true, false) => vec![option],
        (false, _) if !now.contains(&option) => return None,
        (false, _) => now.iter().copied().filter(|o| *o != option).collect(),
    };
    Some(Value::from(next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn segment(multiple: bool) -> Criterion {
        Criterion {
            code: "segment".into(),
            label: Label::new("Segment", "Segment", "Segment"),
            multiple,
            active: true,
            options: ["fleet", "sme", "private"]
                .map(|c| CriterionOption { code: c.into(), label: Label::new(&c.to_uppercase(), "", "") })
                .to_vec(),
        }
    }

    #[test]
    fn a_value_is_a_list_of_distinct_known_options_one_unless_several_are_allowed() {
        let (one, many) = ([segment(false)], [segment(true)]);
        let f = field("segment");
        assert_eq!(check(&one, &f, &json!(["fleet"])), Ok(()));
        assert_eq!(check(&one, &f, &json!([])), Ok(()), "empty clears");
        assert_eq!(check(&one, &f, &Value::Null), Ok(()));
        assert_eq!(check(&one, &f, &json!(["fleet", "sme"])), Err(CriterionError::OnlyOne));
        assert_eq!(check(&many, &f, &json!(["fleet", "sme"])), Ok(()));
        assert_eq!(check(&many, &f, &json!(["fleet", "fleet"])), Err(CriterionError::NotAList));
        assert_eq!(check(&many, &f, &json!(["boats"])), Err(CriterionError::UnknownOption("boats".into())));
        assert_eq!(check(&many, &f, &json!("fleet")), Err(CriterionError::NotAList));
        assert_eq!(check(&many, &f, &json!([1])), Err(CriterionError::NotAList));
        assert_eq!(check(&many, &field("colour"), &json!(["red"])), Err(CriterionError::Unknown("colour".into())));
    }

    #[test]
    fn choosing_adds_or_replaces_and_dropping_removes_only_what_is_there() {
        let (one, many) = (segment(false), segment(true));
        let current = json!(["fleet"]);
        assert_eq!(toggle(&many, Some(&current), "sme", true), Some(json!(["fleet", "sme"])));
        assert_eq!(toggle(&one, Some(&current), "sme", true), Some(json!(["sme"])), "a single choice is replaced");
        assert_eq!(toggle(&many, Some(&current), "fleet", true), None, "already chosen");
        assert_eq!(toggle(&many, Some(&current), "fleet", false), Some(json!([])));
        assert_eq!(toggle(&many, Some(&current), "sme", false), None, "not chosen");
        assert_eq!(toggle(&one, None, "private", true), Some(json!(["private"])));
    }

    #[test]
    fn criteria_come_in_their_order_with_their_fields_and_a_records_options_are_read_back() {
        let entry = |code: &str, order: i64, list: RecordKind| TableEntry {
            list,
            table: Table::Criterion,
            code: code.into(),
            label: Label::new(code, "", ""),
            active: true,
            order,
            fixed: false,
            colour: String::new(),
            multiple: false,
            options: Vec::new(),
        };
        let entries = [
            entry("b", 2, RecordKind::Contact),
            entry("a", 1, RecordKind::Contact),
            entry("z", 0, RecordKind::Company),
        ];
        let codes: Vec<String> = of_kind(RecordKind::Contact, &entries).into_iter().map(|c| c.code).collect();
        assert_eq!(codes, ["a", "b"]);
        assert_eq!(of_kind(RecordKind::Contact, &entries)[0].field(), "criterion:a");
        let values = json!({"name": "X", "criterion:segment": ["fleet"], "criterion:interests": ["vans", "ev"]});
        assert_eq!(chosen(values.get("criterion:interests")), ["vans", "ev"]);
        assert_eq!(chosen(values.get("criterion:segment")), ["fleet"]);
        assert!(chosen(values.get("name")).is_empty() && chosen(None).is_empty(), "not a list: nothing chosen");
        assert_eq!(code_of("criterion:segment"), Some("segment"));
        assert_eq!(code_of("name"), None);
        assert_eq!(segment(false).option_label("sme", "en"), "SME");
        assert_eq!(segment(false).option_label("gone", "en"), "gone");
    }
}
