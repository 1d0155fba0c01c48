//! Pending changes: what this device has not sent yet, and what the server refused (with its
//! reason), so no edit disappears without the user knowing (SPEC OF-2, OF-3).

use crate::components::conflicts::{ConflictList, ConflictSource};
use crate::components::page::Page;
use crate::format::humanize;
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use crate::sync::engine;
use leptos::prelude::*;
use leptos::task::spawn_local;
use veld_domain::sync::{Mutation, Op, RejectCode};

/// The refusal in the user's language.
fn reject_text(t: &Strings, code: RejectCode) -> &'static str {
    match code {
        RejectCode::NotAllowed => t.reject_not_allowed,
        RejectCode::DeletedElsewhere => t.reject_deleted_elsewhere,
        RejectCode::NotFound => t.reject_not_found,
        RejectCode::AlreadyExists => t.reject_already_exists,
        RejectCode::Malformed => t.reject_malformed,
        RejectCode::Invalid => t.reject_invalid,
    }
}

/// "title: New name, stage: Won" — what a mutation changes, readable.
fn describe_fields(m: &Mutation) -> String {
    m.fields
        .iter()
        .map(|(k, v)| format!("{}: {}", humanize(k), v.as_str().map_or_else(|| v.to_string(), str::to_owned)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn PendingPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // The title this change gives the record, else the one the server has.
    let title_of = move |m: &Mutation| {
        let given = m.fields.get("title").and_then(|v| v.as_str()).map(str::to_owned);
        given
            .or_else(|| {
                store.records.with(|r| {
                    r.get(&m.record_id)
                        .and_then(|r| r.fields.get("title"))
                        .and_then(|f| f.value.as_str().map(str::to_owned))
                })
            })
            .unwrap_or_else(|| m.record_id.to_string())
    };
    let op_label = move |op: Op| match op {
        Op::Create => t().op_create,
        Op::Update => t().op_update,
        Op::Delete => t().op_delete,
    };
    view! {
        <Page title=Signal::derive(move || t().pending_title) intro=Signal::derive(move || t().pending_intro)>
            <section class="pending-section" aria-labelledby="unsent-heading">
                <h2 id="unsent-heading">{move || (t().pending_unsent)(store.outbox.with(Vec::len))}</h2>
                <Show when=move || store.outbox.with(|o| !o.is_empty()) fallback=move || view! { <p class="muted">{move || t().pending_none}</p> }>
                    <ul class="change-list">
                        <For each=move || store.outbox.get() key=|m| m.id let:m>
                            <li class="card">
                                <strong>{op_label(m.op)}" · "{humanize(m.kind.as_str())}" · "{title_of(&m)}</strong>
                                <span class="muted">{describe_fields(&m)}</span>
                            </li>
                        </For>
                    </ul>
                    <button type="button" class="button primary" on:click=move |_| engine::sync_now(store)>
                        {move || t().sync_now}
                    </button>
                </Show>
            </section>
            <section class="pending-section" aria-labelledby="rejected-heading">
                <h2 id="rejected-heading">{move || (t().pending_rejected)(store.rejected.with(Vec::len))}</h2>
                <Show when=move || store.rejected.with(|r| !r.is_empty()) fallback=move || view! { <p class="muted">{move || t().pending_none}</p> }>
                    <ul class="change-list">
                        <For each=move || store.rejected.get() key=|r| r.mutation.id let:r>
                            <li class="card rejected">
                                <strong>{op_label(r.mutation.op)}" · "{humanize(r.mutation.kind.as_str())}" · "{title_of(&r.mutation)}</strong>
                                <span class="muted">{describe_fields(&r.mutation)}</span>
                                <span class="reason" title=r.reason.clone()>{move || reject_text(t(), r.code)}</span>
                                <button
                                    type="button"
                                    class="button"
                                    aria-label={
                                        let title = title_of(&r.mutation);
                                        move || format!("{} – {title}", t().discard)
                                    }
                                    on:click=move |_| {
                                        let id = r.mutation.id;
                                        spawn_local(async move {
                                            let _ = engine::discard_rejected(store, id).await;
                                        });
                                    }
                                >
                                    {move || t().discard}
                                </button>
                            </li>
                        </For>
                    </ul>
                </Show>
            </section>
            <ConflictList source=ConflictSource::Mine heading_id="conflicts-heading"/>
        </Page>
    }
}
