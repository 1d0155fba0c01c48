//! Stages of leads and of opportunities (CF-1): names in every language, order, flags, colour,
//! transitions, stage group, probability and instructions.

use super::{AdminOnly, ConfigDraft, ConfigList, KindSwitch, config_items, langs};
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::config::{Label, Outcome, StageDef, Table};
use veld_domain::edit::Edit;

#[component]
pub fn StagesPage() -> impl IntoView {
    let store = expect_context::<Store>();
    let kind = RwSignal::new(RecordKind::Lead);
    // (record id, stage) of the chosen list, in order.
    let stages = config_items::<StageDef, _>(store, move |s| s.list == kind.get(), |s| (s.index, s.code.clone()));
    let taken = Callback::new(move |code: String| stages.with_untracked(|s| s.iter().any(|(_, s)| s.code == code)));
    let add = Callback::new(move |(code, name): (String, String)| {
        let index = stages.with_untracked(|s| s.last().map_or(10, |(_, s)| s.index + 10));
        let stage = StageDef::new(kind.get_untracked(), &code, Label::new(&name, "", ""), index);
        Edit::create(RecordKind::Stage, uuid::Uuid::now_v7(), stage.to_values())
    });
    view! {
        <AdminOnly title=|t| t.admin.stages intro=|t| t.admin.stages_intro>
            <KindSwitch kind=kind/>
            <ConfigList items=stages add_heading=|t| t.admin.new_stage empty=|t| t.admin.no_stages id_prefix="new-stage" taken=taken on_add=add
                editor=move |id, stage| view! { <StageEditor id=id stage=stage all=stages/> }/>
        </AdminOnly>
    }
}

/// The outcome of an end stage as the select's value.
fn outcome_code(o: Option<Outcome>) -> &'static str {
    match o {
        Some(Outcome::Won) => "won",
        Some(Outcome::Lost) => "lost",
        Some(Outcome::Converted) => "converted",
        None => "",
    }
}

fn outcome_of(code: &str) -> Option<Outcome> {
    match code {
        "won" => Some(Outcome::Won),
        "lost" => Some(Outcome::Lost),
        "converted" => Some(Outcome::Converted),
        _ => None,
    }
}

