//! The overview's bulk bar (LO-1): change stage, priority or owner of the checked rows, add them
//! to or remove them from a group, or delete them after a confirmation. Each is an ordinary change per record, checked by the same rules
//! as an edit, so it works offline.

use crate::i18n::use_i18n;
use crate::state::{EditError, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use veld_domain::RecordKind;
use veld_domain::config::Table;
use veld_domain::edit::Edit;

/// What a bulk action sets on one record, given its values (none: nothing to do there).
type Change = std::sync::Arc<
    dyn Fn(&serde_json::Map<String, serde_json::Value>) -> Option<BTreeMap<String, serde_json::Value>> + Send + Sync,
>;

/// Applies `edits` one by one (`None`: nothing to do for that record, counted as done) and
/// says how many were made and how many the edit path refused.
async fn bulk(
    store: Store,
    edits: impl Iterator<Item = Option<Edit>>,
    summary: fn(usize, usize) -> String,
    t: &'static crate::i18n::Strings,
) -> String {
    let (mut done, mut skipped) = (0, 0);
    for edit in edits {
        let Some(edit) = edit else {
            done += 1;
            continue;
        };
        match store.apply(edit).await {
            Ok(_) => done += 1,
            Err(EditError::Storage(_)) => return t.err_storage.to_owned(),
            Err(_) => skipped += 1,
        }
    }
    summary(done, skipped)
}

/// Actions on the checked rows: change stage, change priority, delete (with a confirmation that
/// says what goes with it). Each is an ordinary change per record, so it works offline.
#[component]
pub fn BulkBar(kind: RecordKind, checked: RwSignal<std::collections::BTreeSet<uuid::Uuid>>) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let stage = RwSignal::new(String::new());
    let priority = RwSignal::new(String::new());
    let owner = RwSignal::new(String::new());
    let probability = RwSignal::new(String::new());
    let close_date = RwSignal::new(String::new());
    let probability_invalid = move || !probability.with(|p| p.trim().parse::<u8>().is_ok_and(|p| p <= 100));
    let group = RwSignal::new(String::new());
    if store.colleagues.with_untracked(Vec::is_empty) {
        store.refresh_colleagues();
    }
    let confirm = RwSignal::new(false);
    let notice = RwSignal::new(None::<String>);
    let count = move || checked.with(|c| c.len());
    // Applies the change `change` computes from each checked record (none: nothing to do there)
    // through the one edit path: records the user may not edit, or whose rules refuse it, are
    // counted as skipped; a storage failure stops and says so.
    let apply_with = move |change: Change| {
        let ids: Vec<uuid::Uuid> = checked.get_untracked().into_iter().collect();
        let t = crate::i18n::strings(store.language.get_untracked());
        spawn_local(async move {
            let edits = ids.into_iter().filter_map(|id| {
                let r = store.visible_one(kind, id)?;
                Some(change(&r.values()).map(|fields| Edit::update(kind, id, fields.into_iter().collect())))
            });
            notice.set(Some(bulk(store, edits, t.bulk_done, t).await));
        });
    };
    let apply = move |fields: BTreeMap<String, serde_json::Value>| {
        apply_with(std::sync::Arc::new(move |_| Some(fields.clone())))
    };
    // Groups (CF-2's group table) are a list of codes per record.
    let regroup = move |add: bool| {
        let code = group.get_untracked();
        apply_with(std::sync::Arc::new(move |values| {
            let mut groups: Vec<String> =
                values.get("groups").and_then(|g| serde_json::from_value(g.clone()).ok()).unwrap_or_default();
            let has = groups.contains(&code);
            match (add, has) {
                (true, true) | (false, false) => return None,
                (true, false) => groups.push(code.clone()),
                (false, true) => groups.retain(|g| *g != code),
            }
            Some([("groups".to_owned(), serde_json::json!(groups))].into())
        }))
    };
    let delete = move || {
        let ids: Vec<uuid::Uuid> = checked.get_untracked().into_iter().collect();
        let t = crate::i18n::strings(store.language.get_untracked());
        confirm.set(false);
        spawn_local(async move {
            let edits = ids.into_iter().map(|id| Some(Edit::delete(kind, id)));
            notice.set(Some(bulk(store, edits, t.bulk_deleted, t).await));
            checked.set(Default::default());
        });
    };
    let stage_options = move || {
        let lang = store.language.get().code();
        store
            .config
            .get()
            .stages(kind)
            .choices(None)
            .into_iter()
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
    let owner_options = move || {
        store
            .colleagues
            .get()
            .into_iter()
            .map(|c| view! { <option value=c.id.to_string()>{format!("{} ({})", c.name, c.office)}</option> })
            .collect_view()
    };
    let group_options = move || {
        let lang = store.language.get().code();
        store
            .config
            .get()
            .tables
            .entries(kind, Table::Group)
            .into_iter()
            .map(|e| view! { <option value=e.code.clone()>{e.label.get(lang).to_owned()}</option> })
            .collect_view()
    };
    view! {
        <Show when=move || { count() > 0 || notice.with(Option::is_some) }>
            <div class="bulk-bar" role="group" aria-label=move || t().bulk_actions>
                <Show when=move || { count() > 0 }>
                    <strong>{move || (t().selected_count)(count())}</strong>
                    <div class="bulk-action">
                    <div class="field inline">
                        <label for="bulk-stage">{move || t().bulk_stage}</label>
                        <select id="bulk-stage" prop:value=move || stage.get() on:change=move |ev| stage.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {stage_options}
                        </select>
                    </div>
                    <button type="button" class="button" disabled=move || stage.with(String::is_empty)
                        aria-label=move || format!("{} – {}", t().apply, t().bulk_stage)
                        on:click=move |_| apply([("stage".to_owned(), serde_json::json!(stage.get_untracked()))].into())>
                        {move || t().apply}
                    </button>
                    </div>
                    <div class="bulk-action">
                    <div class="field inline">
                        <label for="bulk-priority">{move || t().bulk_priority}</label>
                        <select id="bulk-priority" prop:value=move || priority.get() on:change=move |ev| priority.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {priority_options}
                        </select>
                    </div>
                    <button type="button" class="button" disabled=move || priority.with(String::is_empty)
                        aria-label=move || format!("{} – {}", t().apply, t().bulk_priority)
                        on:click=move |_| apply([("priority".to_owned(), serde_json::json!(priority.get_untracked()))].into())>
                        {move || t().apply}
                    </button>
                    </div>
                    {(kind == RecordKind::Opportunity).then(|| view! {
                        <div class="bulk-action">
                            <div class="field inline">
                                <label for="bulk-probability">{move || t().bulk_probability}</label>
                                <input id="bulk-probability" inputmode="numeric" class="short" prop:value=move || probability.get() on:input=move |ev| probability.set(event_target_value(&ev))/>
                            </div>
                            <button type="button" class="button" disabled=probability_invalid
                                aria-label=move || format!("{} – {}", t().apply, t().bulk_probability)
                                on:click=move |_| {
                                    if let Ok(p) = probability.get_untracked().trim().parse::<u8>() {
                                        apply([("probability".to_owned(), serde_json::json!(p))].into());
                                    }
                                }>
                                {move || t().apply}
                            </button>
                        </div>
                        <div class="bulk-action">
                            <div class="field inline">
                                <label for="bulk-close-date">{move || t().bulk_close_date}</label>
                                <input id="bulk-close-date" type="date" prop:value=move || close_date.get() on:input=move |ev| close_date.set(event_target_value(&ev))/>
                            </div>
                            <button type="button" class="button" disabled=move || close_date.with(String::is_empty)
                                aria-label=move || format!("{} – {}", t().apply, t().bulk_close_date)
                                on:click=move |_| apply([("expected_close_date".to_owned(), serde_json::json!(close_date.get_untracked()))].into())>
                                {move || t().apply}
                            </button>
                        </div>
                    })}
                    <div class="bulk-action">
                    <div class="field inline">
                        <label for="bulk-owner">{move || t().bulk_owner}</label>
                        <select id="bulk-owner" prop:value=move || owner.get() on:change=move |ev| owner.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {owner_options}
                        </select>
                    </div>
                    <button type="button" class="button" disabled=move || owner.with(String::is_empty)
                        aria-label=move || format!("{} – {}", t().apply, t().bulk_owner)
                        on:click=move |_| apply([("owner_id".to_owned(), serde_json::json!(owner.get_untracked()))].into())>
                        {move || t().apply}
                    </button>
                    </div>
                    <div class="bulk-action">
                    <div class="field inline">
                        <label for="bulk-group">{move || t().bulk_group}</label>
                        <select id="bulk-group" prop:value=move || group.get() on:change=move |ev| group.set(event_target_value(&ev))>
                            <option value="">"—"</option>
                            {group_options}
                        </select>
                    </div>
                    <button type="button" class="button" disabled=move || group.with(String::is_empty) on:click=move |_| regroup(true)>
                        {move || t().add_to_group}
                    </button>
                    <button type="button" class="button" disabled=move || group.with(String::is_empty) on:click=move |_| regroup(false)>
                        {move || t().remove_from_group}
                    </button>
                    </div>
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
