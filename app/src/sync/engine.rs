//! The sync engine: pushes the outbox, pulls changes after the cursor, and keeps the store's
//! signals and IndexedDB in step. Runs at start, after local edits (debounced), when the
//! browser comes back online, and every 30 seconds.

use crate::state::{Connection, Store, SyncPhase};
use crate::storage::local::{self, Rejected, SyncMeta};
use crate::sync::api::{self, ApiFailure};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeMap;
use veld_domain::RecordKind;
use veld_domain::api::ErrorCode;
use veld_domain::sync::PullResponse;
use veld_domain::sync::{
    Counters, Hlc, Mutation, Op, PROTOCOL_VERSION, PushRequest, answered_up_to, apply_changes, next_mutation,
    pull_acked, take_refusals,
};

/// Mutations per push request (the server accepts up to 500).
const PUSH_BATCH: usize = 200;
const PERIOD_MS: i32 = 30_000;
const DEBOUNCE_MS: i32 = 400;

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Loads the device's data into the store, then syncs; sets up periodic sync.
pub fn start(store: Store) {
    spawn_local(async move {
        match local::load().await {
            Ok(snapshot) => {
                let mut meta = snapshot.meta;
                let user = store.me.with_untracked(|m| m.as_ref().map(|m| m.user.id));
                let mut records = snapshot.records;
                let mut outbox = snapshot.outbox;
                let mut rejected = snapshot.rejected;
                if meta.user_id.is_some() && meta.user_id != user {
                    // Another user's data: start this user from empty.
                    meta = SyncMeta { user_id: user, cursor: 0, last_sync_ms: None, ..meta };
                    records.clear();
                    outbox.clear();
                    rejected.clear();
                    if let Err(e) = local::reset(&meta, false).await {
                        store.sync_phase.set(SyncPhase::Failed(e.0));
                        return;
                    }
                } else if meta.user_id.is_none() {
                    meta.user_id = user;
                }
                store.records.set(records.into_iter().map(|r| (r.id, r)).collect());
                store.outbox.set(outbox);
                store.rejected.set(rejected);
                store.sync_meta.set(Some(meta));
                if let Ok((here, waiting)) = local::file_ids().await {
                    let ids = |v: Vec<String>| v.iter().filter_map(|s| s.parse().ok()).collect();
                    store.files.set(crate::state::Files {
                        here: ids(here),
                        waiting: ids(waiting),
                        ..Default::default()
                    });
                }
                store.local_ready.set(true);
                crate::perf::mark("veld:local:ready");
                sync_now(store);
            }
            Err(e) => store.sync_phase.set(SyncPhase::Failed(e.0)),
        }
    });
    thread_local! {
        static PERIODIC: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    }
    if !PERIODIC.with(|p| p.replace(true)) {
        // Once per page; it does nothing while logged out (no sync metadata).
        set_interval(
            move || {
                if store.connection.get_untracked() != Connection::Offline {
                    sync_now(store);
                }
            },
            std::time::Duration::from_millis(PERIOD_MS as u64),
        );
    }
    listen_for_changes(store);
}

/// Other users' changes arrive live: the server announces each commit by server-sent event and
/// the app pulls. The browser reconnects the stream by itself after a network loss.
fn listen_for_changes(store: Store) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    thread_local! {
        static SOURCE: std::cell::RefCell<Option<web_sys::EventSource>> = const { std::cell::RefCell::new(None) };
    }
    // One stream per page; a closed one (e.g. refused while logged out) is replaced.
    let open = SOURCE.with(|s| s.borrow().as_ref().is_some_and(|s| s.ready_state() != web_sys::EventSource::CLOSED));
    if open {
        return;
    }
    let Ok(source) = web_sys::EventSource::new("/api/sync/events") else { return };
    let on_change = Closure::<dyn Fn(web_sys::Event)>::new(move |_| sync_now(store));
    let _ = source.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
    on_change.forget();
    SOURCE.with(|s| *s.borrow_mut() = Some(source));
}

/// Runs one push-then-pull round; if one is running, another follows it (so a change announced
/// mid-round is not missed).
pub fn sync_now(store: Store) {
    if store.sync_meta.get_untracked().is_none() {
        return;
    }
    if store.sync_phase.get_untracked() == SyncPhase::Syncing {
        store.sync_again.set(true);
        return;
    }
    store.sync_phase.set(SyncPhase::Syncing);
    spawn_local(async move {
        let result = async {
            push(store).await?;
            pull(store).await?;
            upload_files(store).await
        }
        .await;
        store.sync_phase.set(match result {
            Ok(()) => SyncPhase::Idle,
            Err(SyncError::Offline) => SyncPhase::Idle,
            Err(SyncError::Failed(reason)) => SyncPhase::Failed(reason),
        });
        if store.sync_again.get_untracked() {
            store.sync_again.set(false);
            sync_now(store);
        }
    });
}

