//! A record's timeline: its history (DM-3) — each applied change with who made it (or which
//! automation rule), when, and every field's old and new value, read from the server so online
//! only — merged with the activities done and the files attached, from the device.

use crate::components::online::{OnlineTexts, online_list};
use crate::components::picker::name_of;
use crate::i18n::{field_label, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::api::HistoryEntry;
use veld_domain::sync::RecordState;

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

/// A moment in this device's time zone, its day as the interface language writes days
/// (`format::date`) and the time to the minute: "1 Dec 2026, 14:10".
pub fn when(ms: i64, lang: &str) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let day = format!("{:04}-{:02}-{:02}", d.get_full_year(), d.get_month() + 1, d.get_date());
    let language = lang.parse().unwrap_or_default();
    format!("{}, {:02}:{:02}", crate::format::date(&day, language), d.get_hours(), d.get_minutes())
}

/// A field's name as the user knows it: the interface's word, or a criterion's label.
pub fn name_of_field(store: &Store, kind: RecordKind, field: &str) -> String {
    let language = store.language.get_untracked();
    match veld_domain::criteria::code_of(field) {
        Some(code) => store
            .config
            .with_untracked(|c| c.criterion(kind, code))
            .map_or_else(|| code.to_owned(), |c| c.label.get(language.code()).to_owned()),
        None => field_label(crate::i18n::strings(language), field),
    }
}

/// A stored value as the user knows it, by the field's type in the schema: stage, table and
/// group labels, linked records' names, the owner's name, money and dates in the user's
/// language, yes or no.
pub fn value_label(store: &Store, kind: RecordKind, field: &str, v: &serde_json::Value) -> String {
    let language = store.language.get_untracked();
    let lang = language.code();
    let t = crate::i18n::strings(language);
    let code = v.as_str().unwrap_or_default();
    if let Some(criterion) = veld_domain::criteria::code_of(field) {
        let options = veld_domain::criteria::chosen(Some(v));
        if options.is_empty() {
            return "—".into();
        }
        let found = store.config.with_untracked(|c| c.criterion(kind, criterion));
        return options
            .iter()
            .map(|o| found.as_ref().map_or(*o, |c| c.option_label(o, lang)).to_owned())
            .collect::<Vec<_>>()
            .join(", ");
    }
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

/// One entry of a record's timeline.
enum Entry {
    /// A change of the record itself, from the server's history.
    Change(HistoryEntry),
    /// An activity of the record that is done (a call logged, a note, a finished task).
    Activity(RecordState),
    /// A file attached to the record.
    File(RecordState),
}

impl Entry {
    /// When it happened (ms since the epoch): the change's time; when the activity was marked
    /// done or the file attached, by the edit's clock.
    fn at(&self) -> i64 {
        let edited = |r: &RecordState, field: &str| r.fields.get(field).map_or(0, |f| f.hlc.wall_ms);
        match self {
            Entry::Change(h) => h.at_ms,
            Entry::Activity(r) => edited(r, names::DONE),
            Entry::File(r) => edited(r, names::NAME),
        }
    }
}

/// A record's timeline (its right-hand column on a wide screen): what was done and what
/// changed, newest first — activities done, files attached (both from the device, offline
/// too) and the record's changes with who made them (from the server, when online).
#[component]
pub fn Timeline(kind: RecordKind, id: uuid::Uuid) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let cursor = Memo::new(move |_| store.sync_meta.with(|m| m.as_ref().map(|m| m.cursor)));
    let log = LocalResource::new(move || {
        cursor.track();
        async move { store.history(kind, id).await }
    });
    // Activities and files exist for sales records, companies and contacts.
    let linked = matches!(kind, RecordKind::Lead | RecordKind::Opportunity | RecordKind::Company | RecordKind::Contact);
    // (Activities done, files.)
    let local = Memo::new(move |_| {
        if !linked {
            return (Vec::new(), Vec::new());
        }
        let field = crate::components::linked::link_field(kind);
        let mut done = crate::components::linked::linked_to(&store, RecordKind::Activity, field, id);
        done.retain(crate::components::linked::is_done);
        (done, crate::components::linked::linked_to(&store, RecordKind::Attachment, field, id))
    });
    let error = RwSignal::new(None::<String>);
    let body = move || {
        let t = t();
        let lang = store.language.get().code();
        let history = log.get();
        let answered = history.is_some();
        let (changes, note) = match history {
            Some(Ok(list)) => (list, None),
            None => (Vec::new(), None),
            Some(Err(e)) => {
                // The device's part still shows; the server's part says why it is missing.
                let why = online_list::<HistoryEntry>(t, Some(Err(e)), &TEXTS, |_| ().into_any());
                (Vec::new(), Some(why))
            }
        };
        let mut entries: Vec<Entry> = changes.into_iter().map(Entry::Change).collect();
        local.with(|(done, files)| {
            entries.extend(done.iter().cloned().map(Entry::Activity));
            entries.extend(files.iter().cloned().map(Entry::File));
        });
        entries.sort_by_key(|e| std::cmp::Reverse(e.at()));
        let empty = entries.is_empty() && note.is_none() && answered;
        let items = entries
            .into_iter()
            .map(|e| match (e.at(), e) {
                (_, Entry::Change(h)) => change_item(&store, kind, t, lang, h).into_any(),
                (_, Entry::Activity(r)) => {
                    crate::components::linked::activity_item(store, t, r, false, error).into_any()
                }
                (at, Entry::File(r)) => file_item(t, lang, &r, at).into_any(),
            })
            .collect_view();
        view! {
            <ol class="change-list history timeline">{items}</ol>
            {note}
            {empty.then(|| view! { <p class="muted">{t.history.none}</p> })}
            <p class="field-error" role="alert">{move || error.get()}</p>
        }
    };
    view! {
        <section class="pending-section history-section" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{move || t().record.changes_title}</h2>
            {body}
        </section>
    }
}

