//! The preview panel of the selected row (LO-1): the record's main facts and a link to open it.

use super::base;
use crate::format::money;
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::records::text;
use veld_domain::schema::names;

/// The preview panel of the selected row (LO-1): the record's main facts and a link to open it.
#[component]
pub fn Preview(kind: RecordKind, id: uuid::Uuid, close: Callback<()>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    move || {
        let t = t();
        let lang = store.language.get().code();
        let r = store.visible_one(kind, id)?;
        let v = r.values();
        let config = store.config.get();
        let stage = text(&v, names::STAGE)
            .and_then(|c| config.stages(kind).get(c))
            .map(|s| s.name.get(lang).to_owned())
            .unwrap_or_default();
        let company = veld_domain::records::id_of(&v, names::COMPANY_ID)
            .and_then(|c| crate::components::picker::name_of(&store, RecordKind::Company, c))
            .unwrap_or_default();
        let contacts: Vec<String> = veld_domain::records::contacts_of(&v)
            .into_iter()
            .filter_map(|c| crate::components::picker::name_of(&store, RecordKind::Contact, c.id))
            .collect();
        let value = v
            .get(veld_domain::schema::value_field(kind).unwrap_or_default())
            .and_then(|x| x.as_i64())
            .map(|x| money(x, store.language.get()))
            .unwrap_or_default();
        let facts = [
            (t.col.stage, stage),
            (t.col.company, company),
            (t.col.contacts, contacts.join(", ")),
            (t.col.value, value),
            (
                t.col.source,
                config.tables.label(kind, Table::Source, text(&v, names::SOURCE).unwrap_or_default(), lang).to_owned(),
            ),
            (t.col.interest, text(&v, names::INTEREST).unwrap_or_default().to_owned()),
        ];
        let title = text(&v, names::TITLE).unwrap_or_default().to_owned();
        Some(view! {
            <section class="card preview" aria-label=t.list.preview>
                <div class="preview-head">
                    <h2>{title}</h2>
                    <button type="button" class="button subtle" on:click=move |_| close.run(())>{t.common.close}</button>
                </div>
                <dl>
                    {facts.into_iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
                </dl>
                <A href=format!("{}/{id}", base(kind)) attr:class="button primary">{t.common.open}</A>
            </section>
        })
    }
}
