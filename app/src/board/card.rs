//! A card of the board: the deal's title, its number and company, its value, days in the
//! stage, whether its next activity is overdue, and its owner's avatar (detailed: the next
//! activity itself); draggable, with "Move to…" (the ⋯ button) for keyboards and phones.

use super::model::{days_since, subline};
use super::{BoardState, Moving};
use crate::components::icons::{self, Icon};
use crate::components::ui::Avatar;
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
    let extra = state.extras.of(&row);
    let (id, title, from) = (row.id, row.title.clone(), row.stage_code.clone());
    let value = row.value.map(|v| money(v, lang)).unwrap_or_default();
    let (move_label, href) = ((t.board.move_label)(&row.title), format!("{}/{id}", base(state.kind)));
    let lifted = move || state.drag.with(|d| d.as_ref().is_some_and(|d| d.id == id && d.lifted));
    let moving = Moving { id, title: title.clone(), from: from.clone() };
    let colour = if extra.colour.is_empty() { "var(--border)".to_owned() } else { extra.colour.clone() };
    let (shown, sub) = (row.title.clone(), subline(&row));
    let today = veld_domain::Date::from_ms(js_sys::Date::now() as i64);
    // (Moved or made today: nothing to count yet.)
    let days = days_since(row.stage_since_ms, today).filter(|d| *d > 0).map(|d| {
        let long = (t.board.days_in_stage)(d);
        view! { <span class="card-days" title=long.clone()><span aria-hidden="true">{(t.board.days_short)(d)}</span><span class="visually-hidden">{long.clone()}</span></span> }
    });
    let overdue = extra.next_activity.as_ref().and_then(|(due, _)| *due).is_some_and(|due| due < today);
    let marker = overdue.then(|| view! { <span class="card-overdue">{t.board.overdue}</span> });
    let owner = (!extra.owner.is_empty()).then(|| view! { <Avatar name=extra.owner.clone() label=t.col.owner/> });
    let next = detailed.then(|| {
        let text = extra.next_activity.clone().map(|(due, subject)| match due {
            Some(d) => format!("{} {subject} · {}", t.board.next, d.format(lang)),
            None => format!("{} {subject}", t.board.next),
        });
        view! { <span class="card-line muted" class:overdue=overdue>{text}</span> }
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
            }>{shown}</A>
            <span class="card-line muted">{sub}</span>
            <span class="card-meta">
                <strong class="card-value">{value}</strong>
                {days}
                {marker}
                <span class="card-owner">{owner}</span>
            </span>
            {next}
            <button type="button" class="move-button" aria-label=move_label.clone() title=move_label aria-haspopup="dialog"
                on:click=move |_| state.moving.set(Some(moving.clone()))><Icon d=icons::MORE/></button>
        </li>
    }
}
