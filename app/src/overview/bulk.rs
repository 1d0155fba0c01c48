//! The overview's bulk bar (LO-1, CR-4): change stage, priority, probability, close date or
//! owner of the checked rows, add them to or remove them from a group — a company's status or
//! account manager, a company's or contact's criterion — or delete them after a confirmation. Each is an ordinary named change per record (`BulkChange::edit`), checked by
//! the one edit path like any other, so it works offline.

use crate::i18n::{Strings, use_i18n};
use crate::state::{EditError, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value, json};
use veld_domain::config::Table;
use veld_domain::edit::Edit;
use veld_domain::schema::names;
use veld_domain::{RecordKind, UserId};

/// What the bulk bar changes on each checked record.
#[derive(Clone, Debug, PartialEq)]
pub enum BulkChange {
    Stage(String),
    Priority(String),
    Probability(u8),
    CloseDate(String),
    Owner(UserId),
    Group {
        code: String,
        member: bool,
    },
    /// A company's status (a code of its status table).
    Status(String),
    /// One option of one of a company's or contact's criteria, chosen or taken off (a
    /// single-choice criterion: chosen replaces the one there).
    Criterion {
        criterion: veld_domain::criteria::Criterion,
        option: String,
        on: bool,
    },
}

impl BulkChange {
    /// The edit it makes of one record whose values are `current` (`None`: nothing to change
    /// there, e.g. already in the group). The edit path checks it like any other.
    pub fn edit(&self, kind: RecordKind, id: uuid::Uuid, current: &Map<String, Value>) -> Option<Edit> {
        let set = |field: &str, value: Value| Some(Edit::update(kind, id, Map::new()).set(field, value));
        match self {
            BulkChange::Stage(stage) => Some(Edit::move_stage(kind, id, stage)),
            BulkChange::Priority(code) => set(names::PRIORITY, json!(code)),
            BulkChange::Probability(p) => set(names::PROBABILITY, json!(p)),
            BulkChange::CloseDate(day) => set(names::EXPECTED_CLOSE_DATE, json!(day)),
            BulkChange::Owner(user) => Some(Edit::set_owner(kind, id, *user)),
            BulkChange::Group { code, member } => Edit::group(kind, id, current, code, *member),
            BulkChange::Status(code) if current.get(names::STATUS).and_then(Value::as_str) == Some(code) => None,
            BulkChange::Status(code) => set(names::STATUS, json!(code)),
            BulkChange::Criterion { criterion, option, on } => {
                let field = criterion.field();
                let value = veld_domain::criteria::toggle(criterion, current.get(&field), option, *on)?;
                set(&field, value)
            }
        }
    }
}

/// A probability as typed: a whole percentage from 0 to 100.
pub fn parse_probability(raw: &str) -> Option<u8> {
    raw.trim().parse::<u8>().ok().filter(|p| *p <= 100)
}

/// What a bulk run did: records changed (or already as asked) and records the edit path refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub done: usize,
    pub skipped: usize,
}

/// Applies `edits` one by one (`None`: nothing to do for that record, counted as done); stops
/// at a storage failure, which it reports.
async fn run(store: Store, edits: impl Iterator<Item = Option<Edit>>) -> Result<Tally, EditError> {
    let mut tally = Tally::default();
    for edit in edits {
        let Some(edit) = edit else {
            tally.done += 1;
            continue;
        };
        match store.apply(edit).await {
            Ok(_) => tally.done += 1,
            Err(e @ EditError::Storage(_)) => return Err(e),
            Err(_) => tally.skipped += 1,
        }
    }
    Ok(tally)
}

/// A string of the interface.
type Text = fn(&Strings) -> &'static str;

