//! The General form without a screen: which fields it shows (the record schema's), how each
//! field's text is read back (per `schema::FieldType`), what typing does (a new stage brings
//! its probability), and which fields a save sends (only those typed in) — natively tested.

use crate::i18n::Strings;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use veld_domain::RecordKind;
use veld_domain::schema::names;
use veld_domain::schema::{Field, FieldType};

/// The form's text per field.
pub type Typed = BTreeMap<&'static str, String>;

/// The General tab's fields of a kind: those the record schema puts on the form (links and
/// contacts have tabs of their own; numbers are given by the server).
pub fn form_fields(kind: RecordKind) -> Vec<&'static Field> {
    veld_domain::schema::fields(kind)
        .iter()
        .filter(|f| f.form && !matches!(f.ty, FieldType::Contacts | FieldType::Link(_) | FieldType::Assigned))
        .collect()
}

/// Checks one field's text and turns it into the stored JSON value.
pub fn parse(field: &Field, raw: &str, t: &Strings) -> Result<Value, &'static str> {
    let raw = raw.trim();
    match field.ty {
        FieldType::Text if field.required && raw.is_empty() => Err(t.err.required),
        FieldType::Money | FieldType::Percent if raw.is_empty() => Ok(Value::Null),
        FieldType::Money => match crate::format::parse_amount(raw) {
            Some(v) if v >= 0 => Ok(v.into()),
            _ => Err(t.err.whole_number),
        },
        FieldType::Percent => match raw.trim_end_matches('%').trim().parse::<i64>() {
            Ok(v) if (0..=100).contains(&v) => Ok(v.into()),
            _ => Err(t.err.percent),
        },
        FieldType::Check => Ok(Value::Bool(raw == "true")),
        FieldType::Groups => Ok(Value::from(groups(raw))),
        FieldType::Table(_) | FieldType::Stage | FieldType::Date if raw.is_empty() => Ok(Value::Null),
        _ => Ok(Value::from(raw)),
    }
}

/// The group codes of a groups field's text (`vip,fleet`).
fn groups(text: &str) -> Vec<String> {
    text.split(',').filter(|g| !g.is_empty()).map(str::to_owned).collect()
}

/// A stored value as the form's text.
pub fn value_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(","),
        _ => String::new(),
    }
}

/// The values of the fields the user changed (`dirty`), parsed from the form's text; or what
/// is wrong, per field.
pub fn read_form(
    fields: &[&'static Field],
    typed: &Typed,
    dirty: &BTreeSet<&'static str>,
    t: &Strings,
) -> Result<Map<String, Value>, BTreeMap<&'static str, String>> {
    let mut changed = Map::new();
    let mut problems = BTreeMap::new();
    for field in fields.iter().filter(|f| dirty.contains(f.name)) {
        let raw = typed.get(field.name).map(String::as_str).unwrap_or_default();
        match parse(field, raw, t) {
            Ok(value) => {
                changed.insert(field.name.to_owned(), value);
            }
            Err(message) => {
                problems.insert(field.name, message.to_owned());
            }
        }
    }
    if problems.is_empty() { Ok(changed) } else { Err(problems) }
}

/// The form's text after `text` is typed into `name`: the field is marked changed; a new stage
/// brings the stage's probability (`stage_probability`, for opportunities) unless the user
/// typed one.
pub fn type_into(
    typed: &mut Typed,
    dirty: &mut BTreeSet<&'static str>,
    name: &'static str,
    text: String,
    stage_probability: Option<i64>,
) {
    if name == veld_domain::records::STAGE
        && let Some(p) = stage_probability
        && !dirty.contains(names::PROBABILITY)
    {
        typed.insert(names::PROBABILITY, p.to_string());
        dirty.insert(names::PROBABILITY);
    }
    typed.insert(name, text);
    dirty.insert(name);
}

/// A groups field's text with `code` ticked or not.
pub fn toggle_group(text: &str, code: &str, on: bool) -> String {
    let mut list = groups(text);
    list.retain(|x| x != code);
    if on {
        list.push(code.to_owned());
    }
    list.join(",")
}

