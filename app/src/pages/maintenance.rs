//! The administrator's Maintenance area (CF-1, CF-2): the stages of leads and of opportunities
//! (names in en/nl/ro, order, flags, colour, transitions, group, probability, instructions) and
//! the eight tables per kind. Configuration is stored as records, so each save is an ordinary
//! change: it works offline and reaches every device with the next sync.

use crate::components::page::Page;
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::{Map, Value};
use veld_domain::config::{Label, Outcome, StageDef, Table, TableEntry};
use veld_domain::edit::Edit;
use veld_domain::{Language, RecordKind};

/// A label is written in every interface language.
fn langs() -> [&'static str; Language::ALL.len()] {
    Language::ALL.map(Language::code)
}

/// The fields of `next` that differ from `before`, as a change.
pub(crate) fn changed(before: &Map<String, Value>, next: &Map<String, Value>) -> Map<String, Value> {
    next.iter().filter(|(k, v)| before.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn table_name(t: &Strings, table: Table) -> &'static str {
    match table {
        Table::Attribute => t.table_attribute,
        Table::Category => t.col_category,
        Table::Group => t.table_group,
        Table::Priority => t.col_priority,
        Table::Procedure => t.table_procedure,
        Table::Role => t.col_role,
        Table::Source => t.col_source,
        Table::StageGroup => t.table_stage_group,
    }
}

/// "New stage" / "New entry": a code (lower case, spaces become underscores) and an English
/// name; refuses an empty one or a code in use, next to the fields.
#[component]
pub(crate) fn AddCode(
    heading: fn(&Strings) -> &'static str,
    id_prefix: &'static str,
    taken: Callback<String, bool>,
    on_add: Callback<(String, String), Edit>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let add = move |_| {
        let t = t();
        let c = code.get_untracked().trim().to_lowercase().replace(' ', "_");
        let n = name.get_untracked().trim().to_owned();
        if c.is_empty() || n.is_empty() {
            error.set(Some(t.err_code_and_name.to_owned()));
            return;
        }
        if taken.run(c.clone()) {
            error.set(Some(t.err_code_taken.to_owned()));
            return;
        }
        if store.apply_reporting(on_add.run((c, n)), error) {
            code.set(String::new());
            name.set(String::new());
        }
    };
    let (code_id, name_id) = (format!("{id_prefix}-code"), format!("{id_prefix}-name"));
    view! {
        <div class="card config-add">
            <h2>{move || heading(t())}</h2>
            <div class="form-grid">
                <div class="field">
                    <label for=code_id.clone()>{move || t().col_code}</label>
                    <input id=code_id prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for=name_id.clone()>{move || t().name_en}</label>
                    <input id=name_id prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </div>
            </div>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <button type="button" class="button primary" on:click=add>{move || t().add}</button>
        </div>
    }
}

/// An editor's saved value and its draft. When the stored value changes (a sync, or this
/// editor's own save), the draft follows it unless the user is editing it.
pub(crate) fn follow_saved<T>(
    id: uuid::Uuid,
    initial: T,
    all: Memo<Vec<(uuid::Uuid, T)>>,
) -> (StoredValue<T>, RwSignal<T>)
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let saved = StoredValue::new(initial.clone());
    let draft = RwSignal::new(initial);
    let current = Memo::new(move |_| all.with(|a| a.iter().find(|(i, _)| *i == id).map(|(_, x)| x.clone())));
    Effect::new(move |_| {
        if let Some(now) = current.get() {
            if draft.with_untracked(|d| *d == saved.get_value() && *d != now) {
                draft.set(now.clone());
            }
            saved.set_value(now);
        }
    });
    (saved, draft)
}

/// Lead / opportunity switch shared by both pages.
#[component]
pub(crate) fn KindSwitch(kind: RwSignal<RecordKind>) -> impl IntoView {
    let t = use_i18n();
    view! {
        <div class="choices" role="group" aria-label=move || t().config_for>
            {[RecordKind::Lead, RecordKind::Opportunity].into_iter().map(|k| view! {
                <button type="button" class="choice" aria-pressed=move || (kind.get() == k).to_string() on:click=move |_| kind.set(k)>
                    {move || if k == RecordKind::Lead { t().nav_leads } else { t().nav_opportunities }}
                </button>
            }).collect_view()}
        </div>
    }
}

/// Links between the Maintenance pages.
#[component]
pub fn MaintenanceLinks() -> impl IntoView {
    let t = use_i18n();
    view! {
        <nav class="tabs" aria-label=move || t().nav_admin>
            <ul>
                <li><A href="/admin" exact=true>{move || t().admin_users}</A></li>
                <li><A href="/admin/stages">{move || t().admin_stages}</A></li>
                <li><A href="/admin/tables">{move || t().admin_tables}</A></li>
                <li><A href="/admin/automation">{move || t().admin_automation}</A></li>
                <li><A href="/admin/roles">{move || t().admin_roles}</A></li>
            </ul>
        </nav>
    }
}

