//! A trigger rule's editor (TR-1): name, event with its parameter, conditions, actions.

use super::ConfigDraft;
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::automation::{Compare, Condition, Event, Rule, RuleAction};
use veld_domain::config::Table;
use veld_domain::schema::names;

pub(super) fn event_key(e: &Event) -> &'static str {
    match e {
        Event::Created => "created",
        Event::AddedToGroup { .. } => "added_to_group",
        Event::StageChanged { .. } => "stage_changed",
        Event::StageGroupChanged { .. } => "stage_group_changed",
        Event::NotModifiedFor { .. } => "not_modified_for",
    }
}

pub(super) fn event_label(t: &Strings, key: &str) -> &'static str {
    match key {
        "added_to_group" => t.ev.added_to_group,
        "stage_changed" => t.ev.stage_changed,
        "stage_group_changed" => t.ev.stage_group_changed,
        "not_modified_for" => t.ev.not_modified_for,
        _ => t.ev.created,
    }
}

fn action_key(a: &RuleAction) -> &'static str {
    match a {
        RuleAction::AddToGroup { .. } => "add_to_group",
        RuleAction::RemoveFromGroup { .. } => "remove_from_group",
        RuleAction::SetStage { .. } => "set_stage",
        RuleAction::CreateTask { .. } => "create_task",
        RuleAction::SetOwner { .. } => "set_owner",
    }
}

fn action_label(t: &Strings, key: &str) -> &'static str {
    match key {
        "remove_from_group" => t.record.remove_from_group,
        "set_stage" => t.auto.act_set_stage,
        "create_task" => t.auto.act_create_task,
        "set_owner" => t.auto.act_set_owner,
        _ => t.record.add_to_group,
    }
}

fn compare_label(t: &Strings, c: Compare) -> &'static str {
    match c {
        Compare::Is => t.cmp.is,
        Compare::IsNot => t.cmp.is_not,
        Compare::Contains => t.cmp.contains,
        Compare::IsEmpty => t.cmp.is_empty,
        Compare::IsNotEmpty => t.cmp.is_not_empty,
        Compare::AtLeast => t.cmp.at_least,
        Compare::AtMost => t.cmp.at_most,
    }
}

const COMPARES: [Compare; 7] = [
    Compare::Is,
    Compare::IsNot,
    Compare::Contains,
    Compare::IsEmpty,
    Compare::IsNotEmpty,
    Compare::AtLeast,
    Compare::AtMost,
];
/// Fields a condition may look at.
const CONDITION_FIELDS: [&str; 8] = [
    names::STAGE,
    names::SOURCE,
    names::PRIORITY,
    names::CATEGORY,
    names::GROUPS,
    names::EXPECTED_VALUE,
    names::EXPECTED_REVENUE,
    names::PROBABILITY,
];

/// (code, label) choices for a parameter: stages, groups or stage groups of the list.
pub(super) fn choices(store: &Store, list: RecordKind, what: &str) -> Vec<(String, String)> {
    let lang = store.language.get().code();
    store.config.with(|c| match what {
        names::STAGE => c.active_stage_choices(list, lang),
        "stage_group" => c.table_choices(list, Table::StageGroup, lang),
        _ => c.table_choices(list, Table::Group, lang),
    })
}

/// A labelled select of (value, label) pairs.
pub(super) fn select(
    id: String,
    label: String,
    value: String,
    options: Vec<(String, String)>,
    on: impl Fn(String) + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id prop:value=value.clone() on:change=move |ev| on(event_target_value(&ev))>
                {options.into_iter().map(|(v, l)| view! { <option value=v.clone() selected=v == value>{l}</option> }).collect_view()}
            </select>
        </div>
    }
}

