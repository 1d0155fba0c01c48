//! The app's reactive store, provided once at the root. Pages and components read its signals
//! and call its actions; they never touch storage or HTTP themselves.

pub mod config;
mod edit;
mod files;
mod online;
pub mod prefs;
pub use crate::sync::api::ApiFailure;
pub use edit::{Applied, EditError, Prepared};
pub use online::{ConflictSource, OnlineError};

use crate::storage::{self, local::Rejected, local::SyncMeta};
use crate::sync::api;
use crate::sync::engine;
pub use config::{Config, Context};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::HashMap;
use veld_domain::Language;
use veld_domain::RecordKind;
use veld_domain::api::{ErrorCode, Me, UpdateMe};
use veld_domain::sync::{Mutation, RecordState, pending_by_record, replay};

/// A value shared by memos, compared by identity (rebuilding it is the change).
#[derive(Clone, Debug)]
pub struct Shared<T>(pub std::sync::Arc<T>);

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

/// Attachment files on this device (DM-8): which have a file here, which still wait for their
/// upload, and which the server refused (with its reason; not retried until the next start).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Files {
    pub here: std::collections::HashSet<uuid::Uuid>,
    pub waiting: std::collections::HashSet<uuid::Uuid>,
    pub refused: HashMap<uuid::Uuid, String>,
}

const COLLEAGUES_KEY: &str = "veld.colleagues.v1";

/// Whether the server can be reached, as the app last saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Connection {
    Online,
    /// The browser says it has no network.
    Offline,
    /// The browser has a network, but the server did not answer.
    Unreachable,
}

/// What the sync engine is doing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncPhase {
    Idle,
    Syncing,
    /// The last round failed for a reason other than being offline.
    Failed(String),
}

#[derive(Clone, Copy)]
pub struct Store {
    /// The logged-in user; kept from the cache while offline.
    pub me: RwSignal<Option<Me>>,
    /// True while the app asks the server whether a session exists that this device has no
    /// cached identity for (e.g. site data cleared): no redirect to login until it knows.
    pub checking_session: RwSignal<bool>,
    pub language: Memo<Language>,
    /// The language chosen before logging in (login page).
    pub guest_language: RwSignal<Language>,
    pub connection: RwSignal<Connection>,
    /// The records on this device, as the server last sent them.
    pub records: RwSignal<HashMap<uuid::Uuid, RecordState>>,
    /// Local changes not yet acknowledged by the server, in order.
    pub outbox: RwSignal<Vec<Mutation>>,
    /// Local changes shown already but still being written to the device (milliseconds): the
    /// interface does not wait for the disk.
    pub saving: RwSignal<Vec<Mutation>>,
    /// Changes the server refused for good, with its reason.
    pub rejected: RwSignal<Vec<Rejected>>,
    pub sync_meta: RwSignal<Option<SyncMeta>>,
    /// The on-device data has been read (lists can render).
    pub local_ready: RwSignal<bool>,
    pub sync_phase: RwSignal<SyncPhase>,
    /// A sync was asked for while one ran: run another when it ends.
    pub sync_again: RwSignal<bool>,
    /// A new build's service worker is waiting to take over.
    pub update_available: RwSignal<bool>,
    /// The first download, while it comes in pages: (changes received, changes in all).
    pub download: RwSignal<Option<(u64, u64)>>,
    /// The ids of the device's records per kind (recomputed when records arrive, not on local
    /// edits), so that reading a small kind does not walk tens of thousands of others.
    pub by_kind: Memo<Shared<HashMap<RecordKind, Vec<uuid::Uuid>>>>,
    /// The configuration records as the server sent them (recomputed only when records change,
    /// not on every local edit).
    pub config_records: Memo<Vec<RecordState>>,
    /// This device's unsent changes to configuration records (stages, tables, rules, processes).
    pub config_pending: Memo<Vec<Mutation>>,
    /// Stages and tables as synced to this device, with local changes replayed.
    pub config: Memo<Config>,
    /// The most recently opened records (context bar, wizard).
    pub context: RwSignal<Context>,
    pub files: RwSignal<Files>,
    /// The active users (to choose an owner), kept on the device for offline use.
    pub colleagues: RwSignal<Vec<veld_domain::api::Colleague>>,
    /// When the server was last asked for them (page time, ms).
    colleagues_asked: StoredValue<Option<f64>>,
}

