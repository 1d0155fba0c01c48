//! A record's General form (LO-4): its fields per kind, Save (validates with the domain rules,
//! then writes to this device and syncs) and Cancel (discards edits). A sync landing while the
//! user types does not overwrite the fields being typed in.

use crate::components::linked::{ACTIVITY_TYPES, activity_type_label};
use crate::i18n::{Strings, use_i18n};
use crate::state::{EditError, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{BTreeMap, BTreeSet};
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::edit::Edit;
use veld_domain::schema::FieldType;
use veld_domain::sync::OWNER_FIELD;

/// How a field is edited.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Input {
    Text {
        required: bool,
    },
    LongText,
    Stage,
    Table(Table),
    Amount,
    Percent,
    Date,
    /// A yes/no box (stored as a boolean).
    Check,
    /// An activity's type.
    ActivityType,
    /// The owner: one of the active users (changing it hands the record over).
    Owner,
    /// Groups (CF-2): a box per group of the kind's group table.
    Groups,
}

/// One editable field: its name (its label is `i18n::field_label`) and its input.
type FormField = (&'static str, Input);

/// The General tab's fields of a kind: those the record schema puts on the form.
fn form_fields(kind: RecordKind) -> Vec<FormField> {
    veld_domain::schema::fields(kind)
        .iter()
        .filter(|f| f.form)
        .filter_map(|f| {
            let input = match f.ty {
                FieldType::Text => Input::Text { required: f.required },
                FieldType::LongText => Input::LongText,
                FieldType::Stage => Input::Stage,
                FieldType::Table(table) => Input::Table(table),
                FieldType::Money => Input::Amount,
                FieldType::Percent => Input::Percent,
                FieldType::Date => Input::Date,
                FieldType::Check => Input::Check,
                FieldType::ActivityType => Input::ActivityType,
                FieldType::Owner => Input::Owner,
                FieldType::Groups => Input::Groups,
                FieldType::Contacts | FieldType::Link(_) | FieldType::Assigned => return None,
            };
            Some((f.name, input))
        })
        .collect()
}

/// Checks one field's text and turns it into the stored JSON value.
fn parse(input: Input, raw: &str, t: &Strings) -> Result<serde_json::Value, &'static str> {
    let raw = raw.trim();
    match input {
        Input::Text { required: true } if raw.is_empty() => Err(t.err_required),
        Input::Amount | Input::Percent if raw.is_empty() => Ok(serde_json::Value::Null),
        Input::Amount => match crate::format::parse_amount(raw) {
            Some(v) if v >= 0 => Ok(v.into()),
            _ => Err(t.err_whole_number),
        },
        Input::Percent => match raw.trim_end_matches('%').trim().parse::<i64>() {
            Ok(v) if (0..=100).contains(&v) => Ok(v.into()),
            _ => Err(t.err_percent),
        },
        Input::Check => Ok(serde_json::Value::Bool(raw == "true")),
        Input::Groups => {
            Ok(serde_json::Value::from(raw.split(',').filter(|g| !g.is_empty()).map(str::to_owned).collect::<Vec<_>>()))
        }
        Input::Table(_) | Input::Stage | Input::Date if raw.is_empty() => Ok(serde_json::Value::Null),
        _ => Ok(serde_json::Value::from(raw)),
    }
}

fn value_text(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        Some(serde_json::Value::Bool(b)) => b.to_string(),
        Some(serde_json::Value::Array(list)) => {
            list.iter().filter_map(serde_json::Value::as_str).collect::<Vec<_>>().join(",")
        }
        _ => String::new(),
    }
}

