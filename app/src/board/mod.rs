//! The pipeline board (PL-1…PL-3): one column per active stage of leads or opportunities, each
//! virtualised (only the cards in view are in the DOM), with count, sum and — for opportunities
//! — probability-weighted sum in its header. A card moves to another stage by drag (pointer
//! events with pointer capture: a mouse drags at once, a finger after a long press), or by
//! "Move to…" (keyboard and small screens); only along allowed transitions — a refused drop
//! snaps back and says why. A move is an ordinary offline-first change.

pub mod drag;

use crate::format::money;
use crate::i18n::use_i18n;
use crate::overview::base;
use crate::overview::model::{Row, RowBuilder};
use crate::state::{Shared, Store};
use drag::{Drag, Moved, Pointer};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use std::collections::HashMap;
use std::sync::Arc;
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::edit::Edit;
use veld_domain::records::text;
use wasm_bindgen::JsCast;

/// Card heights (px) for the window maths; `.board-card` in the stylesheet matches them.
pub const COMPACT_PX: f64 = 64.0;
pub const DETAILED_PX: f64 = 128.0;
/// Cards rendered above and below the visible ones.
const OVERSCAN: usize = 4;
/// A finger picks a card up after holding it this long (ms) without moving.
const LONG_PRESS_MS: u64 = 350;

/// A column: stage code, name, stage group, colour.
type ColumnDef = (String, String, String, String);

/// What the board shows of one record besides its overview row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra {
    pub owner: String,
    pub next_activity: Option<String>,
    pub colour: String,
}

/// The board's filters (PL-3).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filters {
    /// `mine`, `office` or `all`.
    pub scope: String,
    pub search: String,
    pub owner: String,
    pub source: String,
}

/// What a card shows: it is re-made only when one of these changes.
fn card_key(r: &Row, detailed: bool) -> (uuid::Uuid, bool, String, String, Option<i64>, String, String) {
    (r.id, detailed, r.title.clone(), r.company.clone(), r.value, r.number.clone(), r.owner.to_string())
}

/// Whether `id` may move to stage `to`: the edit path's answer (the user may edit it and the
/// stage rules allow it), in the user's words.
pub fn check_move(store: &Store, kind: RecordKind, id: uuid::Uuid, to: &str) -> Result<(), String> {
    let t = crate::i18n::strings(store.language.get_untracked());
    store.check(stage_edit(kind, id, to)).map(|_| ()).map_err(|e| e.text(t))
}

fn stage_edit(kind: RecordKind, id: uuid::Uuid, to: &str) -> Edit {
    Edit::move_stage(kind, id, to)
}

/// Moves a card, or says why it cannot; the message goes to the board's live region.
pub fn move_card(
    store: Store,
    kind: RecordKind,
    id: uuid::Uuid,
    title: &str,
    to: &str,
    notice: RwSignal<Option<String>>,
) {
    let t = crate::i18n::strings(store.language.get_untracked());
    let lang = store.language.get_untracked().code();
    let name = store
        .config
        .with_untracked(|c| c.stages(kind).get(to).map(|s| s.name.get(lang).to_owned()))
        .unwrap_or_else(|| to.to_owned());
    match store.check(stage_edit(kind, id, to)) {
        Ok(None) => {}
        Ok(Some(prepared)) => {
            crate::perf::mark("veld:board:drop");
            notice.set(Some((t.board_moved)(title, &name)));
            let title = title.to_owned();
            spawn_local(async move {
                if let Err(e) = store.save(prepared).await {
                    notice.set(Some((t.board_refused)(&title, &name, &e.text(t))));
                }
            });
        }
        Err(e) => notice.set(Some((t.board_refused)(title, &name, &e.text(t)))),
    }
}