/// Creates the store from what this device remembers and provides it as context.
pub fn provide_store() -> Store {
    let me = RwSignal::new(storage::load_identity());
    let guest_language = RwSignal::new(storage::load_language().unwrap_or_else(browser_language));
    let language = Memo::new(move |_| me.with(|m| m.as_ref().map(|m| m.user.language)).unwrap_or(guest_language.get()));
    let online = web_sys::window().is_none_or(|w| w.navigator().on_line());
    let records = RwSignal::new(HashMap::new());
    let outbox = RwSignal::new(Vec::new());
    let saving = RwSignal::new(Vec::new());
    let store = Store {
        me,
        checking_session: RwSignal::new(false),
        language,
        guest_language,
        connection: RwSignal::new(if online { Connection::Online } else { Connection::Offline }),
        records,
        outbox,
        saving,
        rejected: RwSignal::new(Vec::new()),
        sync_meta: RwSignal::new(None),
        local_ready: RwSignal::new(false),
        sync_phase: RwSignal::new(SyncPhase::Idle),
        sync_again: RwSignal::new(false),
        update_available: RwSignal::new(false),
        download: RwSignal::new(None),
        by_kind: Memo::new(move |_| {
            records.with(|all| {
                let mut index: HashMap<RecordKind, Vec<uuid::Uuid>> = HashMap::new();
                for r in all.values() {
                    index.entry(r.kind).or_default().push(r.id);
                }
                Shared(std::sync::Arc::new(index))
            })
        }),
        config_records: Memo::new(move |_| {
            records.with(|all| {
                let mut list: Vec<RecordState> = all.values().filter(|r| r.kind.is_config()).cloned().collect();
                list.sort_by_key(|r| r.id);
                list
            })
        }),
        config_pending: Memo::new(move |_| {
            let mut pending: Vec<Mutation> =
                outbox.with(|o| o.iter().filter(|m| m.kind.is_config()).cloned().collect());
            saving.with(|s| pending.extend(s.iter().filter(|m| m.kind.is_config()).cloned()));
            pending
        }),
        config: Memo::new(|_| Config::default()),
        context: RwSignal::new(config::load_context()),
        files: RwSignal::new(Files::default()),
        colleagues: RwSignal::new(storage::load_json(COLLEAGUES_KEY).unwrap_or_default()),
        colleagues_asked: StoredValue::new(None),
    };
    // Configuration is read from the records: a memo, so pages recompute only when it changed.
    let store = Store { config: Memo::new(move |_| config::read_config(&store)), ..store };
    provide_context(store);
    store
}

fn browser_language() -> Language {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .map(|tag| Language::from_browser_tag(&tag))
        .unwrap_or_default()
}

impl Store {
    /// Notes what a call's outcome says about the connection.
    pub fn observe<T>(&self, result: &Result<T, ApiFailure>) {
        let next = match result {
            Err(ApiFailure::Network) => {
                let browser_online = web_sys::window().is_none_or(|w| w.navigator().on_line());
                if browser_online { Connection::Unreachable } else { Connection::Offline }
            }
            _ => Connection::Online,
        };
        if self.connection.get_untracked() != next {
            self.connection.set(next);
        }
    }

    pub async fn login(&self, email: String, password: String) -> Result<(), ApiFailure> {
        let result = api::login(&email, &password).await;
        self.observe(&result);
        let me = result?;
        storage::save_identity(&me);
        self.me.set(Some(me));
        storage::request_persistence();
        engine::start(*self);
        Ok(())
    }

