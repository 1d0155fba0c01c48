//! The pipeline board (PL-1…PL-3): one column per active stage of leads or opportunities, each
//! virtualised (only the cards in view are in the DOM), with count, sum and — for opportunities
//! — probability-weighted sum in its header. A card moves to another stage by drag (pointer
//! events with pointer capture: a mouse drags at once, a finger after a long press), or by
//! "Move to…" (keyboard and small screens); only along allowed transitions — a refused drop
//! snaps back and says why. A move is an ordinary offline-first change.
//!
//! `model.rs` decides what the board shows and `drag.rs` how a drag goes (both pure, natively
//! tested); `column.rs`, `card.rs` and `move_dialog.rs` render them.

mod card;
mod column;
pub mod drag;
pub mod model;
mod move_dialog;

use crate::i18n::use_i18n;
use crate::overview::model::{Row, RowBuilder};
use crate::state::{Shared, Store};
use drag::{Drag, Moved, Pointer};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use std::sync::Arc;
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::edit::Edit;
use veld_domain::records::text;
use wasm_bindgen::JsCast;

pub use model::Filters;

/// A finger picks a card up after holding it this long (ms) without moving.
const LONG_PRESS_MS: u64 = 350;

/// A card being moved with "Move to…": its record, title and stage.
#[derive(Clone, Debug, PartialEq)]
pub struct Moving {
    pub id: uuid::Uuid,
    pub title: String,
    pub from: String,
}

/// What the board's pieces share.
#[derive(Clone, Copy)]
pub struct BoardState {
    pub kind: RecordKind,
    pub store: Store,
    /// The board's live region: a move made or refused.
    pub notice: RwSignal<Option<String>>,
    pub drag: RwSignal<Option<Drag>>,
    pub moving: RwSignal<Option<Moving>>,
    /// After a drag the click that ends it must not open the card.
    pub dragged: StoredValue<bool>,
    pub detailed: Signal<bool>,
    pub rows: Memo<Shared<Vec<Arc<Row>>>>,
    pub by_stage: Memo<Shared<HashMap<String, Vec<usize>>>>,
    pub extras: Extras,
}

/// What the board shows of one record besides its overview row.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Extra {
    pub owner: String,
    /// The next open activity: its due day, if any, and its subject.
    pub next_activity: Option<(Option<veld_domain::Date>, String)>,
    pub colour: String,
}

/// Owner names, the next open activity per record and category colours, looked up per card.
#[derive(Clone, Copy)]
pub struct Extras {
    names: Memo<HashMap<veld_domain::UserId, String>>,
    next: Memo<HashMap<uuid::Uuid, (Option<veld_domain::Date>, String)>>,
    colours: Memo<HashMap<String, String>>,
}

impl Extras {
    fn new(store: Store, kind: RecordKind) -> Extras {
        let names = crate::components::ui::user_names(store);
        let next = Memo::new(move |_| {
            let link = veld_domain::schema::parent_field(kind).unwrap_or_default();
            let mut open = Vec::new();
            store.visible_each(&[RecordKind::Activity], |a| {
                let v = a.values();
                if let Some(parent) = text(&v, link).and_then(|p| p.parse::<uuid::Uuid>().ok()) {
                    let (done, due, subject) = model::activity_facts(&v);
                    open.push((parent, done, due, subject));
                }
            });
            model::next_activities(open.iter().map(|(p, d, due, s)| (*p, *d, due.as_deref(), s.as_str())))
        });
        let colours = Memo::new(move |_| {
            store.config.with(|c| {
                c.tables
                    .entries(kind, Table::Category)
                    .into_iter()
                    .map(|e| (e.code.clone(), e.colour.clone()))
                    .collect()
            })
        });
        Extras { names, next, colours }
    }

    fn of(&self, r: &Row) -> Extra {
        Extra {
            owner: self.names.with(|n| n.get(&r.owner).cloned()).unwrap_or_default(),
            next_activity: self.next.with(|n| n.get(&r.id).cloned()),
            colour: self.colours.with(|c| c.get(&r.category_code).cloned()).unwrap_or_default(),
        }
    }
}

impl BoardState {
    /// Whether `id` may move to stage `to`: the edit path's answer (the user may edit it and
    /// the stage rules allow it), in the user's words.
    pub fn check_move(&self, id: uuid::Uuid, to: &str) -> Result<(), String> {
        let t = crate::i18n::strings(self.store.language.get_untracked());
        self.store.check(Edit::move_stage(self.kind, id, to)).map(|_| ()).map_err(|e| e.text(t))
    }

    /// Moves a card, or says why it cannot, in the board's live region.
    pub fn move_card(&self, id: uuid::Uuid, title: &str, to: &str) {
        let (store, notice) = (self.store, self.notice);
        let t = crate::i18n::strings(store.language.get_untracked());
        let lang = store.language.get_untracked().code();
        let name = store
            .config
            .with_untracked(|c| c.stages(self.kind).get(to).map(|s| s.name.get(lang).to_owned()))
            .unwrap_or_else(|| to.to_owned());
        match store.check(Edit::move_stage(self.kind, id, to)) {
            Ok(None) => {}
            Ok(Some(prepared)) => {
                crate::perf::mark("veld:board:drop");
                notice.set(Some((t.board.moved)(title, &name)));
                let title = title.to_owned();
                spawn_local(async move {
                    if let Err(e) = store.save(prepared).await {
                        notice.set(Some((t.board.refused)(&title, &name, &e.text(t))));
                    }
                });
            }
            Err(e) => notice.set(Some((t.board.refused)(title, &name, &e.text(t)))),
        }
    }

