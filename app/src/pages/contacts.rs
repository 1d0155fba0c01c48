use crate::components::record_list::{Column, ListPage, text};
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::schema::names;

#[component]
pub fn ContactsPage() -> impl IntoView {
    let name = |r: &_, _: &_| {
        format!("{} {}", text(r, names::FIRST_NAME).unwrap_or_default(), text(r, names::LAST_NAME).unwrap_or_default())
    };
    let columns = vec![
        Column::new(|t| t.col.name, name).link(),
        Column::new(|t| t.nav.companies, |r, l| l.company(r)),
        Column::field(|t| t.col.function, names::FUNCTION).secondary(),
        Column::field(|t| t.col.email, names::EMAIL).secondary(),
        Column::field(|t| t.col.phone, names::PHONE).secondary(),
    ];
    view! { <ListPage kind=RecordKind::Contact title=|t| t.nav.contacts intro=|t| t.list.contacts_intro columns=columns/> }
}
