//! A searchable table of one record kind's records, as the server lists them for this user.

use crate::components::icons::{self, Icon};
use crate::components::page::Page;
use crate::components::ui::use_narrow;
use crate::format::{humanize, money};
use crate::i18n::{Strings, use_i18n};
use crate::state::Connection;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;
use std::sync::Arc;
use veld_domain::api::RecordRow;
use veld_domain::schema::names;
use veld_domain::sync::RecordState;
use veld_domain::{Language, RecordKind};

/// Where a record of this kind opens (kinds without a page yet have none).
pub fn detail_path(kind: RecordKind) -> Option<&'static str> {
    matches!(
        kind,
        RecordKind::Lead
            | RecordKind::Opportunity
            | RecordKind::Company
            | RecordKind::Contact
            | RecordKind::JobOrder
            | RecordKind::Activity
    )
    .then(|| crate::overview::base(kind))
}

/// What a column's cell function can look up besides the row itself.
pub struct Lookup {
    pub company_names: HashMap<String, String>,
    pub language: Language,
}

impl Lookup {
    pub fn company(&self, row: &RecordRow) -> String {
        text(row, names::COMPANY_ID).and_then(|id| self.company_names.get(&id).cloned()).unwrap_or_default()
    }
}

/// A string field of the record's data, if present.
pub fn text(row: &RecordRow, field: &str) -> Option<String> {
    match row.data.get(field)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn int(row: &RecordRow, field: &str) -> Option<i64> {
    row.data.get(field)?.as_i64()
}

/// How a column turns a record into its cell text.
pub type Cell = Arc<dyn Fn(&RecordRow, &Lookup) -> String + Send + Sync>;

/// One column of a record list.
#[derive(Clone)]
pub struct Column {
    pub label: fn(&Strings) -> &'static str,
    pub cell: Cell,
    /// Hidden on narrow screens.
    pub secondary: bool,
    pub numeric: bool,
    /// The cell links to the record's page.
    pub link: bool,
}

impl Column {
    pub fn new(
        label: fn(&Strings) -> &'static str,
        cell: impl Fn(&RecordRow, &Lookup) -> String + Send + Sync + 'static,
    ) -> Column {
        Column { label, cell: Arc::new(cell), secondary: false, numeric: false, link: false }
    }

    /// A text field as stored.
    pub fn field(label: fn(&Strings) -> &'static str, field: &'static str) -> Column {
        Column::new(label, move |r, _| text(r, field).unwrap_or_default())
    }

    /// A code field (stage, source, status) shown readable.
    pub fn code(label: fn(&Strings) -> &'static str, field: &'static str) -> Column {
        Column::new(label, move |r, _| humanize(&text(r, field).unwrap_or_default()))
    }

    /// An amount in euros, right-aligned.
    pub fn money(label: fn(&Strings) -> &'static str, field: &'static str) -> Column {
        Column {
            numeric: true,
            ..Column::new(label, move |r, l| int(r, field).map(|v| money(v, l.language)).unwrap_or_default())
        }
    }

    /// Links to the record's page (the title column).
    pub fn link(self) -> Column {
        Column { link: true, ..self }
    }

    /// Hidden on narrow screens.
    pub fn secondary(self) -> Column {
        Column { secondary: true, ..self }
    }
}

/// A list page: the kind's heading and intro above its searchable list.
#[component]
pub fn ListPage(
    kind: RecordKind,
    title: fn(&Strings) -> &'static str,
    intro: fn(&Strings) -> &'static str,
    columns: Vec<Column>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let may_create = move || {
        store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(kind, veld_domain::Action::Create)))
    };
    let new_label = move || if kind == RecordKind::Lead { t().list.new_lead } else { t().list.new_opportunity };
    view! {
        <Page title=Signal::derive(move || title(t())) intro=Signal::derive(move || intro(t())) list=true>
            {detail_path(kind).filter(|_| matches!(kind, RecordKind::Lead | RecordKind::Opportunity)).map(|base| view! {
                <Show when=may_create>
                    <A href=format!("{base}/new") attr:class="button primary new-button">
                        <Icon d=icons::PLUS/><span>{new_label}</span>
                    </A>
                </Show>
            })}
            <RecordList kind=kind columns=columns label=Signal::derive(move || title(t()))/>
        </Page>
    }
}

