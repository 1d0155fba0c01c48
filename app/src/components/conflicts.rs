//! Conflicting edits (SPEC OF-3): values that lost to a later concurrent edit, as the server
//! logged them. Shown in a record's history and, for the user's own edits, on the Pending
//! changes page. Read from the server (the log is not kept on the device); re-read after each
//! sync, so a conflict appears as soon as the sync that caused it completes.

use crate::components::history::shown;
use crate::format::humanize;
use crate::i18n::use_i18n;
use crate::state::Store;
use crate::sync::api::{self, ApiFailure};
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::api::{ConflictView, ErrorCode};

/// Whose conflicts to show.
#[derive(Clone, Copy, PartialEq)]
pub enum ConflictSource {
    Record(RecordKind, uuid::Uuid),
    Mine,
}

#[component]
pub fn ConflictList(source: ConflictSource, heading_id: &'static str) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // Re-read after every sync round that moved the cursor (not on every local edit, which
    // changes the rest of the sync metadata).
    let cursor = Memo::new(move |_| store.sync_meta.with(|m| m.as_ref().map(|m| m.cursor)));
    let log = LocalResource::new(move || {
        cursor.track();
        async move {
            let result = match source {
                ConflictSource::Record(kind, id) => api::record_conflicts(kind, id).await,
                ConflictSource::Mine => api::my_conflicts().await,
            };
            store.observe(&result);
            result
        }
    });
    let title = move || match source {
        ConflictSource::Record(..) => t().history_title,
        ConflictSource::Mine => t().pending_conflicts,
    };
    let body = move || {
        let t = t();
        match log.get() {
            None => view! { <p class="muted">{t.loading}</p> }.into_any(),
            Some(Err(ApiFailure::Network)) => view! { <p class="muted">{t.conflicts_offline}</p> }.into_any(),
            // Not on the server yet (created on this device, unsent): nothing can conflict.
            Some(Err(ApiFailure::Server(body))) if body.error == ErrorCode::NotFound => {
                view! { <p class="muted">{t.conflicts_none}</p> }.into_any()
            }
            Some(Err(ApiFailure::Server(body))) => view! { <p class="notice">{body.message}</p> }.into_any(),
            Some(Ok(list)) if list.is_empty() => view! { <p class="muted">{t.conflicts_none}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <ul class="change-list">
                    {list.into_iter().map(|c: ConflictView| {
                        let when = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(c.at_ms as f64))
                            .to_locale_string(store.language.get_untracked().code(), &wasm_bindgen::JsValue::UNDEFINED);
                        let line = (t.conflict_line)(
                            &humanize(&c.field),
                            &shown(&c.lost_value),
                            c.lost_by.as_deref().unwrap_or(t.someone),
                            &shown(&c.kept_value),
                            c.kept_by.as_deref().unwrap_or(t.someone),
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
            .into_any(),
        }
    };
    view! {
        <section class="pending-section conflicts" aria-labelledby=heading_id>
            <h2 id=heading_id>{title}</h2>
            {body}
        </section>
    }
}
