//! The context bar (LO-7): the most recently opened company, contact and lead or opportunity,
//! kept at hand on every page; the creation wizard offers them first.

use crate::components::overview::base;
use crate::components::picker::name_of;
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::RecordKind;
use veld_domain::records::text;

#[component]
pub fn ContextBar() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let items = move || {
        let t = t();
        let context = store.context.get();
        let mut out = Vec::new();
        if let Some(name) = context.company.and_then(|id| name_of(&store, RecordKind::Company, id)) {
            out.push(view! { <li><span class="muted">{t.col_company}": "</span>{name}</li> }.into_any());
        }
        if let Some(name) = context.contact.and_then(|id| name_of(&store, RecordKind::Contact, id)) {
            out.push(view! { <li><span class="muted">{t.wizard_contact}": "</span>{name}</li> }.into_any());
        }
        if let Some((kind, id)) = context.record
            && let Some(r) = store.visible_one(kind, id)
        {
            let title = text(&r.values(), "title").unwrap_or_default().to_owned();
            let label = if kind == RecordKind::Lead { t.kind_lead } else { t.kind_opportunity };
            out.push(view! { <li><span class="muted">{label}": "</span><A href=format!("{}/{id}", base(kind))>{title}</A></li> }.into_any());
        }
        out
    };
    view! {
        <Show when=move || !items().is_empty()>
            <nav class="context-bar" aria-label=move || t().context_bar>
                <ul>{items}</ul>
            </nav>
        </Show>
    }
}
