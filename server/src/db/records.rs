//! Business records: the generic store every kind shares.

use super::versioned::{Bind, Versioned, Write};
use super::{Db, now_ms};
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::AnyConnection;
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};
use veld_domain::api::RecordRow;
use veld_domain::schema::names;
use veld_domain::sync::{ClientId, FieldState, Hlc, StoredRecord, ZERO_HLC};
use veld_domain::{Actor, OfficeId, RecordKind, UserId};

pub struct NewRecord {
    pub id: uuid::Uuid,
    pub kind: RecordKind,
    pub owner: UserId,
    pub office: OfficeId,
    pub data: serde_json::Value,
}

impl Db {
    /// Inserts many records in one transaction (bulk loads such as the demo data).
    pub async fn insert_records(&self, records: &[NewRecord]) -> anyhow::Result<()> {
        let mut v = Versioned::begin(self).await?;
        let now = now_ms();
        insert_in(&mut v, records, now).await?;
        v.commit(now).await?;
        Ok(())
    }

    /// Loads the default configuration (stages and tables, `veld_domain::config::defaults`)
    /// into a database that lacks it, owned by Veld's own user: the stages when there are
    /// none, and a default table's entries when that list has no entry of that table, not even
    /// a deleted one (so a table added in a new version, such as the companies' statuses,
    /// reaches an existing database, and an administrator's removals stand). Returns how many
    /// were loaded.
    pub async fn ensure_default_config(&self) -> anyhow::Result<usize> {
        // Read and written in one versioned transaction: its counter lock queues another
        // instance starting at the same moment, which then finds them there.
        let mut v = Versioned::begin(self).await?;
        let rows = sqlx::query("SELECT kind, data FROM records WHERE kind = $1 OR kind = $2")
            .bind(RecordKind::Stage.as_str())
            .bind(RecordKind::TableEntry.as_str())
            .fetch_all(&mut *v.tx)
            .await?;
        let pair = |v: &Map<String, Value>| (v.get("list").cloned(), v.get("table").cloned());
        let mut have_stages = false;
        let mut tables = std::collections::HashSet::new();
        for row in &rows {
            if row.try_get::<String, _>(0)? == RecordKind::Stage.as_str() {
                have_stages = true;
            } else if let Ok(Value::Object(data)) = serde_json::from_str(&row.try_get::<String, _>(1)?) {
                tables.insert(pair(&data));
            }
        }
        let system: uuid::Uuid = super::SYSTEM_ID.parse()?;
        let records: Vec<NewRecord> = veld_domain::config::defaults()
            .into_iter()
            .filter(|(kind, values)| match kind {
                RecordKind::Stage => !have_stages,
                _ => !tables.contains(&pair(values)),
            })
            .map(|(kind, values)| NewRecord {
                id: uuid::Uuid::now_v7(),
                kind,
                owner: UserId(system),
                office: OfficeId(system),
                data: Value::Object(values),
            })
            .collect();
        if !records.is_empty() {
            let now = now_ms();
            insert_in(&mut v, &records, now).await?;
            v.commit(now).await?;
        }
        Ok(records.len())
    }

    /// The records of one kind the actor may view: the scope filter runs in SQL, from the
    /// same `domain` grant the client sees.
    pub async fn visible_records(&self, actor: &Actor, kind: RecordKind) -> anyhow::Result<Vec<RecordRow>> {
        // The same visibility rule the sync pull uses, narrowed to one kind.
        let Some(visible) = super::scope::visibility_sql(actor) else { return Ok(Vec::new()) };
        let sql = format!(
            "SELECT id, kind, owner_id, office_id, data, updated_at FROM records \
             WHERE kind = $3 AND deleted_at IS NULL AND ({visible}) ORDER BY updated_at DESC, id"
        );
        let query = sqlx::query(&sql).bind(actor.user.to_string()).bind(actor.office.to_string()).bind(kind.as_str());
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter()
            .map(|r| {
                let text = |i: usize| r.try_get::<String, _>(i);
                Ok(RecordRow {
                    id: text(0)?.parse().context("stored record id is not a UUID")?,
                    kind,
                    owner_id: text(2)?.parse().context("stored owner id is not a UUID")?,
                    office_id: text(3)?.parse().context("stored office id is not a UUID")?,
                    data: serde_json::from_str(&r.try_get::<String, _>(4)?)
                        .context("stored record data is not JSON")?,
                    updated_at: r.try_get(5)?,
                })
            })
            .collect()
    }
}

