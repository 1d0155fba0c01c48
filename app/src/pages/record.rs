//! A lead's or opportunity's page: view and edit its main fields, or create a new one. Saving
//! writes to this device first (the outbox) and syncs when it can, so it works offline.

use crate::components::conflicts::{ConflictList, ConflictSource};
use crate::components::record_list::{detail_path, int, text};
use crate::format::humanize;
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use crate::sync::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::BTreeMap;
use veld_domain::stages::{LEAD_STAGES, OPPORTUNITY_STAGES, SOURCES};
use veld_domain::sync::Op;
use veld_domain::{Action, Ownership, RecordKind};

#[component]
pub fn LeadPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Lead/> }
}

#[component]
pub fn OpportunityPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Opportunity/> }
}

/// One editable field: its name, its label, its input type.
type FormField = (&'static str, fn(&Strings) -> &'static str, Input);

/// The editable fields of a kind.
fn form_fields(kind: RecordKind) -> Vec<FormField> {
    let stages = if kind == RecordKind::Lead { &LEAD_STAGES[..] } else { &OPPORTUNITY_STAGES[..] };
    let stage = Input::Choice(stages.iter().map(|s| s.code).collect());
    match kind {
        RecordKind::Lead => vec![
            ("title", |t| t.col_title, Input::Text { required: true }),
            ("stage", |t| t.col_stage, stage),
            ("source", |t| t.col_source, Input::Choice(SOURCES.to_vec())),
            ("expected_value", |t| t.col_value, Input::Amount),
        ],
        _ => vec![
            ("title", |t| t.col_title, Input::Text { required: true }),
            ("stage", |t| t.col_stage, stage),
            ("expected_revenue", |t| t.col_value, Input::Amount),
            ("probability", |t| t.col_probability, Input::Amount),
            ("expected_close_date", |t| t.col_close_date, Input::Date),
        ],
    }
}

#[derive(Clone)]
enum Input {
    Text { required: bool },
    Choice(Vec<&'static str>),
    Amount,
    Date,
}

/// Checks one field's text and turns it into the stored JSON value.
fn parse(input: &Input, raw: &str, t: &Strings) -> Result<serde_json::Value, &'static str> {
    let raw = raw.trim();
    match input {
        Input::Text { required: true } if raw.is_empty() => Err(t.err_required),
        Input::Amount if raw.is_empty() => Ok(serde_json::Value::Null),
        Input::Amount => raw.parse::<i64>().map(serde_json::Value::from).map_err(|_| t.err_whole_number),
        _ => Ok(serde_json::Value::from(raw)),
    }
}