    /// A pointer goes down on a card: a drag may start (a mouse at once, a finger after a long
    /// press); buttons inside the card are not handles.
    pub fn pointer_down(&self, ev: leptos::ev::PointerEvent, id: uuid::Uuid, title: String, from: String) {
        let on_button = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("button").ok().flatten())
            .is_some();
        if ev.button() != 0 || on_button {
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
        self.dragged.set_value(false);
        let drag = self.drag;
        drag.set(Some(Drag::start(id, title, from, pointer, at, (rect.left(), rect.top(), rect.width()))));
        if pointer.1 == Pointer::Touch {
            // A long press picks the card up; until then the finger may still scroll.
            let pick_up = move || {
                drag.update(|d| {
                    d.iter_mut().for_each(|d| {
                        d.long_press(id);
                    })
                })
            };
            set_timeout(pick_up, std::time::Duration::from_millis(LONG_PRESS_MS));
        }
    }

    /// The pointer moves: the card follows, over the column under it.
    pub fn pointer_move(&self, ev: leptos::ev::PointerEvent) {
        let Some(mut d) = self.drag.get_untracked() else { return };
        let column_at = |x: f64, y: f64| -> Option<String> {
            let el = document().element_from_point(x as f32, y as f32)?;
            el.closest("[data-stage]").ok()??.get_attribute("data-stage")
        };
        match d.moved(ev.pointer_id(), (ev.client_x() as f64, ev.client_y() as f64), column_at) {
            Moved::Ignored => {}
            Moved::Cancelled => self.drag.set(None),
            Moved::Followed => {
                ev.prevent_default();
                self.drag.set(Some(d));
            }
        }
    }

    /// The pointer goes up: drop on the column under it, or snap back.
    pub fn pointer_up(&self, ev: leptos::ev::PointerEvent) {
        let Some(d) = self.drag.get_untracked() else { return };
        if ev.pointer_id() != d.pointer_id {
            return;
        }
        self.drag.set(None);
        if d.lifted {
            self.dragged.set_value(true);
        }
        if let Some(drop) = d.released(ev.pointer_id()) {
            self.move_card(drop.id, &drop.title, &drop.to);
        }
    }
}

/// The overview's rows of `kind`, rebuilt only for records that changed (a move rebuilds one
/// row, not 5,000) unless what rows look up (names, labels) changed.
fn board_rows(store: Store, kind: RecordKind) -> Memo<Shared<Vec<Arc<Row>>>> {
    let lookups = Memo::new(move |_| crate::overview::row_builder(&store, kind, store.language.get().code()));
    let cache = StoredValue::new((None::<RowBuilder>, HashMap::<uuid::Uuid, (u64, Arc<Row>)>::new()));
    Memo::new(move |_| {
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
    })
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
    let rows = board_rows(store, kind);
    let by_stage = Memo::new(move |_| {
        let Some((me, office)) = store.me.with(|m| m.as_ref().map(|m| (m.user.id, m.office.id))) else {
            return Shared(Arc::new(HashMap::new()));
        };
        Shared(Arc::new(filters.with(|f| rows.with(|r| model::by_stage(&r.0, f, me, office)))))
    });
    let state = BoardState {
        kind,
        store,
        notice: RwSignal::new(None),
        drag: RwSignal::new(None),
        moving: RwSignal::new(None),
        dragged: StoredValue::new(false),
        detailed,
        rows,
        by_stage,
        extras: Extras::new(store, kind),
    };
    Effect::new(move |_| {
        by_stage.track();
        crate::perf::mark("veld:board:rendered");
    });
    let columns = Memo::new(move |_| {
        let lang = store.language.get().code();
        store.config.with(|c| model::columns(c.stages(kind), lang))
    });
    // While a card is lifted, a finger's moves must not scroll the page (a non-passive
    // listener: the browser would otherwise take the gesture over and cancel the pointer).
    let board_ref = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let Some(el) = board_ref.get() else { return };
        let drag = state.drag;
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
    let board = move || {
        let cols = columns.get();
        if !grouped.get() {
            return cols
                .into_iter()
                .map(|c| view! { <column::Column state=state column=c/> })
                .collect_view()
                .into_any();
        }
        // Stage groups side by side, each with its columns.
        let lang = store.language.get().code();
        model::grouped(cols)
            .into_iter()
            .map(|(g, list)| {
                let label = store.config.with(|c| c.tables.label(kind, Table::StageGroup, &g, lang).to_owned());
                let aria = label.clone();
                view! {
                    <div class="board-group" role="group" aria-label=aria>
                        <p class="group-label">{label}</p>
                        <div class="group-columns">
                            {list.into_iter().map(|c| view! { <column::Column state=state column=c/> }).collect_view()}
                        </div>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    };
    let ghost = move || {
        state.drag.get().filter(|d| d.lifted).map(|d| {
            let ok = d.over.as_deref().is_some_and(|o| o == d.from || state.check_move(d.id, o).is_ok());
            let (x, y) = d.ghost_at();
            view! {
                <div class="board-ghost" class:refused=!ok aria-hidden="true" style=format!("left:{x}px;top:{y}px;width:{}px", d.width)>
                    {d.title.clone()}
                </div>
            }
        })
    };
    view! {
        <p class="form-notice board-notice" role="status" aria-live="polite">{move || state.notice.get()}</p>
        {move || state.moving.get().map(|m| view! { <move_dialog::MoveDialog state=state moving=m/> })}
        <div class="board" node_ref=board_ref class:detailed=move || detailed.get() role="region" aria-label=move || t().nav.pipeline tabindex="0">
            {board}
        </div>
        {ghost}
    }
}
