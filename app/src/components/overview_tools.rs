//! The overview's tools beside the search box (LO-1, LO-2): advanced search (field conditions,
//! all of which must hold), a column chooser, and saved views that bring back a tab, search,
//! conditions, sort and columns. Views and columns are kept per device and kind.

use crate::components::overview::{Col, Row, Tab};
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use crate::state::prefs;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use veld_domain::RecordKind;
use veld_domain::config::Table;

/// A field an advanced-search condition can test.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CondField {
    Stage,
    Source,
    ValueAtLeast,
    ValueAtMost,
    CloseBefore,
    CloseAfter,
    Company,
}

impl CondField {
    pub const ALL: [CondField; 7] = [
        CondField::Stage,
        CondField::Source,
        CondField::ValueAtLeast,
        CondField::ValueAtMost,
        CondField::CloseBefore,
        CondField::CloseAfter,
        CondField::Company,
    ];

    fn code(self) -> &'static str {
        match self {
            CondField::Stage => "stage",
            CondField::Source => "source",
            CondField::ValueAtLeast => "value_min",
            CondField::ValueAtMost => "value_max",
            CondField::CloseBefore => "close_before",
            CondField::CloseAfter => "close_after",
            CondField::Company => "company",
        }
    }

    fn label(self, t: &Strings) -> &'static str {
        match self {
            CondField::Stage => t.cond_stage,
            CondField::Source => t.cond_source,
            CondField::ValueAtLeast => t.cond_value_min,
            CondField::ValueAtMost => t.cond_value_max,
            CondField::CloseBefore => t.cond_close_before,
            CondField::CloseAfter => t.cond_close_after,
            CondField::Company => t.cond_company,
        }
    }
}

/// One condition: the field and the value it is compared with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Condition {
    pub field: CondField,
    pub value: String,
}

impl Condition {
    /// Whether a row meets the condition; an empty value is no condition.
    pub fn admits(&self, r: &Row) -> bool {
        let v = self.value.trim();
        if v.is_empty() {
            return true;
        }
        let number = || crate::format::parse_amount(v);
        match self.field {
            CondField::Stage => r.stage_code == v,
            CondField::Source => r.source_code == v,
            CondField::ValueAtLeast => number().is_none_or(|n| r.value.is_some_and(|x| x >= n)),
            CondField::ValueAtMost => number().is_none_or(|n| r.value.is_some_and(|x| x <= n)),
            CondField::CloseBefore => !r.close_date.is_empty() && r.close_date.as_str() < v,
            CondField::CloseAfter => !r.close_date.is_empty() && r.close_date.as_str() > v,
            CondField::Company => r.company.to_lowercase().contains(&v.to_lowercase()),
        }
    }
}

/// A saved view: what the overview showed when it was saved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedView {
    pub name: String,
    pub tab: String,
    pub query: String,
    pub conditions: Vec<Condition>,
    pub sort: Option<(String, bool)>,
    pub hidden: Vec<String>,
}

fn views_key(kind: RecordKind) -> String {
    format!("veld.views.{}.v1", kind.as_str())
}

pub fn columns_key(kind: RecordKind) -> String {
    format!("veld.columns.{}.v1", kind.as_str())
}

/// The overview's state the tools read and write.
#[derive(Clone, Copy)]
pub struct ToolState {
    pub kind: RecordKind,
    pub tab: Memo<Tab>,
    pub query: RwSignal<String>,
    pub sort: RwSignal<Option<(Col, bool)>>,
    pub conditions: RwSignal<Vec<Condition>>,
    pub hidden: RwSignal<BTreeSet<Col>>,
    pub columns: StoredValue<Vec<Col>>,
}