#[component]
pub fn StagesPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = RwSignal::new(RecordKind::Lead);
    let is_admin = move || store.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.admin));
    // (record id, stage) of the chosen list, in order.
    let stages = Memo::new(move |_| {
        let list = kind.get();
        let mut out = Vec::new();
        store.visible_each(&[RecordKind::Stage], |r| {
            if let Some(s) = StageDef::from_values(&r.values()).filter(|s| s.list == list) {
                out.push((r.id, s));
            }
        });
        out.sort_by(|a, b| (a.1.index, &a.1.code).cmp(&(b.1.index, &b.1.code)));
        out
    });
    let taken = Callback::new(move |code: String| stages.with_untracked(|s| s.iter().any(|(_, s)| s.code == code)));
    let add = Callback::new(move |(code, name): (String, String)| {
        let index = stages.with_untracked(|s| s.last().map_or(10, |(_, s)| s.index + 10));
        let stage = StageDef::new(kind.get_untracked(), &code, Label::new(&name, "", ""), index);
        Edit::create(RecordKind::Stage, uuid::Uuid::now_v7(), stage.to_values())
    });
    view! {
        <Page title=Signal::derive(move || t().admin_stages) intro=Signal::derive(move || t().stages_intro)>
            <Show when=is_admin fallback=move || view! { <p class="notice">{move || t().not_allowed}</p> }>
                <MaintenanceLinks/>
                <KindSwitch kind=kind/>
                <ul class="config-list">
                    <For each=move || stages.get() key=|(id, _)| *id let:item>
                        <StageEditor id=item.0 stage=item.1 all=stages/>
                    </For>
                </ul>
                <AddCode heading=|t| t.new_stage id_prefix="new-stage" taken=taken on_add=add/>
            </Show>
        </Page>
    }
}

