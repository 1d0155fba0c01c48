//! A lead's or opportunity's page (LO-4…LO-8): the General form (Save validates, Cancel discards,
//! Print), the stage selector offering only allowed transitions with the stage's instructions,
//! linked contacts with their roles, "+ Opportunity" conversion, previous/next through the
//! overview's selection, and the history. `…/new` opens the creation wizard instead. Saving
//! writes to this device first (the outbox) and syncs when it can, so all of it works offline.

use crate::components::conflicts::{ConflictList, ConflictSource};
use crate::components::contacts_tab::ContactsTab;
use crate::components::history::History;
use crate::components::linked::{ActivitiesTab, JobOrdersTab, PlacementsTab};
use crate::components::overview::{Selection, base};
use crate::components::picker::{Picker, name_of};
use crate::i18n::{Strings, invalid_text, use_i18n};
use crate::pages::wizard::Wizard;
use crate::state::Store;
use crate::sync::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use std::collections::{BTreeMap, BTreeSet};
use veld_domain::config::Table;
use veld_domain::records::{convert_lead, id_of};
use veld_domain::sync::Op;
use veld_domain::{Action, Actor, Ownership, RecordKind};

#[component]
pub fn LeadPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Lead/> }
}

#[component]
pub fn OpportunityPage() -> impl IntoView {
    view! { <RecordPage kind=RecordKind::Opportunity/> }
}

/// How a field is edited.
#[derive(Clone, Copy, PartialEq)]
enum Input {
    Text { required: bool },
    LongText,
    Stage,
    Table(Table),
    Amount,
    Percent,
    Date,
}

/// One editable field: its name, its label, its input.
type FormField = (&'static str, fn(&Strings) -> &'static str, Input);

/// The General tab's fields of a kind.
fn form_fields(kind: RecordKind) -> Vec<FormField> {
    let mut fields: Vec<FormField> = vec![
        ("title", |t| t.col_title, Input::Text { required: true }),
        ("stage", |t| t.col_stage, Input::Stage),
        ("source", |t| t.col_source, Input::Table(Table::Source)),
        ("priority", |t| t.col_priority, Input::Table(Table::Priority)),
        ("category", |t| t.col_category, Input::Table(Table::Category)),
        ("interest", |t| t.col_interest, Input::LongText),
    ];
    if kind == RecordKind::Lead {
        fields.push(("expected_value", |t| t.col_value, Input::Amount));
    } else {
        fields.extend([
            ("expected_revenue", (|t: &Strings| t.col_value) as fn(&Strings) -> &'static str, Input::Amount),
            ("probability", |t| t.col_probability, Input::Percent),
            ("expected_close_date", |t| t.col_close_date, Input::Date),
            ("completion_date", |t| t.col_completion_date, Input::Date),
            ("lost_reason", |t| t.col_lost_reason, Input::LongText),
        ]);
    }
    fields
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
        Input::Table(_) | Input::Stage | Input::Date if raw.is_empty() => Ok(serde_json::Value::Null),
        _ => Ok(serde_json::Value::from(raw)),
    }
}

