//! Step 1: the company — from the context bar, an existing one, a new one, or none.

use super::{Choice, Draft, Pick};
use crate::components::picker::{Picker, name_of};
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn CompanyStep(draft: RwSignal<Draft>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let error = RwSignal::new(None::<&'static str>);
    let context = move || {
        let id = store.context.with(|c| c.company)?;
        Some((id, name_of(&store, RecordKind::Company, id)?))
    };
    let pick = move |p: Pick| {
        draft.update(|d| d.company = p);
        error.set(None);
    };
    let chosen_name = move || match draft.with(|d| d.company.clone()) {
        Pick::Existing(id) => name_of(&store, RecordKind::Company, id),
        _ => None,
    };
    let next = move |_| {
        let t = t();
        let d = draft.get_untracked();
        match d.company {
            Pick::Unset => error.set(Some(t.err.choose_one)),
            Pick::New if d.company_name.trim().is_empty() => error.set(Some(t.err.company_name)),
            _ => draft.update(|d| d.step = 1),
        }
    };
    view! {
        <div class="choices">
            {move || context().map(|(id, name)| view! {
                <Choice
                    label=Signal::derive(move || format!("{}: {}", t().wizard.from_context, name))
                    chosen=Signal::derive(move || draft.with(|d| d.company == Pick::Existing(id)))
                    on_choose=Callback::new(move |()| pick(Pick::Existing(id)))
                />
            })}
            <Choice
                label=Signal::derive(move || t().wizard.create_new_company.to_owned())
                chosen=Signal::derive(move || draft.with(|d| d.company == Pick::New))
                on_choose=Callback::new(move |()| pick(Pick::New))
            />
            <Choice
                label=Signal::derive(move || t().record.no_company.to_owned())
                chosen=Signal::derive(move || draft.with(|d| d.company == Pick::None))
                on_choose=Callback::new(move |()| pick(Pick::None))
            />
        </div>
        <Picker
            kind=RecordKind::Company
            label=Signal::derive(move || t().wizard.find_company)
            on_pick=Callback::new(move |id| pick(Pick::Existing(id)))
        />
        {move || chosen_name().map(|name| view! { <p class="chosen" role="status">{t().wizard.chosen}": "<strong>{name}</strong></p> })}
        <Show when=move || draft.with(|d| d.company == Pick::New)>
            <div class="form-grid">
                <div class="field">
                    <label for="new-company-name">{move || t().col.company_name}</label>
                    <input id="new-company-name" prop:value=move || draft.with(|d| d.company_name.clone())
                        aria-invalid=move || error.get().is_some().to_string() aria-describedby="company-step-error"
                        on:input=move |ev| draft.update(|d| d.company_name = event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="new-company-city">{move || t().col.city}</label>
                    <input id="new-company-city" prop:value=move || draft.with(|d| d.company_city.clone())
                        on:input=move |ev| draft.update(|d| d.company_city = event_target_value(&ev))/>
                </div>
            </div>
        </Show>
        <p class="field-error" id="company-step-error" role="alert">{move || error.get()}</p>
        <div class="form-actions">
            <button type="button" class="button primary" on:click=next>{move || t().wizard.next_step}</button>
        </div>
    }
}
