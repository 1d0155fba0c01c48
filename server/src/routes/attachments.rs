//! An attachment's file (DM-8): `PUT /api/attachments/{id}/file` uploads it once the attachment
//! record has synced, `GET` downloads it. The record (name, type, size, link) syncs like any
//! other; the bytes travel separately so that a phone that picked a file offline can queue the
//! record at once and send the file when it is online.

use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use veld_domain::records::{ATTACHMENT_LIMIT, size_text};
use veld_domain::schema::names;
use veld_domain::sync::StoredRecord;
use veld_domain::{Action, RecordKind};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/attachments/{id}/file",
        get(download).put(upload).layer(DefaultBodyLimit::max(ATTACHMENT_LIMIT as usize + 1)),
    )
}

fn too_large(size: u64) -> ApiError {
    ApiError::FileTooLarge(format!("the file is {}; the limit is {}", size_text(size), size_text(ATTACHMENT_LIMIT)))
}

/// The attachment record, if the user may do `action` with it (404 otherwise: a record outside
/// the user's scope does not exist for them).
async fn attachment(state: &AppState, user: &CurrentUser, id: &str, action: Action) -> ApiResult<StoredRecord> {
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound(format!("`{id}` is not an attachment id")))?;
    let record = state.db.stored_record(id).await?.filter(|r| r.kind == RecordKind::Attachment && !r.deleted);
    let Some(record) = record else { return Err(ApiError::NotFound("no such attachment".into())) };
    if !user.actor.may(Action::View, RecordKind::Attachment, record.ownership()) {
        return Err(ApiError::NotFound("no such attachment".into()));
    }
    if !user.actor.may(action, RecordKind::Attachment, record.ownership()) {
        return Err(ApiError::Forbidden);
    }
    Ok(record)
}

/// Stores the file of an attachment record: its size must be the one the record states, and at
/// most the limit. Sending it again replaces it (an upload retried after a lost answer).
#[utoipa::path(put, path = "/api/attachments/{id}/file", tag = "attachments", params(("id" = String, Path, description = "The attachment record id")), request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file, as many bytes as the record says"), responses((status = 204, description = "Stored"), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared.filter(|n| *n > ATTACHMENT_LIMIT) {
        return Err(too_large(n));
    }
    let body = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => too_large(declared.unwrap_or(ATTACHMENT_LIMIT + 1)),
        _ => ApiError::BadRequest { message: e.body_text() },
    })?;
    let size = body.len() as u64;
    if size > ATTACHMENT_LIMIT {
        return Err(too_large(size));
    }
    let record = attachment(&state, &user, &id, Action::Edit).await?;
    let values = record.values();
    let expected = values.get(names::SIZE).and_then(serde_json::Value::as_u64);
    if expected != Some(size) {
        return Err(ApiError::validation(
            names::SIZE,
            format!("the file has {size} bytes but the attachment says {}", expected.unwrap_or_default()),
        ));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 200)
        .unwrap_or("application/octet-stream")
        .to_owned();
    state.db.store_attachment_file(record.id, &body, &content_type, user.actor.user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The file, as a download named after the attachment.
#[utoipa::path(get, path = "/api/attachments/{id}/file", tag = "attachments", params(("id" = String, Path, description = "The attachment record id")), responses((status = 200, description = "The file, as a download", content_type = "application/octet-stream", body = Vec<u8>), (status = "4XX", description = "Refused: a JSON error (`error`, `message`, `field`?, `retry_after_secs`?)", body = veld_domain::api::ErrorBody), (status = "5XX", description = "Unavailable or internal: a JSON error", body = veld_domain::api::ErrorBody)))]
async fn download(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> ApiResult<Response> {
    let record = attachment(&state, &user, &id, Action::View).await?;
    let Some((content, content_type)) = state.db.attachment_file(record.id).await? else {
        return Err(ApiError::NotFound("the file has not been uploaded yet".into()));
    };
    let name = veld_domain::records::text(&record.values(), names::NAME).unwrap_or("attachment").to_owned();
    let mut response = content.into_response();
    let headers = response.headers_mut();
    // Never served as something the browser would run (HTML, SVG) from the app's origin.
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(crate::security::safe_download_type(&content_type)));
    if let Ok(v) = HeaderValue::from_str(&content_disposition(&name)) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(response)
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback and the exact
/// name percent-encoded.
fn content_disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' }).collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_survive_the_header() {
        assert_eq!(
            super::content_disposition("Offerte Ç \"x\".pdf"),
            "attachment; filename=\"Offerte _ _x_.pdf\"; filename*=UTF-8''Offerte%20%C3%87%20%22x%22.pdf"
        );
    }
}
