use crate::components::page::Page;
use crate::components::record_list::{Column, RecordList, int, text};
use crate::format::{humanize, money};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn LeadsPage() -> impl IntoView {
    let t = use_i18n();
    let columns = vec![
        Column {
            label: |t| t.col_number,
            cell: |r, _| text(r, "number").unwrap_or_default(),
            secondary: true,
            numeric: false,
        },
        Column {
            label: |t| t.col_title,
            cell: |r, _| text(r, "title").unwrap_or_default(),
            secondary: false,
            numeric: false,
        },
        Column {
            label: |t| t.col_stage,
            cell: |r, _| humanize(&text(r, "stage").unwrap_or_default()),
            secondary: false,
            numeric: false,
        },
        Column {
            label: |t| t.col_source,
            cell: |r, _| humanize(&text(r, "source").unwrap_or_default()),
            secondary: true,
            numeric: false,
        },
        Column {
            label: |t| t.col_value,
            cell: |r, l| int(r, "expected_value").map(|v| money(v, l.language)).unwrap_or_default(),
            secondary: true,
            numeric: true,
        },
    ];
    view! {
        <Page title=Signal::derive(move || t().nav_leads) intro=Signal::derive(move || t().leads_intro)>
            <RecordList kind=RecordKind::Lead columns=columns label=Signal::derive(move || t().nav_leads)/>
        </Page>
    }
}
