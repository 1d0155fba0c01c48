//! The overview's tools beside the search box (LO-1, LO-2): advanced search (field conditions,
//! all of which must hold), a column chooser, and saved views that bring back a tab, search,
//! conditions, sort and columns. Views and columns are kept per device and kind.

use super::OverviewState;
use super::model::{Col, CondField, Condition, SavedView};
use crate::components::icons::{self, Icon};
use crate::i18n::use_i18n;
use crate::state::Store;
use crate::state::prefs;
use leptos::prelude::*;
use std::collections::BTreeSet;
use veld_domain::RecordKind;
use veld_domain::config::Table;

fn views_key(kind: RecordKind) -> String {
    format!("veld.views.{}.v1", kind.as_str())
}

fn columns_key(kind: RecordKind) -> String {
    format!("veld.columns.{}.v1", kind.as_str())
}

/// The columns the user hid on this device.
pub fn load_hidden(kind: RecordKind) -> BTreeSet<Col> {
    prefs::load::<Vec<String>>(&columns_key(kind)).unwrap_or_default().iter().filter_map(|c| Col::parse(c)).collect()
}

/// The tools: advanced search, column chooser, saved views.
#[component]
pub fn OverviewTools(state: OverviewState) -> impl IntoView {
    view! {
        <div class="overview-tools">
            <AdvancedSearch state=state/>
            <ColumnChooser state=state/>
            <SavedViews state=state/>
        </div>
    }
}

/// Conditions on fields, all of which must hold (LO-2).
#[component]
fn AdvancedSearch(state: OverviewState) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = state.kind;
    let value_input = move |i: usize, c: Condition| {
        let t = t();
        let lang = store.language.get().code();
        let label = format!("{} {}", t.cond.value, c.field.label(t));
        let set = move |ev| {
            let v = event_target_value(&ev);
            state.conditions.update(|cs| {
                if let Some(x) = cs.get_mut(i) {
                    x.value = v;
                }
            });
        };
        match c.field {
            CondField::Stage | CondField::Source | CondField::Status | CondField::Type => {
                let options = store.config.with(|cfg| match c.field {
                    CondField::Stage => cfg.active_stage_choices(kind, lang),
                    CondField::Status => cfg.table_choices(kind, Table::Status, lang),
                    CondField::Type => cfg.table_choices(kind, Table::Type, lang),
                    _ => cfg.table_choices(kind, Table::Source, lang),
                });
                let current = c.value.clone();
                view! {
                    <select aria-label=label on:change=set>
                        <option value="">"—"</option>
                        {options.into_iter().map(|(code, name)| view! { <option value=code.clone() selected=code == current>{name}</option> }).collect_view()}
                    </select>
                }
                .into_any()
            }
            CondField::CloseBefore | CondField::CloseAfter => {
                view! { <input type="date" aria-label=label prop:value=c.value on:input=set/> }.into_any()
            }
            CondField::ValueAtLeast | CondField::ValueAtMost => {
                view! { <input inputmode="numeric" aria-label=label prop:value=c.value on:input=set/> }.into_any()
            }
            CondField::Criterion => {
                // Every option of every criterion, grouped by criterion.
                let criteria = store.config.with(|cfg| cfg.criteria(kind));
                let current = c.value.clone();
                let groups = criteria
                    .into_iter()
                    .map(|k| {
                        let options = k
                            .options
                            .iter()
                            .map(|o| {
                                let value = format!("{}={}", k.code, o.code);
                                let selected = value == current;
                                view! { <option value=value selected=selected>{o.label.get(lang).to_owned()}</option> }
                            })
                            .collect_view();
                        view! { <optgroup label=k.label.get(lang).to_owned()>{options}</optgroup> }
                    })
                    .collect_view();
                view! {
                    <select aria-label=label on:change=set>
                        <option value="">"—"</option>
                        {groups}
                    </select>
                }
                .into_any()
            }
            CondField::Company | CondField::City => {
                view! { <input aria-label=label prop:value=c.value on:input=set/> }.into_any()
            }
        }
    };
    let conditions = move || {
        let t = t();
        state
            .conditions
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let field_label = format!("{} {}", t.cond.field, i + 1);
                let remove_label = format!("{} {}", t.common.remove, c.field.label(t));
                let current = c.field;
                view! {
                    <li class="condition">
                        <select aria-label=field_label on:change=move |ev| {
                            let code = event_target_value(&ev);
                            if let Some(f) = CondField::of(kind).iter().copied().find(|f| f.code() == code) {
                                state.conditions.update(|cs| if let Some(x) = cs.get_mut(i) { *x = Condition { field: f, value: String::new() } });
                            }
                        }>
                            {CondField::of(kind).iter().map(|&f| view! { <option value=f.code() selected=f == current>{f.label(t)}</option> }).collect_view()}
                        </select>
                        {value_input(i, c)}
                        <button type="button" class="button subtle" aria-label=remove_label on:click=move |_| state.conditions.update(|cs| { cs.remove(i); })>"×"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
    <details class="tool">
        <summary><Icon d=icons::FILTER/><span class="tool-label">{move || (t().list.advanced_search)(state.conditions.with(|c| c.iter().filter(|c| !c.value.trim().is_empty()).count()))}</span></summary>
        <div class="tool-panel">
            <ul class="conditions">{conditions}</ul>
            <div class="form-actions">
                <button type="button" class="button" on:click=move |_| state.conditions.update(|c| c.push(Condition { field: CondField::of(kind)[0], value: String::new() }))>{move || t().list.add_condition}</button>
                <button type="button" class="button subtle" on:click=move |_| state.conditions.set(Vec::new())>{move || t().list.clear_conditions}</button>
            </div>
        </div>
    </details>
    }
}

