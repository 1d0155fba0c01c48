//! The overview's virtualised table — on a phone a list of cards — : only the rows in view (and
//! a few around them) are in the page, between two spacers that keep the scrollbar true
//! (`model::Window`).

use super::model::{CARD_PX, Col, Row, Window};
use super::{OverviewState, base};
use crate::components::icons::{self, Icon};
use crate::components::ui::{Avatar, StagePill, use_narrow};
use crate::i18n::use_i18n;
use crate::state::{Connection, Shared, Store};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::HashMap;

/// What to show instead of rows, if anything: not allowed, loading, offline before the first
/// sync, or an empty result.
fn message(store: Store, kind: veld_domain::RecordKind, no_rows: bool, none_shown: bool) -> Option<AnyView> {
    let t = crate::i18n::strings(store.language.get());
    let allowed =
        store.me.with(|m| m.as_ref().is_some_and(|m| m.permissions.can_at_all(kind, veld_domain::Action::View)));
    if !allowed {
        return Some(view! { <p class="notice">{t.list.not_allowed}</p> }.into_any());
    }
    if !store.local_ready.get() {
        return Some(view! { <p class="muted">{t.app.loading}</p> }.into_any());
    }
    let never_synced = store.sync_meta.with(|m| m.as_ref().is_none_or(|m| m.last_sync_ms.is_none()));
    if no_rows && never_synced {
        return Some(if store.connection.get() == Connection::Online {
            view! { <p class="muted">{t.app.loading}</p> }.into_any()
        } else {
            view! { <p class="notice">{t.list.offline_list}</p> }.into_any()
        });
    }
    none_shown.then(|| view! { <p class="muted count" aria-live="polite">{t.list.empty_list}</p> }.into_any())
}

/// The table of the rows `shown` (indices into `rows`), with sortable headers, a checkbox per
/// row for the bulk bar, and a preview button.
#[component]
pub fn RecordTable(
    state: OverviewState,
    rows: Memo<Shared<Vec<Row>>>,
    shown: Memo<Shared<Vec<u32>>>,
    label: Signal<&'static str>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(720.0_f64);
    let wrap = NodeRef::<leptos::html::Div>::new();
    let cols = Memo::new(move |_| state.hidden.with(|h| super::model::shown_columns(&state.columns.get_value(), h)));
    // A new search or tab starts at the top.
    Effect::new(move |_| {
        state.query.track();
        state.tab.track();
        scroll_top.set(0.0);
    });
    Effect::new(move |_| {
        if let Some(el) = wrap.get() {
            viewport.set(el.client_height().max(200) as f64);
        }
    });
    let total = move || shown.with(|s| s.0.len());
    let message = move || message(store, state.kind, rows.with(|r| r.0.is_empty()), total() == 0);
    let has_rows = move || message().is_none();
    let (all_checked, toggle_all) = select_all(state, rows, shown);
    let narrow = use_narrow();
    // Stage colours and owners' names, for pills and avatars.
    let colours = Memo::new(move |_| {
        store.config.with(|c| {
            c.stages(state.kind).active().map(|s| (s.code.clone(), s.colour.clone())).collect::<HashMap<_, _>>()
        })
    });
    let names = crate::components::ui::user_names(store);
    let body = move || {
        let (t, lang) = (t(), store.language.get());
        let cols = cols.get();
        let window = Window::of(total(), scroll_top.get(), viewport.get());
        let lines = colours.with(|colours| {
            windowed(rows, shown, window, |n, row| {
                let colour = colours.get(&row.stage_code).cloned().unwrap_or_default();
                table_row(state, row, &cols, window.first + n + 2, &colour, t, lang)
            })
        });
        crate::perf::mark("veld:overview:rendered");
        view! {
            <tr class="spacer" aria-hidden="true" style=format!("height:{}px", window.above_px)></tr>
            {lines}
            <tr class="spacer" aria-hidden="true" style=format!("height:{}px", window.below_px)></tr>
        }
    };
    let cards = move || {
        let (t, lang) = (t(), store.language.get());
        let window = Window::of_rows(total(), scroll_top.get(), viewport.get(), CARD_PX);
        let items = colours.with(|colours| {
            names.with(|names| windowed(rows, shown, window, |_, row| card(state, row, colours, names, t, lang)))
        });
        crate::perf::mark("veld:overview:rendered");
        view! {
            <li class="spacer" aria-hidden="true" style=format!("height:{}px", window.above_px)></li>
            {items}
            <li class="spacer" aria-hidden="true" style=format!("height:{}px", window.below_px)></li>
        }
    };
    let on_scroll = move |ev: leptos::ev::Event| {
        let el = event_target::<web_sys::Element>(&ev);
        scroll_top.set(el.scroll_top() as f64);
        viewport.set(el.client_height().max(200) as f64);
    };
    view! {
        {message}
        <Show when=move || has_rows() && narrow.get()>
            <p class="muted count" aria-live="polite">{move || (t().list.count_records)(total())}</p>
            <div class="card-scroll" role="region" tabindex="0" aria-label=move || label.get() on:scroll=on_scroll>
                <ul class="card-list">{cards}</ul>
            </div>
        </Show>
        <Show when=move || has_rows() && !narrow.get()>
            <p class="muted count" aria-live="polite">{move || (t().list.count_records)(total())}</p>
            <div
                class="table-wrap virtual"
                role="region"
                tabindex="0"
                aria-label=move || label.get()
                node_ref=wrap
                on:scroll=move |ev| {
                    let el = event_target::<web_sys::Element>(&ev);
                    scroll_top.set(el.scroll_top() as f64);
                    viewport.set(el.client_height().max(200) as f64);
                }
            >
                <table class="records" aria-rowcount=move || total() + 1>
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col" class="check">
                                <input type="checkbox" aria-label=move || (t().list.select_all)(total()) prop:checked=all_checked on:change=toggle_all/>
                            </th>
                            {move || cols.get().into_iter().map(|c| view! { <Header state=state col=c/> }).collect_view()}
                            <th scope="col" class="preview-cell"><span class="visually-hidden">{move || t().list.preview}</span></th>
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
        </Show>
    }
}