/// The form's text after the record changed underneath: every field shows the stored value,
/// except the ones being typed in (`keep`); `None` when nothing would change (rewriting
/// identical text would move the caret).
pub fn refreshed(
    fields: &[&'static Field],
    typed: &Typed,
    keep: &BTreeSet<&'static str>,
    stored: impl Fn(&str) -> String,
) -> Option<Typed> {
    let mut next = typed.clone();
    for f in fields.iter().filter(|f| !keep.contains(f.name)) {
        next.insert(f.name, stored(f.name));
    }
    (next != *typed).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn typed(pairs: &[(&'static str, &str)]) -> Typed {
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    }

    fn field(kind: RecordKind, name: &str) -> &'static Field {
        veld_domain::schema::field(kind, name).unwrap()
    }

    fn en() -> &'static Strings {
        crate::i18n::strings(veld_domain::Language::En)
    }

    #[test]
    fn the_form_shows_the_schemas_form_fields() {
        let names = |kind| form_fields(kind).into_iter().map(|f| f.name).collect::<Vec<_>>();
        let opp = names(RecordKind::Opportunity);
        assert_eq!(opp.first(), Some(&"title"));
        assert!(opp.contains(&"expected_revenue") && !opp.contains(&"contacts") && !opp.contains(&"number"));
        assert_eq!(field(RecordKind::Lead, "expected_value").ty, FieldType::Money);
        assert!(field(RecordKind::Company, "name").required);
        assert_eq!(names(RecordKind::Stage), Vec::<&str>::new(), "configuration has editors of its own");
    }

    #[test]
    fn only_the_fields_typed_in_are_read() {
        let fields = form_fields(RecordKind::Opportunity);
        let values = typed(&[("title", "Vans"), ("interest", ""), ("expected_revenue", "67.000"), ("groups", "")]);
        let dirty: BTreeSet<&'static str> = ["expected_revenue"].into();
        let changed = read_form(&fields, &values, &dirty, en()).unwrap();
        assert_eq!(changed, json!({"expected_revenue": 67000}).as_object().cloned().unwrap());
        assert!(
            read_form(&fields, &values, &BTreeSet::new(), en()).unwrap().is_empty(),
            "nothing touched, nothing sent"
        );
    }

    #[test]
    fn each_field_type_parses_its_text_or_says_what_is_wrong() {
        let (t, o) = (en(), RecordKind::Opportunity);
        assert_eq!(parse(field(o, "title"), "  ", t), Err(t.err.required));
        assert_eq!(parse(field(o, "expected_revenue"), "", t), Ok(Value::Null));
        assert_eq!(parse(field(o, "expected_revenue"), "-5", t), Err(t.err.whole_number));
        assert_eq!(parse(field(o, "probability"), "40 %", t), Ok(json!(40)));
        assert_eq!(parse(field(o, "probability"), "140", t), Err(t.err.percent));
        assert_eq!(parse(field(o, "groups"), "vip,,fleet", t), Ok(json!(["vip", "fleet"])));
        assert_eq!(parse(field(o, "stage"), "", t), Ok(Value::Null));
        assert_eq!(parse(field(RecordKind::Activity, "done"), "true", t), Ok(json!(true)));
        let fields = form_fields(o);
        let values = typed(&[("probability", "150"), ("title", "")]);
        let problems = read_form(&fields, &values, &["probability", "title"].into(), t).unwrap_err();
        assert_eq!(problems.keys().copied().collect::<Vec<_>>(), vec!["probability", "title"]);
    }

    #[test]
    fn stored_values_show_as_the_text_the_form_reads_back() {
        let o = RecordKind::Opportunity;
        for (f, value) in [
            (field(o, "groups"), json!(["vip", "fleet"])),
            (field(o, "probability"), json!(25)),
            (field(RecordKind::Activity, "done"), json!(false)),
            (field(o, "title"), json!("Vans")),
        ] {
            assert_eq!(parse(f, &value_text(Some(&value)), en()), Ok(value));
        }
    }

    #[test]
    fn a_new_stage_brings_its_probability_unless_one_was_typed() {
        let (mut values, mut dirty) = (typed(&[("stage", "qualification"), ("probability", "10")]), BTreeSet::new());
        type_into(&mut values, &mut dirty, "stage", "proposal".into(), Some(50));
        assert_eq!((values["stage"].as_str(), values["probability"].as_str()), ("proposal", "50"));
        assert!(dirty.contains("probability"), "the probability travels with the stage");
        let (mut values, mut dirty) = (typed(&[]), BTreeSet::new());
        type_into(&mut values, &mut dirty, "probability", "35".into(), None);
        type_into(&mut values, &mut dirty, "stage", "proposal".into(), Some(50));
        assert_eq!(values["probability"], "35", "what the user typed stays");
        let (mut values, mut dirty) = (typed(&[]), BTreeSet::new());
        type_into(&mut values, &mut dirty, "title", "X".into(), Some(50));
        assert!(!values.contains_key("probability"), "only a stage brings a probability");
    }

    #[test]
    fn ticking_a_group_adds_it_once_and_unticking_removes_it() {
        assert_eq!(toggle_group("", "vip", true), "vip");
        assert_eq!(toggle_group("vip,fleet", "vip", true), "fleet,vip");
        assert_eq!(toggle_group("vip,fleet", "vip", false), "fleet");
        assert_eq!(toggle_group("fleet", "vip", false), "fleet");
    }

    #[test]
    fn a_sync_landing_while_typing_keeps_the_fields_being_typed_in() {
        let fields = form_fields(RecordKind::Lead);
        let values = typed(&[("title", "My new title"), ("interest", "old")]);
        let stored = |name: &str| match name {
            "title" => "Server title".to_owned(),
            "interest" => "Colleague's interest".to_owned(),
            _ => String::new(),
        };
        let next = refreshed(&fields, &values, &["title"].into(), stored).unwrap();
        assert_eq!((next["title"].as_str(), next["interest"].as_str()), ("My new title", "Colleague's interest"));
        assert_eq!(refreshed(&fields, &next, &["title"].into(), stored), None, "unchanged text is not rewritten");
    }
}
