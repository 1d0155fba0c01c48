//! The preview panel of the selected row (LO-1, CR-1): the record's main facts and a link to
//! open it.

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
    let users = crate::components::ui::user_names(store);
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
        let label = |table: Table, field: &str| {
            config.tables.label(kind, table, text(&v, field).unwrap_or_default(), lang).to_owned()
        };
        let plain = |field: &str| text(&v, field).unwrap_or_default().to_owned();
        let owner = users.with(|n| n.get(&r.owner_id).cloned()).unwrap_or_default();
        let (title, facts) = match kind {
            RecordKind::Company => (
                plain(names::NAME),
                vec![
                    (t.col.status, label(Table::Status, names::STATUS)),
                    (t.col.type_of, label(Table::Type, names::TYPE)),
                    (t.col.city, plain(names::CITY)),
                    (t.col.industry, plain(names::INDUSTRY)),
                    (t.col.phone, plain(names::PHONE)),
                    (t.col.website, plain(names::WEBSITE)),
                    (t.bulk.account_manager, owner),
                ],
            ),
            RecordKind::Contact => (
                veld_domain::records::contact_name(&v),
                vec![
                    (t.col.company, company),
                    (t.col.function, plain(names::FUNCTION)),
                    (t.col.email, plain(names::EMAIL)),
                    (t.col.phone, plain(names::PHONE)),
                    (t.bulk.account_manager, owner),
                ],
            ),
            _ => (
                plain(names::TITLE),
                vec![
                    (t.col.stage, stage),
                    (t.col.company, company),
                    (t.col.contacts, contacts.join(", ")),
                    (t.col.value, value),
                    (t.col.source, label(Table::Source, names::SOURCE)),
                    (t.col.interest, plain(names::INTEREST)),
                ],
            ),
        };
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