/// The list state every local list shares: not loaded, never synced, not allowed, or rows.
pub enum LocalList<T> {
    Loading,
    NeverSynced,
    NotAllowed,
    Rows(T),
}

/// Reads one kind from the on-device store, saying why there is nothing to show when empty.
pub fn local_list(store: Store, kind: RecordKind) -> LocalList<Vec<RecordState>> {
    if !store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(kind, veld_domain::Action::View))) {
        return LocalList::NotAllowed;
    }
    if !store.local_ready.get() {
        return LocalList::Loading;
    }
    let rows = store.visible(kind);
    let never_synced = store.never_synced();
    if rows.is_empty() && never_synced {
        return if store.connection.get() == Connection::Online { LocalList::Loading } else { LocalList::NeverSynced };
    }
    LocalList::Rows(rows)
}

/// The records matching `query` (in any cell), each as its cells' text.
fn cells_of(records: &[RecordState], cols: &[Column], lookup: &Lookup, query: &str) -> Vec<(uuid::Uuid, Vec<String>)> {
    let needle = query.to_lowercase();
    records
        .iter()
        .map(RecordState::to_row)
        .map(|r| (r.id, cols.iter().map(|c| (c.cell)(&r, lookup)).collect::<Vec<_>>()))
        .filter(|(_, cells)| needle.is_empty() || cells.iter().any(|c| c.to_lowercase().contains(&needle)))
        .collect()
}

