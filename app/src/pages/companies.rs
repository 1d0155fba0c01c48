use crate::overview::Overview;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn CompaniesPage() -> impl IntoView {
    view! { <Overview kind=RecordKind::Company/> }
}