/// The values of the fields the user changed (`dirty`), parsed from the form's text; or what
/// is wrong, per field.
fn read_form(
    fields: &[FormField],
    typed: &BTreeMap<&'static str, String>,
    dirty: &BTreeSet<&'static str>,
    t: &Strings,
) -> Result<serde_json::Map<String, serde_json::Value>, BTreeMap<&'static str, String>> {
    let mut changed = serde_json::Map::new();
    let mut problems = BTreeMap::new();
    for (name, input) in fields.iter().filter(|f| dirty.contains(f.0)) {
        let raw = typed.get(name).map(String::as_str).unwrap_or_default();
        match parse(*input, raw, t) {
            Ok(value) => {
                changed.insert((*name).to_owned(), value);
            }
            Err(message) => {
                problems.insert(*name, message.to_owned());
            }
        }
    }
    if problems.is_empty() { Ok(changed) } else { Err(problems) }
}

/// The General tab: the record's fields with Save (validates) and Cancel (discards edits).
#[component]
pub fn GeneralForm(
    kind: RecordKind,
    record: Memo<Option<veld_domain::sync::RecordState>>,
    may_edit: Memo<bool>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let fields = StoredValue::new(form_fields(kind));
    // The form's text per field, an error per field, and the fields typed in since the last
    // save: a sync landing meanwhile must not overwrite them.
    let values = RwSignal::new(BTreeMap::<&'static str, String>::new());
    let errors = RwSignal::new(BTreeMap::<&'static str, String>::new());
    let dirty = RwSignal::new(BTreeSet::<&'static str>::new());
    let notice = RwSignal::new(None::<String>);
    let current = move |name: &str| {
        record
            .with_untracked(|r| {
                let r = r.as_ref()?;
                // The owner is the record's ownership, not one of its fields.
                Some(if name == OWNER_FIELD {
                    r.owner_id.to_string()
                } else {
                    value_text(r.fields.get(name).map(|f| &f.value))
                })
            })
            .unwrap_or_default()
    };
    let refresh = move |all: bool| {
        let editing = if all { BTreeSet::new() } else { dirty.get_untracked() };
        let mut next = values.get_untracked();
        for (name, _) in fields.get_value() {
            if !editing.contains(name) {
                next.insert(name, current(name));
            }
        }
        // Rewriting identical text would move the caret of the field being typed in.
        if values.with_untracked(|v| *v != next) {
            values.set(next);
        }
        if all {
            errors.set(BTreeMap::new());
            dirty.set(BTreeSet::new());
        }
    };
    Effect::new(move |_| {
        record.track();
        refresh(false);
    });
    // The stage the form shows (saved or just chosen): its instructions appear under it.
    let chosen_stage = move || values.with(|v| v.get("stage").cloned().unwrap_or_default());
    let instructions = move || {
        let lang = store.language.get().code();
        let code = chosen_stage();
        store
            .config
            .with(|c| c.stages(kind).get(&code).map(|s| s.instructions.get(lang).to_owned()))
            .filter(|s| !s.is_empty())
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        crate::perf::mark("veld:edit:submit");
        let t = crate::i18n::strings(store.language.get_untracked());
        let Some(r) = record.get_untracked() else { return };
        let (typed, editing) = (values.get_untracked(), dirty.get_untracked());
        // Only the fields the user changed travel: an untouched one must never overwrite a
        // colleague's concurrent edit of it.
        let changed = match read_form(&fields.get_value(), &typed, &editing, t) {
            Ok(changed) => changed,
            Err(problems) => {
                errors.set(problems);
                return;
            }
        };
        let edit = Edit::update(kind, r.id, changed);
        let shown = move |e: &EditError| {
            let field = e.field().and_then(|f| fields.get_value().iter().map(|f| f.0).find(|n| *n == f));
            match field {
                Some(field) => {
                    errors.set([(field, e.text(t))].into());
                    notice.set(None);
                }
                None => {
                    errors.set(BTreeMap::new());
                    notice.set(Some(e.text(t)));
                }
            }
        };
        errors.set(BTreeMap::new());
        let prepared = match store.check(edit) {
            Err(e) => return shown(&e),
            Ok(None) => {
                dirty.set(BTreeSet::new());
                notice.set(Some(t.nothing_changed.to_owned()));
                return;
            }
            Ok(Some(prepared)) => prepared,
        };
        dirty.set(BTreeSet::new());
        spawn_local(async move {
            match store.save(prepared).await {
                Ok(_) => notice.set(Some(t.saved_locally.to_owned())),
                // Not stored: the form gets back what the user typed, to try again.
                Err(e) => {
                    values.set(typed);
                    dirty.set(editing);
                    shown(&e);
                }
            }
        });
    };

    let field_view = move |(name, input): FormField| {
        let t = t();
        let label = crate::i18n::field_label(t, name);
        let id = format!("field-{name}");
        let error_id = format!("{id}-error");
        let value = move || values.with(|v| v.get(name).cloned().unwrap_or_default());
        let on_input = move |ev| {
            let text = event_target_value(&ev);
            // A new stage brings its probability, unless the user typed one.
            if name == "stage"
                && kind == RecordKind::Opportunity
                && !dirty.with_untracked(|d| d.contains("probability"))
            {
                let p = store.config.with_untracked(|c| c.stages(kind).get(&text).map(|s| s.probability));
                if let Some(p) = p {
                    values.update(|v| {
                        v.insert("probability", p.to_string());
                    });
                    dirty.update(|d| {
                        d.insert("probability");
                    });
                }
            }
            values.update(|v| {
                v.insert(name, text);
            });
            dirty.update(|d| {
                d.insert(name);
            });
            notice.set(None);
        };
        let invalid = move || errors.with(|e| e.contains_key(name)).to_string();
        let disabled = move || !may_edit.get();
        let control = match input {
            Input::Stage | Input::Table(_) => {
                let saved = Memo::new(move |_| record.with(|r| r.as_ref().and_then(|r| r.fields.get(name)).map(|f| value_text(Some(&f.value)))).unwrap_or_default());
                let options = move || {
                    let lang = store.language.get().code();
                    let saved = saved.get();
                    store.config.with(|c| {
                        let list: Vec<(String, String)> = match input {
                            // Only the stages the saved one may move to (LO-4).
                            Input::Stage => c.stages(kind).choices(Some(saved.as_str()).filter(|s| !s.is_empty())).into_iter().map(|s| (s.code.clone(), s.name.get(lang).to_owned())).collect(),
                            Input::Table(table) => {
                                let mut l: Vec<(String, String)> = vec![(String::new(), "—".to_owned())];
                                l.extend(c.tables.entries(kind, table).into_iter().map(|e| (e.code.clone(), e.label.get(lang).to_owned())));
                                if !saved.is_empty() && !l.iter().any(|(c, _)| *c == saved) {
                                    l.push((saved.clone(), saved.clone()));
                                }
                                l
                            }
                            _ => Vec::new(),
                        };
                        // Each option says whether it is the chosen one: when the list changes
                        // with the saved stage, the select must not fall back to the first.
                        list.into_iter()
                            .map(|(code, label)| {
                                let mine = code.clone();
                                view! { <option value=code prop:selected=move || value() == mine>{label}</option> }
                            })
                            .collect_view()
                    })
                };
                view! {
                    <select id=id.clone() prop:value=value on:change=on_input disabled=disabled aria-describedby=error_id.clone()>
                        {options}
                    </select>
                }
                .into_any()
            }
            Input::Owner => {
                // The options follow the saved owner and the colleagues, not every edit.
                let saved_owner = Memo::new(move |_| record.with(|r| r.as_ref().map(|r| r.owner_id)));
                let options = move || {
                    let saved = saved_owner.get();
                    let mut list: Vec<(String, String)> = store
                        .colleagues
                        .get()
                        .into_iter()
                        .map(|c| (c.id.to_string(), format!("{} ({})", c.name, c.office)))
                        .collect();
                    if let Some(saved) = saved.filter(|s| !list.iter().any(|(id, _)| *id == s.to_string())) {
                        let me = store.me.with(|m| m.as_ref().filter(|m| m.user.id == saved).map(|m| m.user.name.clone()));
                        list.push((saved.to_string(), me.unwrap_or_else(|| t.someone.to_owned())));
                    }
                    list.into_iter()
                        .map(|(id, name)| {
                            let mine = id.clone();
                            view! { <option value=id prop:selected=move || value() == mine>{name}</option> }
                        })
                        .collect_view()
                };
                view! {
                    <select id=id.clone() prop:value=value on:change=on_input disabled=disabled aria-describedby=error_id.clone()>
                        {options}
                    </select>
                }
                .into_any()
            }
            Input::Groups => {
                let boxes = move || {
                    let lang = store.language.get().code();
                    let entries: Vec<(String, String)> = store.config.with(|c| {
                        c.tables.entries(kind, Table::Group).into_iter().map(|e| (e.code.clone(), e.label.get(lang).to_owned())).collect()
                    });
                    entries
                        .into_iter()
                        .map(|(code, label)| {
                            let code_for_check = code.clone();
                            let checked = move || values.with(|v| v.get(name).is_some_and(|g| g.split(',').any(|x| x == code_for_check)));
                            let toggle = move |ev| {
                                let on = event_target_checked(&ev);
                                values.update(|v| {
                                    let mut list: Vec<String> = v.get(name).map(|g| g.split(',').filter(|x| !x.is_empty()).map(str::to_owned).collect()).unwrap_or_default();
                                    list.retain(|x| *x != code);
                                    if on {
                                        list.push(code.clone());
                                    }
                                    v.insert(name, list.join(","));
                                });
                                dirty.update(|d| {
                                    d.insert(name);
                                });
                                notice.set(None);
                            };
                            view! {
                                <label class="check-field"><input type="checkbox" prop:checked=checked on:change=toggle disabled=disabled/>{label}</label>
                            }
                        })
                        .collect_view()
                };
                view! { <div class="check-group" id=id.clone() role="group" aria-label=label.clone()>{boxes}</div> }.into_any()
            }
            Input::Check => {
                let on_change = move |ev| {
                    let on = event_target_checked(&ev);
                    values.update(|v| {
                        v.insert(name, on.to_string());
                    });
                    dirty.update(|d| {
                        d.insert(name);
                    });
                    notice.set(None);
                };
                view! {
                    <input id=id.clone() type="checkbox" class="check" prop:checked=move || value() == "true" on:change=on_change disabled=disabled aria-describedby=error_id.clone()/>
                }
                .into_any()
            }
            Input::ActivityType => view! {
                <select id=id.clone() prop:value=value on:change=on_input disabled=disabled aria-describedby=error_id.clone()>
                    {move || ACTIVITY_TYPES.map(|c| view! { <option value=c>{activity_type_label(t, c)}</option> }).collect_view()}
                </select>
            }
            .into_any(),
            Input::LongText => view! {
                <textarea id=id.clone() prop:value=value on:input=on_input disabled=disabled aria-invalid=invalid aria-describedby=error_id.clone() rows="3"></textarea>
            }
            .into_any(),
            other => {
                let numeric = matches!(other, Input::Amount | Input::Percent);
                let kind_attr = if matches!(other, Input::Date) { "date" } else { "text" };
                view! {
                    <input
                        id=id.clone()
                        type=kind_attr
                        inputmode=if numeric { "numeric" } else { "text" }
                        prop:value=value
                        on:input=on_input
                        aria-invalid=invalid
                        aria-describedby=error_id.clone()
                        disabled=disabled
                    />
                }
                .into_any()
            }
        };
        let wide = matches!(input, Input::LongText | Input::Text { .. } | Input::Groups);
        view! {
            <div class="field" class:wide=wide>
                {if matches!(input, Input::Groups) {
                    view! { <span class="label-text">{label.clone()}</span> }.into_any()
                } else {
                    view! { <label for=id>{label.clone()}</label> }.into_any()
                }}
                {control}
                {(name == "stage").then(|| view! {
                    <p class="instructions" aria-live="polite">{instructions}</p>
                })}
                <p class="field-error" id=error_id>{move || errors.with(|e| e.get(name).cloned())}</p>
            </div>
        }
    };

    view! {
        <form class="card record-form" on:submit=save novalidate aria-label=move || t().tab_general>
            <h2 id="general-heading">{move || t().tab_general}</h2>
            <div class="form-grid">
                {move || fields.get_value().into_iter().map(field_view).collect_view()}
            </div>
            <p class="form-notice" role="status">{move || notice.get()}</p>
            <div class="form-actions">
                <button type="submit" class="button primary" disabled=move || !may_edit.get()>{move || t().save}</button>
                <button type="button" class="button" on:click=move |_| { refresh(true); notice.set(None); }>{move || t().cancel}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, String> {
        pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect()
    }

    #[test]
    fn the_form_shows_the_schemas_form_fields() {
        let names = |kind| form_fields(kind).into_iter().map(|f| f.0).collect::<Vec<_>>();
        let opp = names(RecordKind::Opportunity);
        assert_eq!(opp.first(), Some(&"title"));
        assert!(opp.contains(&"expected_revenue") && !opp.contains(&"contacts") && !opp.contains(&"number"));
        assert!(form_fields(RecordKind::Lead).contains(&("expected_value", Input::Amount)));
        assert!(form_fields(RecordKind::Company).contains(&("name", Input::Text { required: true })));
        assert_eq!(names(RecordKind::Stage), Vec::<&str>::new(), "configuration has editors of its own");
    }

    #[test]
    fn only_the_fields_typed_in_are_read() {
        let t = crate::i18n::strings(veld_domain::Language::En);
        let fields = form_fields(RecordKind::Opportunity);
        let values = typed(&[("title", "Vans"), ("interest", ""), ("expected_revenue", "67.000"), ("groups", "")]);
        let dirty: BTreeSet<&'static str> = ["expected_revenue"].into();
        let changed = read_form(&fields, &values, &dirty, t).unwrap();
        assert_eq!(changed, serde_json::json!({"expected_revenue": 67000}).as_object().cloned().unwrap());
        assert!(read_form(&fields, &values, &BTreeSet::new(), t).unwrap().is_empty(), "nothing touched, nothing sent");
    }

    #[test]
    fn each_input_parses_its_text_or_says_what_is_wrong() {
        let t = crate::i18n::strings(veld_domain::Language::En);
        assert_eq!(parse(Input::Text { required: true }, "  ", t), Err(t.err_required));
        assert_eq!(parse(Input::Amount, "", t), Ok(serde_json::Value::Null));
        assert_eq!(parse(Input::Amount, "-5", t), Err(t.err_whole_number));
        assert_eq!(parse(Input::Percent, "40 %", t), Ok(serde_json::json!(40)));
        assert_eq!(parse(Input::Percent, "140", t), Err(t.err_percent));
        assert_eq!(parse(Input::Check, "true", t), Ok(serde_json::json!(true)));
        assert_eq!(parse(Input::Groups, "vip,,fleet", t), Ok(serde_json::json!(["vip", "fleet"])));
        assert_eq!(parse(Input::Stage, "", t), Ok(serde_json::Value::Null));
        let fields = form_fields(RecordKind::Opportunity);
        let values = typed(&[("probability", "150"), ("title", "")]);
        let problems = read_form(&fields, &values, &["probability", "title"].into(), t).unwrap_err();
        assert_eq!(problems.keys().copied().collect::<Vec<_>>(), vec!["probability", "title"]);
    }

    #[test]
    fn stored_values_show_as_the_text_the_form_reads_back() {
        let t = crate::i18n::strings(veld_domain::Language::En);
        for (input, value) in [
            (Input::Groups, serde_json::json!(["vip", "fleet"])),
            (Input::Percent, serde_json::json!(25)),
            (Input::Check, serde_json::json!(false)),
            (Input::Text { required: false }, serde_json::json!("Vans")),
        ] {
            assert_eq!(parse(input, &value_text(Some(&value)), t), Ok(value));
        }
    }
}
