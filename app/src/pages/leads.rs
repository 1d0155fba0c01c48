use crate::components::record_list::{Column, ListPage};
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let columns = vec![
        Column::field(|t| t.col_number, "number").secondary(),
        Column::field(|t| t.col_title, "title").link(),
        Column::code(|t| t.col_stage, "stage"),
        Column::code(|t| t.col_source, "source").secondary(),
        Column::money(|t| t.col_value, "expected_value").secondary(),
    ];
    view! { <ListPage kind=RecordKind::Lead title=|t| t.nav_leads intro=|t| t.leads_intro columns=columns/> }
}
