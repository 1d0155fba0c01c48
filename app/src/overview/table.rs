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
    if !store.local_ready.get() && none_shown {
        // (With rows: the first screen kept from the last start, shown while the data is read.)
        return Some(view! { <p class="muted">{t.app.loading}</p> }.into_any());
    }
    let never_synced = store.never_synced();
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
        if !store.local_ready.get()
            && let Some(kept) = state.start.with_value(|s| s.as_ref().map(|s| s.colours.clone()))
        {
            return kept;
        }
        store.config.with(|c| c.stage_colours(state.kind))
    });
    // Until the device's data is read the rows are the kept first screen: they can be read and
    // opened, not checked or previewed, and their number is not known yet.
    let ready = move || store.local_ready.get();
    let count = move || if ready() { (t().list.count_records)(total()) } else { t().app.loading.to_owned() };
    let names = crate::components::ui::user_names(store);
    let body = move || {
        let lang = store.language.get();
        let cols = cols.get();
        let window = Window::of(total(), scroll_top.get(), viewport.get());
        let lines = colours.with(|colours| {
            windowed(rows, shown, window, |n, row| {
                let colour = colours.get(&row.stage_code).cloned().unwrap_or_default();
                table_row(state, row, &cols, window.first + n + 2, &colour, ready(), lang)
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
            names.with(|names| {
                windowed(rows, shown, window, |_, row| card(state, row, colours, names, ready(), t, lang))
            })
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
            <p class="muted count" aria-live="polite">{count}</p>
            <div class="card-scroll" role="region" tabindex="0" aria-label=move || label.get() on:scroll=on_scroll>
                <ul class="card-list">{cards}</ul>
            </div>
        </Show>
        <Show when=move || has_rows() && !narrow.get()>
            <p class="muted count" aria-live="polite">{count}</p>
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
                                <input type="checkbox" aria-label=move || (t().list.select_all)(total()) prop:checked=all_checked on:change=toggle_all prop:disabled=move || !ready()/>
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
        <th scope="col" aria-sort=aria class:secondary=col.secondary() class:tertiary=col.tertiary() class:num=col.numeric()>
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
    ready: bool,
    lang: veld_domain::Language,
) -> impl IntoView + use<> {
    let t = crate::i18n::strings(lang);
    let id = row.id;
    let (is_checked, toggle) = check_box(state, id);
    let previewed = move || state.preview.get() == Some(id);
    let href = format!("{}/{id}", base(state.kind));
    let cells = cols
        .iter()
        .map(|&c| {
            let text = c.cell(row, lang);
            let content = match c {
                c if c.main() => view! { <A href=href.clone()>{text}</A> }.into_any(),
                c if c.pill() && !text.is_empty() => {
                    view! { <StagePill name=text colour=stage_colour.to_owned()/> }.into_any()
                }
                _ => text.into_any(),
            };
            view! { <td class:secondary=c.secondary() class:tertiary=c.tertiary() class:num=c.numeric()>{content}</td> }
        })
        .collect_view();
    view! {
        <tr aria-rowindex=index>
            <td class="check">
                <input type="checkbox" aria-label=format!("{} {}", t.list.select_row, row.title) prop:checked=is_checked on:change=toggle disabled=!ready/>
            </td>
            {cells}
            <td class="preview-cell">
                <button type="button" class="icon-button" aria-label=format!("{} {}", t.list.preview, row.title) aria-pressed=move || previewed().to_string() disabled=!ready
                    on:click=move |_| state.preview.update(|p| *p = if *p == Some(id) { None } else { Some(id) })><Icon d=icons::PREVIEW/></button>
            </td>
        </tr>
    }
}

/// One record as a phone's card: a box to check it, its title (the link), company and close
/// date (a company's city and industry, a contact's company and function), stage (status) and
/// value, and the owner's avatar. (A plain function, like `table_row`.)
fn card(
    state: OverviewState,
    row: &Row,
    colours: &HashMap<String, String>,
    names: &HashMap<veld_domain::UserId, String>,
    ready: bool,
    t: &'static crate::i18n::Strings,
    lang: veld_domain::Language,
) -> impl IntoView + use<> {
    let id = row.id;
    let (is_checked, toggle) = check_box(state, id);
    let href = format!("{}/{id}", base(state.kind));
    // Under the name: what tells two records apart at a glance.
    let sub = match state.kind {
        veld_domain::RecordKind::Company => [row.city.clone(), row.detail.clone()],
        veld_domain::RecordKind::Contact => [row.company.clone(), row.detail.clone()],
        _ => [row.company.clone(), crate::format::date(&row.close_date, lang)],
    };
    let sub = sub.into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" · ");
    let value = row.value.map(|v| crate::format::money(v, lang)).unwrap_or_default();
    let stage = (!row.stage.is_empty()).then(|| {
        let colour = colours.get(&row.stage_code).cloned().unwrap_or_default();
        view! { <StagePill name=row.stage.clone() colour=colour/> }
    });
    let owner = names.get(&row.owner).cloned().map(|name| view! { <Avatar name=name label=t.col.owner/> });
    let (title, select) = (row.title.clone(), format!("{} {}", t.list.select_row, row.title));
    let press = LongPress::new();
    let toggle_card = move || {
        state.checked.update(|c| {
            if !c.remove(&id) {
                c.insert(id);
            }
        })
    };
    let long_pressed = move || {
        state.selecting.set(true);
        toggle_card();
    };
    view! {
        <li class="record-card" class:checked=is_checked
            on:pointerdown=move |ev: web_sys::PointerEvent| if ready && ev.is_primary() { press.start(&ev, long_pressed) }
            on:pointermove=move |ev: web_sys::PointerEvent| press.moved(&ev)
            on:pointerup=move |_| press.cancel()
            on:pointercancel=move |_| press.cancel()
            on:contextmenu=move |ev: leptos::ev::MouseEvent| if ready { ev.prevent_default() }
            on:click=move |ev: leptos::ev::MouseEvent| {
                // After a long press the release is no tap; in the selection mode it began a tap
                // checks or unchecks (the box handles its own clicks).
                let on_box = ev.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|e| e.closest(".card-check").ok().flatten().is_some());
                if press.fired() {
                    ev.prevent_default();
                } else if !on_box && ready && state.selecting.get_untracked() {
                    ev.prevent_default();
                    toggle_card();
                }
            }>
            <label class="card-check">
                <input type="checkbox" aria-label=select prop:checked=is_checked on:change=toggle disabled=!ready/>
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

/// A long press on a phone's card (half a second without moving): checks or unchecks it, as
/// in the phone's own mail and photo apps; the release then does not open the record.
#[derive(Clone, Copy)]
struct LongPress {
    timer: StoredValue<Option<leptos::leptos_dom::helpers::TimeoutHandle>>,
    from: StoredValue<(i32, i32)>,
    fired: StoredValue<bool>,
}

impl LongPress {
    const HOLD: std::time::Duration = std::time::Duration::from_millis(500);
    /// Moving further than this (px) is a scroll, not a press.
    const SLOP: i32 = 10;

    fn new() -> LongPress {
        LongPress { timer: StoredValue::new(None), from: StoredValue::new((0, 0)), fired: StoredValue::new(false) }
    }

    fn start(self, ev: &web_sys::PointerEvent, then: impl Fn() + 'static) {
        self.cancel();
        self.fired.set_value(false);
        self.from.set_value((ev.client_x(), ev.client_y()));
        let handle = set_timeout_with_handle(
            move || {
                self.fired.set_value(true);
                self.timer.set_value(None);
                then();
                if let Some(w) = web_sys::window() {
                    let _ = w.navigator().vibrate_with_duration(15);
                }
            },
            Self::HOLD,
        );
        self.timer.set_value(handle.ok());
    }

    fn moved(self, ev: &web_sys::PointerEvent) {
        let (x, y) = self.from.get_value();
        if (ev.client_x() - x).abs() > Self::SLOP || (ev.client_y() - y).abs() > Self::SLOP {
            self.cancel();
        }
    }

    fn cancel(self) {
        if let Some(handle) = self.timer.try_update_value(Option::take).flatten() {
            handle.clear();
        }
    }

    /// Whether the press just ended was a long one (asked once, by the click that follows).
    fn fired(self) -> bool {
        self.fired.try_update_value(std::mem::take).unwrap_or(false)
    }
}

/// "Select all" for a phone's cards (the table has it in its header): a 44 px box in the list's
/// toolbar.
#[component]
pub fn SelectAll(state: OverviewState, rows: Memo<Shared<Vec<Row>>>, shown: Memo<Shared<Vec<u32>>>) -> impl IntoView {
    let t = use_i18n();
    let total = move || shown.with(|s| s.0.len());
    let (all_checked, toggle_all) = select_all(state, rows, shown);
    let store = expect_context::<Store>();
    view! {
        // (Kept in place, unseen, while there is nothing to select: the toolbar does not move.)
        <label class="select-all" class:unseen=move || total() == 0>
            <input type="checkbox" aria-label=move || (t().list.select_all)(total()) prop:checked=all_checked on:change=toggle_all prop:disabled=move || !store.local_ready.get()/>
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
