//! Attachment files (DM-8): the bytes of attachment records, stored beside them.

use super::{Db, now_ms};
use sqlx::Row;
use veld_domain::UserId;

impl Db {
    /// Stores (or replaces) an attachment's file.
    pub async fn store_attachment_file(
        &self,
        attachment: uuid::Uuid,
        content: &[u8],
        content_type: &str,
        by: UserId,
    ) -> anyhow::Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM attachment_files WHERE attachment_id = $1")
            .bind(attachment.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO attachment_files (attachment_id, content, size, content_type, uploaded_by, uploaded_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(attachment.to_string())
        .bind(content.to_vec())
        .bind(content.len() as i64)
        .bind(content_type)
        .bind(by.to_string())
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// An attachment's file and its content type, if uploaded.
    pub async fn attachment_file(&self, attachment: uuid::Uuid) -> anyhow::Result<Option<(Vec<u8>, String)>> {
        let row = sqlx::query("SELECT content, content_type FROM attachment_files WHERE attachment_id = $1")
            .bind(attachment.to_string())
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => Some((row.try_get::<Vec<u8>, _>(0)?, row.try_get::<String, _>(1)?)),
            None => None,
        })
    }
}
