//! A card of the board: the deal's headline (and, detailed, its company, value, owner and next
//! activity), draggable, with "Move to…" for keyboards and small screens.

use super::model::headline;
use super::{BoardState, Moving};
use crate::components::icons::{self, Icon};
use crate::format::money;
use crate::overview::base;
use crate::overview::model::Row;
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;

#[component]
pub fn Card(state: BoardState, row: Arc<Row>) -> impl IntoView {
    let store = state.store;
    let lang = store.language.get_untracked();
    let t = crate::i18n::strings(lang);
    let detailed = state.detailed.get_untracked();
    let extra = state.extras.of(&row, lang);
    let (id, title, from) = (row.id, row.title.clone(), row.stage_code.clone());
    let value = row.value.map(|v| money(v, lang)).unwrap_or_default();
    let (move_label, href, head) =
        ((t.board.move_label)(&row.title), format!("{}/{id}", base(state.kind)), headline(&row, detailed));
    let lifted = move || state.drag.with(|d| d.as_ref().is_some_and(|d| d.id == id && d.lifted));
    let moving = Moving { id, title: title.clone(), from: from.clone() };
    let colour = if extra.colour.is_empty() { "var(--border)".to_owned() } else { extra.colour.clone() };
    let details = detailed.then(|| {
        let owner = match (extra.owner.is_empty(), value.is_empty()) {
            (true, _) => String::new(),
            (false, true) => extra.owner.clone(),
            (false, false) => format!(" · {}", extra.owner),
        };
        let next = extra.next_activity.clone().map(|n| format!("{} {n}", t.board.next)).unwrap_or_default();
        view! {
            <span class="card-line muted">{row.company.clone()}</span>
            <span class="card-line"><strong>{value.clone()}</strong>{owner}</span>
            <span class="card-line muted">{next}</span>
        }
    });
    view! {
        <li
            class="board-card"
            class:lifted=lifted
            style=format!("border-left-color:{colour}")
            data-id=id.to_string()
            on:pointerdown=move |ev| state.pointer_down(ev, id, title.clone(), from.clone())
            on:pointermove=move |ev| state.pointer_move(ev)
            on:pointerup=move |ev| state.pointer_up(ev)
            on:pointercancel=move |_| state.drag.set(None)
        >
            <A href=href attr:class="card-title" attr:draggable="false" on:click=move |ev| {
                if state.dragged.get_value() {
                    ev.prevent_default();
                    state.dragged.set_value(false);
                }
            }>{head}</A>
            {details}
            <button type="button" class="move-button" aria-label=move_label.clone() title=move_label aria-haspopup="dialog"
                on:click=move |_| state.moving.set(Some(moving.clone()))><Icon d=icons::MORE/></button>
        </li>
    }
}
