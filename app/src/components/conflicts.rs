//! Conflicting edits (SPEC OF-3): values that lost to a later concurrent edit, as the server
//! logged them. Shown in a record's history and, for the user's own edits, on the Pending
//! changes page. Read from the server (the log is not kept on the device); re-read after each
//! sync, so a conflict appears as soon as the sync that caused it completes.

use crate::components::history::value_label;
use crate::components::online::{OnlineTexts, online_list};
use crate::i18n::field_label;
use crate::i18n::use_i18n;
pub use crate::state::ConflictSource;
use crate::state::{Store, prefs};
use leptos::prelude::*;
use veld_domain::api::ConflictView;

/// When the user last cleared their list of overwritten edits (the newest one's `at_ms`).
const CLEARED_KEY: &str = "veld.conflicts.cleared.v1";

/// Not on the server yet (created on this device, unsent): nothing can conflict.
const TEXTS: OnlineTexts = OnlineTexts {
    offline: |t| t.pending.conflicts_offline,
    not_found: |t| t.pending.conflicts_none,
    empty: |t| t.pending.conflicts_none,
};

#[component]
pub fn ConflictList(source: ConflictSource, heading_id: &'static str) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // Re-read after every sync round that moved the cursor (not on every local edit, which
    // changes the rest of the sync metadata).
    let cursor = Memo::new(move |_| store.sync_meta.with(|m| m.as_ref().map(|m| m.cursor)));
    let log = LocalResource::new(move || {
        cursor.track();
        async move { store.conflicts(source).await }
    });
    let title = move || match source {
        ConflictSource::Record(..) => t().history.title,
        ConflictSource::Mine => t().pending.conflicts,
    };
    // The user's own list can be cleared: it then shows only what came after (on this device).
    let cleared = RwSignal::new(match source {
        ConflictSource::Mine => prefs::load::<i64>(CLEARED_KEY).unwrap_or(0),
        ConflictSource::Record(..) => 0,
    });
    let shown_list = move || {
        log.get().map(|result| {
            result.map(|list| {
                let after = cleared.get();
                list.into_iter()
                    .filter(|c| c.at_ms > after)
                    .map(|c| {
                        let lost = value_label(&store, c.kind, &c.field, &c.lost_value);
                        let kept = value_label(&store, c.kind, &c.field, &c.kept_value);
                        (c, lost, kept)
                    })
                    // The same value on both sides (an empty text and nothing) is no conflict.
                    .filter(|(_, lost, kept)| lost != kept)
                    .collect::<Vec<_>>()
            })
        })
    };
    let clear = move |_| {
        let newest =
            log.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).and_then(|list| list.iter().map(|c| c.at_ms).max()));
        if let Some(newest) = newest {
            prefs::save(CLEARED_KEY, &newest);
            cleared.set(newest);
        }
    };
    let body = move || {
        let t = t();
        online_list(t, shown_list(), &TEXTS, |list| {
            view! {
                {(source == ConflictSource::Mine).then(|| view! {
                    <button type="button" class="button subtle" on:click=clear>{t.pending.conflicts_clear}</button>
                })}
                <ul class="change-list">
                    {list.into_iter().map(|(c, lost, kept): (ConflictView, String, String)| {
                        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(c.at_ms as f64))
                            .to_locale_string(store.language.get_untracked().code(), &wasm_bindgen::JsValue::UNDEFINED);
                        let line = (t.pending.conflict_line)(
                            &field_label(t, &c.field),
                            &lost,
                            c.lost_by.as_deref().unwrap_or(t.pending.someone),
                            &kept,
                            c.kept_by.as_deref().unwrap_or(t.pending.someone),
                        );
                        let record = match source {
                            ConflictSource::Mine => c.record_title.clone(),
                            ConflictSource::Record(..) => None,
                        };
                        view! {
                            <li class="card conflict">
                                {record.map(|r| view! { <strong>{r}</strong> })}
                                <span>{line}</span>
                                <span class="muted">{String::from(when)}</span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any()
        })
    };
    view! {
        <section class="pending-section conflicts" aria-labelledby=heading_id>
            <h2 id=heading_id>{title}</h2>
            {body}
        </section>
    }
}