/// One stage's settings, folded; saving sends only what changed.
#[component]
fn StageEditor(id: uuid::Uuid, stage: StageDef, all: Memo<Vec<(uuid::Uuid, StageDef)>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let (saved, draft) = follow_saved(id, stage.clone(), all);
    let notice = RwSignal::new(None::<String>);
    let lang = move || store.language.get().code();
    let code = stage.code.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let next = draft.get_untracked();
        if next.name.get("en").trim().is_empty() {
            notice.set(Some(t.err_code_and_name.to_owned()));
            return;
        }
        let fields = changed(&saved.get_value().to_values(), &next.to_values());
        store.apply_noting(Edit::update(RecordKind::Stage, id, fields), notice);
    };
    let text = move |label: String,
                     get: fn(&StageDef, &str) -> String,
                     set: fn(&mut StageDef, &str, String),
                     l: &'static str| {
        let input_id = format!("stage-{id}-{}-{l}", label.len());
        view! {
            <div class="field">
                <label for=input_id.clone()>{label}</label>
                <input id=input_id prop:value=move || draft.with(|d| get(d, l)) on:input=move |ev| draft.update(|d| set(d, l, event_target_value(&ev)))/>
            </div>
        }
    };
    let flag = move |label: &'static str, get: fn(&StageDef) -> bool, set: fn(&mut StageDef, bool)| {
        view! {
            <label class="check-field">
                <input type="checkbox" prop:checked=move || draft.with(get) on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    draft.update(|d| set(d, on));
                }/>
                {label}
            </label>
        }
    };
    let moves = move |label: &'static str, forward: bool| {
        let own = code.clone();
        view! {
            <fieldset class="moves">
                <legend>{label}</legend>
                {move || all.get().into_iter().filter(|(_, s)| s.code != own).map(|(_, s)| {
                    let c = s.code.clone();
                    let c2 = c.clone();
                    let name = s.name.get(lang()).to_owned();
                    view! {
                        <label class="check-field">
                            <input type="checkbox"
                                prop:checked=move || draft.with(|d| if forward { d.next.contains(&c) } else { d.previous.contains(&c) })
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let c = c2.clone();
                                    draft.update(|d| {
                                        let list = if forward { &mut d.next } else { &mut d.previous };
                                        list.retain(|x| *x != c);
                                        if on { list.push(c); }
                                    });
                                }/>
                            {name}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
        }
    };
    let groups = move || {
        let l = lang();
        let list = stage.list;
        let current = draft.with(|d| d.stage_group.clone().unwrap_or_default());
        let mut options = vec![view! { <option value="" selected=current.is_empty()>"—"</option> }.into_any()];
        options.extend(store.config.with(|c| {
            c.tables.entries(list, Table::StageGroup).into_iter().map(|e| {
                view! { <option value=e.code.clone() selected=e.code == current>{e.label.get(l).to_owned()}</option> }.into_any()
            }).collect::<Vec<_>>()
        }));
        options
    };
    let outcome_id = format!("stage-{id}-outcome");
    let group_id = format!("stage-{id}-group");
    let colour_id = format!("stage-{id}-colour");
    let index_id = format!("stage-{id}-index");
    let probability_id = format!("stage-{id}-probability");
    let is_opportunity = stage.list == RecordKind::Opportunity;
    view! {
        <li class="card config-item">
            <details>
                <summary>
                    <span class="swatch" style=move || format!("background:{}", draft.with(|d| d.colour.clone()))></span>
                    <strong>{move || draft.with(|d| d.name.get(lang()).to_owned())}</strong>
                    <span class="muted">{format!(" · {}", stage.code)}</span>
                    {move || (!draft.with(|d| d.active)).then(|| view! { <span class="muted">{format!(" · {}", t().inactive)}</span> })}
                </summary>
                <form on:submit=save novalidate>
                    <div class="form-grid">
                        {langs().map(|l| text(format!("{} ({l})", t().col_name), |d, l| d.name.0.get(l).cloned().unwrap_or_default(), |d, l, v| { d.name.0.insert(l.to_owned(), v); }, l)).collect_view()}
                        <div class="field">
                            <label for=index_id.clone()>{move || t().col_order}</label>
                            <input id=index_id inputmode="numeric" prop:value=move || draft.with(|d| d.index.to_string())
                                on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse() { draft.update(|d| d.index = n) } }/>
                        </div>
                        <div class="field">
                            <label for=colour_id.clone()>{move || t().col_colour}</label>
                            <input id=colour_id type="color" prop:value=move || draft.with(|d| d.colour.clone()) on:input=move |ev| draft.update(|d| d.colour = event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for=group_id.clone()>{move || t().table_stage_group}</label>
                            <select id=group_id on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.stage_group = Some(v).filter(|s| !s.is_empty())) }>{groups}</select>
                        </div>
                        <div class="field">
                            <label for=outcome_id.clone()>{move || t().col_outcome}</label>
                            <select id=outcome_id prop:value=move || draft.with(|d| match d.outcome { Some(Outcome::Won) => "won", Some(Outcome::Lost) => "lost", Some(Outcome::Converted) => "converted", None => "" })
                                on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.outcome = match v.as_str() { "won" => Some(Outcome::Won), "lost" => Some(Outcome::Lost), "converted" => Some(Outcome::Converted), _ => None }) }>
                                <option value="">"—"</option>
                                <option value="won">{move || t().outcome_won}</option>
                                <option value="lost">{move || t().outcome_lost}</option>
                                <option value="converted">{move || t().outcome_converted}</option>
                            </select>
                        </div>
                        {is_opportunity.then(|| view! {
                            <div class="field">
                                <label for=probability_id.clone()>{move || t().col_probability}</label>
                                <input id=probability_id.clone() inputmode="numeric" prop:value=move || draft.with(|d| d.probability.to_string())
                                    on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse::<u8>() { draft.update(|d| d.probability = n.min(100)) } }/>
                            </div>
                        })}
                    </div>
                    <div class="flags">
                        {flag(t().active, |d| d.active, |d, v| d.active = v)}
                        {flag(t().default_stage, |d| d.default, |d, v| d.default = v)}
                        {flag(t().end_stage, |d| d.end, |d, v| d.end = v)}
                        {flag(t().default_end_stage, |d| d.default_end, |d, v| d.default_end = v)}
                    </div>
                    {moves(t().next_stages, true)}
                    {moves(t().previous_stages, false)}
                    <div class="form-grid">
                        {langs().map(|l| text(format!("{} ({l})", t().col_instructions), |d, l| d.instructions.0.get(l).cloned().unwrap_or_default(), |d, l, v| { d.instructions.0.insert(l.to_owned(), v); }, l)).collect_view()}
                    </div>
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                    <button type="submit" class="button primary">{move || t().save}</button>
                </form>
            </details>
        </li>
    }
}

