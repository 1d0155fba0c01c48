use crate::overview::Overview;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn OpportunitiesPage() -> impl IntoView {
    view! { <Overview kind=RecordKind::Opportunity/> }
}
