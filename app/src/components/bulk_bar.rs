//! The overview's bulk bar (LO-1): change stage or priority of the checked rows, or delete
//! them after a confirmation. Each is an ordinary change per record, checked by the same rules
//! as an edit, so it works offline.

use crate::i18n::use_i18n;
use crate::state::Store;
use crate::sync::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use veld_domain::config::Table;
use veld_domain::sync::Op;
use veld_domain::{Action, Actor, Ownership, RecordKind};

/// Actions on the checked rows: change stage, change priority, delete (with a confirmation that
/// says what goes with it). Each is an ordinary change per record, so it works offline.
#[component]
pub fn BulkBar(kind: RecordKind, checked: RwSignal<std::collections::BTreeSet<uuid::Uuid>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let stage = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let confirm = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let count = move || checked.with(|c| c.len());
    let actor = move || {
        store.me.with_untracked(|m| {
            m.as_ref().map(|m| Actor { user: m.user.id, office: m.office.id, permissions: m.permissions.clone() })
        })
    };
    // Applies `fields` to every checked record the user may edit and whose rules allow it.
    let apply = move |fields: BTreeMap<String, serde_json::Value>| {
        let Some(actor) = actor() else { return };
        let ids: Vec<uuid::Uuid> = checked.get_untracked().into_iter().collect();
        let t = crate::i18n::strings(store.language.get_untracked());
        spawn_local(async move {
            let (mut done, mut skipped) = (0, 0);
            for id in ids {
                let Some(r) = store.visible_one(kind, id) else { continue };
                let before = r.values();
                let mut after = before.clone();
                after.extend(fields.clone());
                let changed: Vec<String> = fields.keys().cloned().collect();
                let known = store.known_for(kind, &after);
                let ok = actor.may(Action::Edit, kind, Ownership { owner: r.owner_id, office: r.office_id })
                    && veld_domain::records::validate(kind, id, Some(&before), &after, &changed, &known).is_ok();
                if !ok {
                    skipped += 1;
                    continue;
                }
                if engine::record_change(store, kind, id, Op::Update, fields.clone()).await.is_ok() {
                    done += 1;
                }
            }
            notice.set(Some((t.bulk_done)(done, skipped)));
        });
    };
    let delete = move || {
        let Some(actor) = actor() else { return };
        let ids: Vec<uuid::Uuid> = checked.get_untracked().into_iter().collect();
        let t = crate::i18n::strings(store.language.get_untracked());
        confirm.set(false);
        spawn_local(async move {
            let (mut done, mut skipped) = (0, 0);
            for id in ids {
                let Some(r) = store.visible_one(kind, id) else { continue };
                if !actor.may(Action::Delete, kind, Ownership { owner: r.owner_id, office: r.office_id }) {
                    skipped += 1;
                    continue;
                }
                if engine::record_change(store, kind, id, Op::Delete, BTreeMap::new()).await.is_ok() {
                    done += 1;
                }
            }
            checked.set(Default::default());
            notice.set(Some((t.bulk_deleted)(done, skipped)));
        });
    };
    let stage_options = move || {
        let lang = store.language.get().code();
        store
            .config
            .get()
            .stages(kind)
            .active()
            .map(|s| view! { <option value=s.code.clone()>{s.name.get(lang).to_owned()}</option> })
            .collect_view()
    };
    let priority_options = move || {
        let lang = store.language.get().code();
        store
            .config
            .get()
            .tables
            .entries(kind, Table::Priority)
            .into_iter()
            .map(|e| view! { <option value=e.code.clone()>{e.label.get(lang).to_owned()}</option> })
            .collect_view()
    };
    view! {
        <Show when=move || { count() > 0 || notice.with(Option::is_some) }>
            <div class="bulk-bar" role="group" aria-label=move || t().bulk_actions>
                <Show when=move || { count() > 0 }>
                    <strong>{move || (t().selected_count)(count())}</strong>
                    <label class="field inline">
                        <span>{move || t().bulk_stage}</span>
                        <select prop:value=move || stage.get() on:change=move |ev| stage.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {stage_options}
                        </select>
                    </label>
                    <button type="button" class="button" disabled=move || stage.with(String::is_empty)
                        on:click=move |_| apply([("stage".to_owned(), serde_json::json!(stage.get_untracked()))].into())>
                        {move || t().apply}
                    </button>
                    <label class="field inline">
                        <span>{move || t().bulk_priority}</span>
                        <select prop:value=move || priority.get() on:change=move |ev| priority.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {priority_options}
                        </select>
                    </label>
                    <button type="button" class="button" disabled=move || priority.with(String::is_empty)
                        on:click=move |_| apply([("priority".to_owned(), serde_json::json!(priority.get_untracked()))].into())>
                        {move || t().apply}
                    </button>
                    <button type="button" class="button danger" on:click=move |_| confirm.set(true)>{move || t().delete}</button>
                </Show>
                <p class="form-notice" role="status">{move || notice.get()}</p>
            </div>
        </Show>
        <Show when=move || confirm.get()>
            <div class="confirm card" role="alertdialog" aria-labelledby="confirm-delete-text">
                <p id="confirm-delete-text">{move || (t().confirm_delete)(count())}</p>
                <div class="form-actions">
                    <button type="button" class="button danger" on:click=move |_| delete()>{move || t().delete}</button>
                    <button type="button" class="button" on:click=move |_| confirm.set(false)>{move || t().cancel}</button>
                </div>
            </div>
        </Show>
    }
}