fn value_text(v: Option<&serde_json::Value>) -> String {
    match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

#[component]
fn RecordPage(kind: RecordKind) -> impl IntoView {
    let params = use_params_map();
    let id_param = move || params.with(|p| p.get("id").unwrap_or_default());
    view! {
        {move || if id_param() == "new" {
            view! { <Wizard kind=kind/> }.into_any()
        } else {
            let id = id_param().parse::<uuid::Uuid>().ok();
            view! { <RecordView kind=kind id=id/> }.into_any()
        }}
    }
}

#[component]
fn RecordView(kind: RecordKind, id: Option<uuid::Uuid>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let record = Memo::new(move |_| id.and_then(|id| store.visible_one(kind, id)));
    if let Some(id) = id {
        store.remember(kind, id);
    }
    let may_edit = Memo::new(move |_| {
        store.me.with(|me| {
            let Some(me) = me else { return false };
            let actor = Actor { user: me.user.id, office: me.office.id, permissions: me.permissions.clone() };
            record.with(|r| {
                r.as_ref().is_some_and(|r| {
                    actor.may(Action::Edit, kind, Ownership { owner: r.owner_id, office: r.office_id })
                })
            })
        })
    });
    let heading = move || {
        let t = t();
        record.with(|r| match r {
            Some(r) => r.fields.get("title").and_then(|f| f.value.as_str().map(str::to_owned)).unwrap_or_default(),
            None => t.record_not_found.to_owned(),
        })
    };
    let list = base(kind);
    // Re-render the page's parts only when the record appears or goes, not on each change.
    let exists = Memo::new(move |_| record.with(Option::is_some));
    view! {
        <section class="page record-page">
            <p class="breadcrumb">
                <A href=list>{move || if kind == RecordKind::Lead { t().nav_leads } else { t().nav_opportunities }}</A>
            </p>
            <div class="record-heading">
                <h1>{heading}</h1>
                <PrevNext kind=kind id=id/>
            </div>
            {move || exists.get().then(|| {
                let id = id.unwrap_or_default();
                view! {
                    <Show when=move || !may_edit.get()>
                        <p class="notice">{move || t().read_only}</p>
                    </Show>
                    <Links kind=kind record=record may_edit=may_edit/>
                    <SectionNav/>
                    <GeneralForm kind=kind record=record may_edit=may_edit/>
                    <ContactsTab kind=kind record=record may_edit=may_edit/>
                    <ActivitiesTab kind=kind id=id/>
                    <JobOrdersTab kind=kind id=id company=Signal::derive(move || record.with(|r| r.as_ref().and_then(|r| id_of(&r.values(), "company_id"))))/>
                    <PlacementsTab kind=kind id=id/>
                    <History kind=kind id=id/>
                    <ConflictList source=ConflictSource::Record(kind, id) heading_id="history-heading"/>
                }
            })}
        </section>
    }
}

/// Jumps to the page's sections (a long page on a phone): General, Contacts, Activities, Job
/// orders, Placements, Changes, History.
#[component]
fn SectionNav() -> impl IntoView {
    let t = use_i18n();
    let jump = |id: &'static str| {
        move |_| {
            if let Some(el) = document().get_element_by_id(id) {
                el.scroll_into_view();
            }
        }
    };
    view! {
        <nav class="section-nav" aria-label=move || t().sections>
            <ul>
                {move || {
                    let t = t();
                    [
                        ("general-heading", t.tab_general),
                        ("contacts-heading", t.tab_contacts),
                        ("activities-heading", t.nav_activities),
                        ("jobs-heading", t.job_orders),
                        ("placements-heading", t.placements),
                        ("changes-heading", t.changes_title),
                        ("history-heading", t.history_title),
                    ]
                    .into_iter()
                    .map(|(id, label)| view! { <li><button type="button" class="link-button" on:click=jump(id)>{label}</button></li> })
                    .collect_view()
                }}
            </ul>
        </nav>
    }
}

/// Previous / next through the overview's current selection (LO-2).
#[component]
fn PrevNext(kind: RecordKind, id: Option<uuid::Uuid>) -> impl IntoView {
    let t = use_i18n();
    let selection = expect_context::<RwSignal<Selection>>();
    let around = move || {
        let id = id?;
        selection.with(|s| {
            let pos = s.0.iter().position(|x| *x == id)?;
            Some((pos, s.0.len(), pos.checked_sub(1).map(|p| s.0[p]), s.0.get(pos + 1).copied()))
        })
    };
    move || {
        around().map(|(pos, len, prev, next)| {
            let t = t();
            let link = move |target: Option<uuid::Uuid>, label: &'static str, rel: &'static str| match target {
                Some(to) => {
                    view! { <A href=format!("{}/{to}", base(kind)) attr:class="button" attr:rel=rel>{label}</A> }
                        .into_any()
                }
                None => view! { <span class="button disabled" aria-disabled="true">{label}</span> }.into_any(),
            };
            view! {
                <nav class="prev-next" aria-label=t.selection_nav>
                    {link(prev, t.previous, "prev")}
                    <span class="muted">{format!("{} / {len}", pos + 1)}</span>
                    {link(next, t.next, "next")}
                </nav>
            }
        })
    }
}

