//! The Attachments tab (LO-6, DM-8): typed files on a lead, opportunity, company or contact.
//! A picked file is kept on this device (IndexedDB) and its attachment record queued at once, so
//! it works offline; the file uploads after the record has synced. Files above the limit are
//! refused next to the field, before anything is stored.

use crate::components::icons::{self, Icon};
use crate::components::linked::{linked_to, may_create};
use crate::i18n::{Strings, use_i18n};
use crate::state::{Connection, Store};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use veld_domain::records::{ATTACHMENT_LIMIT, ATTACHMENT_TYPES, size_text, text};
use veld_domain::schema::names;
use veld_domain::sync::RecordState;
use veld_domain::{Action, RecordKind};

pub fn attachment_type_label(t: &Strings, code: &str) -> &'static str {
    match code {
        "quote" => t.attachment.quote,
        "brochure" => t.attachment.brochure,
        "contract" => t.attachment.contract,
        "presentation" => t.attachment.presentation,
        _ => t.attachment.other,
    }
}

#[component]
pub fn AttachmentsTab(
    /// The link field on the attachment: `lead_id`, `opportunity_id`, `company_id` or `contact_id`.
    field: &'static str,
    id: uuid::Uuid,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let attachments = Memo::new(move |_| linked_to(&store, RecordKind::Attachment, field, id));
    let type_code = RwSignal::new("quote".to_owned());
    let error = RwSignal::new(None::<String>);
    let input = NodeRef::<leptos::html::Input>::new();
    // The picked file's name and size, shown in the picker.
    let chosen = RwSignal::new(None::<String>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let t = crate::i18n::strings(store.language.get_untracked());
        let Some(el) = input.get_untracked() else { return };
        let Some(file) = el.files().and_then(|f| f.get(0)) else {
            error.set(Some(t.err.choose_file.to_owned()));
            return;
        };
        let size = file.size() as u64;
        if size > ATTACHMENT_LIMIT {
            // Refused: the picker is emptied for another choice; the message says why.
            el.set_value("");
            chosen.set(None);
            error.set(Some((t.err.file_too_large)(&size_text(size), &size_text(ATTACHMENT_LIMIT))));
            return;
        }
        error.set(None);
        let attachment = uuid::Uuid::now_v7();
        let mut fields = serde_json::Map::new();
        fields.insert(names::NAME.to_owned(), json!(file.name()));
        fields.insert(names::TYPE.to_owned(), json!(type_code.get_untracked()));
        fields.insert(names::SIZE.to_owned(), json!(size));
        fields.insert(names::CONTENT_TYPE.to_owned(), json!(file.type_()));
        fields.insert(field.to_owned(), json!(id.to_string()));
        el.set_value("");
        chosen.set(None);
        spawn_local(async move {
            if let Err(e) = store.attach_file(attachment, &file, fields).await {
                error.set(Some(e.text(t)));
            }
        });
    };
    view! {
        <section class="pending-section linked-tab" aria-labelledby="attachments-heading">
            <h2 id="attachments-heading">{move || t().attachment.attachments}</h2>
            <Show when=move || attachments.with(Vec::is_empty)>
                <p class="muted">{move || t().attachment.no_attachments}</p>
            </Show>
            <ul class="change-list attachments">
                <For each=move || attachments.get() key=|r| (r.id, r.version) let:r>
                    <AttachmentItem record=r/>
                </For>
            </ul>
            <Show when=move || may_create(&store, RecordKind::Attachment)>
                <form class="inline-form" on:submit=add novalidate aria-label=move || t().attachment.add_attachment>
                    <div class="field grow">
                        <label for="new-attachment-file">{move || t().attachment.file}</label>
                        // The browser's own picker, invisible over a drop zone that says what
                        // was picked (clicking or dropping on the zone reaches the input).
                        <div class="file-pick" class:picked=move || chosen.with(Option::is_some)>
                            <Icon d=icons::PAPERCLIP/>
                            <span class="file-pick-text">{move || chosen.get().unwrap_or_else(|| (t().attachment.pick_file)(&size_text(ATTACHMENT_LIMIT)))}</span>
                            <input id="new-attachment-file" type="file" node_ref=input
                                aria-invalid=move || error.get().is_some().to_string() aria-describedby="new-attachment-error"
                                on:change=move |ev| {
                                    error.set(None);
                                    let el = event_target::<web_sys::HtmlInputElement>(&ev);
                                    let file = el.files().and_then(|f| f.get(0));
                                    chosen.set(file.map(|f| format!("{} · {}", f.name(), size_text(f.size() as u64))));
                                }/>
                        </div>
                    </div>
                    <div class="field">
                        <label for="new-attachment-type">{move || t().attachment.file_type}</label>
                        <select id="new-attachment-type" on:change=move |ev| type_code.set(event_target_value(&ev))>
                            {move || ATTACHMENT_TYPES.map(|c| view! { <option value=c selected=type_code.get() == c>{attachment_type_label(t(), c)}</option> }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class="button">{move || t().attachment.add_attachment}</button>
                    <p class="field-error" id="new-attachment-error" role="alert">{move || error.get()}</p>
                </form>
            </Show>
        </section>
    }
}

/// One attachment: download (from this device when the file is here), its type, size and upload
/// state, and delete with a confirmation.
#[component]
fn AttachmentItem(record: RecordState) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let id = record.id;
    let v = record.values();
    let name = text(&v, names::NAME).unwrap_or("attachment").to_owned();
    let type_code = text(&v, names::TYPE).unwrap_or("other").to_owned();
    let size = v.get(names::SIZE).and_then(serde_json::Value::as_u64).unwrap_or_default();
    let confirming = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let here = move || store.files.with(|f| f.here.contains(&id));
    let waiting = move || store.files.with(|f| f.waiting.contains(&id));
    let refused = move || store.files.with(|f| f.refused.get(&id).cloned());
    let online = move || store.connection.get() == Connection::Online;
    let may_delete = {
        let record = record.clone();
        move || store.may(Action::Delete, &record)
    };
    let download_local = {
        let name = name.clone();
        move |_| {
            let name = name.clone();
            spawn_local(async move {
                if let Some(blob) = store.local_file(id).await {
                    crate::components::ui::save_blob(&blob, &name);
                }
            });
        }
    };
    let delete = move |_| {
        let t = crate::i18n::strings(store.language.get_untracked());
        spawn_local(async move {
            if let Err(e) = store.delete_attachment(id).await {
                error.set(Some(e.text(t)));
            }
        });
    };
    let name_link = {
        let name = name.clone();
        move || {
            let t = t();
            let label = format!("{} {name}", t.attachment.download);
            if here() {
                view! { <button type="button" class="link-button" aria-label=label on:click=download_local.clone()>{name.clone()}</button> }.into_any()
            } else if online() {
                view! { <a href=format!("/api/attachments/{id}/file") download=name.clone() aria-label=label>{name.clone()}</a> }.into_any()
            } else {
                view! { <span>{name.clone()}<span class="muted">{format!(" · {}", t.attachment.file_online_only)}</span></span> }
                    .into_any()
            }
        }
    };
    let confirm_text = StoredValue::new(name.clone());
    let confirm_text = move || confirm_text.with_value(|name| (t().record.confirm_delete_one)(name));
    view! {
        <li class="card attachment">
            <div class="attachment-main">
                <strong>{name_link}</strong>
                <span class="muted">{move || format!(" · {} · {}", attachment_type_label(t(), &type_code), size_text(size))}</span>
                <Show when=waiting>
                    <span class="badge">{move || t().attachment.upload_waiting}</span>
                </Show>
                {move || refused().map(|reason| view! { <p class="field-error">{format!("{} {reason}", t().attachment.upload_refused)}</p> })}
            </div>
            <Show when=may_delete>
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="button subtle" on:click=move |_| confirming.set(true)>{move || t().common.delete}</button>
                }>
                    <span class="confirm-inline" role="group" aria-label=confirm_text>
                        <span>{confirm_text}</span>
                        <button type="button" class="button danger" on:click=delete>{move || t().common.delete}</button>
                        <button type="button" class="button" on:click=move |_| confirming.set(false)>{move || t().common.keep}</button>
                    </span>
                </Show>
            </Show>
            <p class="field-error" role="alert">{move || error.get()}</p>
        </li>
    }
}
