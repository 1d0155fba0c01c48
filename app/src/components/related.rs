//! What a company's, contact's, job order's or activity's page shows besides its own fields
//! (LO-6): the leads and opportunities of a company or contact (with New, and "Remove from lead"
//! on a contact), a company's contacts, a job order's "Related to", and an activity's lead or
//! opportunity with its stage selector.

use crate::components::linked::may_create;
use crate::components::picker::name_of;
use crate::i18n::use_i18n;
use crate::overview::base;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use serde_json::{Map, Value};
use veld_domain::RecordKind;
use veld_domain::edit::Edit;
use veld_domain::records::{contact_name, contacts_of, id_of, text};
use veld_domain::schema::names;
use veld_domain::sync::RecordState;

/// A lead's or opportunity's stage name in the interface language.
fn stage_name(store: &Store, kind: RecordKind, values: &Map<String, Value>) -> String {
    let code = text(values, names::STAGE).unwrap_or_default().to_owned();
    let lang = store.language.get().code();
    store.config.with(|c| c.stages(kind).get(&code).map(|s| s.name.get(lang).to_owned())).unwrap_or(code)
}

/// The leads (or opportunities) of a company or a contact, with New and — on a contact —
/// "Remove from lead".
#[component]
pub fn RelatedRecords(of: RecordKind, id: uuid::Uuid, list: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let navigate = use_navigate();
    let error = RwSignal::new(None::<String>);
    let records = Memo::new(move |_| {
        let mut out = Vec::new();
        store.visible_each(&[list], |r| {
            let v = r.values();
            let linked = match of {
                RecordKind::Company => id_of(&v, names::COMPANY_ID) == Some(id),
                _ => contacts_of(&v).iter().any(|c| c.id == id),
            };
            if linked {
                out.push(r.clone());
            }
        });
        out.sort_by_key(|r| std::cmp::Reverse(r.id));
        out
    });
    let heading_id = if list == RecordKind::Lead { "leads-heading" } else { "opportunities-heading" };
    let heading = move || if list == RecordKind::Lead { t().nav.leads } else { t().nav.opportunities };
    let new_label = move || if list == RecordKind::Lead { t().list.new_lead } else { t().list.new_opportunity };
    let may_new = move || {
        may_create(&store, list)
            && (list == RecordKind::Lead || store.me.with(|m| m.as_ref().is_some_and(|m| m.modules.opportunities)))
    };
    // New: the wizard, with this company or contact in the context bar (it offers it first).
    let open_wizard = move |_| {
        store.remember(of, id);
        navigate(&format!("{}/new", base(list)), Default::default());
    };
    let remove = move |r: RecordState| {
        if let Some(edit) = Edit::unlink_contact(list, r.id, &r.values(), id) {
            store.apply_reporting(edit, error);
        }
    };
    view! {
        <section class="pending-section linked-tab" aria-labelledby=heading_id>
            <h2 id=heading_id>{heading}</h2>
            <Show when=move || records.with(Vec::is_empty)>
                <p class="muted">{move || t().list.empty_list}</p>
            </Show>
            <ul class="change-list">
                <For each=move || records.get() key=|r| (r.id, r.version) let:r>
                    {
                        let v = r.values();
                        let title = text(&v, names::TITLE).unwrap_or_default().to_owned();
                        let stage = stage_name(&store, list, &v);
                        let remove_label = move || {
                            let t = t();
                            if list == RecordKind::Lead { t.record.remove_from_lead } else { t.record.remove_from_opportunity }
                        };
                        let aria = {
                            let title = title.clone();
                            move || format!("{} {title}", remove_label())
                        };
                        let record = r.clone();
                        view! {
                            <li class="card activity">
                                <span><A href=format!("{}/{}", base(list), r.id)>{title.clone()}</A><span class="muted">{format!(" · {stage}")}</span></span>
                                {(of == RecordKind::Contact).then(|| view! {
                                    <button type="button" class="button subtle" aria-label=aria on:click=move |_| remove(record.clone())>{remove_label}</button>
                                })}
                            </li>
                        }
                    }
                </For>
            </ul>
            <p class="field-error" role="alert">{move || error.get()}</p>
            <Show when=may_new>
                <button type="button" class="button" on:click=open_wizard.clone()>{new_label}</button>
            </Show>
        </section>
    }
}

