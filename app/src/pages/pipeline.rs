//! The sales pipeline (PL-1…PL-3): a board of leads or of opportunities, with the overview's
//! filters (mine / my office / all, search, owner, source), grouping by stage group, and compact
//! or detailed cards; the layout choices are kept on the device.

use crate::board::{Board, Filters};
use crate::components::icons::{self, Icon};
use crate::components::page::Page;
use crate::i18n::use_i18n;
use crate::overview::model::Tab;
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};
use veld_domain::RecordKind;
use veld_domain::config::Table;

const LAYOUT_KEY: &str = "veld.board.v1";

/// What the page shows: the board, or why not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shown {
    Loading,
    /// Offline before the first sync: nothing on the device yet.
    Offline,
    NotAllowed,
    Board,
}

/// The board's layout, kept on the device.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
struct Layout {
    detailed: bool,
    grouped: bool,
}

#[component]
pub fn PipelinePage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let query = use_query_map();
    let opportunities = move || store.me.with(|m| m.as_ref().is_none_or(|m| m.modules.opportunities));
    let leads = move || store.me.with(|m| m.as_ref().is_none_or(|m| m.modules.leads));
    let kind = Memo::new(move |_| match query.with(|q| q.get("list")).as_deref() {
        Some("lead") => RecordKind::Lead,
        Some("opportunity") => RecordKind::Opportunity,
        _ if opportunities() => RecordKind::Opportunity,
        _ => RecordKind::Lead,
    });
    let layout = RwSignal::new(crate::state::prefs::load::<Layout>(LAYOUT_KEY).unwrap_or_default());
    Effect::new(move |_| crate::state::prefs::save(LAYOUT_KEY, &layout.get()));
    let filters = RwSignal::new(Filters::default());
    let tab = move |k: RecordKind, label: &'static str| {
        let href = format!("/pipeline?list={}", k.as_str());
        view! {
            <li><a href=href aria-current=move || (kind.get() == k).then_some("page")>{label}</a></li>
        }
    };
    // Whether there is a board to show — a memo of the list's state, not of its records, so the
    // board is built once and then follows changes itself (a move must not rebuild it).
    let state = Memo::new(move |_| {
        let k = kind.get();
        if !store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(k, veld_domain::Action::View))) {
            return Shown::NotAllowed;
        }
        if !store.local_ready.get() {
            return Shown::Loading;
        }
        let any = store.by_kind.with(|b| b.0.get(&k).is_some_and(|v| !v.is_empty()))
            || store.outbox.with(|o| o.iter().any(|m| m.kind == k));
        let never_synced = store.never_synced();
        match (any, never_synced, store.connection.get()) {
            (false, true, crate::state::Connection::Online) => Shown::Loading,
            (false, true, _) => Shown::Offline,
            _ => Shown::Board,
        }
    });
    let body = move || {
        let t = t();
        let k = kind.get();
        match state.get() {
            Shown::Loading => view! { <p class="muted">{t.app.loading}</p> }.into_any(),
            Shown::Offline => view! { <p class="notice">{t.list.offline_list}</p> }.into_any(),
            Shown::NotAllowed => view! { <p class="notice">{t.list.not_allowed}</p> }.into_any(),
            Shown::Board => view! {
                <Board
                    kind=k
                    filters=filters
                    detailed=Signal::derive(move || layout.with(|l| l.detailed))
                    grouped=Signal::derive(move || layout.with(|l| l.grouped))
                />
            }
            .into_any(),
        }
    };
    view! {
        <Page title=Signal::derive(move || t().nav.pipeline) intro=Signal::derive(move || t().list.pipeline_intro) list=true>
            <nav class="tabs" aria-label=move || t().board.lists>
                <ul>
                    {move || leads().then(|| tab(RecordKind::Lead, t().nav.leads))}
                    {move || opportunities().then(|| tab(RecordKind::Opportunity, t().nav.opportunities))}
                </ul>
            </nav>
            <BoardTools kind=kind filters=filters layout=layout/>
            {body}
        </Page>
    }
}

/// The board's filters (PL-3) and layout choices.
#[component]
fn BoardTools(kind: Memo<RecordKind>, filters: RwSignal<Filters>, layout: RwSignal<Layout>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let set = move |f: fn(&mut Filters, String)| move |ev| filters.update(|x| f(x, event_target_value(&ev)));
    let source_options = move || {
        let lang = store.language.get().code();
        let sources = store.config.with(|c| c.table_choices(kind.get(), Table::Source, lang));
        sources.into_iter().map(|(code, label)| view! { <option value=code>{label}</option> }).collect_view()
    };
    let owner_options = move || {
        store
            .colleagues
            .get()
            .into_iter()
            .map(|c| view! { <option value=c.id.to_string()>{c.name}</option> })
            .collect_view()
    };
    if store.colleagues.with_untracked(Vec::is_empty) {
        store.refresh_colleagues();
    }
    let narrow = crate::components::ui::use_narrow();
    view! {
        <div class="board-tools" role="group" aria-label=move || t().board.filters>
            <div class="field inline search">
                <label for="board-search">{move || t().list.search}</label>
                <input id="board-search" type="search" placeholder=move || t().list.search prop:value=move || filters.with(|f| f.search.clone()) on:input=set(|f, v| f.search = v)/>
            </div>
            // On a phone the other filters wait behind one button (a sheet), so the cards come
            // first; wider, they are always open.
            <details class="board-filters" prop:open=move || !narrow.get()>
            <summary><Icon d=icons::FILTER/><span class="tool-label">{move || t().board.filters}</span></summary>
            <div class="board-filter-fields">
            <div class="field inline">
                <label for="board-scope">{move || t().board.scope}</label>
                <select id="board-scope" on:change=set(|f, v| f.scope = Tab::parse(&v))>
                    <option value=Tab::All.key()>{move || t().board.all}</option>
                    <option value=Tab::Office.key()>{move || t().board.office}</option>
                    <option value=Tab::Mine.key()>{move || t().board.mine}</option>
                </select>
            </div>
            <div class="field inline">
                <label for="board-owner">{move || t().col.owner}</label>
                <select id="board-owner" on:change=set(|f, v| f.owner = v)>
                    <option value="">{move || t().board.anyone}</option>
                    {owner_options}
                </select>
            </div>
            <div class="field inline">
                <label for="board-source">{move || t().col.source}</label>
                <select id="board-source" on:change=set(|f, v| f.source = v)>
                    <option value="">{move || t().board.any}</option>
                    {source_options}
                </select>
            </div>
            <label class="check-field">
                <input type="checkbox" prop:checked=move || layout.with(|l| l.grouped) on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    layout.update(|l| l.grouped = on);
                }/>
                {move || t().board.grouped}
            </label>
            <label class="check-field">
                <input type="checkbox" prop:checked=move || layout.with(|l| l.detailed) on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    layout.update(|l| l.detailed = on);
                }/>
                {move || t().board.detailed}
            </label>
            </div>
            </details>
        </div>
    }
}
