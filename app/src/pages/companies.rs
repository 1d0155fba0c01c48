use crate::components::record_list::{Column, ListPage};
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::schema::names;

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let columns = vec![
        Column::field(|t| t.col.name, names::NAME).link(),
        Column::code(|t| t.col.status, names::STATUS),
        Column::field(|t| t.col.industry, names::INDUSTRY).secondary(),
        Column::field(|t| t.col.city, names::CITY).secondary(),
        Column::field(|t| t.col.phone, names::PHONE).secondary(),
    ];
    view! { <ListPage kind=RecordKind::Company title=|t| t.nav.companies intro=|t| t.list.companies_intro columns=columns/> }
}
