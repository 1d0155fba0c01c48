use crate::components::page::Page;
use crate::components::record_list::{Column, RecordList, text};
use crate::format::humanize;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn CompaniesPage() -> impl IntoView {
    let t = use_i18n();
    let columns = vec![
        Column {
            label: |t| t.col_name,
            cell: |r, _| text(r, "name").unwrap_or_default(),
            secondary: false,
            numeric: false,
        },
        Column {
            label: |t| t.col_status,
            cell: |r, _| humanize(&text(r, "status").unwrap_or_default()),
            secondary: false,
            numeric: false,
        },
        Column {
            label: |t| t.col_industry,
            cell: |r, _| text(r, "industry").unwrap_or_default(),
            secondary: true,
            numeric: false,
        },
        Column {
            label: |t| t.col_city,
            cell: |r, _| text(r, "city").unwrap_or_default(),
            secondary: true,
            numeric: false,
        },
        Column {
            label: |t| t.col_phone,
            cell: |r, _| text(r, "phone").unwrap_or_default(),
            secondary: true,
            numeric: false,
        },
    ];
    view! {
        <Page title=Signal::derive(move || t().nav_companies) intro=Signal::derive(move || t().companies_intro)>
            <RecordList kind=RecordKind::Company columns=columns label=Signal::derive(move || t().nav_companies)/>
        </Page>
    }
}
