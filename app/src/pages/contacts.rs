use crate::components::page::Page;
use crate::components::record_list::{Column, RecordList, text};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use veld_domain::RecordKind;

#[component]
pub fn ContactsPage() -> impl IntoView {
    let t = use_i18n();
    let columns = vec![
        Column {
            label: |t| t.col_name,
            cell: |r, _| {
                format!("{} {}", text(r, "first_name").unwrap_or_default(), text(r, "last_name").unwrap_or_default())
            },
            secondary: false,
            numeric: false,
        },
        Column { label: |t| t.nav_companies, cell: |r, l| l.company(r), secondary: false, numeric: false },
        Column {
            label: |t| t.col_function,
            cell: |r, _| text(r, "function").unwrap_or_default(),
            secondary: true,
            numeric: false,
        },
        Column {
            label: |t| t.col_email,
            cell: |r, _| text(r, "email").unwrap_or_default(),
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
        <Page title=Signal::derive(move || t().nav_contacts) intro=Signal::derive(move || t().contacts_intro)>
            <RecordList kind=RecordKind::Contact columns=columns label=Signal::derive(move || t().nav_contacts)/>
        </Page>
    }
}