    /// Checks the session with the server; offline, the cached identity stays in force.
    pub fn refresh_identity(&self) {
        let store = *self;
        if self.me.get_untracked().is_none() {
            self.checking_session.set(true);
        }
        spawn_local(async move {
            let result = api::me().await;
            store.observe(&result);
            // (The check ends only once its answer is in place: a moment with neither an
            // identity nor a check under way sent a cookie-only start to the login page, and
            // from there to Home instead of the page asked for.)
            match result {
                Ok(me) => {
                    storage::save_identity(&me);
                    // A session the browser had no identity for (site data cleared, a new
                    // profile): the app starts syncing now, as after a login.
                    let discovered = store.me.get_untracked().is_none();
                    store.me.set(Some(me));
                    store.checking_session.set(false);
                    if discovered {
                        engine::start(store);
                    }
                    store.refresh_colleagues();
                }
                Err(ApiFailure::Server(body)) if body.error == ErrorCode::Unauthenticated => {
                    store.forget_identity();
                    store.checking_session.set(false);
                }
                Err(_) => store.checking_session.set(false),
            }
        });
    }

    /// Whom a record may be given to, as choices: each active colleague with their office.
    pub fn owner_choices(&self) -> Vec<config::Choice> {
        self.colleagues
            .with(|list| list.iter().map(|c| (c.id.to_string(), format!("{} ({})", c.name, c.office))).collect())
    }

    /// Reads the active users from the server (when it answers) and keeps them on the device;
    /// pages that show owners ask too, but the server is asked at most once a minute.
    pub fn refresh_colleagues(&self) {
        const AT_MOST_EVERY_MS: f64 = 60_000.0;
        let now = js_sys::Date::now();
        if self.colleagues_asked.get_value().is_some_and(|at| now - at < AT_MOST_EVERY_MS) {
            return;
        }
        self.colleagues_asked.set_value(Some(now));
        let store = *self;
        spawn_local(async move {
            if let Ok(list) = api::colleagues().await {
                storage::save_json(COLLEAGUES_KEY, &list);
                if store.colleagues.with_untracked(|c| *c != list) {
                    store.colleagues.set(list);
                }
            }
        });
    }

    pub fn logout(&self) {
        let store = *self;
        spawn_local(async move {
            let result = api::logout().await;
            store.observe(&result);
            store.forget_identity();
        });
    }

    fn forget_identity(&self) {
        storage::clear_identity();
        prefs::forget_starts();
        self.colleagues_asked.set_value(None);
        self.me.set(None);
        self.records.set(HashMap::new());
        self.outbox.set(Vec::new());
        self.rejected.set(Vec::new());
        self.files.set(Files::default());
        self.local_ready.set(false);
        // The next login (perhaps by someone else) starts from empty on-device data.
        if let Some(meta) = self.sync_meta.get_untracked() {
            let fresh = SyncMeta { user_id: None, cursor: 0, last_sync_ms: None, ..meta };
            self.sync_meta.set(None);
            spawn_local(async move {
                let _ = storage::local::reset(&fresh, false).await;
            });
        }
    }

    /// Whether nothing has come from the server yet (a first start, before or without the
    /// first download): lists say "loading" or "offline" rather than "none". Reactive.
    pub fn never_synced(&self) -> bool {
        self.sync_meta.with(|m| m.as_ref().is_none_or(|m| m.last_sync_ms.is_none()))
    }

    /// Changes made on this device that the server has not acknowledged yet.
    pub fn pending_changes(&self) -> usize {
        self.outbox.with(Vec::len)
    }

    /// Calls `f` with this device's unsent changes: the durable outbox, then those being
    /// written (in order).
    pub fn with_pending<R>(&self, f: impl FnOnce(&mut dyn Iterator<Item = &Mutation>) -> R) -> R {
        self.outbox.with(|o| self.saving.with(|s| f(&mut o.iter().chain(s.iter()))))
    }

    fn me_ids(&self) -> Option<(veld_domain::UserId, veld_domain::OfficeId)> {
        self.me.with(|m| m.as_ref().map(|m| (m.user.id, m.office.id)))
    }

