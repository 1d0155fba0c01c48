//! The creation wizard (LO-3, Carflow): (1) company, (2) contact, (3) the record, each from the
//! context bar, an existing one, a new one, or none. The half-filled wizard is kept on the
//! device (a draft per kind), so a reload or going offline loses nothing; saving creates what
//! is new — company, contact, record — as ordinary offline-first changes and opens the record.

mod company;
mod contact;
mod details;
mod model;

pub use model::{Draft, Pick};

use crate::i18n::use_i18n;
use crate::overview::base;
use crate::state::{EditError, Store, prefs};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use veld_domain::RecordKind;

fn draft_key(kind: RecordKind) -> String {
    format!("veld.wizard.{}.v1", kind.as_str())
}

#[component]
pub fn Wizard(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let draft = RwSignal::new(prefs::load::<Draft>(&draft_key(kind)).unwrap_or_default());
    // Every change of the draft is kept at once (a reload mid-way restores it).
    Effect::new(move |_| draft.with(|d| prefs::save(&draft_key(kind), d)));
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    let step = move || draft.with(|d| d.step);
    let heading = move || if kind == RecordKind::Lead { t().list.new_lead } else { t().list.new_opportunity };
    let step_label = move || {
        let t = t();
        let names = [t.wizard.company, t.wizard.contact, t.wizard.record];
        let n = step().min(2) as usize;
        (t.wizard.step)(n + 1, names[n])
    };
    let discard = move |_| {
        prefs::remove(&draft_key(kind));
        draft.set(Draft::default());
        error.set(None);
    };
    let save = Callback::new(move |()| {
        let d = draft.get_untracked();
        let t = crate::i18n::strings(store.language.get_untracked());
        let config = store.config.get_untracked();
        let navigate = navigate.clone();
        let Some(start) = config.stages(kind).default_stage().map(|s| s.code.clone()) else {
            error.set(Some(t.err.no_stages.to_owned()));
            return;
        };
        // The user's role must allow the record itself before anything is made for it.
        if !store.may_create(kind) {
            error.set(Some(t.record.edit_not_allowed.to_owned()));
            return;
        }
        let made = d.edits(kind, &start, &mut uuid::Uuid::now_v7);
        spawn_local(async move {
            // Company, contact, record: each through the one edit path, stopping at a refusal.
            let result: Result<uuid::Uuid, EditError> = async {
                let (edits, id) = made.map_err(EditError::Invalid)?;
                for edit in edits {
                    store.apply(edit).await?;
                }
                Ok(id)
            }
            .await;
            match result {
                Ok(id) => {
                    prefs::remove(&draft_key(kind));
                    draft.set(Draft::default());
                    navigate(&format!("{}/{id}", base(kind)), Default::default());
                }
                Err(e) => error.set(Some(e.text(t))),
            }
        });
    });
    view! {
        <section class="page wizard">
            <p class="breadcrumb">
                <A href=base(kind)>{move || if kind == RecordKind::Lead { t().nav.leads } else { t().nav.opportunities }}</A>
            </p>
            <header class="page-header">
                <h1>{heading}</h1>
                <p class="intro">{move || t().wizard.intro}</p>
            </header>
            <ol class="steps" aria-label=move || t().wizard.steps>
                {move || {
                    let t = t();
                    [t.wizard.company, t.wizard.contact, t.wizard.record]
                        .into_iter()
                        .enumerate()
                        .map(|(i, name)| {
                            let current = (step() as usize == i).then_some("step");
                            let done = (step() as usize) > i;
                            view! { <li class:done=done aria-current=current>{name}</li> }
                        })
                        .collect_view()
                }}
            </ol>
            <Show
                when=move || store.may_create(kind)
                fallback=move || view! { <p class="card" role="alert">{move || t().record.edit_not_allowed}</p> }
            >
            <div class="card wizard-card">
                <h2 class="step-title">{step_label}</h2>
                {move || match step() {
                    0 => view! { <company::CompanyStep draft=draft/> }.into_any(),
                    1 => view! { <contact::ContactStep draft=draft/> }.into_any(),
                    _ => view! { <details::DetailsStep kind=kind draft=draft save=save/> }.into_any(),
                }}
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="form-actions wizard-nav">
                    <Show when=move || { step() > 0 }>
                        <button type="button" class="button" on:click=move |_| draft.update(|d| d.step -= 1)>{move || t().common.back}</button>
                    </Show>
                    <button type="button" class="button subtle" on:click=discard>{move || t().wizard.discard_draft}</button>
                </div>
            </div>
            </Show>
        </section>
    }
}

/// A choice offered by a step: a button that shows whether it is the current one.
#[component]
pub fn Choice(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] chosen: Signal<bool>,
    on_choose: Callback<()>,
) -> impl IntoView {
    view! {
        <button type="button" class="choice" aria-pressed=move || chosen.get().to_string() on:click=move |_| on_choose.run(())>
            {move || label.get()}
        </button>
    }
}
