//! The tables of leads, opportunities and companies (CF-2): sources, roles, groups, categories,
//! a company's statuses and types, … —
//! each entry a code with labels per language, an order, and whether it is active.

use super::{AdminOnly, ConfigDraft, ConfigList, KindSwitch, config_items, langs};
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::config::{Label, Table, TableEntry};
use veld_domain::criteria::CriterionOption;
use veld_domain::edit::Edit;

fn table_name(t: &Strings, table: Table) -> &'static str {
    match table {
        Table::Attribute => t.admin.table_attribute,
        Table::Category => t.col.category,
        Table::Group => t.admin.table_group,
        Table::Priority => t.col.priority,
        Table::Procedure => t.admin.table_procedure,
        Table::Role => t.col.role,
        Table::Source => t.col.source,
        Table::StageGroup => t.admin.table_stage_group,
        Table::Status => t.col.status,
        Table::Type => t.col.type_of,
        Table::Criterion => t.admin.table_criterion,
    }
}

/// The tables a list has: a company's statuses, types and criteria; a contact's criteria; a
/// lead's or opportunity's others.
fn tables_of(kind: RecordKind) -> &'static [Table] {
    match kind {
        RecordKind::Company => &[Table::Status, Table::Type, Table::Criterion],
        RecordKind::Contact => &[Table::Criterion],
        _ => &Table::ALL[..8],
    }
}

/// Entries with a colour: categories (pipeline cards) and company statuses (list pills).
fn coloured(table: Table) -> bool {
    matches!(table, Table::Category | Table::Status)
}

#[component]
pub fn TablesPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = RwSignal::new(RecordKind::Lead);
    let table = RwSignal::new(Table::Source);
    // A list's own tables: switching to companies shows their statuses.
    Effect::new(move |_| {
        let tables = tables_of(kind.get());
        if !tables.contains(&table.get_untracked()) {
            table.set(tables[0]);
        }
    });
    let entries = config_items::<TableEntry, _>(
        store,
        move |e| e.list == kind.get() && e.table == table.get(),
        |e| (e.order, e.code.clone()),
    );
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
            multiple: false,
            options: Vec::new(),
        };
        Edit::create(RecordKind::TableEntry, uuid::Uuid::now_v7(), entry.to_values())
    });
    view! {
        <AdminOnly title=|t| t.admin.tables intro=|t| t.admin.tables_intro>
            <KindSwitch kind=kind companies=true/>
            <div class="field inline table-choice">
                <label for="table-choice">{move || t().admin.table}</label>
                <select id="table-choice" on:change=move |ev| { if let Some(x) = Table::parse(&event_target_value(&ev)) { table.set(x) } }>
                    {move || tables_of(kind.get()).iter().map(|&x| view! { <option value=x.as_str() selected=table.get() == x>{table_name(t(), x)}</option> }).collect_view()}
                </select>
            </div>
            // On a wide screen the entries are rows under one header (their own labels are
            // for assistive technology only); on a phone each is a card with its labels.
            <div class="entry-table" class:with-colour=move || coloured(table.get())>
            <Show when=move || entries.with(|e| !e.is_empty())>
                <div class="entry-head" aria-hidden="true">
                    <span>{move || t().col.code}</span>
                    {langs().map(|l| view! { <span>{move || format!("{} ({l})", t().col.name)}</span> }).collect_view()}
                    <span>{move || t().col.order}</span>
                    <Show when=move || coloured(table.get())><span>{move || t().col.colour}</span></Show>
                    <span>{move || t().admin.active}</span>
                </div>
            </Show>
            <ConfigList items=entries add_heading=|t| t.admin.new_entry empty=|t| t.admin.no_entries id_prefix="new-entry" taken=taken on_add=add
                editor=move |id, entry| view! { <EntryEditor id=id entry=entry all=entries/> }/>
            </div>
        </AdminOnly>
    }
}