/// Writes `records` as new records in `v`'s transaction, each taking the next version.
async fn insert_in(v: &mut Versioned, records: &[NewRecord], now: i64) -> anyhow::Result<()> {
    let hlc = Hlc { wall_ms: now, counter: 0, client: ClientId(uuid::Uuid::nil()) };
    let mut stored = Vec::with_capacity(records.len());
    for r in records {
        // Each record is a change: it takes the next version, as a pushed create would.
        let version = v.next_version();
        let values = r.data.as_object().context("a record's data is a JSON object")?;
        let fields = values
            .iter()
            .map(|(k, v)| (k.clone(), FieldState { value: v.clone(), version: version as u64, hlc }))
            .collect();
        let record = StoredRecord {
            id: r.id,
            kind: r.kind,
            owner: r.owner,
            office: r.office,
            fields,
            version: version as u64,
            deleted: false,
        };
        stored.push(record);
    }
    store_new(&mut v.tx, &stored, now).await
}

/// Per-field bookkeeping stored beside the values: `{field: {version, hlc}}`.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct FieldMeta {
    pub version: u64,
    pub hlc: Hlc,
}

pub(super) async fn load(conn: &mut AnyConnection, id: uuid::Uuid) -> anyhow::Result<Option<StoredRecord>> {
    let row =
        sqlx::query("SELECT kind, owner_id, office_id, data, meta, version, deleted_at, id FROM records WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|r| stored(&r)).transpose()
}

/// Several records by id, in one query per 100 ids (a push's batch); absent ids are left out.
pub(super) async fn load_many(
    conn: &mut AnyConnection,
    ids: &[uuid::Uuid],
) -> anyhow::Result<HashMap<uuid::Uuid, StoredRecord>> {
    let mut out = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT kind, owner_id, office_id, data, meta, version, deleted_at, id FROM records WHERE id IN ({})",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id.to_string());
        }
        for r in query.fetch_all(&mut *conn).await? {
            let record = stored(&r)?;
            out.insert(record.id, record);
        }
    }
    Ok(out)
}

/// A record from a row of kind, owner, office, data, meta, version, deleted_at and id.
fn stored(r: &sqlx::any::AnyRow) -> anyhow::Result<StoredRecord> {
    let id: uuid::Uuid = r.try_get::<String, _>(7)?.parse().context("record id")?;
    let version = r.try_get::<i64, _>(5)? as u64;
    let data: Map<String, Value> = serde_json::from_str(&r.try_get::<String, _>(3)?).context("record data")?;
    let meta: BTreeMap<String, FieldMeta> = serde_json::from_str(&r.try_get::<String, _>(4)?).context("record meta")?;
    Ok(StoredRecord {
        id,
        kind: RecordKind::parse(&r.try_get::<String, _>(0)?).context("record kind")?,
        owner: r.try_get::<String, _>(1)?.parse().context("owner id")?,
        office: r.try_get::<String, _>(2)?.parse().context("office id")?,
        fields: fields_of(data, &meta, version),
        version,
        deleted: r.try_get::<Option<i64>, _>(6)?.is_some(),
    })
}

/// Joins stored values and their bookkeeping; a field without any (records from before sync)
/// counts as set by the record's version at clock zero.
pub(super) fn fields_of(
    data: Map<String, Value>,
    meta: &BTreeMap<String, FieldMeta>,
    version: u64,
) -> BTreeMap<String, FieldState> {
    data.into_iter()
        .map(|(name, value)| {
            let m = meta.get(&name);
            let state =
                FieldState { value, version: m.map_or(version, |m| m.version), hlc: m.map_or(ZERO_HLC, |m| m.hlc) };
            (name, state)
        })
        .collect()
}

/// Splits fields into the stored values and bookkeeping columns.
pub(super) fn columns_of(fields: &BTreeMap<String, FieldState>) -> anyhow::Result<(String, String)> {
    let data: Map<String, Value> = fields.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect();
    let meta: BTreeMap<&String, FieldMeta> =
        fields.iter().map(|(k, f)| (k, FieldMeta { version: f.version, hlc: f.hlc })).collect();
    Ok((serde_json::to_string(&data)?, serde_json::to_string(&meta)?))
}

/// Stores new records (values, per-field bookkeeping and version), 100 to a statement: a
/// push's batch of creates is one round trip inside the counter's lock, not one per record.
pub(super) async fn store_new(conn: &mut AnyConnection, records: &[StoredRecord], now_ms: i64) -> anyhow::Result<()> {
    for write in insert_writes(records, now_ms)? {
        super::versioned::execute(&mut *conn, &write).await?;
    }
    Ok(())
}

