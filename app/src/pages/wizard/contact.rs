//! Step 2: the contact — from the context bar, found by name, e-mail or phone, a new one (an
//! e-mail address or a phone number is required), or none. Blocked contacts are listed but
//! cannot be chosen, with the reason.

use super::{Choice, Draft, Pick};
use crate::components::picker::{Picker, name_of};
use crate::i18n::{invalid_text, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use serde_json::{Map, Value, json};
use veld_domain::RecordKind;
use veld_domain::records::{Invalid, blocked, normalise_contact};

/// The new contact's fields, normalised, or what is wrong with them.
pub fn new_contact_fields(d: &Draft) -> Result<Map<String, Value>, Invalid> {
    let mut f = Map::new();
    for (k, v) in [("first_name", &d.first_name), ("last_name", &d.last_name), ("email", &d.email), ("phone", &d.phone)]
    {
        if !v.trim().is_empty() {
            f.insert(k.into(), json!(v.trim()));
        }
    }
    if veld_domain::records::contact_name(&f).is_empty() {
        return Err(Invalid {
            field: "last_name".into(),
            code: veld_domain::records::InvalidCode::Required,
            message: "a contact needs a name".into(),
        });
    }
    normalise_contact(&mut f)?;
    Ok(f)
}

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
            Pick::Unset => errors.set([("step".to_owned(), t.err_choose_one.to_owned())].into()),
            Pick::New => match new_contact_fields(&d) {
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
                    label=Signal::derive(move || format!("{}: {}", t().from_context, name))
                    chosen=Signal::derive(move || draft.with(|d| d.contact == Pick::Existing(id)))
                    on_choose=Callback::new(move |()| pick(Pick::Existing(id)))
                />
            })}
            <Choice
                label=Signal::derive(move || t().create_new_contact.to_owned())
                chosen=Signal::derive(move || draft.with(|d| d.contact == Pick::New))
                on_choose=Callback::new(move |()| pick(Pick::New))
            />
            <Choice
                label=Signal::derive(move || t().no_contact.to_owned())
                chosen=Signal::derive(move || draft.with(|d| d.contact == Pick::None))
                on_choose=Callback::new(move |()| pick(Pick::None))
            />
        </div>
        <Picker
            kind=RecordKind::Contact
            label=Signal::derive(move || t().find_contact)
            company=company
            on_pick=Callback::new(move |id| pick(Pick::Existing(id)))
        />
        {move || chosen_name().map(|name| view! { <p class="chosen" role="status">{t().chosen}": "<strong>{name}</strong></p> })}
        <Show when=move || draft.with(|d| d.contact == Pick::New)>
            <p class="muted">{move || t().email_or_phone_hint}</p>
            <ContactFields draft=draft errors=errors prefix="new-contact"/>
        </Show>
        <p class="field-error" role="alert">{move || errors.with(|e| e.get("step").cloned())}</p>
        <div class="form-actions">
            <button type="button" class="button primary" on:click=next>{move || t().next_step}</button>
        </div>
    }
}

/// A new contact's name, e-mail and phone fields (wizard and Contacts tab), each with its error
/// from `errors` (keyed by field) next to it.
#[component]
pub fn ContactFields(
    draft: RwSignal<Draft>,
    errors: RwSignal<std::collections::BTreeMap<String, String>>,
    prefix: &'static str,
) -> impl IntoView {
    let t = use_i18n();
    let input = move |name: &'static str, label: fn(&crate::i18n::Strings) -> &'static str, kind: &'static str| {
        let id = format!("{prefix}-{name}");
        let error_id = format!("{id}-error");
        let get = move || {
            draft.with(|d| match name {
                "first_name" => d.first_name.clone(),
                "last_name" => d.last_name.clone(),
                "email" => d.email.clone(),
                _ => d.phone.clone(),
            })
        };
        let set = move |ev| {
            let v = event_target_value(&ev);
            draft.update(|d| match name {
                "first_name" => d.first_name = v,
                "last_name" => d.last_name = v,
                "email" => d.email = v,
                _ => d.phone = v,
            });
        };
        view! {
            <div class="field">
                <label for=id.clone()>{move || label(t())}</label>
                <input id=id type=kind prop:value=get on:input=set
                    aria-invalid=move || errors.with(|e| e.contains_key(name)).to_string()
                    aria-describedby=error_id.clone()/>
                <p class="field-error" id=error_id>{move || errors.with(|e| e.get(name).cloned())}</p>
            </div>
        }
    };
    view! {
        <div class="form-grid">
            {input("first_name", |t| t.col_first_name, "text")}
            {input("last_name", |t| t.col_last_name, "text")}
            {input("email", |t| t.col_email, "email")}
            {input("phone", |t| t.col_phone, "tel")}
        </div>
    }
}
