//! Step 3: the record — copied from the context bar's or the contact's existing ones (the
//! wizard lists them and suggests extending one instead of creating a duplicate), or empty;
//! then the customer's interest and the source.

use super::{Draft, Pick};
use crate::i18n::use_i18n;
use crate::overview::base;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::RecordKind;
use veld_domain::config::Table;
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
pub fn DetailsStep(kind: RecordKind, draft: RwSignal<Draft>, save: Callback<()>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let error = RwSignal::new(None::<&'static str>);
    let value_error = RwSignal::new(None::<&'static str>);
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
    let finish = move |_| {
        let (title, value) = draft.with_untracked(|d| (d.title.trim().is_empty(), d.value.trim().to_owned()));
        let bad_value = !value.is_empty() && crate::format::parse_amount(&value).is_none_or(|v| v < 0);
        error.set(title.then_some(t().err.required));
        value_error.set(bad_value.then_some(t().err.whole_number));
        if title || bad_value {
            return;
        }
        save.run(());
    };
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
    view! {
        {move || {
            let list = existing();
            (!list.is_empty()).then(|| {
                let t = t();
                view! {
                    <div class="suggestion" role="note">
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
                <p class="muted">
                    <button type="button" class="button" on:click=move |_| copy(k, id)>{format!("{}: {title}", t().wizard.copy_from_context)}</button>
                </p>
            }
        })}
        <div class="form-grid">
            <div class="field wide">
                <label for="wizard-title">{move || t().col.title}</label>
                <input id="wizard-title" prop:value=move || draft.with(|d| d.title.clone())
                    aria-invalid=move || error.get().is_some().to_string() aria-describedby="wizard-title-error"
                    on:input=move |ev| draft.update(|d| d.title = event_target_value(&ev))/>
                <p class="field-error" id="wizard-title-error">{move || error.get()}</p>
            </div>
            <div class="field wide">
                <label for="wizard-interest">{move || t().col.interest}</label>
                <textarea id="wizard-interest" rows="3" prop:value=move || draft.with(|d| d.interest.clone())
                    on:input=move |ev| draft.update(|d| d.interest = event_target_value(&ev))></textarea>
            </div>
            <div class="field">
                <label for="wizard-source">{move || t().col.source}</label>
                <select id="wizard-source" on:change=move |ev| draft.update(|d| d.source = event_target_value(&ev))>{sources}</select>
            </div>
            <div class="field">
                <label for="wizard-value">{move || t().col.value}</label>
                <input id="wizard-value" inputmode="numeric" prop:value=move || draft.with(|d| d.value.clone())
                    aria-invalid=move || value_error.get().is_some().to_string() aria-describedby="wizard-value-error"
                    on:input=move |ev| draft.update(|d| d.value = event_target_value(&ev))/>
                <p class="field-error" id="wizard-value-error">{move || value_error.get()}</p>
            </div>
        </div>
        <div class="form-actions">
            <button type="button" class="button primary" on:click=finish>{move || t().common.save}</button>
        </div>
    }
}
