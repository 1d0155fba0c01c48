//! Step 2: the contact — from the context bar, found by name, e-mail or phone, a new one (an
//! e-mail address or a phone number is required), or none. Blocked contacts are listed but
//! cannot be chosen, with the reason.

use super::{Choice, Draft, Pick};
use crate::components::new_contact::ContactFields;
use crate::components::picker::{Picker, name_of};
use crate::i18n::{invalid_text, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::records::blocked;

#[component]
pub fn ContactStep(draft: RwSignal<Draft>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let context = move || {
        let id = store.context.with(|c| c.contact)?;
        let r = store.visible_one(RecordKind::Contact, id)?;
        blocked(&r.values()).is_none().then(|| (id, name_of(&store, RecordKind::Contact, id).unwrap_or_default()))
    };
    // The new contact's fields edit their own signal; the draft (kept on the device) follows.
    let person = RwSignal::new(draft.with_untracked(|d| d.person.clone()));
    Effect::new(move |_| {
        let p = person.get();
        if draft.with_untracked(|d| d.person != p) {
            draft.update(|d| d.person = p);
        }
    });
    let pick = move |p: Pick| {
        draft.update(|d| d.contact = p);
        errors.set(Default::default());
    };
    let company = Signal::derive(move || match draft.with(|d| d.company.clone()) {
        Pick::Existing(id) => Some(id),
        _ => None,
    });
    let chosen_name = move || match draft.with(|d| d.contact.clone()) {
        Pick::Existing(id) => name_of(&store, RecordKind::Contact, id),
        _ => None,
    };
    let next = move |_| {
        let t = t();
        let d = draft.get_untracked();
        match d.contact {
            Pick::Unset => errors.set([("step".to_owned(), t.err.choose_one.to_owned())].into()),
            Pick::New => match d.person.fields() {
                Ok(_) => draft.update(|d| d.step = 2),
                Err(e) => errors.set([(e.field.clone(), invalid_text(t, &e))].into()),
            },
            _ => draft.update(|d| d.step = 2),
        }
    };
    view! {
        <div class="choices">
            {move || context().map(|(id, name)| view! {
                <Choice
                    label=Signal::derive(move || format!("{}: {}", t().wizard.from_context, name))
                    chosen=Signal::derive(move || draft.with(|d| d.contact == Pick::Existing(id)))
                    on_choose=Callback::new(move |()| pick(Pick::Existing(id)))
                />
            })}
            <Choice
                label=Signal::derive(move || t().wizard.create_new_contact.to_owned())
                chosen=Signal::derive(move || draft.with(|d| d.contact == Pick::New))
                on_choose=Callback::new(move |()| pick(Pick::New))
            />
            <Choice
                label=Signal::derive(move || t().record.no_contact.to_owned())
                chosen=Signal::derive(move || draft.with(|d| d.contact == Pick::None))
                on_choose=Callback::new(move |()| pick(Pick::None))
            />
        </div>
        <Picker
            kind=RecordKind::Contact
            label=Signal::derive(move || t().wizard.find_contact)
            company=company
            on_pick=Callback::new(move |id| pick(Pick::Existing(id)))
        />
        {move || chosen_name().map(|name| view! { <p class="chosen" role="status">{t().wizard.chosen}": "<strong>{name}</strong></p> })}
        <Show when=move || draft.with(|d| d.contact == Pick::New)>
            <p class="muted">{move || t().wizard.email_or_phone_hint}</p>
            <ContactFields contact=person errors=errors prefix="new-contact"/>
        </Show>
        <p class="field-error" role="alert">{move || errors.with(|e| e.get("step").cloned())}</p>
        <div class="form-actions">
            <button type="button" class="button primary" on:click=next>{move || t().wizard.next_step}</button>
        </div>
    }
}
