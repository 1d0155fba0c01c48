//! Business records: the generic store every kind shares.

use super::{Db, now_ms};
use anyhow::Context;
use sqlx::Row;
use veld_domain::api::RecordRow;
use veld_domain::sync::{ClientId, Hlc};
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
        let mut tx = self.pool().begin().await?;
        let now = now_ms();
        // Each record is a change: it takes the next version, as a pushed create would.
        sqlx::query("UPDATE sync_counter SET version = version WHERE id = 1").execute(&mut *tx).await?;
        let mut version: i64 =
            sqlx::query("SELECT version FROM sync_counter WHERE id = 1").fetch_one(&mut *tx).await?.try_get(0)?;
        let hlc = Hlc { wall_ms: now, counter: 0, client: ClientId(uuid::Uuid::nil()) };
        for r in records {
            version += 1;
            let meta: serde_json::Map<String, serde_json::Value> = r
                .data
                .as_object()
                .context("a record's data is a JSON object")?
                .keys()
                .map(|k| (k.clone(), serde_json::json!({ "version": version, "hlc": hlc })))
                .collect();
            sqlx::query(
                "INSERT INTO records (id, kind, owner_id, office_id, data, meta, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
            )
            .bind(r.id.to_string())
            .bind(r.kind.as_str())
            .bind(r.owner.to_string())
            .bind(r.office.to_string())
            .bind(r.data.to_string())
            .bind(serde_json::Value::Object(meta).to_string())
            .bind(version)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE sync_counter SET version = $1 WHERE id = 1").bind(version).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The records of one kind the actor may view: the scope filter runs in SQL, from the
    /// same `domain` grant the client sees.
    pub async fn visible_records(&self, actor: &Actor, kind: RecordKind) -> anyhow::Result<Vec<RecordRow>> {
        // The same visibility rule the sync pull uses, narrowed to one kind.
        let Some(visible) = super::sync::visibility_sql(actor) else { return Ok(Vec::new()) };
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
