use crate::components::record_list::{Column, ListPage, int};
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn OpportunitiesPage() -> impl IntoView {
    let probability = |r: &_, _: &_| int(r, "probability").map(|p| format!("{p}%")).unwrap_or_default();
    let columns = vec![
        Column::field(|t| t.col_number, "number").secondary(),
        Column::field(|t| t.col_title, "title").link(),
        Column::code(|t| t.col_stage, "stage"),
        Column::money(|t| t.col_value, "expected_revenue").secondary(),
        Column { numeric: true, ..Column::new(|t| t.col_probability, probability) }.secondary(),
        Column::field(|t| t.col_close_date, "expected_close_date").secondary(),
    ];
    view! {
        <ListPage kind=RecordKind::Opportunity title=|t| t.nav_opportunities intro=|t| t.opportunities_intro columns=columns/>
    }
}
