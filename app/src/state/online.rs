//! What only the server knows and the device does not keep (record history, the conflict log,
//! process runs, the user list) and server-side actions (run a process, make recurring
//! opportunities, merge duplicates): read and done through the store, which notes what each answer says about
//! the connection. Pages show an [`OnlineError`] with `components::online`.

use super::{EditError, Store};
use crate::storage::local;
use crate::sync::api::{self, ApiFailure};
use crate::sync::engine;
use leptos::prelude::*;
use veld_domain::RecordKind;
use veld_domain::api::{
    ConflictView, ErrorCode, HistoryEntry, ProcessRunView, RecurringResponse, RoleUpdate, RoleView, UserRow,
};

/// Why an online-only read or action did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum OnlineError {
    /// No answer: offline, or the server is down.
    Offline,
    /// The server does not have it (yet: created on this device and unsent) — or the user may
    /// not see it, which the server answers alike.
    NotFound,
    /// The server said no, with its code, the field it concerns (if any) and its words.
    Refused { code: ErrorCode, field: Option<String>, message: String },
}

impl From<ApiFailure> for OnlineError {
    fn from(f: ApiFailure) -> Self {
        match f {
            ApiFailure::Network => OnlineError::Offline,
            ApiFailure::Server(body) if body.error == ErrorCode::NotFound => OnlineError::NotFound,
            ApiFailure::Server(body) => {
                OnlineError::Refused { code: body.error, field: body.field, message: body.message }
            }
        }
    }
}

impl OnlineError {
    /// The user's words for it, `offline` being the page's own.
    /// The field a refusal concerns.
    pub fn field(&self) -> Option<&str> {
        match self {
            OnlineError::Refused { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    pub fn text(&self, t: &crate::i18n::Strings) -> String {
        match self {
            OnlineError::Offline => t.auto.needs_connection.to_owned(),
            OnlineError::NotFound => t.record.record_not_found.to_owned(),
            OnlineError::Refused { code: ErrorCode::Forbidden, .. } => t.list.not_allowed.to_owned(),
            OnlineError::Refused { message, .. } => message.clone(),
        }
    }
}

/// Whose conflicts to read.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ConflictSource {
    Record(RecordKind, uuid::Uuid),
    Mine,
}

impl Store {
    async fn online<T>(&self, call: impl Future<Output = Result<T, ApiFailure>>) -> Result<T, OnlineError> {
        let result = call.await;
        self.observe(&result);
        result.map_err(OnlineError::from)
    }

    pub async fn history(&self, kind: RecordKind, id: uuid::Uuid) -> Result<Vec<HistoryEntry>, OnlineError> {
        self.online(api::record_history(kind, id)).await
    }

    pub async fn conflicts(&self, source: ConflictSource) -> Result<Vec<ConflictView>, OnlineError> {
        match source {
            ConflictSource::Record(kind, id) => self.online(api::record_conflicts(kind, id)).await,
            ConflictSource::Mine => self.online(api::my_conflicts()).await,
        }
    }

    pub async fn process_runs(&self) -> Result<Vec<ProcessRunView>, OnlineError> {
        self.online(api::process_runs()).await
    }

    pub async fn run_process(&self, code: &str) -> Result<ProcessRunView, OnlineError> {
        let run = self.online(api::run_process(code)).await?;
        self.sync_now();
        Ok(run)
    }

    /// Merges `request.merged` into `request.survivor` on the server (it moves links this
    /// device may not hold), then syncs the result here.
    pub async fn merge(
        &self,
        kind: RecordKind,
        request: &veld_domain::merge::MergeRequest,
    ) -> Result<veld_domain::merge::MergeResponse, OnlineError> {
        let done = self.online(api::merge(kind, request)).await?;
        self.sync_now();
        Ok(done)
    }

    /// Sends a CSV file for importing into `kind` (`veld_domain::import`).
    pub async fn import_upload(
        &self,
        kind: RecordKind,
        name: &str,
        file: &web_sys::Blob,
    ) -> Result<veld_domain::import::ImportView, OnlineError> {
        self.online(api::import_upload(kind, name, file)).await
    }

    /// The dry run of an import.
    pub async fn import_plan(
        &self,
        id: uuid::Uuid,
        request: &veld_domain::import::PlanRequest,
    ) -> Result<veld_domain::import::ImportView, OnlineError> {
        self.online(api::import_plan(id, request)).await
    }

    /// Starts a planned import; its records arrive by the sync.
    pub async fn import_run(&self, id: uuid::Uuid) -> Result<veld_domain::import::ImportView, OnlineError> {
        self.online(api::import_run(id)).await
    }

    /// An import's progress (pulls what it has made so far).
    pub async fn import_status(&self, id: uuid::Uuid) -> Result<veld_domain::import::ImportView, OnlineError> {
        let view = self.online(api::import_status(id)).await?;
        self.sync_now();
        Ok(view)
    }

    /// The record a merged one went into, if the user may see it.
    pub async fn merged_into(&self, kind: RecordKind, id: uuid::Uuid) -> Result<uuid::Uuid, OnlineError> {
        Ok(self.online(api::merged_into(kind, id)).await?.survivor)
    }

    /// Makes recurring opportunities from `id` on the server, then syncs them here.
    pub async fn recurring(&self, id: uuid::Uuid, every: u32, count: u32) -> Result<RecurringResponse, OnlineError> {
        let made = self.online(api::recurring(id, every, count)).await?;
        self.sync_now();
        Ok(made)
    }

    pub async fn roles(&self) -> Result<Vec<RoleView>, OnlineError> {
        self.online(api::admin_roles()).await
    }

    /// Saves a role (`None`: a new one). When it is the user's own, their identity is re-read:
    /// what they may do changes at once.
    pub async fn save_role(
        &self,
        id: Option<veld_domain::RoleId>,
        update: &RoleUpdate,
    ) -> Result<RoleView, OnlineError> {
        let saved = self.online(api::save_role(id, update)).await?;
        if self.me.with_untracked(|m| m.as_ref().is_some_and(|m| m.role.id == saved.id)) {
            self.refresh_identity();
        }
        Ok(saved)
    }

    pub async fn admin_users(&self) -> Result<Vec<UserRow>, OnlineError> {
        self.online(api::admin_users()).await
    }

    /// Whether this device has changes to record `id` the server has not got yet.
    pub fn unsent(&self, id: uuid::Uuid) -> bool {
        self.outbox.with_untracked(|o| o.iter().any(|m| m.record_id == id))
            || self.saving.with_untracked(|s| s.iter().any(|m| m.record_id == id))
    }

    /// Runs a sync round now (or right after the running one).
    pub fn sync_now(&self) {
        engine::sync_now(*self);
    }

    /// Forgets a change the server refused, on the device and on screen.
    pub async fn discard_rejected(&self, mutation_id: u64) -> Result<(), EditError> {
        local::discard_rejected(mutation_id).await.map_err(|e| EditError::Storage(e.0))?;
        self.rejected.update(|list| list.retain(|r| r.mutation.id != mutation_id));
        Ok(())
    }
}