/// A change of the record: who (or which rule), what, when, and each field's old and new value.
fn change_item(
    store: &Store,
    kind: RecordKind,
    t: &'static crate::i18n::Strings,
    lang: &str,
    h: HistoryEntry,
) -> impl IntoView + use<> {
    let who = match (&h.rule, &h.by) {
        (Some(rule), _) => (t.history.by_rule)(rule),
        (None, Some(by)) => by.clone(),
        (None, None) => t.app.app_name.to_owned(),
    };
    // A merge names the other record (`veld_domain::merge`): "Merged with “Eva Smit”".
    let merged_name = |c: &veld_domain::api::FieldChange| {
        serde_json::from_value::<veld_domain::merge::MergedRecord>(c.new.clone()).map(|m| m.name).unwrap_or_default()
    };
    let what = match (h.op.as_str(), h.changes.first()) {
        ("create", _) => t.pending.op_create.to_owned(),
        ("delete", _) => t.pending.op_delete.to_owned(),
        ("merge", Some(c)) if c.field == veld_domain::merge::HISTORY_MERGED_INTO => {
            (t.merge.history_merged_into)(&merged_name(c))
        }
        ("merge", Some(c)) => (t.merge.history_merged)(&merged_name(c)),
        _ => t.pending.op_update.to_owned(),
    };
    let lines = h
        .changes
        .iter()
        .filter(|_| h.op != "merge")
        .filter(|c| h.op != "create" || !c.new.is_null())
        .map(|c| {
            let line = if h.op == "create" {
                format!("{}: {}", name_of_field(store, kind, &c.field), value_label(store, kind, &c.field, &c.new))
            } else {
                format!(
                    "{}: {} → {}",
                    name_of_field(store, kind, &c.field),
                    value_label(store, kind, &c.field, &c.old),
                    value_label(store, kind, &c.field, &c.new)
                )
            };
            view! { <li>{line}</li> }
        })
        .collect_view();
    view! {
        <li class="card timeline-change">
            <span><strong>{who}</strong>" · "{what}" · "<span class="muted">{when(h.at_ms, lang)}</span></span>
            <ul class="field-changes">{lines}</ul>
        </li>
    }
}

/// A file attached to the record (`at`): its name, type and when.
fn file_item(t: &'static crate::i18n::Strings, lang: &str, r: &RecordState, at: i64) -> impl IntoView + use<> {
    let v = r.values();
    let name = veld_domain::records::text(&v, names::NAME).unwrap_or_default().to_owned();
    let type_label = crate::components::attachments::attachment_type_label(
        t,
        veld_domain::records::text(&v, names::TYPE).unwrap_or("other"),
    );
    view! {
        <li class="card timeline-file">
            <span class="timeline-icon" aria-hidden="true"><crate::components::icons::Icon d=crate::components::icons::PAPERCLIP/></span>
            <span><strong>{name}</strong><span class="muted">{format!(" · {} · {}", type_label, when(at, lang))}</span></span>
        </li>
    }
}