    /// What the user sees of one kind: the server's records with this device's unsent changes
    /// replayed on top (`veld_domain::sync::replay`), newest first.
    pub fn visible(&self, kind: RecordKind) -> Vec<RecordState> {
        let Some((user, office)) = self.me_ids() else { return Vec::new() };
        let mut records: HashMap<uuid::Uuid, RecordState> =
            self.records.with(|all| all.values().filter(|r| r.kind == kind).map(|r| (r.id, r.clone())).collect());
        self.with_pending(|pending| {
            for (id, changes) in pending_by_record(pending, |m| m.kind == kind) {
                if let Some(r) = replay(id, records.remove(&id), changes, user, office) {
                    records.insert(id, r);
                }
            }
        });
        let mut list: Vec<RecordState> = records.into_values().collect();
        // Newest first: UUIDv7 ids sort by creation time.
        list.sort_by_key(|r| std::cmp::Reverse(r.id));
        list
    }

    /// Calls `f` on every record of the given kinds as the user sees it, without copying the
    /// records no local change touches (cheap with tens of thousands cached).
    pub fn visible_each(&self, kinds: &[RecordKind], mut f: impl FnMut(&RecordState)) {
        let Some((user, office)) = self.me_ids() else { return };
        let index = self.by_kind.get();
        self.with_pending(|pending| {
            let touched = pending_by_record(pending, |m| kinds.contains(&m.kind));
            self.records.with(|all| {
                let mut visit = |r: &RecordState| {
                    if !touched.contains_key(&r.id) {
                        f(r);
                    }
                };
                let wanted: usize = kinds.iter().map(|k| index.0.get(k).map_or(0, Vec::len)).sum();
                if wanted * 2 > all.len() {
                    // Most of the device's records: one pass over all of them is cheapest.
                    all.values().filter(|r| kinds.contains(&r.kind)).for_each(&mut visit);
                } else {
                    kinds
                        .iter()
                        .flat_map(|k| index.0.get(k).into_iter().flatten())
                        .filter_map(|id| all.get(id))
                        .for_each(&mut visit);
                }
                for (id, changes) in touched {
                    let server = all.get(&id).filter(|r| kinds.contains(&r.kind)).cloned();
                    if let Some(r) = replay(id, server, changes, user, office) {
                        f(&r);
                    }
                }
            });
        });
    }

    /// Whether the logged-in user may do `action` on this record (the access rule, `Actor::may`).
    pub fn may(&self, action: veld_domain::Action, record: &RecordState) -> bool {
        let ownership = veld_domain::Ownership { owner: record.owner_id, office: record.office_id };
        self.me.with(|m| m.as_ref().is_some_and(|m| m.actor().may(action, record.kind, ownership)))
    }

    /// What the user sees of one record (without touching the others: cheap with many cached).
    pub fn visible_one(&self, kind: RecordKind, id: uuid::Uuid) -> Option<RecordState> {
        let (user, office) = self.me_ids()?;
        let server = self.records.with(|all| all.get(&id).filter(|r| r.kind == kind).cloned());
        self.with_pending(|pending| replay(id, server, pending.filter(|m| m.kind == kind), user, office))
    }

    /// Changes the interface language: the user's own setting when logged in.
    pub fn set_language(&self, language: Language) {
        storage::save_language(language);
        self.guest_language.set(language);
        let Some(mut me) = self.me.get_untracked() else { return };
        me.user.language = language;
        storage::save_identity(&me);
        self.me.set(Some(me));
        let store = *self;
        spawn_local(async move {
            let result = api::update_me(&UpdateMe { language }).await;
            store.observe(&result);
        });
    }

    /// Follows the browser's online/offline events and the service worker's update notice.
    pub fn watch_environment(&self) {
        let store = *self;
        let on = window_event_listener(leptos::ev::online, move |_| {
            store.connection.set(Connection::Online);
            store.refresh_identity();
            // Send what was changed offline at once, not at the next periodic round.
            engine::sync_now(store);
        });
        let off = window_event_listener(leptos::ev::offline, move |_| store.connection.set(Connection::Offline));
        let update = window_event_listener_untyped("veld-update", move |_| store.update_available.set(true));
        on_cleanup(move || {
            on.remove();
            off.remove();
            update.remove();
        });
        if crate::pwa::update_waiting() {
            store.update_available.set(true);
        }
    }
}