/// Schedules a sync shortly after a local edit, so a burst of edits goes out as one push.
fn sync_soon(store: Store) {
    set_timeout(move || sync_now(store), std::time::Duration::from_millis(DEBOUNCE_MS as u64));
}

enum SyncError {
    Offline,
    Failed(String),
}

impl From<ApiFailure> for SyncError {
    fn from(err: ApiFailure) -> Self {
        match err {
            ApiFailure::Network => SyncError::Offline,
            ApiFailure::Server(body) => SyncError::Failed(body.message),
        }
    }
}

impl From<local::StorageError> for SyncError {
    fn from(err: local::StorageError) -> Self {
        SyncError::Failed(format!("storage: {}", err.0))
    }
}

async fn push(store: Store) -> Result<(), SyncError> {
    // Answered mutations stay in the outbox — and on screen — until the pull that follows
    // brings their effect (its `last_applied` drops them), so nothing flickers back to the old
    // value in between; this round sends each one once.
    let mut answered = 0u64;
    loop {
        let batch: Vec<Mutation> =
            store.outbox.with_untracked(|o| o.iter().filter(|m| m.id > answered).take(PUSH_BATCH).cloned().collect());
        let Some(meta) = store.sync_meta.get_untracked() else { return Ok(()) };
        if batch.is_empty() {
            return Ok(());
        }
        let request = PushRequest { protocol: PROTOCOL_VERSION, client_id: meta.client_id, mutations: batch };
        let result = api::push(&request).await;
        store.observe(&result);
        let response = match result {
            Ok(r) => r,
            // Our outbox starts past what the server has: the pull's last_applied sorts it out.
            Err(ApiFailure::Server(body)) if body.error == ErrorCode::MutationGap => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        let rejected: Vec<Rejected> = take_refusals(&request.mutations, &response.results);
        // Refusals leave the outbox now (they will never apply); anything the server applied
        // beyond this answer (a delayed earlier push) is answered by the pull, refusals included.
        let up_to = answered_up_to(&response);
        if !rejected.is_empty() {
            local::refuse(&rejected).await?;
            let ids: Vec<u64> = rejected.iter().map(|r| r.mutation.id).collect();
            store.outbox.update(|o| o.retain(|m| !ids.contains(&m.id)));
            store.rejected.update(|list| list.extend(rejected));
        }
        if up_to <= answered {
            return Ok(());
        }
        answered = up_to;
    }
}

/// Uploads the files picked on this device whose attachment record the server has (the pull
/// brought it back); a refused upload keeps its file here and shows the server's reason.
async fn upload_files(store: Store) -> Result<(), SyncError> {
    let waiting: Vec<uuid::Uuid> =
        store.files.with_untracked(|f| f.waiting.iter().filter(|id| !f.refused.contains_key(id)).copied().collect());
    for id in waiting {
        let synced = store.records.with_untracked(|r| r.contains_key(&id))
            && !store.outbox.with_untracked(|o| o.iter().any(|m| m.record_id == id));
        if !synced {
            continue;
        }
        let Some(file) = local::file(id).await? else {
            local::file_uploaded(id).await?;
            store.files.update(|f| {
                f.waiting.remove(&id);
            });
            continue;
        };
        match api::upload_file(id, &file).await {
            Ok(()) => {
                local::file_uploaded(id).await?;
                store.files.update(|f| {
                    f.waiting.remove(&id);
                });
            }
            Err(ApiFailure::Network) => return Err(SyncError::Offline),
            Err(ApiFailure::Server(body)) => store.files.update(|f| {
                f.refused.insert(id, body.message);
            }),
        }
    }
    Ok(())
}

async fn pull(store: Store) -> Result<(), SyncError> {
    // Changes received in this round, for the first download's progress.
    let mut received = 0u64;
    // The next page, already asked for while this one is stored.
    let mut prefetched: Option<futures::channel::oneshot::Receiver<Result<PullResponse, ApiFailure>>> = None;
    loop {
        let Some(mut meta) = store.sync_meta.get_untracked() else { return Ok(()) };
        let first = meta.cursor == 0;
        if first {
            crate::perf::mark("veld:download:start");
        }
        let acked = store.outbox.with_untracked(|o| pull_acked(o, meta.next_mutation));
        let result = match prefetched.take() {
            Some(next) => next.await.unwrap_or(Err(ApiFailure::Network)),
            None => api::pull(meta.client_id, meta.cursor, acked).await,
        };
        store.observe(&result);
        let response = result?;
        meta.clock_offset_ms = response.server_time_ms - now_ms();
        if response.reset_required {
            let writer = WRITER.with(std::rc::Rc::clone);
            let _turn = writer.lock().await;
            let mut meta = store.sync_meta.get_untracked().unwrap_or(meta);
            meta.cursor = 0;
            local::reset(&meta, true).await?;
            store.records.set(Default::default());
            store.sync_meta.set(Some(meta));
            continue;
        }
        if response.more {
            // Pages arrive while the last one is written: network and IndexedDB overlap.
            let (tx, rx) = futures::channel::oneshot::channel();
            let (client, cursor) = (meta.client_id, response.cursor);
            spawn_local(async move {
                let _ = tx.send(api::pull(client, cursor, acked).await);
            });
            prefetched = Some(rx);
        }
        // Local changes made while this page was on its way took mutation ids and clocks: store
        // the pull's fields on top of the current metadata, under the writer's lock, or the next
        // change would reuse an id (and the server would drop it as a repeated delivery).
        let writer = WRITER.with(std::rc::Rc::clone);
        let _turn = writer.lock().await;
        let clock_offset_ms = meta.clock_offset_ms;
        let mut meta = store.sync_meta.get_untracked().unwrap_or(meta);
        meta.clock_offset_ms = clock_offset_ms;
        meta.cursor = response.cursor;
        meta.last_sync_ms = Some(now_ms());
        let rejected = store.outbox.with_untracked(|o| take_refusals(o, &response.rejected));
        // Each page is one IndexedDB transaction (records, cursor, acknowledgements together).
        local::apply_pull(&response.changes, response.last_applied, &rejected, &meta).await?;
        store.rejected.update(|list| list.extend(rejected));
        received += response.changes.len() as u64;
        store.records.update(|records| {
            if first {
                records.clear();
            }
            apply_changes(records, response.changes);
        });
        store.outbox.update(|o| o.retain(|m| m.id > response.last_applied));
        store.sync_meta.set(Some(meta));
        if response.more {
            // A first download (or a long absence) comes in pages: show how far it is.
            store.download.set(Some((received, received + response.remaining)));
            continue;
        }
        if store.download.get_untracked().is_some() || first {
            store.download.set(None);
            crate::perf::mark("veld:download:end");
        }
        return Ok(());
    }
}

thread_local! {
    /// Serialises outbox writes: ids and clocks are taken in the order the writes commit.
    static WRITER: std::rc::Rc<futures::lock::Mutex<()>> = std::rc::Rc::new(futures::lock::Mutex::new(()));
    static SHOWN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records a local change: shown at once (optimistic), then written durably to the outbox
/// (strict durability), then sent soon. Resolves when it is durable; on a storage failure the
/// change disappears from the screen again and the error is returned for the page to show.
pub async fn record_change(
    store: Store,
    kind: RecordKind,
    record_id: uuid::Uuid,
    op: Op,
    fields: BTreeMap<String, serde_json::Value>,
) -> Result<(), local::StorageError> {
    let Some(meta) = store.sync_meta.get_untracked() else {
        return Err(local::StorageError("local data is not loaded yet".into()));
    };
    // On screen now, under a token of its own until it has its place in the outbox.
    let token = SHOWN.with(|c| {
        c.set(c.get() + 1);
        c.get()
    });
    let hlc = Hlc::next(meta.last_hlc, now_ms() + meta.clock_offset_ms, meta.client_id);
    let shown =
        Mutation { id: token, kind, record_id, op, fields: fields.clone(), base_versions: BTreeMap::new(), hlc };
    store.saving.update(|s| s.push(shown));
    crate::perf::mark("veld:edit:shown");

    let writer = WRITER.with(std::rc::Rc::clone);
    let _turn = writer.lock().await;
    let result = async {
        let Some(mut meta) = store.sync_meta.get_untracked() else {
            return Err(local::StorageError("logged out meanwhile".into()));
        };
        // The same transition as the simulation's `Replica::change`: the next id and clock, and
        // each edited field's base version from the server copy (OF-3).
        let counters = Counters {
            client: meta.client_id,
            next_mutation: &mut meta.next_mutation,
            last_hlc: &mut meta.last_hlc,
            clock_offset_ms: meta.clock_offset_ms,
        };
        let mutation = store.records.with_untracked(|records| {
            next_mutation(counters, records.get(&record_id), (kind, record_id, op), fields, now_ms())
        });
        local::enqueue(&mutation, &meta).await?;
        Ok((mutation, meta))
    }
    .await;
    // (Effects run after this task yields: the three updates render as one.)
    store.saving.update(|s| s.retain(|m| m.id != token));
    if let Ok((mutation, meta)) = &result {
        store.sync_meta.set(Some(meta.clone()));
        store.outbox.update(|o| o.push(mutation.clone()));
    }
    result?;
    sync_soon(store);
    Ok(())
}