/// The record's links: company, lead ↔ opportunity, and for a lead "+ Opportunity" (LO-5).
#[component]
fn Links(
    kind: RecordKind,
    record: Memo<Option<veld_domain::sync::RecordState>>,
    may_edit: Memo<bool>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let choosing = RwSignal::new(false);
    // Only the links' own fields: the links re-render when these change, not on every edit.
    let values = Memo::new(move |_| {
        record.with(|r| {
            let mut v = serde_json::Map::new();
            if let Some(r) = r {
                for f in ["company_id", "opportunity_id", "lead_id"] {
                    if let Some(x) = r.fields.get(f) {
                        v.insert(f.to_owned(), x.value.clone());
                    }
                }
            }
            v
        })
    });
    let values = move || values.get();
    let may_edit = move || may_edit.get();
    // Link (LO-4): set or clear the company.
    let set_company = move |company: Option<uuid::Uuid>| {
        let Some(r) = record.get_untracked() else { return };
        let t = crate::i18n::strings(store.language.get_untracked());
        choosing.set(false);
        let value = company.map_or(serde_json::Value::Null, |c| serde_json::json!(c.to_string()));
        spawn_local(async move {
            let fields = [("company_id".to_owned(), value)].into();
            if engine::record_change(store, kind, r.id, Op::Update, fields).await.is_err() {
                error.set(Some(t.err_storage.to_owned()));
            }
        });
    };
    let pick_company = Callback::new(move |id| set_company(Some(id)));
    let may_convert = move || {
        kind == RecordKind::Lead
            && store
                .me
                .with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(RecordKind::Opportunity, Action::Create)))
            && store.me.with(|m| m.as_ref().is_some_and(|m| m.modules.opportunities))
    };
    let convert = move |_| {
        let Some(lead) = record.get_untracked() else { return };
        let config = store.config.get_untracked();
        let t = crate::i18n::strings(store.language.get_untracked());
        let opportunity = uuid::Uuid::now_v7();
        let conversion =
            match convert_lead(lead.id, opportunity, &lead.values(), &config.lead_stages, &config.opportunity_stages) {
                Ok(c) => c,
                Err(_) => {
                    error.set(Some(t.err_already_converted.to_owned()));
                    return;
                }
            };
        let navigate = navigate.clone();
        spawn_local(async move {
            let created = engine::record_change(
                store,
                RecordKind::Opportunity,
                opportunity,
                Op::Create,
                conversion.opportunity.into_iter().collect(),
            )
            .await;
            let closed = match created {
                Ok(()) => {
                    engine::record_change(
                        store,
                        RecordKind::Lead,
                        lead.id,
                        Op::Update,
                        conversion.lead_update.into_iter().collect(),
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            match closed {
                Ok(()) => navigate(&format!("/opportunities/{opportunity}"), Default::default()),
                Err(_) => error.set(Some(t.err_storage.to_owned())),
            }
        });
    };
    // The chips and buttons follow the record; the company picker stays put (what is typed in
    // it survives a sync).
    let company_name = Memo::new(move |_| {
        id_of(&values(), "company_id").map(|c| name_of(&store, RecordKind::Company, c).unwrap_or_default())
    });
    let chips = move || {
        let convert = convert.clone();
        let t = t();
        let v = values();
        let company = company_name.get().map(|name| {
            let name = if name.is_empty() { t.unknown_record.to_owned() } else { name };
            view! { <span class="link-chip"><span class="muted">{t.col_company}": "</span>{name}</span> }
        });
        let converted = id_of(&v, "opportunity_id").map(|o| {
            view! { <span class="link-chip">{t.converted_to}" "<A href=format!("/opportunities/{o}")>{t.open_opportunity}</A></span> }
        });
        let from_lead = id_of(&v, "lead_id").map(|l| {
            view! { <span class="link-chip">{t.from_lead}" "<A href=format!("/leads/{l}")>{t.open_lead}</A></span> }
        });
        let can_convert = may_convert() && id_of(&v, "opportunity_id").is_none();
        let has_company = company.is_some();
        view! {
            {company}
            {may_edit().then(|| view! {
                <button type="button" class="button" aria-expanded=move || choosing.get().to_string() on:click=move |_| choosing.update(|c| *c = !*c)>
                    {if has_company { t.change_company } else { t.link_company }}
                </button>
            })}
            {(may_edit() && has_company).then(|| view! {
                <button type="button" class="button subtle" on:click=move |_| set_company(None)>{t.unlink_company}</button>
            })}
            {converted}
            {from_lead}
            {can_convert.then(|| view! {
                <button type="button" class="button primary" on:click=convert>{t.convert}</button>
            })}
            <button type="button" class="button" on:click=move |_| { let _ = window().print(); }>{t.print}</button>
        }
    };
    view! {
        <div class="record-links">
            {chips}
            <p class="field-error" role="alert">{move || error.get()}</p>
        </div>
        <Show when=move || choosing.get()>
            <div class="card link-picker">
                <Picker kind=RecordKind::Company label=Signal::derive(move || t().find_company) on_pick=pick_company/>
            </div>
        </Show>
    }
}

/// The General tab: the record's fields with Save (validates) and Cancel (discards edits).
#[component]
fn GeneralForm(
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
    let notice = RwSignal::new(None::<&'static str>);
    let current = move |name: &str| {
        record.with_untracked(|r| value_text(r.as_ref().and_then(|r| r.fields.get(name)).map(|f| &f.value)))
    };
    let refresh = move |all: bool| {
        let editing = if all { BTreeSet::new() } else { dirty.get_untracked() };
        let mut next = values.get_untracked();
        for (name, _, _) in fields.get_value() {
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
        engine::mark("veld:edit:submit");
        let t = crate::i18n::strings(store.language.get_untracked());
        let Some(r) = record.get_untracked() else { return };
        let before = r.values();
        let mut changed = BTreeMap::new();
        let mut problems = BTreeMap::new();
        for (name, _, input) in fields.get_value() {
            let raw = values.with_untracked(|v| v.get(name).cloned().unwrap_or_default());
            match parse(input, &raw, t) {
                Ok(value) if (before.contains_key(name) || !value.is_null()) && before.get(name) != Some(&value) => {
                    changed.insert(name.to_owned(), value);
                }
                Ok(_) => {}
                Err(message) => {
                    problems.insert(name, message.to_owned());
                }
            }
        }
        if problems.is_empty() && !changed.is_empty() {
            let mut after = before.clone();
            after.extend(changed.clone());
            let names: Vec<String> = changed.keys().cloned().collect();
            let known = store.known_for(kind, &after);
            if let Err(e) = veld_domain::records::validate(kind, r.id, Some(&before), &after, &names, &known) {
                let field = fields.get_value().iter().map(|f| f.0).find(|f| *f == e.field).unwrap_or("title");
                problems.insert(field, invalid_text(t, &e));
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
        let (typed, editing) = (values.get_untracked(), dirty.get_untracked());
        dirty.set(BTreeSet::new());
        spawn_local(async move {
            match engine::record_change(store, kind, r.id, Op::Update, changed).await {
                Ok(()) => notice.set(Some(t.saved_locally)),
                // Not stored: the form gets back what the user typed, to try again.
                Err(_) => {
                    values.set(typed);
                    dirty.set(editing);
                    notice.set(Some(t.err_storage));
                }
            }
        });
    };

    let field_view = move |(name, label, input): FormField| {
        let t = t();
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
                        list.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()
                    })
                };
                view! {
                    <select id=id.clone() prop:value=value on:change=on_input disabled=disabled aria-describedby=error_id.clone()>
                        {options}
                    </select>
                }
                .into_any()
            }
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
        let wide = matches!(input, Input::LongText | Input::Text { .. });
        view! {
            <div class="field" class:wide=wide>
                <label for=id>{label(t)}</label>
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
