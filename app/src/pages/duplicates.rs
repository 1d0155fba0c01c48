//! The possible duplicates of a list (issue 14): every pair of companies, contacts or leads on
//! this device that may be one, to compare and merge (`components::duplicates`).

use crate::components::duplicates::PossibleDuplicates;
use crate::components::page::Page;
use crate::i18n::{Strings, use_i18n};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use veld_domain::RecordKind;

fn list_of(kind: RecordKind) -> (&'static str, fn(&Strings) -> &'static str) {
    match kind {
        RecordKind::Company => ("/companies", |t| t.nav.companies),
        RecordKind::Contact => ("/contacts", |t| t.nav.contacts),
        _ => ("/leads", |t| t.nav.leads),
    }
}

#[component]
pub fn DuplicatesPage() -> impl IntoView {
    let t = use_i18n();
    let params = use_params_map();
    let kind = params.with_untracked(|p| p.get("kind")).and_then(|k| RecordKind::parse(&k));
    let kind = kind.filter(|k| veld_domain::merge::MERGEABLE.contains(k));
    view! {
        <Page title=Signal::derive(move || t().merge.title) intro=Signal::derive(move || t().merge.list_intro)>
            {match kind {
                Some(kind) => {
                    let (path, name) = list_of(kind);
                    view! {
                        <p class="import-into"><A href=path>{move || name(t())}</A></p>
                        <section class="card duplicates-list"><PossibleDuplicates kind=kind/></section>
                    }.into_any()
                }
                None => view! { <p>{move || t().app.not_found_why}</p> }.into_any(),
            }}
        </Page>
    }
}
