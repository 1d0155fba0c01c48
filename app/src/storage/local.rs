//! The on-device database (IndexedDB, via indexed_db_futures): the records this user may see as
//! the server last sent them, the outbox of unsent mutations, and sync metadata. Every write is
//! one transaction; an edit writes its outbox entry with strict durability, so an acknowledged
//! local edit survives a crash or a closed tab.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use veld_domain::sync::{Change, ClientId, Hlc, Mutation, RecordState};

const DB_NAME: &str = "veld";
const DB_VERSION: u32 = 3;
const RECORDS: &str = "records";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
const REJECTED: &str = "rejected";
const META_KEY: &str = "sync";
/// Attachment files picked on this device (DM-8), as browser `Blob`s by attachment id.
const FILES: &str = "files";
/// The attachment ids whose file still has to be uploaded.
const UPLOADS: &str = "uploads";

/// What went wrong in the browser's storage (quota, a blocked upgrade, a corrupt entry…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageError(pub String);

impl<E: std::fmt::Display> From<E> for StorageError {
    fn from(err: E) -> Self {
        StorageError(err.to_string())
    }
}

/// Sync bookkeeping kept beside the data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SyncMeta {
    pub client_id: ClientId,
    /// The user whose data this is; another user's login starts from empty.
    pub user_id: Option<veld_domain::UserId>,
    /// The next pull starts after this version.
    pub cursor: u64,
    /// The id the next local mutation gets.
    pub next_mutation: u64,
    /// The latest HLC this device issued or saw.
    pub last_hlc: Option<Hlc>,
    /// When the last pull completed (ms since the epoch).
    pub last_sync_ms: Option<i64>,
    /// Server time minus this device's time, learnt on each pull; HLCs use the corrected time.
    #[serde(default)]
    pub clock_offset_ms: i64,
}

impl SyncMeta {
    fn fresh() -> SyncMeta {
        SyncMeta {
            client_id: ClientId(uuid::Uuid::now_v7()),
            user_id: None,
            cursor: 0,
            next_mutation: 1,
            last_hlc: None,
            last_sync_ms: None,
            clock_offset_ms: 0,
        }
    }
}

/// A mutation the server refused for good, kept until the user discards it.
pub use veld_domain::sync::Rejected;

/// Everything on the device, read at start.
pub struct Snapshot {
    pub records: Vec<RecordState>,
    pub outbox: Vec<Mutation>,
    pub rejected: Vec<Rejected>,
    pub meta: SyncMeta,
}

thread_local! {
    static DB: RefCell<Option<Rc<Database>>> = const { RefCell::new(None) };
}

async fn db() -> Result<Rc<Database>, StorageError> {
    if let Some(db) = DB.with(|d| d.borrow().clone()) {
        return Ok(db);
    }
    let db = Database::open(DB_NAME)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|event, db| {
            if event.old_version() < 1.0 {
                db.create_object_store(RECORDS).build()?;
                db.create_object_store(OUTBOX).build()?;
                db.create_object_store(META).build()?;
            }
            if event.old_version() < 2.0 {
                db.create_object_store(REJECTED).build()?;
            }
            if event.old_version() < 3.0 {
                db.create_object_store(FILES).build()?;
                db.create_object_store(UPLOADS).build()?;
            }
            Ok(())
        })
        .await?;
    let db = Rc::new(db);
    DB.with(|d| *d.borrow_mut() = Some(db.clone()));
    Ok(db)
}

/// Outbox keys sort like the mutation ids they stand for.
fn outbox_key(id: u64) -> String {
    format!("{id:020}")
}

/// Reads all local data (records, outbox, metadata) for the app's start.
pub async fn load() -> Result<Snapshot, StorageError> {
    let db = db().await?;
    let tx = db.transaction([RECORDS, OUTBOX, REJECTED, META]).build()?;
    let records: Vec<String> = tx.object_store(RECORDS)?.get_all().primitive()?.await?.collect::<Result<_, _>>()?;
    let outbox: Vec<String> = tx.object_store(OUTBOX)?.get_all().primitive()?.await?.collect::<Result<_, _>>()?;
    let rejected: Vec<String> = tx.object_store(REJECTED)?.get_all().primitive()?.await?.collect::<Result<_, _>>()?;
    let meta: Option<String> = tx.object_store(META)?.get(META_KEY).primitive()?.await?;
    drop(tx);
    let meta = match meta.map(|m| serde_json::from_str::<SyncMeta>(&m)) {
        Some(Ok(meta)) => meta,
        // No metadata yet (or unreadable): a new installation id, and a first full download.
        _ => {
            let meta = SyncMeta::fresh();
            save_meta(&meta).await?;
            meta
        }
    };
    Ok(Snapshot {
        records: records.iter().filter_map(|r| serde_json::from_str(r).ok()).collect(),
        outbox: outbox.iter().map(|m| serde_json::from_str(m)).collect::<Result<_, _>>()?,
        rejected: rejected.iter().filter_map(|r| serde_json::from_str(r).ok()).collect(),
        meta,
    })
}

pub async fn save_meta(meta: &SyncMeta) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
    tx.object_store(META)?.put(serde_json::to_string(meta)?).with_key(META_KEY).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Queues a local edit: the outbox entry and the advanced metadata in ONE strictly durable
