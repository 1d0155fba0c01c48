//! The overview of leads, opportunities, companies and contacts (LO-1, LO-2, CR-1): a tab per
//! stage group (a company's status) plus "mine", "my office" and "all"; search as you type over title, number, company, contacts, e-mails and
//! phones; sortable columns; advanced search, a column chooser and saved views (`tools`); the
//! bulk bar for the checked rows (`bulk`); a preview panel (`preview`); and a virtualised table
//! (`table`) that stays fluid with tens of thousands of records on the device.
//!
//! What it shows is decided by the pure `model` (natively tested); the views only render it.

mod bulk;
pub mod model;
mod preview;
pub mod start;
mod table;
mod tools;

use crate::components::icons::{self, Icon};
use crate::components::list_links::{DuplicatesLink, ImportLink};
use crate::components::page::Page;
use crate::i18n::{Strings, use_i18n};
use crate::state::{Shared, Store};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use model::{Col, Condition, Filter, RowBuilder, Tab};
use std::collections::BTreeSet;
use std::sync::Arc;
use veld_domain::{Action, RecordKind};

pub use model::{Row, columns};

/// The base path of a kind's pages.
pub fn base(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Lead => "/leads",
        RecordKind::Company => "/companies",
        RecordKind::Contact => "/contacts",
        RecordKind::JobOrder => "/job-orders",
        RecordKind::Activity => "/activities",
        _ => "/opportunities",
    }
}

/// The filtered selection of the overview last shown, for previous/next on the detail page.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selection(pub Vec<uuid::Uuid>);

/// A row builder that knows the device's companies and contacts.
pub fn row_builder(store: &Store, kind: RecordKind, language: &'static str) -> RowBuilder {
    let mut builder = RowBuilder::new(store.config.get(), kind, language);
    store.visible_each(&[RecordKind::Company, RecordKind::Contact], |r| builder.learn(r));
    builder
}

/// The rows of one kind from the device's records, newest first.
pub fn build_rows(store: &Store, kind: RecordKind, language: &'static str) -> Vec<Row> {
    let builder = row_builder(store, kind, language);
    let mut records = Vec::new();
    store.visible_each(&[kind], |r| records.push(builder.row(r)));
    records.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
    records
}

/// A string of the interface.
type Text = fn(&Strings) -> &'static str;

/// The overview's state: what the user chose, shared by the tools, the table and the bulk bar.
#[derive(Clone, Copy)]
pub struct OverviewState {
    pub kind: RecordKind,
    pub tab: Memo<Tab>,
    pub query: RwSignal<String>,
    pub sort: RwSignal<model::Sort>,
    pub conditions: RwSignal<Vec<Condition>>,
    pub hidden: RwSignal<BTreeSet<Col>>,
    pub columns: StoredValue<Vec<Col>>,
    pub checked: RwSignal<BTreeSet<uuid::Uuid>>,
    pub preview: RwSignal<Option<uuid::Uuid>>,
    /// A phone's selection mode, entered by a long press on a card: a tap then checks or
    /// unchecks a card instead of opening it, until none is checked.
    pub selecting: RwSignal<bool>,
    /// The first screen kept from the last time, shown until the device's data is read.
    pub start: StoredValue<Option<start::StartRows>>,
}

