//! Automation in the admin area (TR-1, TR-2): trigger rules — event, conditions, actions — and
//! scheduled processes with "Run now" and the reports of their runs. Rules and processes are
//! configuration records: edited offline-first like stages; the server runs them.

use crate::components::page::Page;
use crate::i18n::{Strings, use_i18n};
use crate::pages::maintenance::{AddCode, KindSwitch, MaintenanceLinks, changed, follow_saved};
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use veld_domain::RecordKind;
use veld_domain::api::ProcessRunView;
use veld_domain::automation::{Compare, Condition, Event, ProcessDef, ProcessKind, Rule, RuleAction};
use veld_domain::config::Table;
use veld_domain::edit::Edit;

fn event_key(e: &Event) -> &'static str {
    match e {
        Event::Created => "created",
        Event::AddedToGroup { .. } => "added_to_group",
        Event::StageChanged { .. } => "stage_changed",
        Event::StageGroupChanged { .. } => "stage_group_changed",
        Event::NotModifiedFor { .. } => "not_modified_for",
    }
}

fn event_label(t: &Strings, key: &str) -> &'static str {
    match key {
        "added_to_group" => t.ev_added_to_group,
        "stage_changed" => t.ev_stage_changed,
        "stage_group_changed" => t.ev_stage_group_changed,
        "not_modified_for" => t.ev_not_modified_for,
        _ => t.ev_created,
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
        "remove_from_group" => t.remove_from_group,
        "set_stage" => t.act_set_stage,
        "create_task" => t.act_create_task,
        "set_owner" => t.act_set_owner,
        _ => t.add_to_group,
    }
}

