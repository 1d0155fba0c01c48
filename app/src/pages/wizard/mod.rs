//! Quick create (LO-3, Carflow): one screen — the company and the contact, each found as it is
//! typed or created on the spot ("Create company …"), then the record's title, value, source
//! and interest. Enter chooses in a list and moves to the next field; Enter elsewhere saves.
//! Every rule of the old three steps holds: a new contact needs an e-mail address or a phone
//! number, blocked contacts are listed but cannot be chosen, a contact's existing leads and
//! opportunities are suggested (extend or copy one), the context bar's records come first.
//! The half-filled form is kept on the device (a draft per kind), so a reload or going offline
//! loses nothing; saving creates what is new — company, contact, record — as ordinary
//! offline-first changes, through the one edit path, and opens the record.

mod existing;
mod model;

pub use model::{Draft, Pick};

use crate::components::duplicates::DuplicateHint;
use crate::components::new_contact::ContactFields;
use crate::components::picker::{find, name_of};
use crate::components::ui::{ComboOption, Combobox};
use crate::i18n::{Strings, invalid_text, use_i18n};
use crate::overview::base;
use crate::state::{EditError, Store, prefs};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use model::{COMPANY, CONTACT, Problem, TITLE, VALUE};
use std::collections::BTreeMap;
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::records::blocked;
use veld_domain::schema::names;

fn draft_key(kind: RecordKind) -> String {
    format!("veld.wizard.{}.v1", kind.as_str())
}

/// The key of the "create" option in the company and contact lists.
const CREATE: &str = "create";

/// How many records a company or contact list offers.
const OFFERED: usize = 6;

/// The records `kind` matching `query` as options (blocked contacts with their reason), and
/// "Create …" for what was typed.
fn options_for(
    store: &Store,
    t: &Strings,
    kind: RecordKind,
    query: &str,
    company: Option<uuid::Uuid>,
    create: Option<String>,
) -> Vec<ComboOption> {
    let mut out: Vec<ComboOption> = find(store, kind, query, company, OFFERED)
        .into_iter()
        .map(|f| ComboOption {
            key: f.id.to_string(),
            label: f.name,
            detail: f.detail,
            refused: f.blocked.map(|reason| {
                if reason.is_empty() { t.record.blocked.to_owned() } else { format!("{}: {reason}", t.record.blocked) }
            }),
            create: false,
        })
        .collect();
    out.extend(create.map(|label| ComboOption {
        key: CREATE.into(),
        label,
        detail: String::new(),
        refused: None,
        create: true,
    }));
    out
}

fn problem_text(t: &Strings, p: &Problem) -> String {
    match p {
        Problem::PickOrCreate => t.wizard.pick_or_create.to_owned(),
        Problem::Required => t.err.required.to_owned(),
        Problem::WholeNumber => t.err.whole_number.to_owned(),
        Problem::Contact(e) => invalid_text(t, e),
    }
}

/// The control showing a field's problem, to focus the first one.
fn control_of(field: &str) -> String {
    match field {
        COMPANY => "quick-company".into(),
        CONTACT => "quick-contact".into(),
        TITLE => "quick-title".into(),
        VALUE => "quick-value".into(),
        other => format!("new-contact-{other}"),
    }
}