/// Actions on the checked rows (see the module's doc).
#[component]
pub fn BulkBar(kind: RecordKind, checked: RwSignal<std::collections::BTreeSet<uuid::Uuid>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    if store.colleagues.with_untracked(Vec::is_empty) {
        store.refresh_colleagues();
    }
    let confirm = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let count = move || checked.with(|c| c.len());
    let report = move |result: Result<Tally, EditError>, summary: fn(usize, usize) -> String| {
        let t = crate::i18n::strings(store.language.get_untracked());
        notice.set(Some(match result {
            Ok(tally) => summary(tally.done, tally.skipped),
            Err(e) => e.text(t),
        }));
    };
    let apply = move |change: BulkChange| {
        let ids: Vec<uuid::Uuid> = checked.get_untracked().into_iter().collect();
        spawn_local(async move {
            let edits =
                ids.into_iter().filter_map(|id| Some(change.edit(kind, id, &store.visible_one(kind, id)?.values())));
            let summary = crate::i18n::strings(store.language.get_untracked()).bulk.done;
            report(run(store, edits).await, summary);
        });
    };
    let delete = move || {
        let ids: Vec<uuid::Uuid> = checked.get_untracked().into_iter().collect();
        confirm.set(false);
        spawn_local(async move {
            let summary = crate::i18n::strings(store.language.get_untracked()).bulk.deleted;
            report(run(store, ids.into_iter().map(|id| Some(Edit::delete(kind, id)))).await, summary);
            checked.set(Default::default());
        });
    };
    let lang = move || store.language.get().code();
    let table = move |table: Table| {
        Signal::derive(move || {
            let lang = lang();
            store.config.with(|c| c.table_choices(kind, table, lang))
        })
    };
    let stages = Signal::derive(move || {
        let lang = lang();
        store.config.with(|c| c.stage_choices(kind, None, lang))
    });
    let owners = Signal::derive(move || store.owner_choices());
    // Every option of every criterion of the kind, as `criterion=option`, named "Segment: Fleet".
    let criteria = Memo::new(move |_| store.config.with(|c| c.criteria(kind)));
    let criterion_options = Signal::derive(move || {
        let lang = lang();
        criteria.with(|all| {
            all.iter()
                .filter(|c| c.active)
                .flat_map(|c| {
                    c.options.iter().map(move |o| {
                        (format!("{}={}", c.code, o.code), format!("{}: {}", c.label.get(lang), o.label.get(lang)))
                    })
                })
                .collect::<Vec<_>>()
        })
    });
    let criterion_change = move |value: &str, on: bool| {
        let (code, option) = value.split_once('=')?;
        let criterion = criteria.with_untracked(|all| all.iter().find(|c| c.code == code).cloned())?;
        Some(BulkChange::Criterion { criterion, option: option.to_owned(), on })
    };
    let one = move |text: Text, change: fn(String) -> Option<BulkChange>| {
        vec![(
            text,
            Callback::new(move |v: String| {
                if let Some(c) = change(v) {
                    apply(c)
                }
            }),
        )]
    };
    let apply_text: Text = |t| t.common.apply;
    // Leads and opportunities have stages, priorities and groups; a company or contact an
    // account manager (its owner).
    let deals = matches!(kind, RecordKind::Lead | RecordKind::Opportunity);
    let owner_label: Text = if deals { |t| t.bulk.owner } else { |t| t.bulk.account_manager };
    view! {
        <Show when=move || { count() > 0 || notice.with(Option::is_some) }>
            <div class="bulk-bar" role="group" aria-label=move || t().bulk.actions>
                <Show when=move || { count() > 0 }>
                    <strong>{move || (t().list.selected_count)(count())}</strong>
                    {deals.then(|| view! {
                    <BulkAction id="bulk-stage" label=|t| t.bulk.stage control=Control::Select(stages)
                        buttons=one(apply_text, |v| Some(BulkChange::Stage(v)))/>
                    <BulkAction id="bulk-priority" label=|t| t.bulk.priority control=Control::Select(table(Table::Priority))
                        buttons=one(apply_text, |v| Some(BulkChange::Priority(v)))/>
                    })}
                    {(kind == RecordKind::Company).then(|| view! {
                        <BulkAction id="bulk-status" label=|t| t.bulk.status control=Control::Select(table(Table::Status))
                            buttons=one(apply_text, |v| Some(BulkChange::Status(v)))/>
                    })}
                    {(kind == RecordKind::Opportunity).then(|| view! {
                        <BulkAction id="bulk-probability" label=|t| t.bulk.probability control=Control::Percent
                            buttons=one(apply_text, |v| parse_probability(&v).map(BulkChange::Probability))/>
                        <BulkAction id="bulk-close-date" label=|t| t.bulk.close_date control=Control::Date
                            buttons=one(apply_text, |v| Some(BulkChange::CloseDate(v)))/>
                    })}
                    <BulkAction id="bulk-owner" label=owner_label control=Control::Select(owners)
                        buttons=one(apply_text, |v| v.parse().ok().map(BulkChange::Owner))/>
                    {(!deals).then(|| view! {
                        <BulkAction id="bulk-criterion" label=|t| t.bulk.criterion control=Control::Select(criterion_options)
                            buttons=vec![
                                (|t: &Strings| t.bulk.choose, Callback::new(move |v: String| { if let Some(c) = criterion_change(&v, true) { apply(c) } })),
                                (|t: &Strings| t.bulk.unchoose, Callback::new(move |v: String| { if let Some(c) = criterion_change(&v, false) { apply(c) } })),
                            ]/>
                    })}
                    {deals.then(|| view! {
                    <BulkAction id="bulk-group" label=|t| t.bulk.group control=Control::Select(table(Table::Group))
                        buttons=vec![
                            (|t: &Strings| t.record.add_to_group, Callback::new(move |code| apply(BulkChange::Group { code, member: true }))),
                            (|t: &Strings| t.record.remove_from_group, Callback::new(move |code| apply(BulkChange::Group { code, member: false }))),
                        ]/>
                    })}
                    <button type="button" class="button danger" on:click=move |_| confirm.set(true)>{move || t().common.delete}</button>
                </Show>
                <p class="form-notice" role="status">{move || notice.get()}</p>
            </div>
        </Show>
        <Show when=move || confirm.get()>
            <div class="confirm card" role="alertdialog" aria-labelledby="confirm-delete-text">
                <p id="confirm-delete-text">{move || (t().record.confirm_delete)(count())}</p>
                <div class="form-actions">
                    <button type="button" class="button danger" on:click=move |_| delete()>{move || t().common.delete}</button>
                    <button type="button" class="button" on:click=move |_| confirm.set(false)>{move || t().common.cancel}</button>
                </div>
            </div>
        </Show>
    }
}