/// One rule: name, active, event with its parameter, conditions, actions; Save sends what changed.
#[component]
pub(super) fn RuleEditor(id: uuid::Uuid, rule: Rule, all: Memo<Vec<(uuid::Uuid, Rule)>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let editor = ConfigDraft::new(id, rule.clone(), all);
    let (draft, notice) = (editor.draft, editor.notice);
    let list = rule.list;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        editor.save();
    };
    let p = format!("rule-{id}");
    let summary = move || {
        let t = t();
        draft.with(|r| {
            format!("{} · {}{}", r.name, event_label(t, event_key(&r.event)), if r.active { "" } else { " · –" })
        })
    };
    let set_event = move |key: String| {
        let first = |what| choices(&store, list, what).first().map(|c| c.0.clone()).unwrap_or_default();
        let e = match key.as_str() {
            "added_to_group" => Event::AddedToGroup { group: first("group") },
            "stage_changed" => Event::StageChanged { stage: first(names::STAGE) },
            "stage_group_changed" => Event::StageGroupChanged { group: first("stage_group") },
            "not_modified_for" => Event::NotModifiedFor { days: 7 },
            _ => Event::Created,
        };
        draft.update(|r| r.event = e);
    };
    let name_id = format!("{p}-name");
    let event_id = format!("{p}-event");
    view! {
        <li class="card config-item">
            <details>
                <summary>{summary}</summary>
                <form on:submit=save novalidate aria-label=move || draft.with(|r| r.name.clone())>
                    <div class="form-grid">
                        <div class="field">
                            <label for=name_id.clone()>{move || t().col.name}</label>
                            <input id=name_id prop:value=move || draft.with(|r| r.name.clone()) on:input=move |ev| { let v = event_target_value(&ev); draft.update(|r| r.name = v); }/>
                        </div>
                        <div class="field">
                            <label for=event_id.clone()>{move || t().auto.event}</label>
                            <select id=event_id on:change=move |ev| set_event(event_target_value(&ev))>
                                {move || {
                                    let t = t();
                                    let current = draft.with(|r| event_key(&r.event));
                                    ["created", "added_to_group", "stage_changed", "stage_group_changed", "not_modified_for"].into_iter().map(|k| view! { <option value=k selected=k == current>{event_label(t, k)}</option> }).collect_view()
                                }}
                            </select>
                        </div>
                        <RuleEvent editor=editor list=list p=p.clone()/>
                    </div>
                    <h3>{move || t().auto.conditions}</h3>
                    <RuleConditions editor=editor p=p.clone()/>
                    <button type="button" class="button" on:click=move |_| draft.update(|r| r.conditions.push(Condition { field: "source".into(), compare: Compare::Is, value: String::new() }))>{move || t().list.add_condition}</button>
                    <h3>{move || t().auto.actions}</h3>
                    <RuleActions editor=editor list=list p=p.clone()/>
                    <button type="button" class="button" on:click=move |_| {
                        let group = choices(&store, list, "group").first().map(|g| g.0.clone()).unwrap_or_default();
                        draft.update(|r| r.actions.push(RuleAction::AddToGroup { group }));
                    }>{move || t().auto.add_action}</button>
                    <label class="check-field">
                        <input type="checkbox" prop:checked=move || draft.with(|r| r.active) on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|r| r.active = on); }/>
                        {move || t().admin.active}
                    </label>
                    <div class="form-actions">
                        <button type="submit" class="button primary">{move || t().common.save}</button>
                    </div>
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                </form>
            </details>
        </li>
    }
}

/// The rule's event parameter (a group, a stage, a stage group, a number of days).
#[component]
fn RuleEvent(editor: ConfigDraft<Rule>, list: RecordKind, p: String) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let draft = editor.draft;
    move || {
        let t = t();
        let e = draft.with(|r| r.event.clone());
        let id = format!("{p}-event-param");
        match e {
            Event::Created => ().into_any(),
            Event::NotModifiedFor { days } => view! {
                <div class="field">
                    <label for=id.clone()>{t.auto.days}</label>
                    <input id=id inputmode="numeric" prop:value=days.to_string() on:change=move |ev| {
                        let Some(n) = editor.whole(&ev) else { return };
                        draft.update(|r| r.event = Event::NotModifiedFor { days: n });
                    }/>
                </div>
            }
            .into_any(),
            Event::AddedToGroup { group } => {
                select(id, t.bulk.group.into(), group, choices(&store, list, "group"), move |v| {
                    draft.update(|r| r.event = Event::AddedToGroup { group: v })
                })
                .into_any()
            }
            Event::StageChanged { stage } => {
                select(id, t.col.stage.into(), stage, choices(&store, list, names::STAGE), move |v| {
                    draft.update(|r| r.event = Event::StageChanged { stage: v })
                })
                .into_any()
            }
            Event::StageGroupChanged { group } => {
                select(id, t.admin.table_stage_group.into(), group, choices(&store, list, "stage_group"), move |v| {
                    draft.update(|r| r.event = Event::StageGroupChanged { group: v })
                })
                .into_any()
            }
        }
    }
}

/// The rule's conditions: field, comparison, value.
#[component]
fn RuleConditions(editor: ConfigDraft<Rule>, p: String) -> impl IntoView {
    let t = use_i18n();
    let draft = editor.draft;
    move || {
        let t = t();
        draft.with(|r| r.conditions.clone()).into_iter().enumerate().map(|(i, c)| {
                let fid = format!("{p}-cond-{i}");
                let fields: Vec<(String, String)> = CONDITION_FIELDS.iter().map(|f| (f.to_string(), crate::i18n::field_label(t, f))).collect();
                let compares: Vec<(String, String)> = COMPARES.iter().map(|c| (serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(), compare_label(t, *c).to_owned())).collect();
                let current_compare = serde_json::to_value(c.compare).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                let value_id = format!("{fid}-value");
                view! {
                    <div class="condition-row" role="group" aria-label=format!("{} {}", t.auto.condition, i + 1)>
                        {select(format!("{fid}-field"), t.cond.field.into(), c.field.clone(), fields, move |v| draft.update(|r| r.conditions[i].field = v))}
                        {select(format!("{fid}-compare"), t.cmp.label.into(), current_compare, compares, move |v| {
                            if let Ok(c) = serde_json::from_value::<Compare>(serde_json::Value::String(v)) {
                                draft.update(|r| r.conditions[i].compare = c);
                            }
                        })}
                        <div class="field">
                            <label for=value_id.clone()>{t.auto.rule_value}</label>
                            <input id=value_id prop:value=c.value.clone() on:change=move |ev| { let v = event_target_value(&ev); draft.update(|r| r.conditions[i].value = v); }/>
                        </div>
                        <button type="button" class="button subtle" on:click=move |_| draft.update(|r| { r.conditions.remove(i); })>{t.common.remove}</button>
                    </div>
                }
            }).collect_view()
    }
}

