//! The conflict log (SPEC OF-3): every value that lost a concurrent edit, with both sides'
//! clients, for the record's history and the user's Pending changes page.

use super::Db;
use anyhow::Context;
use serde_json::{Map, Value};
use sqlx::{AnyConnection, Row};
use veld_domain::sync::{Conflict, Hlc};
use veld_domain::{RecordKind, UserId};

pub(super) async fn log_conflict(
    conn: &mut AnyConnection,
    record: uuid::Uuid,
    c: &Conflict,
    version: u64,
    now_ms: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO sync_conflicts (id, record_id, field, lost_value, lost_hlc, kept_value, kept_hlc, version, created_at, \
         lost_client, kept_client) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(record.to_string())
    .bind(&c.field)
    .bind(c.lost.value.to_string())
    .bind(serde_json::to_string(&c.lost.hlc)?)
    .bind(c.kept.value.to_string())
    .bind(serde_json::to_string(&c.kept.hlc)?)
    .bind(version as i64)
    .bind(now_ms)
    .bind(c.lost.hlc.client.0.to_string())
    .bind(c.kept.hlc.client.0.to_string())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Which conflicts to list.
pub enum ConflictFilter {
    /// Of one record.
    Record(uuid::Uuid),
    /// Where this user's edit lost, newest first.
    LostBy(UserId),
}

impl Db {
    /// Conflicts for the history and the Pending changes page, with the names of both sides.
    pub async fn conflict_views(
        &self,
        filter: ConflictFilter,
        limit: i64,
    ) -> anyhow::Result<Vec<veld_domain::api::ConflictView>> {
        let (condition, order, key) = match filter {
            ConflictFilter::Record(id) => ("c.record_id = $1", "c.version DESC, c.id", id.to_string()),
            ConflictFilter::LostBy(user) => ("lc.user_id = $1", "c.created_at DESC, c.id", user.to_string()),
        };
        let sql = format!(
            "SELECT c.record_id, r.kind, r.data, c.field, c.lost_value, c.lost_hlc, lu.name, c.kept_value, c.kept_hlc, \
             ku.name, c.created_at \
             FROM sync_conflicts c JOIN records r ON r.id = c.record_id \
             LEFT JOIN sync_clients lc ON lc.client_id = c.lost_client LEFT JOIN users lu ON lu.id = lc.user_id \
             LEFT JOIN sync_clients kc ON kc.client_id = c.kept_client LEFT JOIN users ku ON ku.id = kc.user_id \
             WHERE {condition} ORDER BY {order} LIMIT $2"
        );
        let rows = sqlx::query(&sql).bind(key).bind(limit).fetch_all(self.pool()).await?;
        rows.into_iter()
            .map(|r| {
                let data: Map<String, Value> = serde_json::from_str(&r.try_get::<String, _>(2)?).unwrap_or_default();
                let kind = RecordKind::parse(&r.try_get::<String, _>(1)?).context("record kind")?;
                let title = Some(veld_domain::records::display_name(kind, &data)).filter(|t| !t.is_empty());
                let lost_hlc: Hlc = serde_json::from_str(&r.try_get::<String, _>(5)?)?;
                let kept_hlc: Hlc = serde_json::from_str(&r.try_get::<String, _>(8)?)?;
                Ok(veld_domain::api::ConflictView {
                    record_id: r.try_get::<String, _>(0)?.parse().context("record id")?,
                    kind,
                    record_title: title,
                    field: r.try_get(3)?,
                    lost_value: serde_json::from_str(&r.try_get::<String, _>(4)?)?,
                    lost_by: r.try_get(6)?,
                    lost_at_ms: lost_hlc.wall_ms,
                    kept_value: serde_json::from_str(&r.try_get::<String, _>(7)?)?,
                    kept_by: r.try_get(9)?,
                    kept_at_ms: kept_hlc.wall_ms,
                    at_ms: r.try_get(10)?,
                })
            })
            .collect()
    }
}
