//! The administrator's area (CF-1, CF-2, TR-1…TR-3): users, stages, tables, automation and
//! roles. Stages, table entries, rules and processes are configuration records, each edited
//! by the one generic editor machinery here — a [`ConfigItem`] read from and written to its
//! record, a [`ConfigDraft`] that follows the saved value while the user is not editing and
//! saves only what changed through the edit path (so it works offline and reaches every device
//! with the next sync), [`AddCode`] to make a new one, [`KindSwitch`] for lead/opportunity —
//! and an [`AdminOnly`] page frame.

mod automation;
mod processes;
mod roles;
mod rules;
mod stages;
mod tables;
mod users;

pub use automation::AutomationPage;
pub use roles::RolesPage;
pub use stages::StagesPage;
pub use tables::TablesPage;
pub use users::AdminPage;

use crate::components::icons::{self, Icon};
use crate::components::page::Page;
use crate::i18n::{Strings, use_i18n};
use crate::state::Store;
use leptos::prelude::*;
use leptos_router::components::A;
use serde_json::{Map, Value};
use veld_domain::automation::{ProcessDef, Rule};
use veld_domain::config::{StageDef, TableEntry};
use veld_domain::edit::Edit;
use veld_domain::{Language, RecordKind};

/// A string of the interface.
type Text = fn(&Strings) -> &'static str;

/// A label is written in every interface language.
fn langs() -> [&'static str; Language::ALL.len()] {
    Language::ALL.map(Language::code)
}

/// The fields of `next` that differ from `before`, as a change.
fn changed(before: &Map<String, Value>, next: &Map<String, Value>) -> Map<String, Value> {
    next.iter().filter(|(k, v)| before.get(*k) != Some(*v)).map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// A kind of configuration record the editors serve.
pub trait ConfigItem: Clone + PartialEq + Send + Sync + 'static {
    const KIND: RecordKind;
    fn read(values: &Map<String, Value>) -> Option<Self>;
    fn values(&self) -> Map<String, Value>;
    /// What is wrong with it, in the user's words (a save is refused with it).
    fn problem(&self, t: &Strings) -> Option<String>;
}

impl ConfigItem for StageDef {
    const KIND: RecordKind = RecordKind::Stage;
    fn read(values: &Map<String, Value>) -> Option<Self> {
        StageDef::from_values(values)
    }
    fn values(&self) -> Map<String, Value> {
        self.to_values()
    }
    fn problem(&self, t: &Strings) -> Option<String> {
        self.name.get("en").trim().is_empty().then(|| t.err.code_and_name.to_owned())
    }
}

impl ConfigItem for TableEntry {
    const KIND: RecordKind = RecordKind::TableEntry;
    fn read(values: &Map<String, Value>) -> Option<Self> {
        TableEntry::from_values(values)
    }
    fn values(&self) -> Map<String, Value> {
        self.to_values()
    }
    fn problem(&self, t: &Strings) -> Option<String> {
        self.label.get("en").trim().is_empty().then(|| t.err.code_and_name.to_owned())
    }
}

impl ConfigItem for Rule {
    const KIND: RecordKind = RecordKind::Rule;
    fn read(values: &Map<String, Value>) -> Option<Self> {
        Rule::from_values(values)
    }
    fn values(&self) -> Map<String, Value> {
        self.to_values()
    }
    fn problem(&self, _: &Strings) -> Option<String> {
        self.check().err()
    }
}

impl ConfigItem for ProcessDef {
    const KIND: RecordKind = RecordKind::Process;
    fn read(values: &Map<String, Value>) -> Option<Self> {
        ProcessDef::from_values(values)
    }
    fn values(&self) -> Map<String, Value> {
        self.to_values()
    }
    fn problem(&self, _: &Strings) -> Option<String> {
        self.check().err()
    }
}

/// The items of `T` on the device that `keep` admits, in the order `order` gives, as (record
/// id, item).
pub fn config_items<T: ConfigItem, K: Ord + 'static>(
    store: Store,
    keep: impl Fn(&T) -> bool + Send + Sync + 'static,
    order: fn(&T) -> K,
) -> Memo<Vec<(uuid::Uuid, T)>> {
    Memo::new(move |_| {
        let mut out = Vec::new();
        store.visible_each(&[T::KIND], |r| {
            if let Some(item) = T::read(&r.values()).filter(&keep) {
                out.push((r.id, item));
            }
        });
        out.sort_by_key(|(_, item)| order(item));
        out
    })
}