/// transaction.
pub async fn enqueue(mutation: &Mutation, meta: &SyncMeta) -> Result<(), StorageError> {
    let db = db().await?;
    let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
    let tx = db.transaction([OUTBOX, META]).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
    tx.object_store(OUTBOX)?
        .put(serde_json::to_string(mutation)?)
        .with_key(outbox_key(mutation.id))
        .primitive()?
        .await?;
    tx.object_store(META)?.put(serde_json::to_string(meta)?).with_key(META_KEY).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Stores a pull's changes, the new cursor, the refusals it reported, and drops the outbox
/// entries the server has answered — all in one transaction, so a crash never leaves the cursor
/// ahead of the data.
pub async fn apply_pull(
    changes: &[Change],
    last_applied: u64,
    rejected: &[Rejected],
    meta: &SyncMeta,
) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction([RECORDS, OUTBOX, REJECTED, META]).with_mode(TransactionMode::Readwrite).build()?;
    let refused = tx.object_store(REJECTED)?;
    for r in rejected {
        refused.put(serde_json::to_string(r)?).with_key(outbox_key(r.mutation.id)).primitive()?;
    }
    let records = tx.object_store(RECORDS)?;
    for change in changes {
        match change {
            Change::Upsert { record } => {
                records.put(serde_json::to_string(record)?).with_key(record.id.to_string()).primitive()?;
            }
            Change::Remove { id, .. } => {
                records.delete(id.to_string()).primitive()?;
            }
        }
    }
    if last_applied > 0 {
        tx.object_store(OUTBOX)?.delete(outbox_key(0)..=outbox_key(last_applied)).primitive()?;
    }
    tx.object_store(META)?.put(serde_json::to_string(meta)?).with_key(META_KEY).primitive()?;
    tx.commit().await?;
    Ok(())
}

/// Moves refused mutations from the outbox to the `rejected` store (for the Pending changes
/// page), in one transaction. Applied ones stay in the outbox until a pull's `last_applied`.
pub async fn refuse(rejected: &[Rejected]) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction([OUTBOX, REJECTED]).with_mode(TransactionMode::Readwrite).build()?;
    let refused = tx.object_store(REJECTED)?;
    let outbox = tx.object_store(OUTBOX)?;
    for r in rejected {
        refused.put(serde_json::to_string(r)?).with_key(outbox_key(r.mutation.id)).primitive()?;
        outbox.delete(outbox_key(r.mutation.id)).primitive()?;
    }
    tx.commit().await?;
    Ok(())
}

/// Forgets a refused change (the user has read why).
pub async fn discard_rejected(mutation_id: u64) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction(REJECTED).with_mode(TransactionMode::Readwrite).build()?;
    tx.object_store(REJECTED)?.delete(outbox_key(mutation_id)).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Removes every local record and the cursor (keeping the outbox and installation id): used
/// when the server says the cursor is too old, and when another user logs in.
pub async fn reset(meta: &SyncMeta, keep_outbox: bool) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db
        .transaction([RECORDS, OUTBOX, REJECTED, META, FILES, UPLOADS])
        .with_mode(TransactionMode::Readwrite)
        .build()?;
    tx.object_store(RECORDS)?.clear()?;
    if !keep_outbox {
        // Another user's data: their unsent changes and picked files go too.
        tx.object_store(OUTBOX)?.clear()?;
        tx.object_store(REJECTED)?.clear()?;
        tx.object_store(FILES)?.clear()?;
        tx.object_store(UPLOADS)?.clear()?;
    }
    tx.object_store(META)?.put(serde_json::to_string(meta)?).with_key(META_KEY).primitive()?;
    tx.commit().await?;
    Ok(())
}

/// The attachment files on this device: which ids have a file here, and which still wait for
/// their upload.
pub async fn file_ids() -> Result<(Vec<String>, Vec<String>), StorageError> {
    let db = db().await?;
    let tx = db.transaction([FILES, UPLOADS]).build()?;
    let here: Vec<String> = tx.object_store(FILES)?.get_all_keys().primitive()?.await?.collect::<Result<_, _>>()?;
    let waiting: Vec<String> =
        tx.object_store(UPLOADS)?.get_all_keys().primitive()?.await?.collect::<Result<_, _>>()?;
    Ok((here, waiting))
}

/// Keeps a picked file and marks it for upload, in one strictly durable transaction.
pub async fn put_file(id: uuid::Uuid, file: &web_sys::Blob) -> Result<(), StorageError> {
    let db = db().await?;
    let options = TransactionOptions::new().with_durability(TransactionDurability::Strict);
    let tx = db.transaction([FILES, UPLOADS]).with_mode(TransactionMode::Readwrite).with_options(options).build()?;
    tx.object_store(FILES)?
        .put(wasm_bindgen::JsValue::from(file.clone()))
        .with_key(id.to_string())
        .primitive()?
        .await?;
    tx.object_store(UPLOADS)?.put("waiting").with_key(id.to_string()).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// The file kept for an attachment, if this device has it.
pub async fn file(id: uuid::Uuid) -> Result<Option<web_sys::Blob>, StorageError> {
    use wasm_bindgen::JsCast;
    let db = db().await?;
    let tx = db.transaction(FILES).build()?;
    let value: Option<wasm_bindgen::JsValue> = tx.object_store(FILES)?.get(id.to_string()).primitive()?.await?;
    Ok(value.and_then(|v| v.dyn_into::<web_sys::Blob>().ok()))
}

/// The file has reached the server: it stays here for offline use, no longer waiting.
pub async fn file_uploaded(id: uuid::Uuid) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction(UPLOADS).with_mode(TransactionMode::Readwrite).build()?;
    tx.object_store(UPLOADS)?.delete(id.to_string()).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}

/// Forgets an attachment's file (the attachment was deleted).
pub async fn delete_file(id: uuid::Uuid) -> Result<(), StorageError> {
    let db = db().await?;
    let tx = db.transaction([FILES, UPLOADS]).with_mode(TransactionMode::Readwrite).build()?;
    tx.object_store(FILES)?.delete(id.to_string()).primitive()?.await?;
    tx.object_store(UPLOADS)?.delete(id.to_string()).primitive()?.await?;
    tx.commit().await?;
    Ok(())
}
