//! The contact's existing leads and opportunities (the form lists them and suggests extending
//! one instead of creating a duplicate, or copying one), and copying the context bar's record.

use super::{Draft, Pick};
use crate::i18n::use_i18n;
use crate::overview::base;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::RecordKind;
use veld_domain::records::{contacts_of, text};
use veld_domain::schema::names;

/// Leads or opportunities that link `contact`: (kind, id, title, stage label).
fn existing_for(store: &Store, contact: uuid::Uuid, lang: &str) -> Vec<(RecordKind, uuid::Uuid, String, String)> {
    let config = store.config.get_untracked();
    let mut out = Vec::new();
    store.visible_each(&[RecordKind::Lead, RecordKind::Opportunity], |r| {
        let v = r.values();
        if contacts_of(&v).iter().any(|c| c.id == contact) {
            let stage = text(&v, names::STAGE).unwrap_or_default();
            let label = config
                .stages(r.kind)
                .get(stage)
                .map(|s| s.name.get(lang).to_owned())
                .unwrap_or_else(|| stage.to_owned());
            out.push((r.kind, r.id, text(&v, names::TITLE).unwrap_or_default().to_owned(), label));
        }
    });
    out.sort_by_key(|r| std::cmp::Reverse(r.1));
    out
}

#[component]
pub fn Existing(draft: RwSignal<Draft>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let existing = move || {
        let lang = store.language.get().code();
        match draft.with(|d| d.contact.clone()) {
            Pick::Existing(id) => existing_for(&store, id, lang),
            _ => Vec::new(),
        }
    };
    let copy = move |from_kind: RecordKind, id: uuid::Uuid| {
        let Some(r) = store.visible_one(from_kind, id) else { return };
        let v = r.values();
        let value_field = veld_domain::schema::value_field(from_kind).unwrap_or_default();
        draft.update(|d| {
            d.title = text(&v, names::TITLE).unwrap_or_default().to_owned();
            d.interest = text(&v, names::INTEREST).unwrap_or_default().to_owned();
            d.source = text(&v, names::SOURCE).unwrap_or_default().to_owned();
            d.value = v.get(value_field).and_then(|x| x.as_i64()).map(|x| x.to_string()).unwrap_or_default();
            d.copied_from = Some(id);
        });
    };
    let context_record = move || {
        let (k, id) = store.context.with(|c| c.record)?;
        let r = store.visible_one(k, id)?;
        Some((k, id, text(&r.values(), names::TITLE).unwrap_or_default().to_owned()))
    };
    view! {
        {move || {
            let list = existing();
            (!list.is_empty()).then(|| {
                let t = t();
                view! {
                    <div class="suggestion wide" role="note">
                        <p><strong>{t.wizard.existing_found}</strong>" "{t.wizard.existing_suggest}</p>
                        <ul class="change-list">
                            {list.into_iter().map(|(k, id, title, stage)| {
                                let kind_label = if k == RecordKind::Lead { t.kind.lead } else { t.kind.opportunity };
                                let copy_label = format!("{} {title}", t.wizard.copy_it);
                                view! {
                                    <li class="card existing">
                                        <span><strong>{title.clone()}</strong>" · "<span class="muted">{kind_label}" · "{stage}</span></span>
                                        <span class="form-actions">
                                            <A href=format!("{}/{id}", base(k)) attr:class="button">{t.wizard.extend_it}</A>
                                            <button type="button" class="button" aria-label=copy_label on:click=move |_| copy(k, id)>{t.common.copy}</button>
                                        </span>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            })
        }}
        {move || context_record().map(|(k, id, title)| {
            view! {
                <p class="wide">
                    <button type="button" class="chip-button" on:click=move |_| copy(k, id)>{format!("{}: {title}", t().wizard.copy_from_context)}</button>
                </p>
            }
        })}
    }
}
