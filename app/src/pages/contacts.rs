use crate::overview::Overview;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn ContactsPage() -> impl IntoView {
    view! { <Overview kind=RecordKind::Contact/> }
}