/// One stage's settings, folded; saving sends only what changed.
#[component]
fn StageEditor(id: uuid::Uuid, stage: StageDef, all: Memo<Vec<(uuid::Uuid, StageDef)>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let editor = ConfigDraft::new(id, stage.clone(), all);
    let draft = editor.draft;
    let lang = move || store.language.get().code();
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
    let groups = move || {
        let (l, current) = (lang(), draft.with(|d| d.stage_group.clone().unwrap_or_default()));
        let mut options = vec![view! { <option value="" selected=current.is_empty()>"—"</option> }.into_any()];
        options.extend(store.config.with(|c| {
            c.tables.entries(stage.list, Table::StageGroup).into_iter().map(|e| {
                view! { <option value=e.code.clone() selected=e.code == current>{e.label.get(l).to_owned()}</option> }.into_any()
            }).collect::<Vec<_>>()
        }));
        options
    };
    let ids = |what: &str| format!("stage-{id}-{what}");
    let (outcome_id, group_id, colour_id, index_id, probability_id) =
        (ids("outcome"), ids("group"), ids("colour"), ids("index"), ids("probability")); // not a record field: the stage's
    let is_opportunity = stage.list == RecordKind::Opportunity;
    view! {
        <li class="card config-item">
            <details>
                <summary>
                    <span class="swatch" style=move || format!("background:{}", draft.with(|d| d.colour.clone()))></span>
                    <strong>{move || draft.with(|d| d.name.get(lang()).to_owned())}</strong>
                    <span class="muted">{format!(" · {}", stage.code)}</span>
                    {move || (!draft.with(|d| d.active)).then(|| view! { <span class="muted">{format!(" · {}", t().admin.inactive)}</span> })}
                </summary>
                <form on:submit=move |ev| { ev.prevent_default(); editor.save(); } novalidate>
                    <div class="form-grid">
                        {langs().map(|l| text(format!("{} ({l})", t().col.name), |d, l| d.name.0.get(l).cloned().unwrap_or_default(), |d, l, v| { d.name.0.insert(l.to_owned(), v); }, l)).collect_view()}
                        <div class="field">
                            <label for=index_id.clone()>{move || t().col.order}</label>
                            <input id=index_id inputmode="numeric" prop:value=move || draft.with(|d| d.index.to_string())
                                on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse() { draft.update(|d| d.index = n) } }/>
                        </div>
                        <div class="field">
                            <label for=colour_id.clone()>{move || t().col.colour}</label>
                            <input id=colour_id type="color" prop:value=move || draft.with(|d| d.colour.clone()) on:input=move |ev| draft.update(|d| d.colour = event_target_value(&ev))/>
                        </div>
                        <div class="field">
                            <label for=group_id.clone()>{move || t().admin.table_stage_group}</label>
                            <select id=group_id on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.stage_group = Some(v).filter(|s| !s.is_empty())) }>{groups}</select>
                        </div>
                        <div class="field">
                            <label for=outcome_id.clone()>{move || t().col.outcome}</label>
                            <select id=outcome_id prop:value=move || draft.with(|d| outcome_code(d.outcome))
                                on:change=move |ev| { let v = event_target_value(&ev); draft.update(|d| d.outcome = outcome_of(&v)) }>
                                <option value="">"—"</option>
                                <option value="won">{move || t().admin.outcome_won}</option>
                                <option value="lost">{move || t().admin.outcome_lost}</option>
                                <option value="converted">{move || t().admin.outcome_converted}</option>
                            </select>
                        </div>
                        {is_opportunity.then(|| view! {
                            <div class="field">
                                <label for=probability_id.clone()>{move || t().col.probability}</label>
                                <input id=probability_id.clone() inputmode="numeric" prop:value=move || draft.with(|d| d.probability.to_string())
                                    on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse::<u8>() { draft.update(|d| d.probability = n.min(100)) } }/>
                            </div>
                        })}
                    </div>
                    <div class="flags">
                        {flag(t().admin.active, |d| d.active, |d, v| d.active = v)}
                        {flag(t().admin.default_stage, |d| d.default, |d, v| d.default = v)}
                        {flag(t().admin.end_stage, |d| d.end, |d, v| d.end = v)}
                        {flag(t().admin.default_end_stage, |d| d.default_end, |d, v| d.default_end = v)}
                    </div>
                    <StageMoves draft=draft all=all own=stage.code.clone() forward=true/>
                    <StageMoves draft=draft all=all own=stage.code.clone() forward=false/>
                    <div class="form-grid">
                        {langs().map(|l| text(format!("{} ({l})", t().col.instructions), |d, l| d.instructions.0.get(l).cloned().unwrap_or_default(), |d, l, v| { d.instructions.0.insert(l.to_owned(), v); }, l)).collect_view()}
                    </div>
                    <p class="form-notice" role="status">{move || editor.notice.get()}</p>
                    <button type="submit" class="button primary">{move || t().common.save}</button>
                </form>
            </details>
        </li>
    }
}

/// The stages a stage may move on to (`forward`) or back to: a box per other stage.
#[component]
fn StageMoves(
    draft: RwSignal<StageDef>,
    all: Memo<Vec<(uuid::Uuid, StageDef)>>,
    own: String,
    forward: bool,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let label = move || if forward { t().admin.next_stages } else { t().admin.previous_stages };
    let boxes = move || {
        let lang = store.language.get().code();
        all.get()
            .into_iter()
            .filter(|(_, s)| s.code != own)
            .map(|(_, s)| {
                let (code, name) = (s.code.clone(), s.name.get(lang).to_owned());
                let mine = code.clone();
                let checked = move || draft.with(|d| if forward { d.next.contains(&mine) } else { d.previous.contains(&mine) });
                let toggle = move |ev| {
                    let on = event_target_checked(&ev);
                    let code = code.clone();
                    draft.update(|d| {
                        let list = if forward { &mut d.next } else { &mut d.previous };
                        list.retain(|x| *x != code);
                        if on {
                            list.push(code);
                        }
                    });
                };
                view! { <label class="check-field"><input type="checkbox" prop:checked=checked on:change=toggle/>{name}</label> }
            })
            .collect_view()
    };
    view! {
        <fieldset class="moves">
            <legend>{label}</legend>
            {boxes}
        </fieldset>
    }
}
