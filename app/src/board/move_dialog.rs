//! "Move to…": the stages a card may move to, for keyboards and small screens. Only what the
//! edit path would accept is offered (none for a colleague's record the user may only view).

use super::{BoardState, Moving};
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn MoveDialog(state: BoardState, moving: Moving) -> impl IntoView {
    let t = use_i18n();
    let store = state.store;
    let lang = store.language.get_untracked().code();
    let Moving { id, title, from } = moving;
    let choices: Vec<(String, String)> = store.config.with_untracked(|c| {
        c.stages(state.kind)
            .choices(Some(from.as_str()))
            .into_iter()
            .filter(|s| s.code != from && state.check_move(id, &s.code).is_ok())
            .map(|s| (s.code.clone(), s.name.get(lang).to_owned()))
            .collect()
    });
    let none = choices.is_empty().then(|| view! { <p>{move || t().record.read_only}</p> });
    let record_title = title.clone();
    let label = move || (t().board.move_label)(&title);
    let aria = label.clone();
    let first = NodeRef::<leptos::html::Button>::new();
    // Focus goes to the first choice, so a keyboard user carries on from there.
    Effect::new(move |_| {
        if let Some(b) = first.get() {
            let _ = b.focus();
        }
    });
    // Closed (moved or not): the focus returns to the card's ⋯ button, wherever the card is now.
    let back_to_card = move || {
        request_animation_frame(move || {
            let selector = format!(".board-card[data-id='{id}'] .move-button");
            if let Some(e) = document().query_selector(&selector).ok().flatten() {
                use wasm_bindgen::JsCast;
                let _ = e.unchecked_into::<web_sys::HtmlElement>().focus();
            }
        })
    };
    let buttons = choices
        .into_iter()
        .enumerate()
        .map(|(i, (code, name))| {
            let title = record_title.clone();
            let node = if i == 0 { first } else { NodeRef::new() };
            view! {
                <li><button type="button" class="button" node_ref=node on:click=move |_| {
                    state.moving.set(None);
                    state.move_card(id, &title, &code);
                    back_to_card();
                }>{name}</button></li>
            }
        })
        .collect_view();
    view! {
        <div class="dialog-backdrop" aria-hidden="true" on:click=move |_| {
            state.moving.set(None);
            back_to_card();
        }></div>
        <div class="move-dialog card" role="dialog" aria-modal="true" aria-label=aria on:keydown=move |ev| {
            if ev.key() == "Escape" {
                state.moving.set(None);
                back_to_card();
            }
        }>
            <p><strong>{label}</strong></p>
            {none}
            <ul>{buttons}</ul>
            <button type="button" class="button subtle" on:click=move |_| {
                state.moving.set(None);
                back_to_card();
            }>{move || t().common.cancel}</button>
        </div>
    }
}
