//! One column of the board: its stage's header with count and sums, and a window of its cards.

use super::BoardState;
use super::card::Card;
use super::model::{COMPACT_PX, CardKey, CardWindow, Column as ColumnDef, DETAILED_PX, totals};
use crate::format::money;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use veld_domain::RecordKind;
use wasm_bindgen::JsCast;

#[component]
pub fn Column(state: BoardState, column: ColumnDef) -> impl IntoView {
    let t = use_i18n();
    let (store, kind) = (state.store, state.kind);
    let scroll = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let code = column.code.clone();
    let cards = Memo::new(move |_| state.by_stage.with(|b| b.0.get(&code).cloned().unwrap_or_default()));
    let lang = move || store.language.get();
    let header = move || {
        let t = t();
        let sums = state.rows.with(|rows| cards.with(|ids| totals(&rows.0, ids)));
        let mut s = format!("{} · {}", (t.list.count_records)(sums.count), money(sums.sum, lang()));
        if kind == RecordKind::Opportunity {
            s.push_str(&format!(" · {} {}", t.board.weighted, money(sums.weighted, lang())));
        }
        s
    };
    // While a card is dragged over this column: whether it may land here.
    let code = column.code.clone();
    let drop_state = move || {
        state.drag.with(|d| match d {
            Some(d) if d.lifted && d.over.as_deref() == Some(code.as_str()) && d.from != code => {
                if state.check_move(d.id, &code).is_ok() { "drop-ok" } else { "drop-refused" }
            }
            _ => "",
        })
    };
    let window = move || {
        let slot = if state.detailed.get() { DETAILED_PX } else { COMPACT_PX };
        CardWindow::of(cards.with(Vec::len), scroll.get(), viewport.get(), slot)
    };
    let in_view = move || {
        let w = window();
        state
            .rows
            .with(|rows| cards.with(|ids| ids[w.first..w.last].iter().map(|&i| rows.0[i].clone()).collect::<Vec<_>>()))
    };
    let heading_id = format!("column-{}", column.code);
    let (labelled_by, body_labelled_by) = (heading_id.clone(), heading_id.clone());
    view! {
        <section class=move || format!("board-column {}", drop_state()) data-stage=column.code.clone() aria-labelledby=labelled_by>
            <header class="column-header" style=format!("border-top-color:{}", column.colour)>
                <h2 id=heading_id>{column.name.clone()}</h2>
                <p class="muted column-totals">{header}</p>
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
                    let w = window();
                    format!("height:{}px;padding-top:{}px", w.height_px, w.padding_px)
                }>
                    <For each=in_view key=move |r| CardKey::of(r, state.detailed.get_untracked()) let:row>
                        <Card state=state row=row/>
                    </For>
                </ul>
            </div>
        </section>
    }
}