#[component]
pub fn Wizard(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let draft = RwSignal::new(prefs::load::<Draft>(&draft_key(kind)).unwrap_or_default());
    // Every change of the draft is kept at once (a reload mid-way restores it).
    Effect::new(move |_| draft.with(|d| prefs::save(&draft_key(kind), d)));
    let problems = RwSignal::new(BTreeMap::<String, String>::new());
    let problem = move |field: &'static str| Signal::derive(move || problems.with(|p| p.get(field).cloned()));
    let error = RwSignal::new(None::<String>);
    let navigate = use_navigate();
    // Opened by its address too (not only from another page): the company box takes the focus.
    crate::components::ui::focus_view();
    let heading = move || if kind == RecordKind::Lead { t().list.new_lead } else { t().list.new_opportunity };

    // The company box.
    let company_text = Signal::derive(move || match draft.with(|d| d.company.clone()) {
        Pick::Existing(id) => name_of(&store, RecordKind::Company, id).unwrap_or_default(),
        _ => draft.with(|d| d.company_name.clone()),
    });
    let company_options = Memo::new(move |_| {
        let t = t();
        let (pick, typed) = draft.with(|d| (d.company.clone(), d.company_name.trim().to_owned()));
        if matches!(pick, Pick::Existing(_)) || typed.is_empty() {
            return Vec::new();
        }
        let create = (pick != Pick::New).then(|| (t.wizard.create_company)(&typed));
        options_for(&store, t, RecordKind::Company, &typed, None, create)
    });
    let on_company_text = Callback::new(move |text: String| {
        draft.update(|d| {
            d.company_name = text;
            if matches!(d.company, Pick::Existing(_)) || d.company_name.trim().is_empty() {
                d.company = Pick::Unset;
            }
        });
        problems.update(|p| _ = p.remove(COMPANY));
    });
    let on_company = Callback::new(move |key: String| {
        draft.update(|d| match key.parse::<uuid::Uuid>() {
            Ok(id) => {
                d.company = Pick::Existing(id);
                d.company_name.clear();
            }
            Err(_) => d.company = Pick::New,
        });
        problems.update(|p| _ = p.remove(COMPANY));
    });
    let company_hint = Signal::derive(move || match draft.with(|d| d.company.clone()) {
        Pick::New => Some(t().wizard.new_company.to_owned()),
        _ => None,
    });
    let context_company = move || {
        let id = store.context.with(|c| c.company)?;
        let free = draft.with(|d| d.company == Pick::Unset && d.company_name.is_empty());
        free.then(|| Some((id, name_of(&store, RecordKind::Company, id)?))).flatten()
    };
    let chosen_company = Signal::derive(move || match draft.with(|d| d.company.clone()) {
        Pick::Existing(id) => Some(id),
        _ => None,
    });

    // The contact box.
    let contact_text = Signal::derive(move || match draft.with(|d| d.contact.clone()) {
        Pick::Existing(id) => name_of(&store, RecordKind::Contact, id).unwrap_or_default(),
        _ => draft.with(|d| d.contact_query.clone()),
    });
    let contact_options = Memo::new(move |_| {
        let t = t();
        let (pick, typed) = draft.with(|d| (d.contact.clone(), d.contact_query.trim().to_owned()));
        if matches!(pick, Pick::Existing(_)) {
            return Vec::new();
        }
        let create = (pick != Pick::New && !typed.is_empty()).then(|| (t.wizard.create_contact)(&typed));
        // Before typing: the chosen company's contacts.
        options_for(&store, t, RecordKind::Contact, &typed, chosen_company.get(), create)
    });
    let on_contact_text = Callback::new(move |text: String| {
        draft.update(|d| {
            d.contact_query = text;
            if matches!(d.contact, Pick::Existing(_)) || d.contact_query.trim().is_empty() {
                d.contact = Pick::Unset;
            }
        });
        problems.update(|p| _ = p.remove(CONTACT));
    });
    let on_contact = Callback::new(move |key: String| {
        draft.update(|d| match key.parse::<uuid::Uuid>() {
            Ok(id) => {
                d.contact = Pick::Existing(id);
                d.contact_query.clear();
            }
            Err(_) => d.start_new_contact(),
        });
        problems.update(|p| _ = p.remove(CONTACT));
    });
    // A possible duplicate of the new contact or company, used instead: the focus goes on.
    let use_contact = Callback::new(move |id: String| {
        on_contact.run(id);
        crate::components::ui::focus_after("quick-contact");
    });
    let use_company = Callback::new(move |id: String| {
        on_company.run(id);
        crate::components::ui::focus_after("quick-company");
    });
    let contact_hint = Signal::derive(move || match draft.with(|d| d.contact.clone()) {
        Pick::New => Some(t().wizard.new_contact.to_owned()),
        _ => None,
    });
    let context_contact = move || {
        let id = store.context.with(|c| c.contact)?;
        let free = draft.with(|d| d.contact == Pick::Unset && d.contact_query.is_empty());
        let r = store.visible_one(RecordKind::Contact, id)?;
        (free && blocked(&r.values()).is_none())
            .then(|| Some((id, name_of(&store, RecordKind::Contact, id)?)))
            .flatten()
    };
    // The new contact's fields edit their own signal; the draft (kept on the device) follows.
    let person = RwSignal::new(draft.with_untracked(|d| d.person.clone()));
    Effect::new(move |_| {
        let from_draft = draft.with(|d| d.person.clone());
        if person.with_untracked(|p| *p != from_draft) {
            person.set(from_draft);
        }
    });
    Effect::new(move |_| {
        let p = person.get();
        if draft.with_untracked(|d| d.person != p) {
            draft.update(|d| d.person = p);
        }
    });
    let person_errors = RwSignal::new(BTreeMap::<String, String>::new());
    Effect::new(move |_| {
        let contact_fields = [names::FIRST_NAME, names::LAST_NAME, names::EMAIL, names::PHONE];
        person_errors.set(problems.with(|p| {
            p.iter()
                .filter(|(k, _)| contact_fields.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        }));
    });

    let sources = move || {
        let lang = store.language.get().code();
        let current = draft.with(|d| d.source.clone());
        let mut options = vec![view! { <option value="" selected=current.is_empty()>"—"</option> }.into_any()];
        options.extend(store.config.with(|c| c.table_choices(kind, Table::Source, lang)).into_iter().map(
            |(code, label)| {
                let selected = code == current;
                view! { <option value=code selected=selected>{label}</option> }.into_any()
            },
        ));
        options
    };
    let discard = move |_| {
        prefs::remove(&draft_key(kind));
        draft.set(Draft::default());
        problems.set(Default::default());
        error.set(None);
        crate::components::ui::focus_view();
    };
    // Saved before the stages reached the device (right after a first login): it saves as
    // soon as they arrive.
    let waiting = RwSignal::new(false);
    let submit = Callback::new(move |()| {
        let d = draft.get_untracked();
        let t = crate::i18n::strings(store.language.get_untracked());
        error.set(None);
        let found = d.problems();
        if let Some((first, _)) = found.first() {
            let id = control_of(first);
            problems.set(found.iter().map(|(f, p)| (f.clone(), problem_text(t, p))).collect());
            request_animation_frame(move || {
                if let Some(e) = document().get_element_by_id(&id) {
                    use wasm_bindgen::JsCast;
                    let _ = e.unchecked_into::<web_sys::HtmlElement>().focus();
                }
            });
            return;
        }
        problems.set(Default::default());
        let config = store.config.get_untracked();
        let navigate = navigate.clone();
        let Some(start) = config.stages(kind).default_stage().map(|s| s.code.clone()) else {
            error.set(Some(t.err.no_stages.to_owned()));
            waiting.set(true);
            return;
        };
        waiting.set(false);
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
    Effect::new(move |_| {
        let ready = store.config.with(|c| c.stages(kind).default_stage().is_some());
        if ready && waiting.get_untracked() {
            submit.run(());
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        submit.run(());
    };
    let text_field = move |id: &'static str, field: &'static str, label: Signal<&'static str>| {
        let error_id = format!("{id}-error");
        let value = move || {
            draft.with(|d| match field {
                TITLE => d.title.clone(),
                _ => d.value.clone(),
            })
        };
        let set = move |v: String| {
            draft.update(|d| match field {
                TITLE => d.title = v,
                _ => d.value = v,
            });
            problems.update(|p| _ = p.remove(field));
        };
        view! {
            <div class="field" class:wide=field == TITLE>
                <label for=id>{move || label.get()}</label>
                <input id=id type="text" inputmode=(field == VALUE).then_some("numeric")
                    prop:value=value
                    aria-invalid=move || problems.with(|p| p.contains_key(field)).to_string()
                    aria-describedby=error_id.clone()
                    on:input=move |ev| set(event_target_value(&ev))/>
                <p class="field-error" id=error_id>{problem(field)}</p>
            </div>
        }
    };
    view! {
        <section class="page quick-create">
            <p class="breadcrumb">
                <A href=base(kind)>{move || if kind == RecordKind::Lead { t().nav.leads } else { t().nav.opportunities }}</A>
            </p>
            <header class="page-header">
                <h1>{heading}</h1>
            </header>
            <Show
                when=move || store.may_create(kind)
                fallback=move || view! { <p class="card" role="alert">{move || t().record.edit_not_allowed}</p> }
            >
            <form class="card quick-form" novalidate aria-label=heading on:submit=save>
                <div class="form-grid">
                    <div class="wide">
                        <Combobox
                            id="quick-company"
                            autofocus=true
                            label=Signal::derive(move || t().wizard.company.to_owned())
                            placeholder=Signal::derive(move || t().wizard.company_hint)
                            text=company_text
                            on_text=on_company_text
                            options=company_options
                            on_choose=on_company
                            error=problem(COMPANY)
                            hint=company_hint
                        />
                        {move || context_company().map(|(id, name)| view! {
                            <button type="button" class="chip-button" on:click=move |_| {
                                on_company.run(id.to_string());
                                crate::components::ui::focus_after("quick-company");
                            }>
                                {format!("{}: {name}", t().wizard.from_context)}
                            </button>
                        })}
                        <Show when=move || draft.with(|d| d.company == Pick::New)>
                            <DuplicateHint kind=RecordKind::Company on_use=use_company
                                typed=Signal::derive(move || vec![(names::NAME, draft.with(|d| d.company_name.clone()))])/>
                            <div class="field new-part">
                                <label for="new-company-city">{move || t().col.city}</label>
                                <input id="new-company-city" type="text" prop:value=move || draft.with(|d| d.company_city.clone())
                                    on:input=move |ev| draft.update(|d| d.company_city = event_target_value(&ev))/>
                            </div>
                        </Show>
                    </div>
                    <div class="wide">
                        <Combobox
                            id="quick-contact"
                            label=Signal::derive(move || t().wizard.contact.to_owned())
                            placeholder=Signal::derive(move || t().wizard.contact_hint)
                            text=contact_text
                            on_text=on_contact_text
                            options=contact_options
                            on_choose=on_contact
                            error=problem(CONTACT)
                            hint=contact_hint
                        />
                        {move || context_contact().map(|(id, name)| view! {
                            <button type="button" class="chip-button" on:click=move |_| {
                                on_contact.run(id.to_string());
                                crate::components::ui::focus_after("quick-contact");
                            }>
                                {format!("{}: {name}", t().wizard.from_context)}
                            </button>
                        })}
                        <Show when=move || draft.with(|d| d.contact == Pick::New)>
                            <div class="new-part">
                                <p class="muted">{move || t().wizard.email_or_phone_hint}</p>
                                <ContactFields contact=person errors=person_errors prefix="new-contact"/>
                                <DuplicateHint kind=RecordKind::Contact on_use=use_contact typed=Signal::derive(move || person.with(|p| {
                                    [names::FIRST_NAME, names::LAST_NAME, names::EMAIL, names::PHONE].map(|f| (f, p.get(f).to_owned())).to_vec()
                                }))/>
                            </div>
                        </Show>
                    </div>
                    <existing::Existing draft=draft/>
                    {text_field("quick-title", TITLE, Signal::derive(move || t().col.title))}
                    {text_field("quick-value", VALUE, Signal::derive(move || t().col.value))}
                    <div class="field">
                        <label for="quick-source">{move || t().col.source}</label>
                        <select id="quick-source" on:change=move |ev| draft.update(|d| d.source = event_target_value(&ev))>{sources}</select>
                    </div>
                    <div class="field wide">
                        <label for="quick-interest">{move || t().col.interest}</label>
                        <textarea id="quick-interest" rows="3" prop:value=move || draft.with(|d| d.interest.clone())
                            on:input=move |ev| draft.update(|d| d.interest = event_target_value(&ev))></textarea>
                    </div>
                </div>
                <p class="form-error" role="alert">{move || error.get()}</p>
                <div class="form-actions quick-actions">
                    <button type="submit" class="button primary">{move || t().common.save}</button>
                    <button type="button" class="button subtle" on:click=discard>{move || t().wizard.discard_draft}</button>
                </div>
            </form>
            </Show>
        </section>
    }
}