/// One item's editor state: the draft the user edits, the value last saved, and the editor's
/// notice. When the stored value changes (a sync, or this editor's own save), the draft follows
/// it unless the user is editing it.
pub struct ConfigDraft<T: ConfigItem> {
    id: uuid::Uuid,
    store: Store,
    saved: StoredValue<T>,
    pub draft: RwSignal<T>,
    pub notice: RwSignal<Option<String>>,
}

impl<T: ConfigItem> Clone for ConfigDraft<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: ConfigItem> Copy for ConfigDraft<T> {}

impl<T: ConfigItem> ConfigDraft<T> {
    pub fn new(id: uuid::Uuid, initial: T, all: Memo<Vec<(uuid::Uuid, T)>>) -> ConfigDraft<T> {
        let saved = StoredValue::new(initial.clone());
        let draft = RwSignal::new(initial);
        let current = Memo::new(move |_| all.with(|a| a.iter().find(|(i, _)| *i == id).map(|(_, x)| x.clone())));
        Effect::new(move |_| {
            if let Some(now) = current.get() {
                if draft.with_untracked(|d| *d == saved.get_value() && *d != now) {
                    draft.set(now.clone());
                }
                saved.set_value(now);
            }
        });
        ConfigDraft { id, store: expect_context::<Store>(), saved, draft, notice: RwSignal::new(None) }
    }

    /// Saves what changed in the draft, or says why not (in the editor's notice).
    pub fn save(&self) {
        let t = crate::i18n::strings(self.store.language.get_untracked());
        let next = self.draft.get_untracked();
        if let Some(problem) = next.problem(t) {
            self.notice.set(Some(problem));
            return;
        }
        let fields = changed(&self.saved.get_value().values(), &next.values());
        self.store.apply_noting(Edit::update(T::KIND, self.id, fields), self.notice);
    }

    /// A whole number typed into a field; anything else is refused in the notice (the draft
    /// keeps its last good value).
    pub fn whole(&self, ev: &leptos::ev::Event) -> Option<u32> {
        let raw = event_target_value(ev);
        let t = crate::i18n::strings(self.store.language.get_untracked());
        match raw.trim().parse() {
            Ok(n) => {
                self.notice.set(None);
                Some(n)
            }
            Err(_) => {
                self.notice.set(Some(format!("“{}”: {}", raw.trim(), t.err.whole_number)));
                None
            }
        }
    }
}

/// A list of configuration items, each in its editor (`editor`), with "New …" below it.
#[component]
pub fn ConfigList<T, E, V>(
    items: Memo<Vec<(uuid::Uuid, T)>>,
    editor: E,
    add_heading: Text,
    /// What an empty list says (what such an item is for).
    empty: Text,
    id_prefix: &'static str,
    taken: Callback<String, bool>,
    on_add: Callback<(String, String), Edit>,
) -> impl IntoView
where
    T: ConfigItem,
    E: Fn(uuid::Uuid, T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let t = use_i18n();
    view! {
        <Show when=move || items.with(Vec::is_empty)>
            <p class="muted config-empty">{move || empty(t())}</p>
        </Show>
        <ul class="config-list">
            <For each=move || items.get() key=|(id, _)| *id children=move |(id, item)| editor(id, item)/>
        </ul>
        <AddCode heading=add_heading id_prefix=id_prefix taken=taken on_add=on_add/>
    }
}

/// An administrator's page: its title and intro, the links between the admin pages, and the
/// content — or "not allowed" for anyone else.
#[component]
pub fn AdminOnly(title: Text, intro: Text, children: ChildrenFn) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let is_admin = move || store.me.with(|me| me.as_ref().is_some_and(|m| m.permissions.admin));
    view! {
        <Page title=Signal::derive(move || title(t())) intro=Signal::derive(move || intro(t()))>
            <Show when=is_admin fallback=move || view! { <p class="notice">{move || t().list.not_allowed}</p> }>
                <AdminLinks/>
                {children()}
            </Show>
        </Page>
    }
}

