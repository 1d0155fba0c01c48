//! A record's history (DM-3): each applied change with who made it (or which automation rule),
//! when, and every field's old and new value; read from the server, so online only.

use crate::components::online::{OnlineTexts, online_list};
use crate::components::picker::name_of;
use crate::i18n::{field_label, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::api::HistoryEntry;

const TEXTS: OnlineTexts =
    OnlineTexts { offline: |t| t.history.offline, not_found: |t| t.history.unsent, empty: |t| t.history.none };
use veld_domain::config::Table;
use veld_domain::records::{contacts_of, display_name};
use veld_domain::schema::{self, FieldType, names};

/// A value as a history line shows it.
pub fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() => "—".into(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Array(items) => items.len().to_string(),
        other => other.to_string(),
    }
}

/// A date and time in the interface language.
pub fn when(ms: i64, lang: &str) -> String {
    js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64))
        .to_locale_string(lang, &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// A stored value as the user knows it, by the field's type in the schema: stage, table and
/// group labels, linked records' names, the owner's name, money and dates in the user's
/// language, yes or no.
pub fn value_label(store: &Store, kind: RecordKind, field: &str, v: &serde_json::Value) -> String {
    let language = store.language.get_untracked();
    let lang = language.code();
    let t = crate::i18n::strings(language);
    let code = v.as_str().unwrap_or_default();
    let Some(ty) = schema::field(kind, field).map(|f| f.ty) else {
        return shown(v);
    };
    let label = match ty {
        FieldType::Stage if !code.is_empty() => {
            store.config.with_untracked(|c| c.stages(kind).get(code).map(|s| s.name.get(lang).to_owned()))
        }
        FieldType::Table(table) if !code.is_empty() => {
            Some(store.config.with_untracked(|c| c.tables.label(kind, table, code, lang).to_owned()))
        }
        FieldType::Link(of) => {
            code.parse().ok().and_then(|id| store.visible_one(of, id)).map(|r| display_name(of, &r.values()))
        }
        FieldType::Owner => {
            store.colleagues.with_untracked(|c| c.iter().find(|c| c.id.to_string() == code).map(|c| c.name.clone()))
        }
        FieldType::Groups => {
            let codes: Vec<String> = serde_json::from_value(v.clone()).unwrap_or_default();
            Some(if codes.is_empty() {
                "—".into()
            } else {
                store.config.with_untracked(|c| {
                    codes
                        .iter()
                        .map(|g| c.tables.label(kind, Table::Group, g, lang).to_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            })
        }
        FieldType::ActivityType => Some(crate::components::linked::activity_type_label(t, code).to_owned()),
        FieldType::Text if kind == RecordKind::Attachment && field == names::TYPE => {
            Some(crate::components::attachments::attachment_type_label(t, code).to_owned())
        }
        FieldType::Check => v.as_bool().map(|on| if on { t.common.yes } else { t.common.no }.to_owned()),
        FieldType::Money => v.as_i64().map(|n| crate::format::money(n, language)),
        FieldType::Percent => v.as_i64().map(|n| format!("{n} %")),
        FieldType::Date if !code.is_empty() => Some(crate::format::date(code, language)),
        FieldType::Contacts => {
            let names: Vec<String> = contacts_of(&[(field.to_owned(), v.clone())].into_iter().collect())
                .into_iter()
                .filter_map(|c| name_of(store, RecordKind::Contact, c.id))
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    };
    label.unwrap_or_else(|| shown(v))
}

#[component]
pub fn History(kind: RecordKind, id: uuid::Uuid) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let cursor = Memo::new(move |_| store.sync_meta.with(|m| m.as_ref().map(|m| m.cursor)));
    let log = LocalResource::new(move || {
        cursor.track();
        async move { store.history(kind, id).await }
    });
    let body = move || {
        let t = t();
        let lang = store.language.get().code();
        online_list(t, log.get(), &TEXTS, |list| {
            view! {
                <ol class="change-list history">
                    {list.into_iter().map(|h: HistoryEntry| {
                        let who = match (&h.rule, &h.by) {
                            (Some(rule), _) => (t.history.by_rule)(rule),
                            (None, Some(by)) => by.clone(),
                            (None, None) => t.app.app_name.to_owned(),
                        };
                        let what = match h.op.as_str() {
                            "create" => t.pending.op_create,
                            "delete" => t.pending.op_delete,
                            _ => t.pending.op_update,
                        };
                        let lines = h.changes.iter().filter(|c| h.op != "create" || !c.new.is_null()).map(|c| {
                            let line = if h.op == "create" {
                                format!("{}: {}", field_label(t, &c.field), value_label(&store, kind, &c.field, &c.new))
                            } else {
                                format!(
                                    "{}: {} → {}",
                                    field_label(t, &c.field),
                                    value_label(&store, kind, &c.field, &c.old),
                                    value_label(&store, kind, &c.field, &c.new)
                                )
                            };
                            view! { <li>{line}</li> }
                        }).collect_view();
                        view! {
                            <li class="card">
                                <span><strong>{who}</strong>" · "{what}" · "<span class="muted">{when(h.at_ms, lang)}</span></span>
                                <ul class="field-changes">{lines}</ul>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            }
            .into_any()
        })
    };
    view! {
        <section class="pending-section history-section" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{move || t().record.changes_title}</h2>
            {body}
        </section>
    }
}