/// The INSERTs of new records, 100 to a statement (for a commit to carry them: nothing in the
/// transaction reads them after).
pub(super) fn insert_writes(records: &[StoredRecord], now_ms: i64) -> anyhow::Result<Vec<Write>> {
    const COLUMNS: usize = 8;
    let mut writes = Vec::new();
    for chunk in records.chunks(100) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let p: Vec<String> = (1..=COLUMNS).map(|c| format!("${}", i * COLUMNS + c)).collect();
                // created_at and updated_at are both the last parameter.
                format!("({}, ${})", p.join(", "), i * COLUMNS + COLUMNS)
            })
            .collect();
        let sql = format!(
            "INSERT INTO records (id, kind, owner_id, office_id, data, meta, version, created_at, updated_at) VALUES {}",
            rows.join(", ")
        );
        let mut binds = Vec::with_capacity(chunk.len() * COLUMNS);
        for record in chunk {
            let (data, meta) = columns_of(&record.fields)?;
            binds.extend([
                Bind::Text(record.id.to_string()),
                Bind::Text(record.kind.as_str().to_owned()),
                Bind::Text(record.owner.to_string()),
                Bind::Text(record.office.to_string()),
                Bind::Text(data),
                Bind::Text(meta),
                Bind::Int(record.version as i64),
                Bind::Int(now_ms),
            ]);
        }
        writes.push(Write { sql, binds });
    }
    Ok(writes)
}

/// Gives a new record its number if its kind is numbered and it has none. `taken` holds the
/// last number given per kind in this transaction (read once, written back by
/// [`save_numbers`] before the commit); the transaction holds the sync counter's lock, so
/// numbers follow commit order and never repeat.
pub(super) async fn number_new(
    conn: &mut AnyConnection,
    record: &mut StoredRecord,
    taken: &mut HashMap<RecordKind, i64>,
) -> anyhow::Result<()> {
    let Some((prefix, first)) = veld_domain::records::numbering(record.kind) else { return Ok(()) };
    if record.fields.get(names::NUMBER).and_then(|f| f.value.as_str()).is_some_and(|n| !n.trim().is_empty()) {
        return Ok(());
    }
    let last = match taken.get(&record.kind) {
        Some(last) => *last,
        None => last_number(conn, record.kind, prefix, first).await?,
    };
    let n = last + 1;
    taken.insert(record.kind, n);
    let hlc = record.fields.values().map(|f| f.hlc).max().unwrap_or(ZERO_HLC);
    record.fields.insert(
        names::NUMBER.to_owned(),
        FieldState { value: Value::String(format!("{prefix}{n:05}")), version: record.version, hlc },
    );
    Ok(())
}

/// The last number given to a record of `kind`: stored, or — the first time — the highest one
/// present (demo data, imports), and at least the one before `first`.
async fn last_number(conn: &mut AnyConnection, kind: RecordKind, prefix: &str, first: i64) -> anyhow::Result<i64> {
    let stored = sqlx::query("SELECT last FROM record_numbers WHERE kind = $1")
        .bind(kind.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(row) = stored {
        return Ok(row.try_get::<i64, _>(0)?);
    }
    let rows =
        sqlx::query("SELECT data FROM records WHERE kind = $1").bind(kind.as_str()).fetch_all(&mut *conn).await?;
    let highest = rows
        .iter()
        .filter_map(|r| r.try_get::<String, _>(0).ok())
        .filter_map(|data| {
            let data: Value = serde_json::from_str(&data).ok()?;
            data.get(names::NUMBER)?.as_str()?.strip_prefix(prefix)?.parse::<i64>().ok()
        })
        .max();
    Ok(highest.unwrap_or(0).max(first - 1))
}

/// The last numbers a transaction gave, as writes for its commit.
pub(super) fn number_writes(taken: &HashMap<RecordKind, i64>) -> Vec<Write> {
    taken
        .iter()
        .map(|(kind, last)| Write {
            sql: "INSERT INTO record_numbers (kind, last) VALUES ($1, $2) \
                  ON CONFLICT (kind) DO UPDATE SET last = excluded.last"
                .into(),
            binds: vec![Bind::Text(kind.as_str().to_owned()), Bind::Int(*last)],
        })
        .collect()
}