#[component]
pub fn RecordList(kind: RecordKind, columns: Vec<Column>, #[prop(into)] label: Signal<&'static str>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let query = RwSignal::new(String::new());
    let company_names = Memo::new(move |_| {
        if kind == RecordKind::Company {
            return HashMap::new();
        }
        store
            .visible(RecordKind::Company)
            .iter()
            .filter_map(|c| Some((c.id.to_string(), c.fields.get(names::NAME)?.value.as_str()?.to_owned())))
            .collect::<HashMap<_, _>>()
    });
    let columns = StoredValue::new(columns);
    let narrow = use_narrow();

    let body = move || {
        let language = store.language.get();
        let t = t();
        match local_list(store, kind) {
            LocalList::Loading => view! { <p class="muted">{t.app.loading}</p> }.into_any(),
            LocalList::NeverSynced => view! { <p class="notice">{t.list.offline_list}</p> }.into_any(),
            LocalList::NotAllowed => view! { <p class="notice">{t.list.not_allowed}</p> }.into_any(),
            LocalList::Rows(records) => {
                let lookup = Lookup { company_names: company_names.get(), language };
                let cols = columns.get_value();
                let table = cells_of(&records, &cols, &lookup, &query.get());
                let count = (t.list.count_records)(table.len());
                if table.is_empty() {
                    return view! { <p class="muted">{t.list.empty_list}</p> }.into_any();
                }
                if narrow.get() {
                    // A phone: a card per record, its first linked column as the title and the
                    // next two filled ones beneath.
                    let title_at = cols.iter().position(|c| c.link).unwrap_or(0);
                    let cards = table
                        .into_iter()
                        .map(|(id, cells)| {
                            let title = cells.get(title_at).cloned().unwrap_or_default();
                            let sub = cells
                                .iter()
                                .enumerate()
                                .filter(|(i, c)| *i != title_at && !c.trim().is_empty())
                                .map(|(_, c)| c.clone())
                                .take(2)
                                .collect::<Vec<_>>()
                                .join(" · ");
                            let main = view! {
                                <span class="card-title">{title}</span>
                                <span class="card-sub">{sub}</span>
                            };
                            let main = match detail_path(kind) {
                                Some(base) => {
                                    view! { <A href=format!("{base}/{id}") attr:class="card-main">{main}</A> }
                                        .into_any()
                                }
                                None => view! { <span class="card-main">{main}</span> }.into_any(),
                            };
                            view! { <li class="record-card simple">{main}</li> }
                        })
                        .collect_view();
                    return view! {
                        <p class="muted count" aria-live="polite">{count}</p>
                        <div role="region" aria-label=label.get()>
                            <ul class="card-list">{cards}</ul>
                        </div>
                    }
                    .into_any();
                }
                view! {
                    <p class="muted count" aria-live="polite">{count}</p>
                    <div class="table-wrap" role="region" tabindex="0" aria-label=label.get()>
                        <table class="records">
                            <thead>
                                <tr>
                                    {cols
                                        .iter()
                                        .map(|c| view! { <th scope="col" class:secondary=c.secondary class:num=c.numeric>{(c.label)(t)}</th> })
                                        .collect_view()}
                                </tr>
                            </thead>
                            <tbody>
                                {table
                                    .into_iter()
                                    .map(|(id, cells)| {
                                        view! {
                                            <tr>
                                                {cells
                                                    .into_iter()
                                                    .zip(cols.iter())
                                                    .map(|(cell, c)| {
                                                        let content = match detail_path(kind).filter(|_| c.link) {
                                                            Some(base) => view! { <A href=format!("{base}/{id}")>{cell}</A> }.into_any(),
                                                            None => cell.into_any(),
                                                        };
                                                        view! { <td class:secondary=c.secondary class:num=c.numeric>{content}</td> }
                                                    })
                                                    .collect_view()}
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        }
    };

    // The list as shown (its search applied) as a CSV file (`veld_domain::export`).
    let export = move |_| {
        let LocalList::Rows(records) = untrack(|| local_list(store, kind)) else { return };
        let language = store.language.get_untracked();
        let t = crate::i18n::strings(language);
        let cols = columns.get_value();
        let lookup = Lookup { company_names: company_names.get_untracked(), language };
        let table = cells_of(&records, &cols, &lookup, &query.get_untracked());
        let header: Vec<&str> = cols.iter().map(|c| (c.label)(t)).collect();
        let file = veld_domain::export::csv(
            &header,
            table.into_iter().map(|(_, cells)| cells),
            veld_domain::export::separator(language),
        );
        let name = format!("{}-{}.csv", label.get_untracked().to_lowercase(), crate::components::ui::today());
        crate::components::ui::save_text(&file, "text/csv;charset=utf-8", &name);
    };
    view! {
        <div class="list-tools">
            <label class="field search">
                <span class="visually-hidden">{move || format!("{} – {}", t().list.search, label.get())}</span>
                <input
                    type="search"
                    placeholder=move || t().list.search
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))
                />
            </label>
            <button type="button" class="button export-button" on:click=export>
                <Icon d=icons::DOWNLOAD/><span>{move || t().list.export_csv}</span>
            </button>
            <ImportLink kind=kind/>
            <DuplicatesLink kind=kind/>
        </div>
        {body}
    }
}

/// The way to import a CSV file into `kind`'s list, for a role that may add or change its records.
#[component]
pub fn ImportLink(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let may = move || {
        veld_domain::import::KINDS.contains(&kind)
            && store.me.with(|m| {
                m.as_ref().is_some_and(|m| {
                    m.permissions.can_at_all(kind, veld_domain::Action::Create)
                        || m.permissions.can_at_all(kind, veld_domain::Action::Edit)
                })
            })
    };
    view! {
        <Show when=may>
            <A href=format!("/import/{}", kind.as_str()) attr:class="button import-button">
                <Icon d=icons::UPLOAD/><span>{move || t().import.button}</span>
            </A>
        </Show>
    }
}

/// The way to a list's possible duplicates (companies, contacts, leads).
#[component]
pub fn DuplicatesLink(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    veld_domain::merge::MERGEABLE.contains(&kind).then(|| {
        view! {
            <A href=format!("/duplicates/{}", kind.as_str()) attr:class="button duplicates-button">
                <span>{move || t().merge.find}</span>
            </A>
        }
    })
}
