//! Automation in the admin area (TR-1, TR-2): trigger rules — event, conditions, actions
//! (`rules.rs`) — and scheduled processes with "Run now" (`processes.rs`) and the reports of
//! their runs. Rules and processes are configuration records: edited offline-first like
//! stages; the server runs them.

use super::processes::ProcessEditor;
use super::rules::{RuleEditor, choices};
use super::{AdminOnly, ConfigList, KindSwitch, config_items};
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::api::ProcessRunView;
use veld_domain::automation::{Event, ProcessDef, Rule, RuleAction};
use veld_domain::edit::Edit;

#[component]
pub fn AutomationPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let kind = RwSignal::new(RecordKind::Lead);
    let rules = config_items::<Rule, _>(store, move |r| r.list == kind.get(), |r| r.name.to_lowercase());
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
    let processes = config_items::<ProcessDef, _>(store, |_| true, |p| p.name.to_lowercase());
    let process_taken = Callback::new(move |code: String| all_codes(RecordKind::Process).contains(&code));
    let add_process = Callback::new(move |(code, name): (String, String)| {
        let p = ProcessDef {
            code,
            name,
            kind: super::processes::close_inactive(crate::i18n::strings(store.language.get_untracked()), 30),
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
        <AdminOnly title=|t| t.admin.automation intro=|t| t.auto.automation_intro>
                <h2 class="section-title">{move || t().auto.rules_title}</h2>
                <KindSwitch kind=kind/>
                <ConfigList items=rules add_heading=|t| t.auto.new_rule empty=|t| t.auto.no_rules id_prefix="new-rule" taken=rule_taken on_add=add_rule
                    editor=move |id, rule| view! { <RuleEditor id=id rule=rule all=rules/> }/>
                <h2 class="section-title">{move || t().auto.processes_title}</h2>
                <ConfigList items=processes add_heading=|t| t.auto.new_process empty=|t| t.auto.no_processes id_prefix="new-process" taken=process_taken on_add=add_process
                    editor=move |id, process| view! { <ProcessEditor id=id process=process all=processes last_run=last_run/> }/>
                {move || last_run.get().map(|r| match r {
                    Ok(run) => view! { <RunReport run=run/> }.into_any(),
                    Err(message) => view! { <p class="field-error" role="alert">{message}</p> }.into_any(),
                })}
                <h2 class="section-title">{move || t().auto.runs_title}</h2>
                {move || match runs.get().flatten() {
                    None => view! { <p class="muted">{t().history.offline}</p> }.into_any(),
                    Some(list) if list.is_empty() => view! { <p class="muted">{t().list.empty_list}</p> }.into_any(),
                    Some(list) => view! {
                        <ul class="change-list">
                            {list.into_iter().map(|r| view! {
                                <li class="card">
                                    <strong>{r.process.clone()}</strong>
                                    <span class="muted">{format!("{} · {} · {}", crate::components::history::when(r.started_at, store.language.get_untracked().code()), super::processes::trigger_label(t(), &r.trigger), (t().list.count_records)(r.changed as usize))}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
        </AdminOnly>
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
            <p><strong>{move || (t().auto.run_done)(run.changed as usize)}</strong></p>
            <ul>
                {run.items.iter().map(|i| view! { <li>{line(i)}</li> }).collect_view()}
            </ul>
        </div>
    }
}