/// A column's header: a button that sorts up, down, then not (`model::next_sort`).
#[component]
fn Header(state: OverviewState, col: Col) -> impl IntoView {
    let t = use_i18n();
    let sorted = move || state.sort.get().filter(|(s, _)| *s == col).map(|(_, desc)| desc);
    let aria = move || match sorted() {
        Some(true) => "descending",
        Some(false) => "ascending",
        None => "none",
    };
    let arrow = move || match sorted() {
        Some(true) => " ↓",
        Some(false) => " ↑",
        None => "",
    };
    view! {
        <th scope="col" aria-sort=aria class:secondary=col.secondary() class:num=col.numeric()>
            <button type="button" class="sort" on:click=move |_| state.sort.update(|s| *s = super::model::next_sort(*s, col))>
                {move || col.label(t())}{arrow}
            </button>
        </th>
    }
}

/// One row: its checkbox, its cells (the title links to the record) and its preview button.
/// (A plain function, not a component: a keystroke re-renders the window's rows, and this keeps
/// that to building their views.)
fn table_row(
    state: OverviewState,
    row: &Row,
    cols: &[Col],
    index: usize,
    stage_colour: &str,
    t: &'static crate::i18n::Strings,
    lang: veld_domain::Language,
) -> impl IntoView + use<> {
    let id = row.id;
    let (is_checked, toggle) = check_box(state, id);
    let previewed = move || state.preview.get() == Some(id);
    let href = format!("{}/{id}", base(state.kind));
    let cells = cols
        .iter()
        .map(|&c| {
            let text = c.cell(row, lang);
            let content = match c {
                Col::Title => view! { <A href=href.clone()>{text}</A> }.into_any(),
                Col::Stage if !text.is_empty() => {
                    view! { <StagePill name=text colour=stage_colour.to_owned()/> }.into_any()
                }
                _ => text.into_any(),
            };
            view! { <td class:secondary=c.secondary() class:num=c.numeric()>{content}</td> }
        })
        .collect_view();
    view! {
        <tr aria-rowindex=index>
            <td class="check">
                <input type="checkbox" aria-label=format!("{} {}", t.list.select_row, row.title) prop:checked=is_checked on:change=toggle/>
            </td>
            {cells}
            <td class="preview-cell">
                <button type="button" class="icon-button" aria-label=format!("{} {}", t.list.preview, row.title) aria-pressed=move || previewed().to_string()
                    on:click=move |_| state.preview.update(|p| *p = if *p == Some(id) { None } else { Some(id) })><Icon d=icons::PREVIEW/></button>
            </td>
        </tr>
    }
}

