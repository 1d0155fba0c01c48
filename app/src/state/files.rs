//! Attachment files (DM-8) through the edit path: the record is an ordinary edit; its file is
//! kept on this device (IndexedDB) and uploaded by the sync engine after the record has synced.

use super::{Applied, EditError, Store};
use crate::storage::local;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::edit::Edit;

impl Store {
    /// Attaches `file` as attachment `id` with the record's `fields`: checked first; then the
    /// file is stored on this device and the record queued, so both work offline.
    pub async fn attach_file(
        &self,
        id: uuid::Uuid,
        file: &web_sys::Blob,
        fields: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Applied, EditError> {
        let Some(prepared) = self.check(Edit::create(RecordKind::Attachment, id, fields))? else {
            return Ok(Applied::Unchanged);
        };
        let storage = |e: local::StorageError| EditError::Storage(e.0);
        local::put_file(id, file).await.map_err(storage)?;
        self.files.update(|f| {
            f.here.insert(id);
            f.waiting.insert(id);
        });
        self.save(prepared).await
    }

    /// Deletes an attachment: the record (synced like any change) and its file on this device.
    pub async fn delete_attachment(&self, id: uuid::Uuid) -> Result<Applied, EditError> {
        let applied = self.apply(Edit::delete(RecordKind::Attachment, id)).await?;
        local::delete_file(id).await.map_err(|e| EditError::Storage(e.0))?;
        self.files.update(|f| {
            f.here.remove(&id);
            f.waiting.remove(&id);
            f.refused.remove(&id);
        });
        Ok(applied)
    }

    /// The file of attachment `id` kept on this device, if any.
    pub async fn local_file(&self, id: uuid::Uuid) -> Option<web_sys::Blob> {
        local::file(id).await.ok().flatten()
    }
}
