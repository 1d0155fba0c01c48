//! One typed client for the server's JSON API. Every call returns [`ApiFailure`] on error, so
//! callers tell "offline" apart from "the server said no".

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;
use veld_domain::RecordKind;
use veld_domain::api::{
    Colleague, ConflictView, ErrorBody, ErrorCode, HistoryEntry, LoginRequest, Me, ProcessRunView, RecordRow,
    RecurringRequest, RecurringResponse, RoleUpdate, RoleView, UpdateMe, UserRow,
};
use veld_domain::sync::{ClientId, PROTOCOL_VERSION, PullResponse, PushRequest, PushResponse};

#[derive(Clone, Debug, PartialEq)]
pub enum ApiFailure {
    /// No answer: offline, or the server is down.
    Network,
    /// The server answered with an error body.
    Server(ErrorBody),
}

impl ApiFailure {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Network => None,
            ApiFailure::Server(body) => Some(body.error),
        }
    }
}

async fn read<T: DeserializeOwned>(result: Result<Response, gloo_net::Error>) -> Result<T, ApiFailure> {
    let response = result.map_err(|_| ApiFailure::Network)?;
    if response.ok() {
        return response.json::<T>().await.map_err(|e| server_error(format!("unreadable response: {e}")));
    }
    Err(ApiFailure::Server(response.json::<ErrorBody>().await.unwrap_or_else(|_| ErrorBody {
        // A proxy or an old server may answer without our error body.
        error: if response.status() == 401 { ErrorCode::Unauthenticated } else { ErrorCode::Internal },
        message: format!("HTTP {}", response.status()),
        field: None,
        retry_after_secs: None,
    })))
}

fn server_error(message: String) -> ApiFailure {
    ApiFailure::Server(ErrorBody { error: ErrorCode::Internal, message, field: None, retry_after_secs: None })
}

pub async fn login(email: &str, password: &str) -> Result<Me, ApiFailure> {
    let body = LoginRequest { email: email.into(), password: password.into() };
    let req = Request::post("/api/auth/login").json(&body).map_err(|e| server_error(e.to_string()))?;
    read(req.send().await).await
}

pub async fn logout() -> Result<(), ApiFailure> {
    let response = Request::post("/api/auth/logout").send().await.map_err(|_| ApiFailure::Network)?;
    if response.ok() { Ok(()) } else { Err(server_error(format!("HTTP {}", response.status()))) }
}

/// Uploads an attachment's file (the attachment record has synced already).
pub async fn upload_file(id: uuid::Uuid, file: &web_sys::Blob) -> Result<(), ApiFailure> {
    let content_type = file.type_();
    let mut request = Request::put(&format!("/api/attachments/{id}/file"));
    if !content_type.is_empty() {
        request = request.header("content-type", &content_type);
    }
    let request = request.body(file.clone()).map_err(|e| server_error(e.to_string()))?;
    let response = request.send().await.map_err(|_| ApiFailure::Network)?;
    if response.ok() {
        return Ok(());
    }
    Err(ApiFailure::Server(response.json::<ErrorBody>().await.unwrap_or_else(|_| ErrorBody {
        error: ErrorCode::Internal,
        message: format!("HTTP {}", response.status()),
        field: None,
        retry_after_secs: None,
    })))
}

pub async fn me() -> Result<Me, ApiFailure> {
    read(Request::get("/api/me").send().await).await
}

pub async fn update_me(update: &UpdateMe) -> Result<Me, ApiFailure> {
    let req = Request::patch("/api/me").json(update).map_err(|e| server_error(e.to_string()))?;
    read(req.send().await).await
}

pub async fn records(kind: RecordKind) -> Result<Vec<RecordRow>, ApiFailure> {
    read(Request::get(&format!("/api/records/{}", kind.as_str())).send().await).await
}

pub async fn colleagues() -> Result<Vec<Colleague>, ApiFailure> {
    read(Request::get("/api/users").send().await).await
}

/// Runs a scheduled process now (administrators) and returns its report.
pub async fn run_process(code: &str) -> Result<ProcessRunView, ApiFailure> {
    read(Request::post(&format!("/api/automation/processes/{code}/run")).send().await).await
}

/// The latest runs of the scheduled processes (administrators).
pub async fn process_runs() -> Result<Vec<ProcessRunView>, ApiFailure> {
    read(Request::get("/api/automation/runs").send().await).await
}