/// Which columns show (kept per device and kind).
#[component]
fn ColumnChooser(state: OverviewState) -> impl IntoView {
    let t = use_i18n();
    let kind = state.kind;
    Effect::new(move |_| {
        state.hidden.with(|h| prefs::save(&columns_key(kind), &h.iter().map(|c| c.code()).collect::<Vec<_>>()))
    });

    view! {
    <details class="tool columns-tool">
        <summary><Icon d=icons::COLUMNS/><span class="tool-label">{move || t().list.columns}</span></summary>
        <div class="tool-panel">
            {move || state.columns.get_value().into_iter().filter(|c| !c.main()).map(|c| {
                let t = t();
                view! {
                    <label class="check-field">
                        <input type="checkbox" prop:checked=move || !state.hidden.with(|h| h.contains(&c)) on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            state.hidden.update(|h| { if on { h.remove(&c); } else { h.insert(c); } });
                        }/>
                        {c.label(t)}
                    </label>
                }
            }).collect_view()}
        </div>
    </details>
    }
}

/// Views saved on this device: the tab, search, conditions, sort and columns they bring back.
#[component]
fn SavedViews(state: OverviewState) -> impl IntoView {
    let t = use_i18n();
    let kind = state.kind;
    let views = RwSignal::new(prefs::load::<Vec<SavedView>>(&views_key(kind)).unwrap_or_default());
    let view_name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<&'static str>);
    let navigate = leptos_router::hooks::use_navigate();
    let save_view = move |_| {
        let name = view_name.get_untracked().trim().to_owned();
        if name.is_empty() {
            name_error.set(Some(t().err.view_name));
            return;
        }
        name_error.set(None);
        let view = state.sort.with_untracked(|sort| {
            let (tab, query) = (state.tab.get_untracked(), state.query.get_untracked());
            let hidden = state.hidden.get_untracked();
            state.conditions.with_untracked(|c| SavedView::of(&name, &tab, &query, c, *sort, &hidden))
        });
        views.update(|v| {
            v.retain(|x| x.name != name);
            v.push(view);
        });
        views.with_untracked(|v| prefs::save(&views_key(kind), v));
        view_name.set(String::new());
    };
    let apply_view = move |v: SavedView| {
        state.sort.set(v.sort());
        state.hidden.set(v.hidden());
        state.query.set(v.query);
        state.conditions.set(v.conditions);
        navigate(&format!("{}?tab={}", super::base(kind), v.tab), Default::default());
    };
    let delete_view = move |name: String| {
        views.update(|v| v.retain(|x| x.name != name));
        views.with_untracked(|v| prefs::save(&views_key(kind), v));
    };

    view! {
    <details class="tool">
        <summary><Icon d=icons::BOOKMARK/><span class="tool-label">{move || t().list.saved_views}</span></summary>
        <div class="tool-panel">
            <ul class="saved-views">
                {move || views.get().into_iter().map(|v| {
                    let name = v.name.clone();
                    let delete_label = format!("{} {}", t().common.delete, v.name);
                    let apply = apply_view.clone();
                    view! {
                        <li>
                            <button type="button" class="choice" on:click=move |_| apply(v.clone())>{name.clone()}</button>
                            <button type="button" class="button subtle" aria-label=delete_label on:click=move |_| delete_view(name.clone())>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <div class="inline-form">
                <div class="field grow">
                    <label for=format!("view-name-{}", kind.as_str())>{move || t().list.view_name}</label>
                    <input id=format!("view-name-{}", kind.as_str()) prop:value=move || view_name.get() on:input=move |ev| view_name.set(event_target_value(&ev))
                        aria-invalid=move || name_error.get().is_some().to_string() aria-describedby="view-name-error"/>
                </div>
                <button type="button" class="button" on:click=save_view>{move || t().list.save_view}</button>
                <p class="field-error" id="view-name-error">{move || name_error.get()}</p>
            </div>
        </div>
    </details>
    }
}