#[component]
pub fn TablesPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = RwSignal::new(RecordKind::Lead);
    let table = RwSignal::new(Table::Source);
    let is_admin = move || store.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.admin));
    let entries = Memo::new(move |_| {
        let (list, tab) = (kind.get(), table.get());
        let mut out = Vec::new();
        store.visible_each(&[RecordKind::TableEntry], |r| {
            if let Some(e) = TableEntry::from_values(&r.values()).filter(|e| e.list == list && e.table == tab) {
                out.push((r.id, e));
            }
        });
        out.sort_by(|a, b| (a.1.order, &a.1.code).cmp(&(b.1.order, &b.1.code)));
        out
    });
    let taken = Callback::new(move |code: String| entries.with_untracked(|e| e.iter().any(|(_, e)| e.code == code)));
    let add = Callback::new(move |(code, label): (String, String)| {
        let entry = TableEntry {
            list: kind.get_untracked(),
            table: table.get_untracked(),
            code,
            label: Label::new(&label, "", ""),
            active: true,
            order: entries.with_untracked(|e| e.last().map_or(1, |(_, e)| e.order + 1)),
            fixed: false,
            colour: String::new(),
        };
        Edit::create(RecordKind::TableEntry, uuid::Uuid::now_v7(), entry.to_values())
    });
    view! {
        <Page title=Signal::derive(move || t().admin_tables) intro=Signal::derive(move || t().tables_intro)>
            <Show when=is_admin fallback=move || view! { <p class="notice">{move || t().not_allowed}</p> }>
                <MaintenanceLinks/>
                <KindSwitch kind=kind/>
                <div class="field inline table-choice">
                    <label for="table-choice">{move || t().admin_table}</label>
                    <select id="table-choice" on:change=move |ev| { if let Some(x) = Table::parse(&event_target_value(&ev)) { table.set(x) } }>
                        {move || Table::ALL.map(|x| view! { <option value=x.as_str() selected=table.get() == x>{table_name(t(), x)}</option> }).collect_view()}
                    </select>
                </div>
                <ul class="config-list">
                    <For each=move || entries.get() key=|(id, _)| *id let:item>
                        <EntryEditor id=item.0 entry=item.1 all=entries/>
                    </For>
                </ul>
                <AddCode heading=|t| t.new_entry id_prefix="new-entry" taken=taken on_add=add/>
            </Show>
        </Page>
    }
}

/// One table entry: labels per language, order, active.
#[component]
fn EntryEditor(id: uuid::Uuid, entry: TableEntry, all: Memo<Vec<(uuid::Uuid, TableEntry)>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let (saved, draft) = follow_saved(id, entry.clone(), all);
    let notice = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let next = draft.get_untracked();
        if next.label.get("en").trim().is_empty() {
            notice.set(Some(t.err_code_and_name.to_owned()));
            return;
        }
        let fields = changed(&saved.get_value().to_values(), &next.to_values());
        store.apply_noting(Edit::update(RecordKind::TableEntry, id, fields), notice);
    };
    let order_id = format!("entry-{id}-order");
    view! {
        <li class="card config-item">
            <form on:submit=save novalidate class="entry-form" aria-label=entry.code.clone()>
                <strong class="entry-code">{entry.code.clone()}{entry.fixed.then(|| view! { <span class="muted">{move || format!(" · {}", t().fixed)}</span> })}</strong>
                {langs().map(|l| {
                    let input_id = format!("entry-{id}-{l}");
                    view! {
                        <div class="field">
                            <label for=input_id.clone()>{move || format!("{} ({l})", t().col_name)}</label>
                            <input id=input_id prop:value=move || draft.with(|d| d.label.0.get(l).cloned().unwrap_or_default())
                                on:input=move |ev| draft.update(|d| { d.label.0.insert(l.to_owned(), event_target_value(&ev)); })/>
                        </div>
                    }
                }).collect_view()}
                <div class="field">
                    <label for=order_id.clone()>{move || t().col_order}</label>
                    <input id=order_id inputmode="numeric" prop:value=move || draft.with(|d| d.order.to_string())
                        on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse() { draft.update(|d| d.order = n) } }/>
                </div>
                {(entry.table == Table::Category).then(|| {
                    let colour_id = format!("entry-{id}-colour");
                    view! {
                        <div class="field">
                            <label for=colour_id.clone()>{move || t().col_colour}</label>
                            <input id=colour_id type="color" prop:value=move || draft.with(|d| if d.colour.is_empty() { "#94a3b8".to_owned() } else { d.colour.clone() })
                                on:input=move |ev| draft.update(|d| d.colour = event_target_value(&ev))/>
                        </div>
                    }
                })}
                <label class="check-field">
                    <input type="checkbox" prop:checked=move || draft.with(|d| d.active) on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        draft.update(|d| d.active = on);
                    }/>
                    {move || t().active}
                </label>
                <button type="submit" class="button">{move || t().save}</button>
                <p class="form-notice" role="status">{move || notice.get()}</p>
            </form>
        </li>
    }
}
