//! The ways from a list to its import page and its possible duplicates (the overview's
//! actions show them).

use crate::components::icons::{self, Icon};
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use veld_domain::RecordKind;

/// The way to import a CSV file into `kind`'s list, for a role that may add or change its records.
#[component]
pub fn ImportLink(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let may = move || {
        veld_domain::import::KINDS.contains(&kind)
            && store.me.with(|m| {
                m.as_ref().is_some_and(|m| {
                    m.permissions.can_at_all(kind, veld_domain::Action::Create)
                        || m.permissions.can_at_all(kind, veld_domain::Action::Edit)
                })
            })
    };
    view! {
        <Show when=may>
            <A href=format!("/import/{}", kind.as_str()) attr:class="button import-button">
                <Icon d=icons::UPLOAD/><span>{move || t().import.button}</span>
            </A>
        </Show>
    }
}

/// The way to a list's possible duplicates (companies, contacts, leads).
#[component]
pub fn DuplicatesLink(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    veld_domain::merge::MERGEABLE.contains(&kind).then(|| {
        view! {
            <A href=format!("/duplicates/{}", kind.as_str()) attr:class="button duplicates-button">
                <span>{move || t().merge.find}</span>
            </A>
        }
    })
}
