//! A lead's or opportunity's stages as a path of steps: the stages passed, the current one,
//! what may follow. A step the record may move to is a button: one click moves it there,
//! through the one edit path (its refusals, in the user's words, under the path). Stages it
//! may not move to are shown but not offered.

use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::edit::Edit;
use veld_domain::sync::RecordState;

/// One step of the path.
#[derive(Clone, Debug, PartialEq)]
struct Step {
    code: String,
    name: String,
    colour: String,
    passed: bool,
    current: bool,
    allowed: bool,
}

#[component]
pub fn StageBar(kind: RecordKind, record: Memo<Option<RecordState>>, may_edit: Memo<bool>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let error = RwSignal::new(None::<String>);
    let current = Memo::new(move |_| {
        record.with(|r| {
            r.as_ref().map(|r| {
                (
                    r.id,
                    r.fields
                        .get(veld_domain::records::STAGE)
                        .and_then(|f| f.value.as_str())
                        .unwrap_or_default()
                        .to_owned(),
                )
            })
        })
    });
    let steps = Memo::new(move |_| {
        let Some((id, now)) = current.get() else { return Vec::new() };
        let lang = store.language.get().code();
        let editable = may_edit.get();
        let config = store.config.get();
        let stages = config.stages(kind);
        let mut active: Vec<_> = stages.active().collect();
        active.sort_by_key(|s| s.index);
        let at = stages.get(&now).map(|s| s.index);
        active
            .into_iter()
            .map(|s| Step {
                code: s.code.clone(),
                name: s.name.get(lang).to_owned(),
                colour: s.colour.clone(),
                passed: !s.end && at.is_some_and(|i| s.index < i),
                current: s.code == now,
                allowed: editable && s.code != now && store.check(Edit::move_stage(kind, id, &s.code)).is_ok(),
            })
            .collect::<Vec<_>>()
    });
    let go = move |code: String| {
        let Some((id, _)) = current.get_untracked() else { return };
        store.apply_reporting(Edit::move_stage(kind, id, &code), error);
    };
    view! {
        <nav class="stage-path" aria-label=move || t().record.stage_path>
            <ol>
                <For each=move || steps.get() key=|s| (s.code.clone(), s.passed, s.current, s.allowed, s.name.clone()) let:s>
                    {
                        let style = if s.colour.is_empty() { String::new() } else { format!("--stage:{}", s.colour) };
                        let code = s.code.clone();
                        let title = if s.allowed { (t().record.move_to_stage)(&s.name) } else { s.name.clone() };
                        view! {
                            <li class:passed=s.passed class:current=s.current style=style>
                                <button
                                    type="button"
                                    aria-current=s.current.then_some("step")
                                    disabled=!s.allowed && !s.current
                                    aria-disabled=s.current.then_some("true")
                                    title=title
                                    on:click=move |_| if s.allowed { go(code.clone()) }
                                >
                                    {s.name.clone()}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </nav>
    }
}