/// One record as a phone's card: a box to check it, its title (the link), company and close
/// date, stage and value, and the owner's avatar. (A plain function, like `table_row`.)
fn card(
    state: OverviewState,
    row: &Row,
    colours: &HashMap<String, String>,
    names: &HashMap<veld_domain::UserId, String>,
    t: &'static crate::i18n::Strings,
    lang: veld_domain::Language,
) -> impl IntoView + use<> {
    let id = row.id;
    let (is_checked, toggle) = check_box(state, id);
    let href = format!("{}/{id}", base(state.kind));
    let sub = [row.company.clone(), crate::format::date(&row.close_date, lang)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    let value = row.value.map(|v| crate::format::money(v, lang)).unwrap_or_default();
    let stage = (!row.stage.is_empty()).then(|| {
        let colour = colours.get(&row.stage_code).cloned().unwrap_or_default();
        view! { <StagePill name=row.stage.clone() colour=colour/> }
    });
    let owner = names.get(&row.owner).cloned().map(|name| view! { <Avatar name=name label=t.col.owner/> });
    let (title, select) = (row.title.clone(), format!("{} {}", t.list.select_row, row.title));
    view! {
        <li class="record-card">
            <label class="card-check">
                <input type="checkbox" aria-label=select prop:checked=is_checked on:change=toggle/>
            </label>
            <A href=href attr:class="card-main">
                <span class="card-title">{title}</span>
                <span class="card-sub">{sub}</span>
            </A>
            <span class="card-meta">{stage}<span class="card-value">{value}</span></span>
            <span class="card-owner">{owner}</span>
        </li>
    }
}

/// "Select all" for a phone's cards (the table has it in its header): a 44 px box in the list's
/// toolbar.
#[component]
pub fn SelectAll(state: OverviewState, rows: Memo<Shared<Vec<Row>>>, shown: Memo<Shared<Vec<u32>>>) -> impl IntoView {
    let t = use_i18n();
    let total = move || shown.with(|s| s.0.len());
    let (all_checked, toggle_all) = select_all(state, rows, shown);
    view! {
        <label class="select-all">
            <input type="checkbox" aria-label=move || (t().list.select_all)(total()) prop:checked=all_checked on:change=toggle_all/>
        </label>
    }
}

/// Whether every shown record is checked, and the toggle that checks them all or none (the
/// table's header and the phone's toolbar).
fn select_all(
    state: OverviewState,
    rows: Memo<Shared<Vec<Row>>>,
    shown: Memo<Shared<Vec<u32>>>,
) -> (impl Fn() -> bool + Copy, impl Fn(leptos::ev::Event) + Copy) {
    let all_checked = move || {
        let n = state.checked.with(|c| c.len());
        n > 0 && n == shown.with(|s| s.0.len())
    };
    let toggle_all = move |_| {
        if all_checked() {
            state.checked.set(Default::default());
        } else {
            let ids =
                rows.with_untracked(|r| shown.with_untracked(|s| s.0.iter().map(|&i| r.0[i as usize].id).collect()));
            state.checked.set(ids);
        }
    };
    (all_checked, toggle_all)
}

/// The views of the shown rows inside `window` (the table's rows and the phone's cards alike),
/// each built from its place in the window and its row.
fn windowed<V: IntoView>(
    rows: Memo<Shared<Vec<Row>>>,
    shown: Memo<Shared<Vec<u32>>>,
    window: Window,
    mut build: impl FnMut(usize, &Row) -> V,
) -> Vec<V> {
    rows.with(|r| {
        shown.with(|s| {
            s.0[window.first..window.last].iter().enumerate().map(|(n, &i)| build(n, &r.0[i as usize])).collect()
        })
    })
}

/// Whether one record is checked for the bulk bar, and the toggle of its box.
fn check_box(
    state: OverviewState,
    id: uuid::Uuid,
) -> (impl Fn() -> bool + Copy + 'static, impl Fn(leptos::ev::Event) + Copy + 'static) {
    let is_checked = move || state.checked.with(|c| c.contains(&id));
    let toggle = move |_| {
        state.checked.update(|c| {
            if !c.remove(&id) {
                c.insert(id);
            }
        })
    };
    (is_checked, toggle)
}
