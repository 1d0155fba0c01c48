use crate::components::record_list::{Column, ListPage};
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let columns = vec![
        Column::field(|t| t.col_name, "name").link(),
        Column::code(|t| t.col_status, "status"),
        Column::field(|t| t.col_industry, "industry").secondary(),
        Column::field(|t| t.col_city, "city").secondary(),
        Column::field(|t| t.col_phone, "phone").secondary(),
    ];
    view! { <ListPage kind=RecordKind::Company title=|t| t.nav_companies intro=|t| t.companies_intro columns=columns/> }
}