#[component]
fn RecordPage(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let params = use_params_map();
    let id_param = move || params.with(|p| p.get("id").unwrap_or_default());
    let is_new = move || id_param() == "new";
    let record = Memo::new(move |_| {
        let id: uuid::Uuid = id_param().parse().ok()?;
        store.visible_one(kind, id)
    });
    let record_id = Memo::new(move |_| record.with(|r| r.as_ref().map(|r| r.id)));
    let fields = StoredValue::new(form_fields(kind));
    // The form's text per field, and an error per field.
    let values = RwSignal::new(BTreeMap::<&'static str, String>::new());
    let errors = RwSignal::new(BTreeMap::<&'static str, &'static str>::new());
    let notice = RwSignal::new(None::<&'static str>);
    // Fields the user has typed in since the last save or cancel: a sync arriving meanwhile
    // must not overwrite them.
    let dirty = RwSignal::new(std::collections::BTreeSet::<&'static str>::new());
    let reset = move || {
        let row = record.get_untracked().map(|r| r.to_row());
        let fresh: BTreeMap<&'static str, String> = fields
            .get_value()
            .iter()
            .map(|(name, _, input)| {
                let current = row.as_ref().and_then(|r| match input {
                    Input::Amount => int(r, name).map(|v| v.to_string()),
                    _ => text(r, name),
                });
                let default = match input {
                    Input::Choice(options) if is_new() => options[0].to_owned(),
                    _ => String::new(),
                };
                (*name, current.unwrap_or(default))
            })
            .collect();
        // Rewriting identical text would move the caret of the field being typed in.
        if values.with_untracked(|v| *v != fresh) {
            values.set(fresh);
        }
        errors.set(BTreeMap::new());
        dirty.set(Default::default());
    };
    // The record changed underneath (a sync, or this page's own save): refresh the fields the
    // user is not editing.
    let refresh = move || {
        if dirty.with_untracked(|d| d.is_empty()) {
            reset();
            return;
        }
        let row = record.get_untracked().map(|r| r.to_row());
        let Some(row) = row else { return };
        let editing = dirty.get_untracked();
        let mut next = values.get_untracked();
        for (name, _, input) in fields.get_value().iter() {
            if editing.contains(name) {
                continue;
            }
            let current = match input {
                Input::Amount => int(&row, name).map(|v| v.to_string()),
                _ => text(&row, name),
            };
            next.insert(*name, current.unwrap_or_default());
        }
        if values.with_untracked(|v| *v != next) {
            values.set(next);
        }
    };
    // Fill the form when the record arrives or changes underneath (a sync).
    Effect::new(move |_| {
        record.track();
        refresh();
    });
    let may_edit = move || {
        store.me.with(|me| {
            let Some(me) = me else { return false };
            let actor =
                veld_domain::Actor { user: me.user.id, office: me.office.id, permissions: me.permissions.clone() };
            match record.get() {
                Some(r) => actor.may(Action::Edit, kind, Ownership { owner: r.owner_id, office: r.office_id }),
                None => actor.may(Action::Create, kind, Ownership { owner: me.user.id, office: me.office.id }),
            }
        })
    };
    let navigate = use_navigate();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        engine::mark("veld:edit:submit");
        let t = crate::i18n::strings(store.language.get_untracked());
        let current = record.get_untracked().map(|r| r.values()).unwrap_or_default();
        let mut changed = BTreeMap::new();
        let mut problems = BTreeMap::new();
        for (name, _, input) in fields.get_value() {
            let raw = values.with_untracked(|v| v.get(name).cloned().unwrap_or_default());
            match parse(&input, &raw, t) {
                // An empty amount on a field that never had one is no change.
                Ok(value) if (current.contains_key(name) || !value.is_null()) && current.get(name) != Some(&value) => {
                    changed.insert(name.to_owned(), value);
                }
                Ok(_) => {}
                Err(message) => {
                    problems.insert(name, message);
                }
            }
        }
        errors.set(problems.clone());
        if !problems.is_empty() {
            return;
        }
        if changed.is_empty() {
            notice.set(Some(t.nothing_changed));
            return;
        }
        let (op, id) = match record.get_untracked() {
            Some(r) => (Op::Update, r.id),
            None => (Op::Create, uuid::Uuid::now_v7()),
        };
        let navigate = navigate.clone();
        // What was typed is now the record's (shown at once): later syncs may refresh it.
        let (typed, editing) = (values.get_untracked(), dirty.get_untracked());
        dirty.set(Default::default());
        spawn_local(async move {
            match engine::record_change(store, kind, id, op, changed).await {
                Ok(()) => {
                    notice.set(Some(t.saved_locally));
                    if op == Op::Create {
                        navigate(&format!("{}/{id}", detail_path(kind).unwrap_or("")), Default::default());
                    }
                }
                // Not stored: the form gets back what the user typed, to try again.
                Err(_) => {
                    values.set(typed);
                    dirty.set(editing);
                    notice.set(Some(t.err_storage));
                }
            }
        });
    };

    let heading = move || {
        let t = t();
        match (is_new(), record.get()) {
            (true, _) => if kind == RecordKind::Lead { t.new_lead } else { t.new_opportunity }.to_owned(),
            (false, Some(r)) => {
                r.fields.get("title").and_then(|f| f.value.as_str().map(str::to_owned)).unwrap_or_default()
            }
            (false, None) => t.record_not_found.to_owned(),
        }
    };
    let list = detail_path(kind).unwrap_or("/");
    view! {
        <section class="page">
            <p class="breadcrumb">
                <A href=list>{move || if kind == RecordKind::Lead { t().nav_leads } else { t().nav_opportunities }}</A>
            </p>
            <h1>{heading}</h1>
            <Show when=move || is_new() || record.with(Option::is_some)>
                <Show when=move || !may_edit()>
                    <p class="notice">{move || t().read_only}</p>
                </Show>
                <form class="card record-form" on:submit=save.clone() novalidate>
                    {move || {
                        let t = t();
                        fields
                            .get_value()
                            .into_iter()
                            .map(|(name, label, input)| {
                                let id = format!("field-{name}");
                                let error_id = format!("{id}-error");
                                let value = move || values.with(|v| v.get(name).cloned().unwrap_or_default());
                                let on_input = move |ev| {
                                    let text = event_target_value(&ev);
                                    values.update(|v| {
                                        v.insert(name, text);
                                    });
                                    dirty.update(|d| {
                                        d.insert(name);
                                    });
                                    notice.set(None);
                                };
                                let invalid = move || errors.with(|e| e.contains_key(name)).to_string();
                                let control = match input {
                                    Input::Choice(options) => view! {
                                        <select id=id.clone() prop:value=value on:change=on_input disabled=move || !may_edit()>
                                            {options
                                                .into_iter()
                                                .map(|o| view! { <option value=o>{humanize(o)}</option> })
                                                .collect_view()}
                                        </select>
                                    }
                                    .into_any(),
                                    other => {
                                        // Amounts are text with a numeric keyboard: the app checks them
                                        // and says what is wrong, instead of the browser silently
                                        // dropping what it cannot parse.
                                        let numeric = matches!(other, Input::Amount);
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
                                                disabled=move || !may_edit()
                                            />
                                        }
                                        .into_any()
                                    }
                                };
                                view! {
                                    <div class="field">
                                        <label for=id>{label(t)}</label>
                                        {control}
                                        <p class="field-error" id=error_id>{move || errors.with(|e| e.get(name).copied())}</p>
                                    </div>
                                }
                            })
                            .collect_view()
                    }}
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                    <div class="form-actions">
                        <button type="submit" class="button primary" disabled=move || !may_edit()>{move || t().save}</button>
                        <button type="button" class="button" on:click=move |_| { reset(); notice.set(None); }>{move || t().cancel}</button>
                    </div>
                </form>
            </Show>
            {move || record_id.get().map(|id| view! { <ConflictList source=ConflictSource::Record(kind, id) heading_id="history-heading"/> })}
        </section>
    }
}