/// A company's contacts, each linking to its page.
#[component]
pub fn CompanyContacts(id: uuid::Uuid) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let contacts = Memo::new(move |_| {
        let mut out: Vec<(uuid::Uuid, String, String)> = Vec::new();
        store.visible_each(&[RecordKind::Contact], |r| {
            let v = r.values();
            if id_of(&v, names::COMPANY_ID) == Some(id) {
                let reach = [text(&v, names::EMAIL), text(&v, names::PHONE)]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" · ");
                out.push((r.id, contact_name(&v), reach));
            }
        });
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    });
    view! {
        <section class="pending-section linked-tab" aria-labelledby="contacts-heading">
            <h2 id="contacts-heading">{move || t().tab.contacts}</h2>
            <Show when=move || contacts.with(Vec::is_empty)>
                <p class="muted">{move || t().record.no_contacts}</p>
            </Show>
            <ul class="change-list">
                <For each=move || contacts.get() key=|c| c.clone() let:c>
                    <li class="card">
                        <A href=format!("{}/{}", base(RecordKind::Contact), c.0)>{c.1.clone()}</A>
                        <span class="muted">{c.2.clone()}</span>
                    </li>
                </For>
            </ul>
        </section>
    }
}

/// Links of a job order or an activity: its company, lead and opportunity ("Related to").
#[component]
pub fn RelatedTo(record: Memo<Option<RecordState>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let links = Memo::new(move |_| {
        let t = t();
        record.with(|r| {
            let Some(r) = r else { return Vec::new() };
            let v = r.values();
            let mut out = Vec::new();
            for (kind, field, label) in [
                (RecordKind::Company, names::COMPANY_ID, t.col.company),
                (RecordKind::Contact, names::CONTACT_ID, t.wizard.contact),
                (RecordKind::Lead, names::LEAD_ID, t.kind.lead),
                (RecordKind::Opportunity, names::OPPORTUNITY_ID, t.kind.opportunity),
                (RecordKind::JobOrder, names::JOB_ORDER_ID, t.linked.job_order),
            ] {
                if let Some(target) = id_of(&v, field) {
                    let name = match kind {
                        RecordKind::Company | RecordKind::Contact => name_of(&store, kind, target),
                        _ => store
                            .visible_one(kind, target)
                            .map(|x| text(&x.values(), names::TITLE).unwrap_or_default().to_owned()),
                    };
                    out.push((
                        label,
                        name.unwrap_or_else(|| t.record.unknown_record.to_owned()),
                        format!("{}/{target}", base(kind)),
                    ));
                }
            }
            out
        })
    });
    view! {
        <div class="record-links" role="group" aria-label=move || t().record.related_to>
            <span class="muted">{move || t().record.related_to}":"</span>
            <Show when=move || links.with(Vec::is_empty)>
                <span class="muted">"—"</span>
            </Show>
            {move || links.get().into_iter().map(|(label, name, href)| view! {
                <span class="link-chip"><span class="muted">{label}": "</span><A href=href>{name}</A></span>
            }).collect_view()}
        </div>
    }
}

/// An activity's lead or opportunity with a stage selector offering its allowed moves (seed 000:
/// the stage can be moved on from the activity).
#[component]
pub fn ActivityParent(record: Memo<Option<RecordState>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let error = RwSignal::new(None::<String>);
    let parent = Memo::new(move |_| {
        record.with(|r| {
            let v = r.as_ref()?.values();
            [(RecordKind::Lead, names::LEAD_ID), (RecordKind::Opportunity, names::OPPORTUNITY_ID)]
                .into_iter()
                .find_map(|(k, f)| store.visible_one(k, id_of(&v, f)?).map(|p| (k, p)))
        })
    });
    move || {
        parent.get().map(|(kind, p)| {
            let v = p.values();
            let title = text(&v, names::TITLE).unwrap_or_default().to_owned();
            let current = text(&v, names::STAGE).unwrap_or_default().to_owned();
            let lang = store.language.get().code();
            let options = store.config.with(|c| {
                c.stages(kind)
                    .choices(Some(current.as_str()).filter(|s| !s.is_empty()))
                    .into_iter()
                    .map(|s| (s.code.clone(), s.name.get(lang).to_owned()))
                    .collect::<Vec<_>>()
            });
            let label = if kind == RecordKind::Lead { t().kind.lead } else { t().kind.opportunity };
            let href = format!("{}/{}", base(kind), p.id);
            let on_change = move |ev| {
                let to = event_target_value(&ev);
                store.apply_reporting(Edit::move_stage(kind, p.id, &to), error);
            };
            view! {
                <div class="card record-links activity-parent" role="group" aria-label=label>
                    <span><span class="muted">{label}": "</span><A href=href>{title.clone()}</A></span>
                    <div class="field">
                        <label for="parent-stage">{move || t().col.stage}</label>
                        <select id="parent-stage" prop:value=current.clone() on:change=on_change>
                            {options.into_iter().map(|(code, name)| view! { <option value=code.clone() selected=code == current>{name}</option> }).collect_view()}
                        </select>
                    </div>
                    <p class="field-error" role="alert">{move || error.get()}</p>
                </div>
            }
        })
    }
}