/// One table entry: labels per language, order, colour (categories), active.
#[component]
fn EntryEditor(id: uuid::Uuid, entry: TableEntry, all: Memo<Vec<(uuid::Uuid, TableEntry)>>) -> impl IntoView {
    let t = use_i18n();
    let editor = ConfigDraft::new(id, entry.clone(), all);
    let draft = editor.draft;
    let order_id = format!("entry-{id}-order");
    let labels = langs().map(|l| {
        let input_id = format!("entry-{id}-{l}");
        view! {
            <div class="field">
                <label for=input_id.clone()>{move || format!("{} ({l})", t().col.name)}</label>
                <input id=input_id prop:value=move || draft.with(|d| d.label.0.get(l).cloned().unwrap_or_default())
                    on:input=move |ev| draft.update(|d| { d.label.0.insert(l.to_owned(), event_target_value(&ev)); })/>
            </div>
        }
    });
    let colour = coloured(entry.table).then(|| {
        let colour_id = format!("entry-{id}-colour");
        view! {
            <div class="field">
                <label for=colour_id.clone()>{move || t().col.colour}</label>
                <input id=colour_id type="color" prop:value=move || draft.with(|d| if d.colour.is_empty() { "#94a3b8".to_owned() } else { d.colour.clone() })
                    on:input=move |ev| draft.update(|d| d.colour = event_target_value(&ev))/>
            </div>
        }
    });
    view! {
        <li class="card config-item">
            <form on:submit=move |ev| { ev.prevent_default(); editor.save(); } novalidate class="entry-form" aria-label=entry.code.clone()>
                <strong class="entry-code">{entry.code.clone()}{entry.fixed.then(|| view! { <span class="muted">{move || format!(" · {}", t().admin.fixed)}</span> })}</strong>
                {labels.collect_view()}
                <div class="field">
                    <label for=order_id.clone()>{move || t().col.order}</label>
                    <input id=order_id inputmode="numeric" prop:value=move || draft.with(|d| d.order.to_string())
                        on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse() { draft.update(|d| d.order = n) } }/>
                </div>
                {colour}
                <label class="check-field">
                    <input type="checkbox" prop:checked=move || draft.with(|d| d.active) on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        draft.update(|d| d.active = on);
                    }/>
                    <span class="check-text">{move || t().admin.active}</span>
                </label>
                <button type="submit" class="button">{move || t().common.save}</button>
                {(entry.table == Table::Criterion).then(|| view! { <CriterionOptions id=id draft=draft/> })}
                <p class="form-notice" role="status">{move || editor.notice.get()}</p>
            </form>
        </li>
    }
}

/// A criterion's options (labels per language, in order) and whether several may be chosen;
/// saved with the entry.
#[component]
fn CriterionOptions(id: uuid::Uuid, draft: RwSignal<TableEntry>) -> impl IntoView {
    let t = use_i18n();
    let new_label = RwSignal::new(String::new());
    let new_id = format!("entry-{id}-new-option");
    let add = move || {
        let label = new_label.get_untracked().trim().to_owned();
        if label.is_empty() {
            return;
        }
        draft.update(|d| {
            let code = unique_code(&label, d.options.iter().map(|o| o.code.as_str()));
            d.options.push(CriterionOption { code, label: Label::new(&label, "", "") });
        });
        new_label.set(String::new());
    };
    let rows = move || {
        let t = t();
        draft.with(|d| {
            d.options
                .iter()
                .enumerate()
                .map(|(i, o)| {
                    let labels = langs().map(|l| {
                        let input_id = format!("entry-{id}-option-{}-{l}", o.code);
                        let aria = format!("{} ({l}) – {}", t.col.name, o.code);
                        view! {
                            <input id=input_id aria-label=aria placeholder=l prop:value=o.label.0.get(l).cloned().unwrap_or_default()
                                on:change=move |ev| draft.update(|d| { if let Some(o) = d.options.get_mut(i) { o.label.0.insert(l.to_owned(), event_target_value(&ev)); } })/>
                        }
                    });
                    let remove = format!("{} {}", t.common.remove, o.label.get("en"));
                    view! {
                        <li class="criterion-option">
                            <code>{o.code.clone()}</code>
                            {labels.collect_view()}
                            <button type="button" class="button subtle" aria-label=remove on:click=move |_| draft.update(|d| { if i < d.options.len() { d.options.remove(i); } })>"×"</button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let multiple_id = format!("entry-{id}-multiple");
    view! {
        <fieldset class="criterion-options">
            <legend>{move || t().admin.options}</legend>
            <label class="check-field" for=multiple_id.clone()>
                <input id=multiple_id.clone() type="checkbox" prop:checked=move || draft.with(|d| d.multiple)
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|d| d.multiple = on); }/>
                <span>{move || t().admin.multiple}</span>
            </label>
            <ul class="criterion-option-list">{rows}</ul>
            <div class="inline-form">
                <div class="field grow">
                    <label for=new_id.clone()>{move || t().admin.new_option}</label>
                    <input id=new_id prop:value=move || new_label.get() on:input=move |ev| new_label.set(event_target_value(&ev))
                        on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); add(); }/>
                </div>
                <button type="button" class="button" on:click=move |_| add()>{move || t().admin.add_option}</button>
            </div>
        </fieldset>
    }
}

/// A code for a new option from its label (lower-case letters and digits joined by `_`),
/// numbered when `taken`.
fn unique_code<'a>(label: &str, taken: impl Iterator<Item = &'a str> + Clone) -> String {
    let mut base: String = label
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect::<String>()
        .split('_')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("_");
    if base.is_empty() {
        base = "option".into();
    }
    let free = |c: &str| !taken.clone().any(|t| t == c);
    if free(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|c| free(c)).unwrap_or(base)
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_options_code_comes_from_its_label_and_never_repeats() {
        assert_eq!(super::unique_code("Fleet (10+ cars)", [].into_iter()), "fleet_10_cars");
        assert_eq!(super::unique_code("Fleet", ["fleet"].into_iter()), "fleet_2");
        assert_eq!(super::unique_code("Fleet", ["fleet", "fleet_2"].into_iter()), "fleet_3");
        assert_eq!(super::unique_code("Éé", [].into_iter()), "option");
    }
}