/// The rule's actions, each with its parameters.
#[component]
fn RuleActions(editor: ConfigDraft<Rule>, list: RecordKind, p: String) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let draft = editor.draft;
    move || {
        let t = t();
        let colleagues: Vec<(String, String)> =
            store.colleagues.with(|c| c.iter().map(|c| (c.id.to_string(), c.name.clone())).collect());
        draft.with(|r| r.actions.clone()).into_iter().enumerate().map(|(i, a)| {
                let aid = format!("{p}-act-{i}");
                let kinds: Vec<(String, String)> = ["add_to_group", "remove_from_group", "set_stage", "create_task", "set_owner"].iter().map(|k| (k.to_string(), action_label(t, k).to_owned())).collect();
                let colleagues = colleagues.clone();
                let set_kind = move |k: String| {
                    let first = |what| choices(&store, list, what).first().map(|c| c.0.clone()).unwrap_or_default();
                    let me = store.me.with_untracked(|m| m.as_ref().map(|m| m.user.id));
                    let a = match k.as_str() {
                        "remove_from_group" => RuleAction::RemoveFromGroup { group: first("group") },
                        "set_stage" => RuleAction::SetStage { stage: first(names::STAGE) },
                        "create_task" => RuleAction::CreateTask { subject: String::new(), due_in_days: 1, assignee: None },
                        "set_owner" => match me { Some(u) => RuleAction::SetOwner { user: u }, None => return },
                        _ => RuleAction::AddToGroup { group: first("group") },
                    };
                    draft.update(|r| r.actions[i] = a);
                };
                let params = match a.clone() {
                    RuleAction::AddToGroup { group } => select(format!("{aid}-group"), t.bulk.group.into(), group, choices(&store, list, "group"), move |v| draft.update(|r| r.actions[i] = RuleAction::AddToGroup { group: v })).into_any(),
                    RuleAction::RemoveFromGroup { group } => select(format!("{aid}-group"), t.bulk.group.into(), group, choices(&store, list, "group"), move |v| draft.update(|r| r.actions[i] = RuleAction::RemoveFromGroup { group: v })).into_any(),
                    RuleAction::SetStage { stage } => select(format!("{aid}-stage"), t.col.stage.into(), stage, choices(&store, list, names::STAGE), move |v| draft.update(|r| r.actions[i] = RuleAction::SetStage { stage: v })).into_any(),
                    RuleAction::SetOwner { user } => select(format!("{aid}-user"), t.col.owner.into(), user.to_string(), colleagues, move |v| {
                        if let Ok(u) = v.parse() {
                            draft.update(|r| r.actions[i] = RuleAction::SetOwner { user: veld_domain::UserId(u) });
                        }
                    }).into_any(),
                    RuleAction::CreateTask { subject, due_in_days, assignee } => {
                        let (sid, did) = (format!("{aid}-subject"), format!("{aid}-due"));
                        let mut people = vec![(String::new(), t.auto.task_for_owner.to_owned())];
                        people.extend(colleagues);
                        view! {
                            <div class="field">
                                <label for=sid.clone()>{t.col.subject}</label>
                                <input id=sid prop:value=subject on:change=move |ev| { let v = event_target_value(&ev); draft.update(|r| if let RuleAction::CreateTask { subject, .. } = &mut r.actions[i] { *subject = v; }); }/>
                            </div>
                            <div class="field">
                                <label for=did.clone()>{t.auto.due_in_days}</label>
                                <input id=did inputmode="numeric" prop:value=due_in_days.to_string() on:change=move |ev| {
                                    let Some(n) = editor.whole(&ev) else { return };
                                    draft.update(|r| if let RuleAction::CreateTask { due_in_days, .. } = &mut r.actions[i] { *due_in_days = n; });
                                }/>
                            </div>
                            {select(format!("{aid}-assignee"), t.auto.assignee.into(), assignee.map(|a| a.to_string()).unwrap_or_default(), people, move |v| {
                                let a = v.parse().ok().map(veld_domain::UserId);
                                draft.update(|r| if let RuleAction::CreateTask { assignee, .. } = &mut r.actions[i] { *assignee = a; });
                            })}
                        }.into_any()
                    }
                };
                view! {
                    <div class="condition-row" role="group" aria-label=format!("{} {}", t.auto.action, i + 1)>
                        {select(format!("{aid}-kind"), t.auto.action.into(), action_key(&a).to_owned(), kinds, set_kind)}
                        {params}
                        <button type="button" class="button subtle" on:click=move |_| draft.update(|r| { r.actions.remove(i); })>{t.common.remove}</button>
                    </div>
                }
            }).collect_view()
    }
}
