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
use veld_domain::records::contacts_of;
use veld_domain::schema::names;

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

/// A stored value as the user knows it: stage and table labels, company and contact names.
pub fn value_label(store: &Store, kind: RecordKind, field: &str, v: &serde_json::Value) -> String {
    let lang = store.language.get_untracked().code();
    let code = v.as_str().unwrap_or_default();
    let table = match field {
        "source" => Some(Table::Source),
        "priority" => Some(Table::Priority),
        "category" => Some(Table::Category),
        _ => None,
    };
    match field {
        "stage" if !code.is_empty() => store
            .config
            .with_untracked(|c| c.stages(kind).get(code).map(|s| s.name.get(lang).to_owned()))
            .unwrap_or_else(|| code.to_owned()),
        _ if table.is_some() && !code.is_empty() => {
            store.config.with_untracked(|c| c.tables.label(kind, table.unwrap_or(Table::Source), code, lang).to_owned())
        }
        "company_id" | "contact_id" => {
            let of = if field == "company_id" { RecordKind::Company } else { RecordKind::Contact };
            code.parse().ok().and_then(|id| name_of(store, of, id)).unwrap_or_else(|| shown(v))
        }
        "lead_id" | "opportunity_id" | "job_order_id" => {
            let of = match field {
                "lead_id" => RecordKind::Lead,
                "opportunity_id" => RecordKind::Opportunity,
                _ => RecordKind::JobOrder,
            };
            code.parse()
                .ok()
                .and_then(|id| store.visible_one(of, id))
                .and_then(|r| veld_domain::records::text(&r.values(), names::TITLE).map(str::to_owned))
                .unwrap_or_else(|| shown(v))
        }
        "owner_id" => store
            .colleagues
            .with_untracked(|c| c.iter().find(|c| c.id.to_string() == code).map(|c| c.name.clone()))
            .unwrap_or_else(|| shown(v)),
        "groups" => {
            let codes: Vec<String> = serde_json::from_value(v.clone()).unwrap_or_default();
            if codes.is_empty() {
                "—".into()
            } else {
                store.config.with_untracked(|c| {
                    codes
                        .iter()
                        .map(|g| c.tables.label(kind, Table::Group, g, lang).to_owned())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
            }
        }
        "type" if kind == RecordKind::Activity => {
            crate::components::linked::activity_type_label(crate::i18n::strings(store.language.get_untracked()), code)
                .to_owned()
        }
        "type" if kind == RecordKind::Attachment => crate::components::attachments::attachment_type_label(
            crate::i18n::strings(store.language.get_untracked()),
            code,
        )
        .to_owned(),
        _ if v.is_boolean() => {
            let t = crate::i18n::strings(store.language.get_untracked());
            if v.as_bool() == Some(true) { t.yes } else { t.no }.to_owned()
        }
        "contacts" => {
            let names: Vec<String> = contacts_of(&[("contacts".to_owned(), v.clone())].into_iter().collect())
                .into_iter()
                .filter_map(|c| name_of(store, RecordKind::Contact, c.id))
                .collect();
            if names.is_empty() { shown(v) } else { names.join(", ") }
        }
        _ => shown(v),
    }
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
                            (None, None) => t.app_name.to_owned(),
                        };
                        let what = match h.op.as_str() {
                            "create" => t.op_create,
                            "delete" => t.op_delete,
                            _ => t.op_update,
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
            <h2 id="changes-heading">{move || t().changes_title}</h2>
            {body}
        </section>
    }
}
