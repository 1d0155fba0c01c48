//! A lead's or opportunity's contacts with their roles (LO-6): add an existing one or a new one
//! (e-mail or phone required, as in the wizard), change a role (the main contact's and signing authority's are fixed), remove one. Each change is
//! checked by the record rules and saved at once.

use crate::components::new_contact::{ContactFields, NewContact};
use crate::components::picker::{Picker, name_of};
use crate::i18n::{invalid_text, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::edit::Edit;
use veld_domain::records::{contacts_of, id_of};
use veld_domain::schema::names;

/// The record's contacts with their roles (LO-6): add an existing one, change a role (the main
/// contact's and signing authority's are fixed), remove one. Each change is saved at once.
#[component]
pub fn ContactsTab(
    kind: RecordKind,
    record: Memo<Option<veld_domain::sync::RecordState>>,
    may_edit: Memo<bool>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let error = RwSignal::new(None::<String>);
    let adding = RwSignal::new(false);
    let linked = Memo::new(move |_| record.with(|r| r.as_ref().map(|r| contacts_of(&r.values())).unwrap_or_default()));
    // Saves the named change `change` makes of the record as it is now (none: nothing to do).
    let save = move |change: &dyn Fn(&veld_domain::sync::RecordState) -> Option<Edit>| {
        if let Some(edit) = record.with_untracked(|r| r.as_ref().and_then(change)) {
            store.apply_reporting(edit, error);
        }
    };
    let add_contact = move |id: uuid::Uuid| {
        adding.set(false);
        save(&|r| Edit::link_contact(kind, r.id, &r.values(), id));
    };
    let add = Callback::new(add_contact);
    // Each linked contact's name and e-mail · phone, as a memo: the rows re-render when these
    // change, not on every edit of the record.
    let people = Memo::new(move |_| {
        linked
            .get()
            .iter()
            .map(|c| {
                let name = name_of(&store, RecordKind::Contact, c.id);
                let detail = store.visible_one(RecordKind::Contact, c.id).map(|r| {
                    let v = r.values();
                    [veld_domain::records::text(&v, names::EMAIL), veld_domain::records::text(&v, names::PHONE)]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · ")
                });
                (name, detail.unwrap_or_default())
            })
            .collect::<Vec<_>>()
    });
    let company =
        Signal::derive(move || record.with(|r| r.as_ref().and_then(|r| id_of(&r.values(), names::COMPANY_ID))));
    let exclude = Signal::derive(move || linked.with(|l| l.iter().map(|c| c.id).collect::<Vec<_>>()));
    let rows = move || {
        let t = t();
        let lang = store.language.get().code();
        let roles = store.config.with(|c| c.table_choices(kind, Table::Role, lang));
        linked
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                let (name, detail) = people.with(|p| p.get(i).cloned()).unwrap_or_default();
                let name = name.unwrap_or_else(|| t.record.unknown_record.to_owned());
                // Fixed as the administrator set it in the role table (the rules check the same).
                let fixed = c.role.as_deref().is_some_and(|role| {
                    store.config.with(|config| config.tables.get(kind, Table::Role, role).is_some_and(|e| e.fixed))
                });
                let role_label = format!("{} {name}", t.col.role);
                let remove_label = format!("{} {name}", t.common.remove);
                let current = c.role.clone().unwrap_or_default();
                let options = roles
                    .iter()
                    .map(|(code, label)| view! { <option value=code.clone() selected=*code == current>{label.clone()}</option> })
                    .collect_view();
                let contact = c.id;
                let change = move |ev| {
                    let role = event_target_value(&ev);
                    save(&|r| Edit::set_contact_role(kind, r.id, &r.values(), contact, Some(&role)));
                };
                let remove = move |_| save(&|r| Edit::unlink_contact(kind, r.id, &r.values(), contact));
                view! {
                    <li class="card contact-row">
                        <span class="contact-name"><strong>{name}</strong><span class="muted">{detail}</span></span>
                        <select aria-label=role_label on:change=change disabled=move || fixed || !may_edit.get()>
                            <option value="">"—"</option>
                            {options}
                        </select>
                        <button type="button" class="button" aria-label=remove_label on:click=remove disabled=move || !may_edit.get()>{t.common.remove}</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="pending-section contacts-tab" aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">{move || t().tab.contacts}</h2>
            <Show when=move || linked.with(Vec::is_empty)>
                <p class="muted">{move || t().record.no_contacts}</p>
            </Show>
            <ul class="change-list">{rows}</ul>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <Show when=move || may_edit.get()>
                <Show
                    when=move || adding.get()
                    fallback=move || view! { <button type="button" class="button" on:click=move |_| adding.set(true)>{move || t().record.add_existing_contact}</button> }
                >
                    <Picker kind=RecordKind::Contact label=Signal::derive(move || t().wizard.find_contact) on_pick=add company=company exclude=exclude/>
                </Show>
                <NewContactForm record=record error=error on_created=Callback::new(add_contact)/>
            </Show>
        </section>
    }
}

/// A new contact for the record: the same fields and rules as the wizard's; it joins the
/// record's company and is then linked (`on_created`).
#[component]
fn NewContactForm(
    record: Memo<Option<veld_domain::sync::RecordState>>,
    error: RwSignal<Option<String>>,
    on_created: Callback<uuid::Uuid>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let creating = RwSignal::new(false);
    let new_contact = RwSignal::new(NewContact::default());
    let new_errors = RwSignal::new(std::collections::BTreeMap::<String, String>::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let mut fields = match new_contact.get_untracked().fields() {
            Ok(f) => f,
            Err(e) => {
                new_errors.set([(e.field.clone(), invalid_text(t, &e))].into());
                return;
            }
        };
        new_errors.set(Default::default());
        if let Some(company) = record.with_untracked(|r| r.as_ref().and_then(|r| id_of(&r.values(), names::COMPANY_ID)))
        {
            fields.insert(names::COMPANY_ID.into(), serde_json::json!(company.to_string()));
        }
        let contact = uuid::Uuid::now_v7();
        spawn_local(async move {
            match store.apply(Edit::create(RecordKind::Contact, contact, fields)).await {
                Ok(_) => {
                    new_contact.set(Default::default());
                    creating.set(false);
                    on_created.run(contact);
                }
                Err(e) => match e.field() {
                    Some(field) => new_errors.set([(field.to_owned(), e.text(t))].into()),
                    None => error.set(Some(e.text(t))),
                },
            }
        });
    };
    view! {
        <Show
            when=move || creating.get()
            fallback=move || view! { <button type="button" class="button" on:click=move |_| creating.set(true)>{move || t().wizard.create_new_contact}</button> }
        >
            <form class="card new-contact" on:submit=create novalidate aria-label=move || t().wizard.create_new_contact>
                <p class="muted">{move || t().wizard.email_or_phone_hint}</p>
                <ContactFields contact=new_contact errors=new_errors prefix="tab-contact"/>
                <div class="form-actions">
                    <button type="submit" class="button primary">{move || t().common.add}</button>
                    <button type="button" class="button" on:click=move |_| { creating.set(false); new_errors.set(Default::default()); }>{move || t().common.cancel}</button>
                </div>
            </form>
        </Show>
    }
}