fn compare_label(t: &Strings, c: Compare) -> &'static str {
    match c {
        Compare::Is => t.cmp_is,
        Compare::IsNot => t.cmp_is_not,
        Compare::Contains => t.cmp_contains,
        Compare::IsEmpty => t.cmp_is_empty,
        Compare::IsNotEmpty => t.cmp_is_not_empty,
        Compare::AtLeast => t.cmp_at_least,
        Compare::AtMost => t.cmp_at_most,
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
const CONDITION_FIELDS: [&str; 8] =
    ["stage", "source", "priority", "category", "groups", "expected_value", "expected_revenue", "probability"];

/// (code, label) choices for a parameter: stages, groups or stage groups of the list.
fn choices(store: &Store, list: RecordKind, what: &str) -> Vec<(String, String)> {
    let lang = store.language.get().code();
    store.config.with(|c| match what {
        "stage" => c.stages(list).active().map(|s| (s.code.clone(), s.name.get(lang).to_owned())).collect(),
        "stage_group" => c
            .tables
            .entries(list, Table::StageGroup)
            .into_iter()
            .map(|e| (e.code.clone(), e.label.get(lang).to_owned()))
            .collect(),
        _ => c
            .tables
            .entries(list, Table::Group)
            .into_iter()
            .map(|e| (e.code.clone(), e.label.get(lang).to_owned()))
            .collect(),
    })
}

/// A labelled select of (value, label) pairs.
fn select(
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

/// A whole number typed into a field; anything else is refused in the editor's notice (and the
/// draft keeps its last good value).
fn whole(ev: &leptos::ev::Event, notice: RwSignal<Option<String>>, store: Store) -> Option<u32> {
    let raw = event_target_value(ev);
    match raw.trim().parse() {
        Ok(n) => {
            notice.set(None);
            Some(n)
        }
        Err(_) => {
            notice.set(Some(format!(
                "“{}”: {}",
                raw.trim(),
                crate::i18n::strings(store.language.get_untracked()).err_whole_number
            )));
            None
        }
    }
}

/// Saves an edited rule or process: refused with the reason when it is not well-formed,
/// otherwise only the fields that changed, as an ordinary offline-first change.
fn save_config(
    store: Store,
    kind: RecordKind,
    id: uuid::Uuid,
    check: Result<(), String>,
    before: &serde_json::Map<String, serde_json::Value>,
    next: &serde_json::Map<String, serde_json::Value>,
    notice: RwSignal<Option<String>>,
) {
    if let Err(reason) = check {
        notice.set(Some(reason));
        return;
    }
    store.apply_noting(Edit::update(kind, id, changed(before, next)), notice);
}

#[component]
pub fn AutomationPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = RwSignal::new(RecordKind::Lead);
    let is_admin = move || store.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.admin));
    let rules = Memo::new(move |_| {
        let list = kind.get();
        let mut out = Vec::new();
        store.visible_each(&[RecordKind::Rule], |r| {
            if let Some(rule) = Rule::from_values(&r.values()).filter(|x| x.list == list) {
                out.push((r.id, rule));
            }
        });
        out.sort_by_key(|a| a.1.name.to_lowercase());
        out
    });
    let all_codes = move |kind: RecordKind| {
        let mut codes = Vec::new();
        store.visible_each(&[kind], |r| {
            if let Some(c) = r.values().get("code").and_then(|c| c.as_str()) {
                codes.push(c.to_owned());
            }
        });
        codes
    };
    let rule_taken = Callback::new(move |code: String| all_codes(RecordKind::Rule).contains(&code));
    let add_rule = Callback::new(move |(code, name): (String, String)| {
        let group = choices(&store, kind.get_untracked(), "group").first().map(|g| g.0.clone()).unwrap_or_default();
        let rule = Rule {
            code,
            name,
            list: kind.get_untracked(),
            active: false,
            event: Event::Created,
            conditions: vec![],
            actions: vec![RuleAction::AddToGroup { group }],
        };
        Edit::create(RecordKind::Rule, uuid::Uuid::now_v7(), rule.to_values())
    });
    let processes = Memo::new(move |_| {
        let mut out = Vec::new();
        store.visible_each(&[RecordKind::Process], |r| {
            if let Some(p) = ProcessDef::from_values(&r.values()) {
                out.push((r.id, p));
            }
        });
        out.sort_by_key(|a| a.1.name.to_lowercase());
        out
    });
    let process_taken = Callback::new(move |code: String| all_codes(RecordKind::Process).contains(&code));
    let add_process = Callback::new(move |(code, name): (String, String)| {
        let p = ProcessDef {
            code,
            name,
            kind: ProcessKind::CloseInactive { days: 30, reason: String::new() },
            every_hours: 0,
            active: true,
        };
        Edit::create(RecordKind::Process, uuid::Uuid::now_v7(), p.to_values())
    });
    let last_run = RwSignal::new(None::<Result<ProcessRunView, String>>);
    let runs = LocalResource::new(move || {
        last_run.track();
        async move { store.process_runs().await.ok() }
    });
    view! {
        <Page title=Signal::derive(move || t().admin_automation) intro=Signal::derive(move || t().automation_intro)>
            <Show when=is_admin fallback=move || view! { <p class="notice">{move || t().not_allowed}</p> }>
                <MaintenanceLinks/>
                <h2 class="section-title">{move || t().rules_title}</h2>
                <KindSwitch kind=kind/>
                <ul class="config-list">
                    <For each=move || rules.get() key=|(id, _)| *id let:item>
                        <RuleEditor id=item.0 rule=item.1 all=rules/>
                    </For>
                </ul>
                <AddCode heading=|t| t.new_rule id_prefix="new-rule" taken=rule_taken on_add=add_rule/>
                <h2 class="section-title">{move || t().processes_title}</h2>
                <ul class="config-list">
                    <For each=move || processes.get() key=|(id, _)| *id let:item>
                        <ProcessEditor id=item.0 process=item.1 all=processes last_run=last_run/>
                    </For>
                </ul>
                <AddCode heading=|t| t.new_process id_prefix="new-process" taken=process_taken on_add=add_process/>
                {move || last_run.get().map(|r| match r {
                    Ok(run) => view! { <RunReport run=run/> }.into_any(),
                    Err(message) => view! { <p class="field-error" role="alert">{message}</p> }.into_any(),
                })}
                <h2 class="section-title">{move || t().runs_title}</h2>
                {move || match runs.get().flatten() {
                    None => view! { <p class="muted">{t().history_offline}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! { <p class="muted">{t().empty_list}</p> }.into_any(),
                    Some(list) => view! {
                        <ul class="change-list">
                            {list.into_iter().map(|r| view! {
                                <li class="card">
                                    <strong>{r.process.clone()}</strong>
                                    <span class="muted">{format!("{} · {} · {}", crate::components::history::when(r.started_at, store.language.get_untracked().code()), r.trigger, (t().count_records)(r.changed as usize))}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </Show>
        </Page>
    }
}

#[component]
fn RunReport(run: ProcessRunView) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // What each item changed, field by field in the user's language (older reports: the
    // server's note).
    let line = move |i: &veld_domain::api::ProcessItem| {
        let t = t();
        let what = if i.changes.is_empty() {
            i.note.clone()
        } else {
            i.changes
                .iter()
                .map(|c| {
                    let (old, new) = (
                        crate::components::history::value_label(&store, i.kind, &c.field, &c.old),
                        crate::components::history::value_label(&store, i.kind, &c.field, &c.new),
                    );
                    format!("{}: {old} → {new}", crate::i18n::field_label(t, &c.field))
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!("{} — {what}", i.title)
    };
    view! {
        <div class="card run-report" role="status">
            <p><strong>{move || (t().run_done)(run.changed as usize)}</strong></p>
            <ul>
                {run.items.iter().map(|i| view! { <li>{line(i)}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// One rule: name, active, event with its parameter, conditions, actions; Save sends what changed.
#[component]
fn RuleEditor(id: uuid::Uuid, rule: Rule, all: Memo<Vec<(uuid::Uuid, Rule)>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let (saved, draft) = follow_saved(id, rule.clone(), all);
    let notice = RwSignal::new(None::<String>);
    let list = rule.list;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = draft.get_untracked();
        save_config(
            store,
            RecordKind::Rule,
            id,
            next.check(),
            &saved.get_value().to_values(),
            &next.to_values(),
            notice,
        );
    };
    let p = format!("rule-{id}");
    let summary = move || {
        let t = t();
        draft.with(|r| {
            format!("{} · {}{}", r.name, event_label(t, event_key(&r.event)), if r.active { "" } else { " · –" })
        })
    };
    let event_param = {
        let p = p.clone();
        move || {
            let t = t();
            let e = draft.with(|r| r.event.clone());
            let id = format!("{p}-event-param");
            match e {
                Event::Created => ().into_any(),
                Event::NotModifiedFor { days } => view! {
                    <div class="field">
                        <label for=id.clone()>{t.days}</label>
                        <input id=id inputmode="numeric" prop:value=days.to_string() on:change=move |ev| {
                            let Some(n) = whole(&ev, notice, store) else { return };
                            draft.update(|r| r.event = Event::NotModifiedFor { days: n });
                        }/>
                    </div>
                }
                .into_any(),
                Event::AddedToGroup { group } => {
                    select(id, t.bulk_group.into(), group, choices(&store, list, "group"), move |v| {
                        draft.update(|r| r.event = Event::AddedToGroup { group: v })
                    })
                    .into_any()
                }
                Event::StageChanged { stage } => {
                    select(id, t.col_stage.into(), stage, choices(&store, list, "stage"), move |v| {
                        draft.update(|r| r.event = Event::StageChanged { stage: v })
                    })
                    .into_any()
                }
                Event::StageGroupChanged { group } => {
                    select(id, t.table_stage_group.into(), group, choices(&store, list, "stage_group"), move |v| {
                        draft.update(|r| r.event = Event::StageGroupChanged { group: v })
                    })
                    .into_any()
                }
            }
        }
    };
    let set_event = move |key: String| {
        let first = |what| choices(&store, list, what).first().map(|c| c.0.clone()).unwrap_or_default();
        let e = match key.as_str() {
            "added_to_group" => Event::AddedToGroup { group: first("group") },
            "stage_changed" => Event::StageChanged { stage: first("stage") },
            "stage_group_changed" => Event::StageGroupChanged { group: first("stage_group") },
            "not_modified_for" => Event::NotModifiedFor { days: 7 },
            _ => Event::Created,
        };
        draft.update(|r| r.event = e);
    };
    let conditions = {
        let p = p.clone();
        move || {
            let t = t();
            draft.with(|r| r.conditions.clone()).into_iter().enumerate().map(|(i, c)| {
                let fid = format!("{p}-cond-{i}");
                let fields: Vec<(String, String)> = CONDITION_FIELDS.iter().map(|f| (f.to_string(), crate::i18n::field_label(t, f))).collect();
                let compares: Vec<(String, String)> = COMPARES.iter().map(|c| (serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(), compare_label(t, *c).to_owned())).collect();
                let current_compare = serde_json::to_value(c.compare).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                let value_id = format!("{fid}-value");
                view! {
                    <div class="condition-row" role="group" aria-label=format!("{} {}", t.condition, i + 1)>
                        {select(format!("{fid}-field"), t.cond_field.into(), c.field.clone(), fields, move |v| draft.update(|r| r.conditions[i].field = v))}
                        {select(format!("{fid}-compare"), t.cmp_label.into(), current_compare, compares, move |v| {
                            if let Ok(c) = serde_json::from_value::<Compare>(serde_json::Value::String(v)) {
                                draft.update(|r| r.conditions[i].compare = c);
                            }
                        })}
                        <div class="field">
                            <label for=value_id.clone()>{t.rule_value}</label>
                            <input id=value_id prop:value=c.value.clone() on:change=move |ev| { let v = event_target_value(&ev); draft.update(|r| r.conditions[i].value = v); }/>
                        </div>
                        <button type="button" class="button subtle" on:click=move |_| draft.update(|r| { r.conditions.remove(i); })>{t.remove}</button>
                    </div>
                }
            }).collect_view()
        }
    };
    let actions = {
        let p = p.clone();
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
                        "set_stage" => RuleAction::SetStage { stage: first("stage") },
                        "create_task" => RuleAction::CreateTask { subject: String::new(), due_in_days: 1, assignee: None },
                        "set_owner" => match me { Some(u) => RuleAction::SetOwner { user: u }, None => return },
                        _ => RuleAction::AddToGroup { group: first("group") },
                    };
                    draft.update(|r| r.actions[i] = a);
                };
                let params = match a.clone() {
                    RuleAction::AddToGroup { group } => select(format!("{aid}-group"), t.bulk_group.into(), group, choices(&store, list, "group"), move |v| draft.update(|r| r.actions[i] = RuleAction::AddToGroup { group: v })).into_any(),
                    RuleAction::RemoveFromGroup { group } => select(format!("{aid}-group"), t.bulk_group.into(), group, choices(&store, list, "group"), move |v| draft.update(|r| r.actions[i] = RuleAction::RemoveFromGroup { group: v })).into_any(),
                    RuleAction::SetStage { stage } => select(format!("{aid}-stage"), t.col_stage.into(), stage, choices(&store, list, "stage"), move |v| draft.update(|r| r.actions[i] = RuleAction::SetStage { stage: v })).into_any(),
                    RuleAction::SetOwner { user } => select(format!("{aid}-user"), t.col_owner.into(), user.to_string(), colleagues, move |v| {
                        if let Ok(u) = v.parse() {
                            draft.update(|r| r.actions[i] = RuleAction::SetOwner { user: veld_domain::UserId(u) });
                        }
                    }).into_any(),
                    RuleAction::CreateTask { subject, due_in_days, assignee } => {
                        let (sid, did) = (format!("{aid}-subject"), format!("{aid}-due"));
                        let mut people = vec![(String::new(), t.task_for_owner.to_owned())];
                        people.extend(colleagues);
                        view! {
                            <div class="field">
                                <label for=sid.clone()>{t.col_subject}</label>
                                <input id=sid prop:value=subject on:change=move |ev| { let v = event_target_value(&ev); draft.update(|r| if let RuleAction::CreateTask { subject, .. } = &mut r.actions[i] { *subject = v; }); }/>
                            </div>
                            <div class="field">
                                <label for=did.clone()>{t.due_in_days}</label>
                                <input id=did inputmode="numeric" prop:value=due_in_days.to_string() on:change=move |ev| {
                                    let Some(n) = whole(&ev, notice, store) else { return };
                                    draft.update(|r| if let RuleAction::CreateTask { due_in_days, .. } = &mut r.actions[i] { *due_in_days = n; });
                                }/>
                            </div>
                            {select(format!("{aid}-assignee"), t.assignee.into(), assignee.map(|a| a.to_string()).unwrap_or_default(), people, move |v| {
                                let a = v.parse().ok().map(veld_domain::UserId);
                                draft.update(|r| if let RuleAction::CreateTask { assignee, .. } = &mut r.actions[i] { *assignee = a; });
                            })}
                        }.into_any()
                    }
                };
                view! {
                    <div class="condition-row" role="group" aria-label=format!("{} {}", t.action, i + 1)>
                        {select(format!("{aid}-kind"), t.action.into(), action_key(&a).to_owned(), kinds, set_kind)}
                        {params}
                        <button type="button" class="button subtle" on:click=move |_| draft.update(|r| { r.actions.remove(i); })>{t.remove}</button>
                    </div>
                }
            }).collect_view()
        }
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
                            <label for=name_id.clone()>{move || t().col_name}</label>
                            <input id=name_id prop:value=move || draft.with(|r| r.name.clone()) on:input=move |ev| { let v = event_target_value(&ev); draft.update(|r| r.name = v); }/>
                        </div>
                        <div class="field">
                            <label for=event_id.clone()>{move || t().event}</label>
                            <select id=event_id on:change=move |ev| set_event(event_target_value(&ev))>
                                {move || {
                                    let t = t();
                                    let current = draft.with(|r| event_key(&r.event));
                                    ["created", "added_to_group", "stage_changed", "stage_group_changed", "not_modified_for"].into_iter().map(|k| view! { <option value=k selected=k == current>{event_label(t, k)}</option> }).collect_view()
                                }}
                            </select>
                        </div>
                        {event_param}
                    </div>
                    <h3>{move || t().conditions}</h3>
                    {conditions}
                    <button type="button" class="button" on:click=move |_| draft.update(|r| r.conditions.push(Condition { field: "source".into(), compare: Compare::Is, value: String::new() }))>{move || t().add_condition}</button>
                    <h3>{move || t().actions}</h3>
                    {actions}
                    <button type="button" class="button" on:click=move |_| {
                        let group = choices(&store, list, "group").first().map(|g| g.0.clone()).unwrap_or_default();
                        draft.update(|r| r.actions.push(RuleAction::AddToGroup { group }));
                    }>{move || t().add_action}</button>
                    <label class="check-field">
                        <input type="checkbox" prop:checked=move || draft.with(|r| r.active) on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|r| r.active = on); }/>
                        {move || t().active}
                    </label>
                    <div class="form-actions">
                        <button type="submit" class="button primary">{move || t().save}</button>
                    </div>
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                </form>
            </details>
        </li>
    }
}

/// One scheduled process: name, what it does, its schedule; Save, and Run now (online).
#[component]
fn ProcessEditor(
    id: uuid::Uuid,
    process: ProcessDef,
    all: Memo<Vec<(uuid::Uuid, ProcessDef)>>,
    last_run: RwSignal<Option<Result<ProcessRunView, String>>>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let (saved, draft) = follow_saved(id, process.clone(), all);
    let notice = RwSignal::new(None::<String>);
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let next = draft.get_untracked();
        save_config(
            store,
            RecordKind::Process,
            id,
            next.check(),
            &saved.get_value().to_values(),
            &next.to_values(),
            notice,
        );
    };
    let code = process.code.clone();
    let run_now = move |_| {
        let code = code.clone();
        spawn_local(async move {
            let result = store.run_process(&code).await;
            let t = crate::i18n::strings(store.language.get_untracked());
            last_run.set(Some(result.map_err(|e| e.text(t))));
        });
    };
    let p = format!("process-{id}");
    let (name_id, type_id, days_id, reason_id, every_id) =
        (format!("{p}-name"), format!("{p}-type"), format!("{p}-days"), format!("{p}-reason"), format!("{p}-every"));
    let online = move || store.connection.get() == Connection::Online;
    view! {
        <li class="card config-item">
            <details>
                <summary>{move || draft.with(|p| p.name.clone())}</summary>
                <form on:submit=save novalidate aria-label=move || draft.with(|p| p.name.clone())>
                    <div class="form-grid">
                        <div class="field">
                            <label for=name_id.clone()>{move || t().col_name}</label>
                            <input id=name_id prop:value=move || draft.with(|p| p.name.clone()) on:input=move |ev| { let v = event_target_value(&ev); draft.update(|p| p.name = v); }/>
                        </div>
                        <div class="field">
                            <label for=type_id.clone()>{move || t().process_type}</label>
                            <select id=type_id on:change=move |ev| {
                                let k = if event_target_value(&ev) == "refresh_leads" { ProcessKind::RefreshLeads } else { ProcessKind::CloseInactive { days: 30, reason: String::new() } };
                                draft.update(|p| p.kind = k);
                            }>
                                <option value="close_inactive" selected=move || matches!(draft.with(|p| p.kind.clone()), ProcessKind::CloseInactive { .. })>{move || t().proc_close_inactive}</option>
                                <option value="refresh_leads" selected=move || matches!(draft.with(|p| p.kind.clone()), ProcessKind::RefreshLeads)>{move || t().proc_refresh_leads}</option>
                            </select>
                        </div>
                        <Show when=move || matches!(draft.with(|p| p.kind.clone()), ProcessKind::CloseInactive { .. })>
                            <div class="field">
                                <label for=days_id.clone()>{move || t().days}</label>
                                <input id=days_id.clone() inputmode="numeric" prop:value=move || match draft.with(|p| p.kind.clone()) { ProcessKind::CloseInactive { days, .. } => days.to_string(), _ => String::new() }
                                    on:change=move |ev| { let Some(n) = whole(&ev, notice, store) else { return }; draft.update(|p| if let ProcessKind::CloseInactive { days, .. } = &mut p.kind { *days = n; }); }/>
                            </div>
                            <div class="field">
                                <label for=reason_id.clone()>{move || t().col_lost_reason}</label>
                                <input id=reason_id.clone() prop:value=move || match draft.with(|p| p.kind.clone()) { ProcessKind::CloseInactive { reason, .. } => reason, _ => String::new() }
                                    on:change=move |ev| { let v = event_target_value(&ev); draft.update(|p| if let ProcessKind::CloseInactive { reason, .. } = &mut p.kind { *reason = v; }); }/>
                            </div>
                        </Show>
                        <div class="field">
                            <label for=every_id.clone()>{move || t().every_hours}</label>
                            <input id=every_id inputmode="numeric" prop:value=move || draft.with(|p| p.every_hours.to_string())
                                on:change=move |ev| { let Some(n) = whole(&ev, notice, store) else { return }; draft.update(|p| p.every_hours = n); }/>
                        </div>
                    </div>
                    <label class="check-field">
                        <input type="checkbox" prop:checked=move || draft.with(|p| p.active) on:change=move |ev| { let on = event_target_checked(&ev); draft.update(|p| p.active = on); }/>
                        {move || t().active}
                    </label>
                    <div class="form-actions">
                        <button type="submit" class="button primary">{move || t().save}</button>
                        <button type="button" class="button" disabled=move || !online() on:click=run_now.clone()>{move || t().run_now}</button>
                    </div>
                    <p class="form-notice" role="status">{move || notice.get()}</p>
                </form>
            </details>
        </li>
    }
}