/// Merges one company, contact or lead into another.
pub async fn merge(
    kind: RecordKind,
    request: &veld_domain::merge::MergeRequest,
) -> Result<veld_domain::merge::MergeResponse, ApiFailure> {
    let req = Request::post(&format!("/api/records/{}/merge", kind.as_str()))
        .json(request)
        .map_err(|e| server_error(e.to_string()))?;
    read(req.send().await).await
}

/// Sends a CSV file to be imported into `kind`: the server reads it and suggests a mapping.
pub async fn import_upload(
    kind: RecordKind,
    name: &str,
    file: &web_sys::Blob,
) -> Result<veld_domain::import::ImportView, ApiFailure> {
    let name = js_sys::encode_uri_component(name);
    let request = Request::post(&format!("/api/imports?kind={}&name={name}", kind.as_str()))
        .header("content-type", "text/csv")
        .body(file.clone())
        .map_err(|e| server_error(e.to_string()))?;
    read(request.send().await).await
}

/// The dry run of an import with a mapping.
pub async fn import_plan(
    id: uuid::Uuid,
    request: &veld_domain::import::PlanRequest,
) -> Result<veld_domain::import::ImportView, ApiFailure> {
    let req =
        Request::post(&format!("/api/imports/{id}/plan")).json(request).map_err(|e| server_error(e.to_string()))?;
    read(req.send().await).await
}

/// Starts a planned import.
pub async fn import_run(id: uuid::Uuid) -> Result<veld_domain::import::ImportView, ApiFailure> {
    read(Request::post(&format!("/api/imports/{id}/run")).send().await).await
}

/// An import's progress.
pub async fn import_status(id: uuid::Uuid) -> Result<veld_domain::import::ImportView, ApiFailure> {
    read(Request::get(&format!("/api/imports/{id}")).send().await).await
}

/// Where a merged record went.
pub async fn merged_into(kind: RecordKind, id: uuid::Uuid) -> Result<veld_domain::merge::MergedInto, ApiFailure> {
    read(Request::get(&format!("/api/records/{}/{id}/merged", kind.as_str())).send().await).await
}

/// Makes the next opportunities after a base one.
pub async fn recurring(id: uuid::Uuid, every_months: u32, count: u32) -> Result<RecurringResponse, ApiFailure> {
    let req = Request::post(&format!("/api/opportunities/{id}/recurring"))
        .json(&RecurringRequest { every_months, count })
        .map_err(|e| server_error(e.to_string()))?;
    read(req.send().await).await
}

pub async fn admin_roles() -> Result<Vec<RoleView>, ApiFailure> {
    read(Request::get("/api/admin/roles").send().await).await
}

pub async fn save_role(id: Option<veld_domain::RoleId>, update: &RoleUpdate) -> Result<RoleView, ApiFailure> {
    let request = match id {
        Some(id) => Request::put(&format!("/api/admin/roles/{id}")),
        None => Request::post("/api/admin/roles"),
    };
    read(request.json(update).map_err(|e| server_error(e.to_string()))?.send().await).await
}

pub async fn admin_users() -> Result<Vec<UserRow>, ApiFailure> {
    read(Request::get("/api/admin/users").send().await).await
}

pub async fn push(request: &PushRequest) -> Result<PushResponse, ApiFailure> {
    let req = Request::post("/api/sync/push").json(request).map_err(|e| server_error(e.to_string()))?;
    read(req.send().await).await
}

pub async fn pull(client: ClientId, cursor: u64, acked: u64) -> Result<PullResponse, ApiFailure> {
    let url =
        format!("/api/sync/pull?client_id={}&cursor={cursor}&acked={acked}&protocol={PROTOCOL_VERSION}", client.0);
    read(Request::get(&url).send().await).await
}

/// A record's conflict log (its history's conflicting edits).
pub async fn record_conflicts(kind: RecordKind, id: uuid::Uuid) -> Result<Vec<ConflictView>, ApiFailure> {
    read(Request::get(&format!("/api/records/{}/{id}/conflicts", kind.as_str())).send().await).await
}

/// This user's edits that lost to concurrent ones.
pub async fn my_conflicts() -> Result<Vec<ConflictView>, ApiFailure> {
    read(Request::get("/api/sync/conflicts").send().await).await
}

/// A record's history: every applied change with who made it and each field's old and new value.
pub async fn record_history(kind: RecordKind, id: uuid::Uuid) -> Result<Vec<HistoryEntry>, ApiFailure> {
    read(Request::get(&format!("/api/records/{}/{id}/history", kind.as_str())).send().await).await
}