/// "New stage" / "New entry": a button that opens a small form — a code (lower case, spaces
/// become underscores) and an English name — and puts the focus in it; refuses an empty one or
/// a code in use, next to the fields; closes on Add or Cancel.
#[component]
pub fn AddCode(
    heading: fn(&Strings) -> &'static str,
    id_prefix: &'static str,
    taken: Callback<String, bool>,
    on_add: Callback<(String, String), Edit>,
) -> impl IntoView {
    let t = use_i18n();
    let store = expect_context::<Store>();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(false);
    let (code_id, name_id, toggle_id) =
        (format!("{id_prefix}-code"), format!("{id_prefix}-name"), format!("{id_prefix}-open"));
    let close = {
        let toggle_id = toggle_id.clone();
        Callback::new(move |()| {
            open.set(false);
            code.set(String::new());
            name.set(String::new());
            error.set(None);
            crate::components::ui::focus_id(toggle_id.clone());
        })
    };
    let add = move |_| {
        let t = t();
        let c = code.get_untracked().trim().to_lowercase().replace(' ', "_");
        let n = name.get_untracked().trim().to_owned();
        if c.is_empty() || n.is_empty() {
            error.set(Some(t.err.code_and_name.to_owned()));
            return;
        }
        if taken.run(c.clone()) {
            error.set(Some(t.err.code_taken.to_owned()));
            return;
        }
        if store.apply_reporting(on_add.run((c, n)), error) {
            close.run(());
        }
    };
    let first = code_id.clone();
    let form = move || {
        let (code_id, name_id, add) = (code_id.clone(), name_id.clone(), add);
        view! {
            <div class="card config-add" role="group" aria-label=move || heading(t())
                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Escape" { close.run(()) }>
                <h2>{move || heading(t())}</h2>
                <div class="form-grid">
                    <div class="field">
                        <label for=code_id.clone()>{move || t().col.code}</label>
                        <input id=code_id prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                    </div>
                    <div class="field">
                        <label for=name_id.clone()>{move || t().admin.name_en}</label>
                        <input id=name_id prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    </div>
                </div>
                <p class="field-error" role="alert">{move || error.get()}</p>
                <div class="form-actions">
                    <button type="button" class="button primary" on:click=add>{move || t().common.add}</button>
                    <button type="button" class="button subtle" on:click=move |_| close.run(())>{move || t().common.cancel}</button>
                </div>
            </div>
        }
    };
    view! {
        <Show when=move || open.get() fallback=move || {
            let first = first.clone();
            view! {
                <button type="button" id=toggle_id.clone() class="button add-button" aria-expanded="false"
                    on:click=move |_| { open.set(true); crate::components::ui::focus_id(first.clone()); }>
                    <Icon d=icons::PLUS/><span>{move || heading(t())}</span>
                </button>
            }
        }>
            {form.clone()}
        </Show>
    }
}

/// Lead / opportunity switch shared by the configuration pages (the tables page adds
/// companies and contacts: statuses, types and criteria).
#[component]
pub fn KindSwitch(kind: RwSignal<RecordKind>, #[prop(optional)] companies: bool) -> impl IntoView {
    let t = use_i18n();
    let kinds: &[RecordKind] = if companies {
        &[RecordKind::Lead, RecordKind::Opportunity, RecordKind::Company, RecordKind::Contact]
    } else {
        &[RecordKind::Lead, RecordKind::Opportunity]
    };
    view! {
        <div class="choices" role="group" aria-label=move || t().admin.config_for>
            {kinds.iter().copied().map(|k| view! {
                <button type="button" class="choice" aria-pressed=move || (kind.get() == k).to_string() on:click=move |_| kind.set(k)>
                    {move || match k {
                        RecordKind::Lead => t().nav.leads,
                        RecordKind::Company => t().nav.companies,
                        RecordKind::Contact => t().nav.contacts,
                        _ => t().nav.opportunities,
                    }}
                </button>
            }).collect_view()}
        </div>
    }
}

/// Links between the admin pages.
#[component]
pub fn AdminLinks() -> impl IntoView {
    let t = use_i18n();
    view! {
        <nav class="tabs" aria-label=move || t().nav.admin>
            <ul>
                <li><A href="/admin" exact=true>{move || t().admin.users}</A></li>
                <li><A href="/admin/stages">{move || t().admin.stages}</A></li>
                <li><A href="/admin/tables">{move || t().admin.tables}</A></li>
                <li><A href="/admin/automation">{move || t().admin.automation}</A></li>
                <li><A href="/admin/roles">{move || t().admin.roles}</A></li>
            </ul>
        </nav>
    }
}