#[component]
pub fn OverviewTools(state: ToolState) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = state.kind;
    let views = RwSignal::new(prefs::load::<Vec<SavedView>>(&views_key(kind)).unwrap_or_default());
    let view_name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<&'static str>);
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        state.hidden.with(|h| prefs::save(&columns_key(kind), &h.iter().map(|c| c.code()).collect::<Vec<_>>()))
    });

    let save_view = move |_| {
        let name = view_name.get_untracked().trim().to_owned();
        if name.is_empty() {
            name_error.set(Some(t().err_view_name));
            return;
        }
        name_error.set(None);
        let view = SavedView {
            name: name.clone(),
            tab: state.tab.get_untracked().key(),
            query: state.query.get_untracked(),
            conditions: state.conditions.get_untracked(),
            sort: state.sort.get_untracked().map(|(c, d)| (c.code().to_owned(), d)),
            hidden: state.hidden.get_untracked().iter().map(|c| c.code().to_owned()).collect(),
        };
        views.update(|v| {
            v.retain(|x| x.name != name);
            v.push(view);
        });
        views.with_untracked(|v| prefs::save(&views_key(kind), v));
        view_name.set(String::new());
    };
    let apply_view = move |v: SavedView| {
        state.query.set(v.query);
        state.conditions.set(v.conditions);
        state.sort.set(v.sort.and_then(|(c, d)| Col::parse(&c).map(|c| (c, d))));
        state.hidden.set(v.hidden.iter().filter_map(|c| Col::parse(c)).collect());
        let base = crate::components::overview::base(kind);
        navigate(&format!("{base}?tab={}", v.tab), Default::default());
    };
    let delete_view = move |name: String| {
        views.update(|v| v.retain(|x| x.name != name));
        views.with_untracked(|v| prefs::save(&views_key(kind), v));
    };

    let value_input = move |i: usize, c: Condition| {
        let t = t();
        let lang = store.language.get().code();
        let label = format!("{} {}", t.cond_value, c.field.label(t));
        let set = move |ev| {
            let v = event_target_value(&ev);
            state.conditions.update(|cs| {
                if let Some(x) = cs.get_mut(i) {
                    x.value = v;
                }
            });
        };
        match c.field {
            CondField::Stage | CondField::Source => {
                let options: Vec<(String, String)> = store.config.with(|cfg| {
                    if c.field == CondField::Stage {
                        cfg.stages(kind).active().map(|s| (s.code.clone(), s.name.get(lang).to_owned())).collect()
                    } else {
                        cfg.tables
                            .entries(kind, Table::Source)
                            .into_iter()
                            .map(|e| (e.code.clone(), e.label.get(lang).to_owned()))
                            .collect()
                    }
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
            CondField::Company => view! { <input aria-label=label prop:value=c.value on:input=set/> }.into_any(),
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
                let field_label = format!("{} {}", t.cond_field, i + 1);
                let remove_label = format!("{} {}", t.remove, c.field.label(t));
                let current = c.field;
                view! {
                    <li class="condition">
                        <select aria-label=field_label on:change=move |ev| {
                            let code = event_target_value(&ev);
                            if let Some(f) = CondField::ALL.into_iter().find(|f| f.code() == code) {
                                state.conditions.update(|cs| if let Some(x) = cs.get_mut(i) { *x = Condition { field: f, value: String::new() } });
                            }
                        }>
                            {CondField::ALL.map(|f| view! { <option value=f.code() selected=f == current>{f.label(t)}</option> }).collect_view()}
                        </select>
                        {value_input(i, c)}
                        <button type="button" class="button subtle" aria-label=remove_label on:click=move |_| state.conditions.update(|cs| { cs.remove(i); })>"×"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <div class="overview-tools">
            <details class="tool">
                <summary>{move || (t().advanced_search)(state.conditions.with(|c| c.iter().filter(|c| !c.value.trim().is_empty()).count()))}</summary>
                <div class="tool-panel">
                    <ul class="conditions">{conditions}</ul>
                    <div class="form-actions">
                        <button type="button" class="button" on:click=move |_| state.conditions.update(|c| c.push(Condition { field: CondField::Stage, value: String::new() }))>{move || t().add_condition}</button>
                        <button type="button" class="button subtle" on:click=move |_| state.conditions.set(Vec::new())>{move || t().clear_conditions}</button>
                    </div>
                </div>
            </details>
            <details class="tool">
                <summary>{move || t().columns}</summary>
                <div class="tool-panel">
                    {move || state.columns.get_value().into_iter().filter(|c| *c != Col::Title).map(|c| {
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
            <details class="tool">
                <summary>{move || t().saved_views}</summary>
                <div class="tool-panel">
                    <ul class="saved-views">
                        {move || views.get().into_iter().map(|v| {
                            let name = v.name.clone();
                            let delete_label = format!("{} {}", t().delete, v.name);
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
                            <label for=format!("view-name-{}", kind.as_str())>{move || t().view_name}</label>
                            <input id=format!("view-name-{}", kind.as_str()) prop:value=move || view_name.get() on:input=move |ev| view_name.set(event_target_value(&ev))
                                aria-invalid=move || name_error.get().is_some().to_string() aria-describedby="view-name-error"/>
                        </div>
                        <button type="button" class="button" on:click=save_view>{move || t().save_view}</button>
                        <p class="field-error" id="view-name-error">{move || name_error.get()}</p>
                    </div>
                </div>
            </details>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(stage: &str, value: Option<i64>, close: &str, company: &str) -> Row {
        Row {
            id: uuid::Uuid::nil(),
            number: String::new(),
            title: "T".into(),
            company: company.into(),
            contacts: String::new(),
            stage: stage.into(),
            stage_code: stage.into(),
            source_code: "website".into(),
            category_code: String::new(),
            stage_index: 0,
            stage_group: String::new(),
            source: String::new(),
            value,
            probability: None,
            close_date: close.into(),
            owner: veld_domain::UserId(uuid::Uuid::nil()),
            office: veld_domain::OfficeId(uuid::Uuid::nil()),
            haystack: String::new(),
        }
    }

    fn check(field: CondField, value: &str, r: &Row) -> bool {
        Condition { field, value: value.into() }.admits(r)
    }

    #[test]
    fn conditions_test_their_field_and_an_empty_value_admits_all() {
        let r = row("qualified", Some(5_000), "2027-03-31", "Bakkerij Van Dijk");
        assert!(check(CondField::Stage, "qualified", &r));
        assert!(!check(CondField::Stage, "new", &r));
        assert!(check(CondField::Stage, "", &r));
        assert!(check(CondField::Source, "website", &r));
        assert!(check(CondField::ValueAtLeast, "€ 5.000", &r));
        assert!(!check(CondField::ValueAtLeast, "5001", &r));
        assert!(check(CondField::ValueAtMost, "5000", &r));
        assert!(!check(CondField::ValueAtMost, "10", &row("new", None, "", "")), "no value is not at most 10");
        assert!(check(CondField::CloseBefore, "2027-04-01", &r));
        assert!(!check(CondField::CloseAfter, "2027-04-01", &r));
        assert!(!check(CondField::CloseBefore, "2030-01-01", &row("new", None, "", "")), "no date is not before");
        assert!(check(CondField::Company, "BAKKERIJ", &r));
        assert!(!check(CondField::Company, "kroon", &r));
    }

    #[test]
    fn columns_and_tabs_round_trip_through_their_codes() {
        for c in [Col::Number, Col::Title, Col::Stage, Col::CloseDate] {
            assert_eq!(Col::parse(c.code()), Some(c));
        }
        assert_eq!(Col::parse("shoe_size"), None);
        for tab in [Tab::Mine, Tab::Office, Tab::All, Tab::Group("closing".into())] {
            assert_eq!(Tab::parse(&tab.key()), tab);
        }
    }
}
