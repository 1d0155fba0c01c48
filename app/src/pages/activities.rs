use crate::components::page::Page;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn ActivitiesPage() -> impl IntoView {
    let t = use_i18n();
    view! {
        <Page title=Signal::derive(move || t().nav_activities) intro=Signal::derive(move || t().activities_intro)>
            <p class="empty">{move || t().activities_empty}</p>
        </Page>
    }
}
