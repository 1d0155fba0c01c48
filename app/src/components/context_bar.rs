//! The context bar (LO-7): the most recently opened company, contact and lead or opportunity,
//! kept at hand on every page; the creation wizard offers them first.

use crate::components::picker::name_of;
use crate::i18n::use_i18n;
use crate::overview::base;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::RecordKind;
use veld_domain::records::text;
use veld_domain::schema::names;

#[component]
pub fn ContextBar() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // (label, name, link): a memo, so the bar re-renders only when what it shows changes, not
    // on every edit of a record.
    let items = Memo::new(move |_| {
        let t = t();
        let context = store.context.get();
        let mut out: Vec<(&'static str, String, Option<String>)> = Vec::new();
        if let Some(id) = context.company
            && let Some(name) = name_of(&store, RecordKind::Company, id)
        {
            out.push((t.col.company, name, Some(format!("{}/{id}", base(RecordKind::Company)))));
        }
        if let Some(id) = context.contact
            && let Some(name) = name_of(&store, RecordKind::Contact, id)
        {
            out.push((t.wizard.contact, name, Some(format!("{}/{id}", base(RecordKind::Contact)))));
        }
        if let Some((kind, id)) = context.record
            && let Some(r) = store.visible_one(kind, id)
        {
            let title = text(&r.values(), names::TITLE).unwrap_or_default().to_owned();
            let label = if kind == RecordKind::Lead { t.kind.lead } else { t.kind.opportunity };
            out.push((label, title, Some(format!("{}/{id}", base(kind)))));
        }
        out
    });
    let list = move || {
        items
            .get()
            .into_iter()
            .map(|(label, name, href)| {
                let shown = match href {
                    Some(href) => view! { <A href=href>{name}</A> }.into_any(),
                    None => name.into_any(),
                };
                view! { <li><span class="muted">{label}": "</span>{shown}</li> }
            })
            .collect_view()
    };
    view! {
        <Show when=move || !items.with(Vec::is_empty)>
            <nav class="context-bar" aria-label=move || t().record.context_bar>
                <ul>{list}</ul>
            </nav>
        </Show>
    }
}
