use crate::components::record_list::{Column, ListPage};
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let columns = vec![
        Column::field(|t| t.col.name, "name").link(),
        Column::code(|t| t.col.status, "status"),
        Column::field(|t| t.col.industry, "industry").secondary(),
        Column::field(|t| t.col.city, "city").secondary(),
        Column::field(|t| t.col.phone, "phone").secondary(),
    ];
    view! { <ListPage kind=RecordKind::Company title=|t| t.nav.companies intro=|t| t.companies_intro columns=columns/> }
}
