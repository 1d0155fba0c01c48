//! Types that cross the HTTP boundary between the app and the server. Both sides compile these
//! very definitions, so a renamed field breaks the build rather than a user's session.

use crate::{Language, Modules, OfficeId, Permissions, RecordKind, RoleId, UserId};
use serde::{Deserialize, Serialize};

/// `POST /api/auth/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Who is logged in: returned by login and `GET /api/me`, and cached by the app so that it
/// keeps working offline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub user: UserSummary,
    pub office: Named<OfficeId>,
    pub role: Named<RoleId>,
    pub permissions: Permissions,
    pub modules: Modules,
}

impl Me {
    /// The user as the access rules see them.
    pub fn actor(&self) -> crate::Actor {
        crate::Actor { user: self.user.id, office: self.office.id, permissions: self.permissions.clone() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub language: Language,
}

/// An id with its display name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Named<Id> {
    pub id: Id,
    pub name: String,
}

/// `PATCH /api/me`: what a user may change about themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateMe {
    pub language: Language,
}

/// An active colleague, as every user may list them (`GET /api/users`): to hand records to a
/// new owner (LO-1's bulk change of owner) and to show who owns what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Colleague {
    pub id: UserId,
    pub name: String,
    pub office: String,
    /// For checking a hand-over on the device (absent in lists cached by older apps).
    #[serde(default)]
    pub office_id: Option<OfficeId>,
}

/// A user as the administration area lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRow {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub language: Language,
    pub office: String,
    pub office_id: OfficeId,
    pub role: String,
    pub active: bool,
}

/// A role as the administration area edits it (`GET /api/admin/roles`): its permissions as
/// stored (before the deployment's modules are applied) and how many users hold it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleView {
    pub id: RoleId,
    pub name: String,
    pub permissions: Permissions,
    pub users: u32,
}

/// `PUT /api/admin/roles/{id}` and `POST /api/admin/roles`: a role's name and permissions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RoleUpdate {
    pub name: String,
    pub permissions: Permissions,
}

/// The longest role name.
pub const ROLE_NAME_MAX: usize = 80;

/// A record as `GET /api/records/{kind}` lists it; `data` holds the kind's fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRow {
    pub id: uuid::Uuid,
    pub kind: RecordKind,
    pub owner_id: UserId,
    pub office_id: OfficeId,
    pub data: serde_json::Value,
    pub updated_at: i64,
}

/// `GET /api/health`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
    pub database: String,
}

/// Every error response has this body, with a 4xx or 5xx status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    /// Stable, machine-readable: see [`ErrorCode`].
    pub error: ErrorCode,
    /// Human-readable, in English; the app shows its own translated text per code.
    pub message: String,
    /// The request field the error is about, so a form can show it next to that field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// For `rate_limited`: seconds until another try is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadRequest,
    Validation,
    InvalidCredentials,
    Unauthenticated,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    UnsupportedMediaType,
    RateLimited,
    /// The client speaks another sync protocol version: it should reload the app.
    ProtocolMismatch,
    /// A pushed batch skips a mutation id: resend from the server's last applied id.
    MutationGap,
    Internal,
    Unavailable,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_body_wire_format_is_stable() {
        let body = ErrorBody {
            error: ErrorCode::InvalidCredentials,
            message: "wrong e-mail or password".into(),
            field: Some("password".into()),
            retry_after_secs: None,
        };
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"error":"invalid_credentials","message":"wrong e-mail or password","field":"password"}"#
        );
    }
}

/// A value that lost to a concurrent edit (SPEC OF-3), as the record's history and the Pending
/// changes page show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictView {
    pub record_id: uuid::Uuid,
    pub kind: crate::RecordKind,
    /// The record's title (or name) now, for lists of conflicts across records.
    pub record_title: Option<String>,
    pub field: String,
    pub lost_value: serde_json::Value,
    /// Who made the losing edit, when known.
    pub lost_by: Option<String>,
    pub lost_at_ms: i64,
    pub kept_value: serde_json::Value,
    pub kept_by: Option<String>,
    pub kept_at_ms: i64,
    /// When the server resolved it.
    pub at_ms: i64,
}

/// One applied change of a record (DM-3 history): who made it (or which automation rule), when,
/// and each field's old and new value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub version: u64,
    pub at_ms: i64,
    /// The user's name; `None` for changes made by Veld itself (configuration defaults).
    pub by: Option<String>,
    /// The automation rule that made the change, when one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// `create`, `update` or `delete`.
    pub op: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub old: serde_json::Value,
    pub new: serde_json::Value,
}

/// One record a scheduled process changed, in its run's report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessItem {
    pub record_id: uuid::Uuid,
    pub kind: crate::RecordKind,
    pub title: String,
    /// What was done, in English (e.g. "stage → lost"), for logs and older apps.
    pub note: String,
    /// What was done, field by field, for the app to say in the user's language.
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

/// A run of a scheduled process (TR-2): when, why (`schedule` or `manual`), and what changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcessRunView {
    pub id: uuid::Uuid,
    pub process: String,
    pub trigger: String,
    pub started_at: i64,
    pub changed: u64,
    pub items: Vec<ProcessItem>,
}

/// `POST /api/opportunities/{id}/recurring`: make the next opportunities of a base one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecurringRequest {
    pub every_months: u32,
    pub count: u32,
}

/// The opportunities a recurring request created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecurringResponse {
    pub created: Vec<uuid::Uuid>,
}