#[component]
pub fn Board(
    kind: RecordKind,
    #[prop(into)] filters: Signal<Filters>,
    #[prop(into)] detailed: Signal<bool>,
    #[prop(into)] grouped: Signal<bool>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let notice = RwSignal::new(None::<String>);
    let drag = RwSignal::new(None::<Drag>);
    let moving = RwSignal::new(None::<(uuid::Uuid, String, String)>);
    // After a drag the click that ends it must not open the card.
    let dragged = StoredValue::new(false);

    // What rows look up (company and contact names, labels): when it changes, every row is
    // rebuilt; otherwise only the rows of records that changed are (a move rebuilds one row,
    // not 5,000).
    let lookups = Memo::new(move |_| crate::overview::row_builder(&store, kind, store.language.get().code()));
    let cache = StoredValue::new((None::<RowBuilder>, HashMap::<uuid::Uuid, (u64, Arc<Row>)>::new()));
    let rows = Memo::new(move |_| {
        let builder = lookups.get();
        let pending: std::collections::HashSet<uuid::Uuid> = store.outbox.with(|o| {
            store.saving.with(|s| o.iter().chain(s.iter()).filter(|m| m.kind == kind).map(|m| m.record_id).collect())
        });
        let mut out: Vec<Arc<Row>> = Vec::new();
        cache.update_value(|(seen, rows)| {
            if seen.as_ref() != Some(&builder) {
                rows.clear();
                *seen = Some(builder.clone());
            }
            let mut next = HashMap::with_capacity(rows.len());
            store.visible_each(&[kind], |r| {
                let row = match rows.get(&r.id) {
                    Some((version, row)) if *version == r.version && !pending.contains(&r.id) => row.clone(),
                    _ => Arc::new(builder.row(r)),
                };
                // A record with unsent changes is rebuilt next time too (version 0 never matches).
                let version = if pending.contains(&r.id) { 0 } else { r.version };
                next.insert(r.id, (version, row.clone()));
                out.push(row);
            });
            *rows = next;
        });
        out.sort_unstable_by_key(|r| std::cmp::Reverse(r.id));
        Shared(Arc::new(out))
    });
    // Owner names, the next open activity per record, category colours: looked up per card.
    let names = Memo::new(move |_| {
        let mut names: HashMap<veld_domain::UserId, String> =
            store.colleagues.with(|c| c.iter().map(|c| (c.id, c.name.clone())).collect());
        if let Some((id, name)) = store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.user.name.clone()))) {
            names.entry(id).or_insert(name);
        }
        names
    });
    let next_activity = Memo::new(move |_| {
        let link = if kind == RecordKind::Lead { "lead_id" } else { "opportunity_id" };
        // The earliest due date first; an activity without one after every dated one.
        let mut next: HashMap<uuid::Uuid, (Option<veld_domain::Date>, String)> = HashMap::new();
        store.visible_each(&[RecordKind::Activity], |a| {
            let v = a.values();
            if v.get("done").and_then(serde_json::Value::as_bool) == Some(true) {
                return;
            }
            let Some(parent) = text(&v, link).and_then(|p| p.parse::<uuid::Uuid>().ok()) else { return };
            let due = text(&v, "due_date").and_then(veld_domain::Date::parse);
            let subject = text(&v, "subject").unwrap_or_default().to_owned();
            let key = |d: &Option<veld_domain::Date>| (d.is_none(), *d);
            let entry = next.entry(parent).or_insert((due, subject.clone()));
            if key(&due) < key(&entry.0) {
                *entry = (due, subject);
            }
        });
        next
    });
    let colours = Memo::new(move |_| {
        store.config.with(|c| {
            c.tables
                .entries(kind, Table::Category)
                .into_iter()
                .map(|e| (e.code.clone(), e.colour.clone()))
                .collect::<HashMap<String, String>>()
        })
    });
    let extra_of = move |r: &Row| Extra {
        owner: names.with(|n| n.get(&r.owner).cloned()).unwrap_or_default(),
        next_activity: next_activity.with(|n| {
            n.get(&r.id).map(|(due, subject)| match due {
                Some(d) => format!("{subject} · {}", d.format(store.language.get_untracked())),
                None => subject.clone(),
            })
        }),
        colour: colours.with(|c| c.get(&r.category_code).cloned()).unwrap_or_default(),
    };
    // The cards per stage, after the filters.
    let by_stage = Memo::new(move |_| {
        let f = filters.get();
        let needle = f.search.trim().to_lowercase();
        let me = store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.office.id)));
        let mut out: HashMap<String, Vec<usize>> = HashMap::new();
        rows.with(|rows| {
            for (i, r) in rows.0.iter().enumerate() {
                let scoped = match (f.scope.as_str(), me) {
                    ("mine", Some((user, _))) => r.owner == user,
                    ("office", Some((_, office))) => r.office == office,
                    _ => true,
                };
                if scoped
                    && (needle.is_empty() || r.haystack.contains(&needle))
                    && (f.owner.is_empty() || r.owner.to_string() == f.owner)
                    && (f.source.is_empty() || r.source_code == f.source)
                {
                    match out.get_mut(r.stage_code.as_str()) {
                        Some(list) => list.push(i),
                        None => {
                            out.insert(r.stage_code.clone(), vec![i]);
                        }
                    }
                }
            }
        });
        Shared(Arc::new(out))
    });
    // The columns: active stages in index order, with their stage group.
    let columns = Memo::new(move |_| {
        let lang = store.language.get().code();
        store.config.with(|c| {
            let mut stages: Vec<ColumnDef> = c
                .stages(kind)
                .active()
                .map(|s| {
                    (
                        s.code.clone(),
                        s.name.get(lang).to_owned(),
                        s.stage_group.clone().unwrap_or_default(),
                        s.colour.clone(),
                    )
                })
                .collect();
            stages.sort_by_key(|(code, ..)| c.stages(kind).get(code).map_or(i64::MAX, |s| s.index));
            stages
        })
    });
    Effect::new(move |_| {
        by_stage.track();
        crate::perf::mark("veld:board:rendered");
    });

    // Drag: follow the pointer, find the column under it, drop or snap back.
    let column_at = |x: f64, y: f64| -> Option<String> {
        let el = document().element_from_point(x as f32, y as f32)?;
        let col = el.closest("[data-stage]").ok()??;
        col.get_attribute("data-stage")
    };
    let on_move = move |ev: leptos::ev::PointerEvent| {
        let Some(mut d) = drag.get_untracked() else { return };
        let at = (ev.client_x() as f64, ev.client_y() as f64);
        match d.moved(ev.pointer_id(), at, column_at) {
            Moved::Ignored => {}
            Moved::Cancelled => drag.set(None),
            Moved::Followed => {
                ev.prevent_default();
                drag.set(Some(d));
            }
        }
    };
    let on_up = move |ev: leptos::ev::PointerEvent| {
        let Some(d) = drag.get_untracked() else { return };
        if ev.pointer_id() != d.pointer_id {
            return;
        }
        drag.set(None);
        if d.lifted {
            dragged.set_value(true);
        }
        if let Some(drop) = d.released(ev.pointer_id()) {
            move_card(store, kind, drop.id, &drop.title, &drop.to, notice);
        }
    };
    let on_cancel = move |_: leptos::ev::PointerEvent| drag.set(None);
    let start = move |ev: leptos::ev::PointerEvent, id: uuid::Uuid, title: String, from: String| {
        if ev.button() != 0 {
            return;
        }
        // Buttons inside the card (Move to…) are not handles.
        if ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button").ok().flatten())
            .is_some()
        {
            return;
        }
        if ev.pointer_type() == "mouse" {
            // No native link drag or text selection: this is our drag.
            ev.prevent_default();
        }
        let Some(card) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let rect = card.get_bounding_client_rect();
        let at = (ev.client_x() as f64, ev.client_y() as f64);
        let pointer = (ev.pointer_id(), Pointer::of(&ev.pointer_type()));
        let _ = card.set_pointer_capture(pointer.0);
        dragged.set_value(false);
        drag.set(Some(Drag::start(id, title, from, pointer, at, (rect.left(), rect.top(), rect.width()))));
        if pointer.1 == Pointer::Touch {
            // A long press picks the card up; until then the finger may still scroll.
            set_timeout(
                move || {
                    drag.update(|d| {
                        if let Some(d) = d.as_mut() {
                            d.long_press(id);
                        }
                    });
                },
                std::time::Duration::from_millis(LONG_PRESS_MS),
            );
        }
    };
    // While a card is lifted, a finger's moves must not scroll the page (a non-passive
    // listener: the browser would otherwise take the gesture over and cancel the pointer).
    let board_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let Some(el) = board_ref.get() else { return };
        let handler = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if drag.with_untracked(|d| d.as_ref().is_some_and(|d| d.lifted)) {
                ev.prevent_default();
            }
        });
        let options = web_sys::AddEventListenerOptions::new();
        options.set_passive(false);
        let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
            "touchmove",
            handler.as_ref().unchecked_ref(),
            &options,
        );
        handler.forget();
    });

    let height = move || if detailed.get() { DETAILED_PX } else { COMPACT_PX };
    let lang = move || store.language.get();
    let card_view = move |r: Arc<Row>| {
        let t = t();
        let extra = extra_of(&r);
        let id = r.id;
        let title = r.title.clone();
        let from = r.stage_code.clone();
        let headline = if detailed.get_untracked() {
            r.title.clone()
        } else if !r.number.is_empty() {
            format!("{} · {}", r.number, if r.company.is_empty() { &r.title } else { &r.company })
        } else if !r.company.is_empty() {
            r.company.clone()
        } else {
            r.title.clone()
        };
        let value = r.value.map(|v| money(v, lang())).unwrap_or_default();
        let lifted = move || drag.with(|d| d.as_ref().is_some_and(|d| d.id == id && d.lifted));
        let move_label = (t.board_move_label)(&title);
        let (t_title, t_from) = (title.clone(), from.clone());
        let open_move = move |_| moving.set(Some((id, t_title.clone(), t_from.clone())));
        let (p_title, p_from) = (title.clone(), from.clone());
        view! {
            <li
                class="board-card"
                class:lifted=lifted
                style=format!("border-left-color:{}", if extra.colour.is_empty() { "var(--border)" } else { extra.colour.as_str() })
                data-id=id.to_string()
                on:pointerdown=move |ev| start(ev, id, p_title.clone(), p_from.clone())
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointercancel=on_cancel
            >
                <A href=format!("{}/{id}", base(kind)) attr:class="card-title" attr:draggable="false" on:click=move |ev| {
                    if dragged.get_value() {
                        ev.prevent_default();
                        dragged.set_value(false);
                    }
                }>{headline}</A>
                {detailed.get_untracked().then(|| view! {
                    <span class="card-line muted">{r.company.clone()}</span>
                    <span class="card-line"><strong>{value.clone()}</strong>{(!extra.owner.is_empty()).then(|| if value.is_empty() { extra.owner.clone() } else { format!(" · {}", extra.owner) })}</span>
                    <span class="card-line muted">{extra.next_activity.clone().map(|n| format!("{} {n}", t.board_next)).unwrap_or_default()}</span>
                })}
                <button type="button" class="move-button" aria-label=move_label aria-haspopup="dialog" on:click=open_move>{t.board_move}</button>
            </li>
        }
    };
    let column_view = move |(code, name, _group, colour): ColumnDef| {
        let scroll = RwSignal::new(0.0_f64);
        let viewport = RwSignal::new(600.0_f64);
        let code_for_cards = code.clone();
        let cards = Memo::new(move |_| by_stage.with(|b| b.0.get(&code_for_cards).cloned().unwrap_or_default()));
        let totals = move || {
            rows.with(|rows| {
                cards.with(|ids| {
                    let mut sum = 0i64;
                    let mut weighted = 0i64;
                    for &i in ids {
                        let r = &rows.0[i];
                        let v = r.value.unwrap_or(0);
                        sum += v;
                        weighted += v * r.probability.unwrap_or(0) / 100;
                    }
                    (ids.len(), sum, weighted)
                })
            })
        };
        let code_over = code.clone();
        let drop_state = move || {
            drag.with(|d| match d {
                Some(d) if d.lifted && d.over.as_deref() == Some(code_over.as_str()) && d.from != code_over => {
                    if check_move(&store, kind, d.id, &code_over).is_ok() {
                        "drop-ok"
                    } else {
                        "drop-refused"
                    }
                }
                _ => "",
            })
        };
        // The window of cards in view: (first, last, slot height, all).
        let bounds = move || {
            let h = height();
            let total = cards.with(Vec::len);
            let first = ((scroll.get() / h) as usize).saturating_sub(OVERSCAN).min(total);
            let count = (viewport.get() / h).ceil() as usize + 2 * OVERSCAN;
            (first, (first + count).min(total), h, total)
        };
        let in_view = move || {
            let (first, last, _, _) = bounds();
            rows.with(|rows| cards.with(|ids| ids[first..last].iter().map(|&i| rows.0[i].clone()).collect::<Vec<_>>()))
        };
        let heading_id = format!("column-{code}");
        let labelled_by = heading_id.clone();
        let body_labelled_by = heading_id.clone();
        view! {
            <section class=move || format!("board-column {}", drop_state()) data-stage=code.clone() aria-labelledby=labelled_by>
                <header class="column-header" style=format!("border-top-color:{colour}")>
                    <h2 id=heading_id>{name.clone()}</h2>
                    <p class="muted column-totals">{move || {
                        let t = t();
                        let (n, sum, weighted) = totals();
                        let mut s = format!("{} · {}", (t.count_records)(n), money(sum, lang()));
                        if kind == RecordKind::Opportunity {
                            s.push_str(&format!(" · {} {}", t.board_weighted, money(weighted, lang())));
                        }
                        s
                    }}</p>
                </header>
                <div class="column-body" tabindex="0" role="group" aria-labelledby=body_labelled_by on:scroll=move |ev| {
                    if let Some(el) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
                        scroll.set(el.scroll_top() as f64);
                        viewport.set(el.client_height().max(200) as f64);
                    }
                }>
                    // The cards in view after a spacer for those above: a card keeps its element
                    // while others move, and is re-made only when what it shows changed.
                    <ul class="column-cards" style=move || {
                        let (first, _, h, total) = bounds();
                        format!("height:{}px;padding-top:{}px", total as f64 * h, first as f64 * h)
                    }>
                        <For each=in_view key=move |r| card_key(r, detailed.get_untracked()) children=card_view/>
                    </ul>
                </div>
            </section>
        }
    };
    let board = move || {
        let cols = columns.get();
        if grouped.get() {
            // Stage groups side by side, each with its columns.
            let lang = store.language.get().code();
            let mut groups: Vec<(String, Vec<ColumnDef>)> = Vec::new();
            for c in cols {
                match groups.last_mut() {
                    Some((g, list)) if *g == c.2 => list.push(c),
                    _ => groups.push((c.2.clone(), vec![c])),
                }
            }
            groups
                .into_iter()
                .map(|(g, list)| {
                    let label = store.config.with(|c| c.tables.label(kind, Table::StageGroup, &g, lang).to_owned());
                    let aria = label.clone();
                    view! {
                        <div class="board-group" role="group" aria-label=aria>
                            <p class="group-label">{label}</p>
                            <div class="group-columns">{list.into_iter().map(column_view).collect_view()}</div>
                        </div>
                    }
                    .into_any()
                })
                .collect_view()
        } else {
            cols.into_iter().map(|c| column_view(c).into_any()).collect_view()
        }
    };
    let ghost = move || {
        drag.get().filter(|d| d.lifted).map(|d| {
            let ok = d.over.as_deref().is_some_and(|o| o == d.from || check_move(&store, kind, d.id, o).is_ok());
            view! {
                <div class="board-ghost" class:refused=!ok aria-hidden="true"
                    style={
                        let (x, y) = d.ghost_at();
                        format!("left:{x}px;top:{y}px;width:{}px", d.width)
                    }>
                    {d.title.clone()}
                </div>
            }
        })
    };
    let move_dialog = move || {
        moving.get().map(|(id, title, from)| {
            let t = t();
            let lang = store.language.get().code();
            let choices: Vec<(String, String)> = store.config.with(|c| {
                c.stages(kind)
                    .choices(Some(from.as_str()))
                    .into_iter()
                    .filter(|s| s.code != from)
                    .map(|s| (s.code.clone(), s.name.get(lang).to_owned()))
                    .collect()
            });
            // Only what the edit path would accept: none for a colleague's record the user may
            // only look at.
            let choices: Vec<(String, String)> =
                choices.into_iter().filter(|(code, _)| check_move(&store, kind, id, code).is_ok()).collect();
            let none = choices.is_empty().then(|| view! { <p>{t.read_only}</p> });
            let dialog_label = (t.board_move_label)(&title);
            let title_for = title.clone();
            view! {
                <div class="move-dialog card" role="dialog" aria-label=dialog_label on:keydown=move |ev| {
                    if ev.key() == "Escape" {
                        moving.set(None);
                    }
                }>
                    <p><strong>{(t.board_move_label)(&title)}</strong></p>
                    {none}
                    <ul>
                        {choices.into_iter().enumerate().map(|(i, (code, name))| {
                            let title = title_for.clone();
                            let node = NodeRef::<leptos::html::Button>::new();
                            if i == 0 {
                                Effect::new(move |_| {
                                    if let Some(b) = node.get() {
                                        let _ = b.focus();
                                    }
                                });
                            }
                            view! {
                                <li><button type="button" class="button" node_ref=node on:click=move |_| {
                                    moving.set(None);
                                    move_card(store, kind, id, &title, &code, notice);
                                }>{name}</button></li>
                            }
                        }).collect_view()}
                    </ul>
                    <button type="button" class="button subtle" on:click=move |_| moving.set(None)>{t.cancel}</button>
                </div>
            }
        })
    };
    view! {
        <p class="form-notice board-notice" role="status" aria-live="polite">{move || notice.get()}</p>
        {move_dialog}
        <div class="board" node_ref=board_ref class:detailed=move || detailed.get() role="region" aria-label=move || t().nav_pipeline tabindex="0">
            {board}
        </div>
        {ghost}
    }
}