/// The overview page of leads, opportunities, companies or contacts.
#[component]
pub fn Overview(kind: RecordKind) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let selection = expect_context::<RwSignal<Selection>>();
    let query_map = use_query_map();
    let state = OverviewState {
        kind,
        tab: Memo::new(move |_| Tab::parse(&query_map.with(|q| q.get("tab").unwrap_or_default()))),
        query: RwSignal::new(String::new()),
        sort: RwSignal::new(None),
        conditions: RwSignal::new(Vec::new()),
        hidden: RwSignal::new(tools::load_hidden(kind)),
        columns: StoredValue::new(columns(kind)),
        checked: RwSignal::new(BTreeSet::new()),
        preview: RwSignal::new(None),
        selecting: RwSignal::new(false),
        start: StoredValue::new(store.me.with_untracked(|m| {
            m.as_ref().and_then(|m| start::load(kind, m.user.id, store.language.get_untracked().code()))
        })),
    };
    let me = Memo::new(move |_| store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.office.id))));
    Effect::new(move |_| {
        if state.checked.with(BTreeSet::is_empty) && state.selecting.get_untracked() {
            state.selecting.set(false);
        }
    });
    let rows = Memo::new(move |_| {
        if !store.local_ready.get() {
            // Until the device's data is read: the first screen kept from the last time.
            return Shared(Arc::new(
                state.start.with_value(|s| s.as_ref().map(|s| s.rows.clone())).unwrap_or_default(),
            ));
        }
        crate::perf::mark("veld:overview:rows-start");
        let rows = Shared(Arc::new(build_rows(&store, kind, store.language.get().code())));
        crate::perf::mark("veld:overview:rows-end");
        rows
    });
    // Keep this list's first screen for the next start (rows are newest first, the default).
    Effect::new(move |_| {
        if !store.local_ready.get() {
            return;
        }
        let Some((user, _)) = me.get() else { return };
        let lang = store.language.get().code();
        let kept = store.config.with(|config| {
            let tabs = model::tabs(kind, config, lang, crate::i18n::strings(store.language.get()));
            let colours = config.stage_colours(kind);
            rows.with(|r| start::StartRows::of(user, lang, &tabs, &colours, &r.0))
        });
        if state.start.with_value(|s| s.as_ref() != Some(&kept)) {
            start::save(kind, &kept);
            state.start.set_value(Some(kept));
        }
    });
    // The order of all rows under the chosen sort (recomputed when the data or the sort changes).
    let order = Memo::new(move |_| rows.with(|r| Shared(Arc::new(model::order(&r.0, state.sort.get())))));
    // A keystroke: filter the sorted order by tab, search text and conditions.
    let shown = Memo::new(move |_| {
        let Some((me, office)) = me.get() else { return Shared(Arc::new(Vec::new())) };
        let (tab, query, conditions) = (state.tab.get(), state.query.get(), state.conditions.get());
        let f = Filter { tab: &tab, query: &query, conditions: &conditions, me, office };
        Shared(Arc::new(rows.with(|r| order.with(|o| model::filter(&r.0, &o.0, &f)))))
    });
    // Previous/next on the detail page walk this selection.
    Effect::new(move |_| {
        let ids = rows.with(|r| shown.with(|s| s.0.iter().map(|&i| r.0[i as usize].id).collect()));
        selection.set(Selection(ids));
    });
    // (Companies and contacts are made where they belong: with a lead, on a company's page.)
    let may_create = move || {
        matches!(kind, RecordKind::Lead | RecordKind::Opportunity)
            && store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(kind, Action::Create)))
    };
    let (title, intro, new_label): (Text, Text, Text) = match kind {
        RecordKind::Lead => (|t| t.nav.leads, |t| t.list.leads_intro, |t| t.list.new_lead),
        RecordKind::Company => (|t| t.nav.companies, |t| t.list.companies_intro, |t| t.list.new_lead),
        RecordKind::Contact => (|t| t.nav.contacts, |t| t.list.contacts_intro, |t| t.list.new_lead),
        _ => (|t| t.nav.opportunities, |t| t.list.opportunities_intro, |t| t.list.new_opportunity),
    };
    let tab_links = move || {
        let current = state.tab.get();
        let lang = store.language.get().code();
        let never_synced = store.never_synced();
        let tabs = match state.start.with_value(|s| s.as_ref().map(start::StartRows::tabs)) {
            Some(kept) if !store.local_ready.get() => kept,
            // Before the first download the stage groups are not known: no tabs yet (rather
            // than some that move aside when the rest arrive).
            _ if never_synced => Vec::new(),
            _ => store.config.with(|config| model::tabs(kind, config, lang, t())),
        };
        tabs.into_iter()
            .map(|(tab, label)| {
                let href = format!("{}?tab={}", base(kind), tab.key());
                let current = (tab == current).then_some("page");
                // A plain link (the router still handles it): `<A>` would mark every tab
                // current, as they share the path and differ by query.
                view! { <li><a href=href aria-current=current>{label}</a></li> }
            })
            .collect_view()
    };
    // The list as shown (tab, search, conditions, order) — or the checked rows — as a CSV file.
    let names = crate::components::ui::user_names(store);
    let export = move |_| {
        let language = store.language.get_untracked();
        let t = crate::i18n::strings(language);
        let cols = model::shown_columns(&state.columns.get_value(), &state.hidden.get_untracked());
        let checked = state.checked.get_untracked();
        let owners = names.get_untracked();
        let file = rows.with_untracked(|r| {
            shown.with_untracked(|s| {
                let picked =
                    s.0.iter().map(|&i| &r.0[i as usize]).filter(|row| checked.is_empty() || checked.contains(&row.id));
                model::export_csv(&cols, picked, t, language, |u| owners.get(&u).cloned().unwrap_or_default())
            })
        });
        let name = format!("{}-{}.csv", title(t).to_lowercase(), crate::components::ui::today());
        crate::components::ui::save_text(&file, "text/csv;charset=utf-8", &name);
    };
    let narrow = crate::components::ui::use_narrow();
    // The current tab in view in the strip (on a phone the strip scrolls sideways).
    let strip = NodeRef::<leptos::html::Nav>::new();
    Effect::new(move |_| {
        state.tab.track();
        let Some(nav) = strip.get() else { return };
        request_animation_frame(move || {
            if let Ok(Some(current)) = nav.query_selector("a[aria-current=page]")
                && let Ok(current) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(current)
            {
                let (left, width) = (f64::from(current.offset_left()), f64::from(current.offset_width()));
                let (scroll, seen) = (f64::from(nav.scroll_left()), f64::from(nav.client_width()));
                if left < scroll || left + width > scroll + seen {
                    nav.set_scroll_left((left - 16.0).max(0.0) as i32);
                }
            }
        });
    });
    view! {
        <Page title=Signal::derive(move || title(t())) intro=Signal::derive(move || intro(t())) list=true>
            <div class="overview-actions">
                <Show when=may_create>
                    <A href=format!("{}/new", base(kind)) attr:class="button primary new-button">
                        <Icon d=icons::PLUS/><span>{move || new_label(t())}</span>
                    </A>
                </Show>
                <button type="button" class="button print-button" on:click=move |_| { let _ = window().print(); }>{move || t().common.print}</button>
                <button type="button" class="button export-button" on:click=export>
                    <Icon d=icons::DOWNLOAD/>
                    <span>{move || match state.checked.with(BTreeSet::len) {
                        0 => t().list.export_csv.to_owned(),
                        n => (t().list.export_checked)(n),
                    }}</span>
                </button>
                <ImportLink kind=kind/>
                <DuplicatesLink kind=kind/>
            </div>
            <nav class="tabs" aria-label=move || t().list.overview_tabs node_ref=strip>
                <ul>{tab_links}</ul>
            </nav>
            <div class="list-toolbar">
            <Show when=move || narrow.get()>
                <table::SelectAll state=state rows=rows shown=shown/>
            </Show>
            <div class="list-tools">
                <label class="field search">
                    <span class="visually-hidden">{move || format!("{} – {}", t().list.search, title(t()))}</span>
                    <input
                        type="search"
                        placeholder=move || t().list.search_records
                        prop:value=move || state.query.get()
                        on:input=move |ev| {
                            crate::perf::mark("veld:search:input");
                            state.query.set(event_target_value(&ev));
                        }
                    />
                </label>
            </div>
            <tools::OverviewTools state=state/>
            </div>
            <bulk::BulkBar kind=kind checked=state.checked/>
            {move || state.preview.get().map(|id| view! {
                <preview::Preview kind=kind id=id close=Callback::new(move |()| state.preview.set(None))/>
            })}
            <table::RecordTable state=state rows=rows shown=shown label=Signal::derive(move || title(t()))/>
        </Page>
    }
}
