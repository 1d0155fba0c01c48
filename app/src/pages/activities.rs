//! The user's activities across leads and opportunities (DM-7): open ones first, each with its
//! record and a done box.

use crate::components::linked::ActivityList;
use crate::components::page::Page;
use crate::i18n::use_i18n;
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::schema::names;

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let activities = Memo::new(move |_| {
        let me = store.me.with(|m| m.as_ref().map(|m| m.user.id));
        let mut list = Vec::new();
        store.visible_each(&[RecordKind::Activity], |r| {
            if Some(r.owner_id) == me {
                list.push(r.clone());
            }
        });
        // Open ones first, then by due date, then newest.
        list.sort_by_key(|r| {
            let v = r.values();
            let done = v.get(names::DONE).and_then(|d| d.as_bool()).unwrap_or(false);
            let due = v.get(names::DUE_DATE).and_then(|d| d.as_str()).unwrap_or("9999").to_owned();
            (done, due, std::cmp::Reverse(r.id))
        });
        list
    });
    view! {
        <Page title=Signal::derive(move || t().nav.activities) intro=Signal::derive(move || t().list.activities_intro) list=true>
            <Show when=move || activities.with(Vec::is_empty)>
                <p class="empty">{move || t().list.activities_empty}</p>
            </Show>
            <ActivityList activities=activities show_parent=true/>
        </Page>
    }
}