/// How a bulk action's value is chosen.
#[derive(Clone, Copy)]
enum Control {
    /// One of these (code, label).
    Select(Signal<Vec<(String, String)>>),
    /// A whole percentage.
    Percent,
    /// A day.
    Date,
}

/// One action of the bar: its control and its buttons, each disabled until the value is one
/// it can apply. A single button is named after the action ("Apply – Change stage").
#[component]
fn BulkAction(
    id: &'static str,
    label: Text,
    control: Control,
    buttons: Vec<(Text, Callback<String>)>,
) -> impl IntoView {
    let t = use_i18n();
    let value = RwSignal::new(String::new());
    let set = move |ev| value.set(event_target_value(&ev));
    let input = match control {
        Control::Select(options) => view! {
            <select id=id prop:value=move || value.get() on:change=set>
                <option value="">"—"</option>
                {move || options.get().into_iter().map(|(code, name)| view! { <option value=code>{name}</option> }).collect_view()}
            </select>
        }
        .into_any(),
        Control::Percent => view! { <input id=id inputmode="numeric" class="short" prop:value=move || value.get() on:input=set/> }.into_any(),
        Control::Date => view! { <input id=id type="date" prop:value=move || value.get() on:input=set/> }.into_any(),
    };
    let invalid = move || match control {
        Control::Percent => value.with(|v| parse_probability(v).is_none()),
        _ => value.with(String::is_empty),
    };
    let named = buttons.len() == 1;
    let buttons = buttons
        .into_iter()
        .map(|(text, run)| {
            let aria = move || named.then(|| format!("{} – {}", text(t()), label(t())));
            view! {
                <button type="button" class="button" disabled=invalid aria-label=aria on:click=move |_| run.run(value.get_untracked())>
                    {move || text(t())}
                </button>
            }
        })
        .collect_view();
    view! {
        <div class="bulk-action">
            <div class="field inline">
                <label for=id>{move || label(t())}</label>
                {input}
            </div>
            {buttons}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn each_bulk_change_is_the_named_change_of_one_record() {
        let (kind, id) = (RecordKind::Opportunity, uuid::Uuid::now_v7());
        let current = values(json!({"title": "T", "groups": ["vip"]}));
        assert_eq!(
            BulkChange::Stage("proposal".into()).edit(kind, id, &current),
            Some(Edit::move_stage(kind, id, "proposal"))
        );
        let owner = UserId::new();
        assert_eq!(BulkChange::Owner(owner).edit(kind, id, &current), Some(Edit::set_owner(kind, id, owner)));
        let p = BulkChange::Probability(40).edit(kind, id, &current).unwrap();
        assert_eq!(p.fields, values(json!({"probability": 40})));
        let d = BulkChange::CloseDate("2027-01-31".into()).edit(kind, id, &current).unwrap();
        assert_eq!(d.fields, values(json!({"expected_close_date": "2027-01-31"})));
    }

    #[test]
    fn a_companys_status_is_set_where_it_differs() {
        let (kind, id) = (RecordKind::Company, uuid::Uuid::now_v7());
        let current = values(json!({"name": "Acme", "status": "prospect"}));
        assert_eq!(BulkChange::Status("prospect".into()).edit(kind, id, &current), None, "already so");
        let e = BulkChange::Status("client".into()).edit(kind, id, &current).unwrap();
        assert_eq!((e.kind, e.id), (kind, id));
        assert_eq!(e.fields, values(json!({"status": "client"})), "only the status is sent");
    }

    #[test]
    fn a_criterion_is_chosen_or_taken_off_where_it_differs() {
        use veld_domain::config::Label;
        use veld_domain::criteria::{Criterion, CriterionOption};
        let (kind, id) = (RecordKind::Contact, uuid::Uuid::now_v7());
        let criterion = Criterion {
            code: "segment".into(),
            label: Label::new("Segment", "", ""),
            multiple: true,
            active: true,
            options: ["fleet", "sme"]
                .map(|c| CriterionOption { code: c.into(), label: Label::new(c, "", "") })
                .to_vec(),
        };
        let change =
            |option: &str, on: bool| BulkChange::Criterion { criterion: criterion.clone(), option: option.into(), on };
        let current = values(json!({"last_name": "Bakker", "criterion:segment": ["fleet"]}));
        assert_eq!(change("fleet", true).edit(kind, id, &current), None, "already chosen");
        assert_eq!(change("sme", false).edit(kind, id, &current), None, "not chosen");
        let e = change("sme", true).edit(kind, id, &current).unwrap();
        assert_eq!(e.fields, values(json!({"criterion:segment": ["fleet", "sme"]})), "only that criterion's field");
        let e = change("fleet", false).edit(kind, id, &values(json!({}))).map(|e| e.fields);
        assert_eq!(e, None);
    }

    #[test]
    fn groups_change_only_where_they_differ() {
        let (kind, id) = (RecordKind::Lead, uuid::Uuid::now_v7());
        let current = values(json!({"groups": ["vip"]}));
        let add = |code: &str, member| BulkChange::Group { code: code.into(), member }.edit(kind, id, &current);
        assert_eq!(add("vip", true), None, "already a member: nothing to send");
        assert_eq!(add("fair", false), None, "not a member: nothing to take out");
        assert_eq!(add("fair", true).unwrap().fields, values(json!({"groups": ["vip", "fair"]})));
        assert_eq!(add("vip", false).unwrap().fields, values(json!({"groups": []})));
    }

    #[test]
    fn a_probability_is_a_whole_percentage() {
        assert_eq!(parse_probability(" 40 "), Some(40));
        assert_eq!(parse_probability("100"), Some(100));
        for bad in ["101", "-1", "4.5", "", "forty"] {
            assert_eq!(parse_probability(bad), None, "{bad}");
        }
    }
}
