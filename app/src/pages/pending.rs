//! Pending changes: what this device has not sent yet, and what the server refused (with its
//! reason), so no edit disappears without the user knowing (SPEC OF-2, OF-3).

use crate::components::conflicts::{ConflictList, ConflictSource};
use crate::components::history::{name_of_field, value_label};
use crate::components::page::Page;
use crate::i18n::{Strings, invalid_text, kind_label, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use veld_domain::schema::names;
use veld_domain::sync::{Mutation, Op, RejectCode, Rejected};

/// The refusal in the user's language: for a broken rule, which one.
fn reject_text(t: &Strings, refused: &Rejected) -> String {
    if let Some(invalid) = &refused.invalid {
        return format!("{} {}", t.reject.invalid, invalid_text(t, invalid));
    }
    match refused.code {
        RejectCode::NotAllowed => t.reject.not_allowed,
        RejectCode::DeletedElsewhere => t.reject.deleted_elsewhere,
        RejectCode::NotFound => t.reject.not_found,
        RejectCode::AlreadyExists => t.reject.already_exists,
        RejectCode::Malformed => t.reject.malformed,
        RejectCode::Invalid => t.reject.invalid,
    }
    .to_owned()
}

/// A change's fields as the user knows them: "Stage: Contacted, Groups: Fleet".
fn describe_fields(store: &Store, m: &Mutation) -> String {
    m.fields
        .iter()
        .map(|(k, v)| format!("{}: {}", name_of_field(store, m.kind, k), value_label(store, m.kind, k, v)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn PendingPage() -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    // The title this change gives the record, else the one the server has.
    let title_of = move |m: &Mutation| {
        let given = m.fields.get(names::TITLE).and_then(|v| v.as_str()).map(str::to_owned);
        given
            .or_else(|| {
                store.records.with(|r| {
                    r.get(&m.record_id)
                        .and_then(|r| r.fields.get(names::TITLE))
                        .and_then(|f| f.value.as_str().map(str::to_owned))
                })
            })
            .unwrap_or_else(|| m.record_id.to_string())
    };
    let op_label = move |op: Op| match op {
        Op::Create => t().pending.op_create,
        Op::Update => t().pending.op_update,
        Op::Delete => t().pending.op_delete,
    };
    view! {
        <Page title=Signal::derive(move || t().pending.title) intro=Signal::derive(move || t().pending.intro)>
            <section class="pending-section" aria-labelledby="unsent-heading">
                <h2 id="unsent-heading">{move || (t().pending.unsent)(store.outbox.with(Vec::len))}</h2>
                <Show when=move || store.outbox.with(|o| !o.is_empty()) fallback=move || view! { <p class="muted">{move || t().pending.none}</p> }>
                    <ul class="change-list">
                        <For each=move || store.outbox.get() key=|m| m.id let:m>
                            <li class="card">
                                <strong>{op_label(m.op)}" · "{move || kind_label(t(), m.kind)}" · "{title_of(&m)}</strong>
                                <span class="muted">{describe_fields(&store, &m)}</span>
                            </li>
                        </For>
                    </ul>
                    <button type="button" class="button primary" on:click=move |_| store.sync_now()>
                        {move || t().pending.sync_now}
                    </button>
                </Show>
            </section>
            <section class="pending-section" aria-labelledby="rejected-heading">
                <h2 id="rejected-heading">{move || (t().pending.rejected)(store.rejected.with(Vec::len))}</h2>
                <Show when=move || store.rejected.with(|r| !r.is_empty()) fallback=move || view! { <p class="muted">{move || t().pending.none}</p> }>
                    <ul class="change-list">
                        <For each=move || store.rejected.get() key=|r| r.mutation.id let:r>
                            <li class="card rejected">
                                <strong>{op_label(r.mutation.op)}" · "{move || kind_label(t(), r.mutation.kind)}" · "{title_of(&r.mutation)}</strong>
                                <span class="muted">{describe_fields(&store, &r.mutation)}</span>
                                <span class="reason" title=r.reason.clone()>{
                                    let refused = r.clone();
                                    move || reject_text(t(), &refused)
                                }</span>
                                <button
                                    type="button"
                                    class="button"
                                    aria-label={
                                        let title = title_of(&r.mutation);
                                        move || format!("{} – {title}", t().common.discard)
                                    }
                                    on:click=move |_| {
                                        let id = r.mutation.id;
                                        spawn_local(async move {
                                            let _ = store.discard_rejected(id).await;
                                        });
                                    }
                                >
                                    {move || t().common.discard}
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
