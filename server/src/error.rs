//! The one error type every handler returns, and its JSON response.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use veld_domain::api::{ErrorBody, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{message}")]
    BadRequest { message: String },
    #[error("{field}: {message}")]
    Validation { field: &'static str, message: String },
    /// A change the domain's rules refuse (as a push's `rejected` outcome would say it): 422,
    /// with the field when the rule names one.
    #[error("{message}")]
    Refused { field: Option<String>, message: String },
    /// Well-formed JSON of the wrong shape (a missing field, a wrong type, an unknown value).
    #[error("{0}")]
    InvalidBody(String),
    #[error("wrong e-mail address or password")]
    InvalidCredentials,
    #[error("not logged in")]
    Unauthenticated,
    #[error("your role does not allow this")]
    Forbidden,
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    ProtocolMismatch(String),
    #[error("{0}")]
    MutationGap(String),
    #[error("the request body is larger than the limit")]
    PayloadTooLarge,
    /// A file above the attachment limit: the message says its size and the limit.
    #[error("{0}")]
    FileTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    /// More work of a bounded kind (password checks) than the server takes at once.
    #[error("the server is busy; try again in {retry_after_secs} seconds")]
    Busy { retry_after_secs: u64 },
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// Logged in full, shown to the client only as "internal error".
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn validation(field: &'static str, message: impl ToString) -> ApiError {
        ApiError::Validation { field, message: message.to_string() }
    }

    /// The answer for a change `decide` or the record rules refused: never a 5xx.
    pub fn refused(outcome: veld_domain::sync::MutationOutcome) -> ApiError {
        use veld_domain::sync::{MutationOutcome, RejectCode};
        match outcome {
            MutationOutcome::Rejected { code: RejectCode::NotAllowed, .. } => ApiError::Forbidden,
            MutationOutcome::Rejected { invalid: Some(invalid), .. } => {
                ApiError::Refused { field: Some(invalid.field).filter(|f| !f.is_empty()), message: invalid.message }
            }
            MutationOutcome::Rejected { reason, .. } => ApiError::Refused { field: None, message: reason },
            other => ApiError::Refused { field: None, message: format!("not applied: {other:?}") },
        }
    }

    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            ApiError::Validation { .. } | ApiError::Refused { .. } | ApiError::InvalidBody(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::Validation)
            }
            ApiError::InvalidCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::InvalidCredentials),
            ApiError::Unauthenticated => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            ApiError::NotFound(_) => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            ApiError::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            ApiError::ProtocolMismatch(_) => (StatusCode::BAD_REQUEST, ErrorCode::ProtocolMismatch),
            ApiError::MutationGap(_) => (StatusCode::CONFLICT, ErrorCode::MutationGap),
            ApiError::PayloadTooLarge | ApiError::FileTooLarge(_) => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge)
            }
            ApiError::UnsupportedMediaType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType),
            ApiError::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::RateLimited),
            ApiError::Unavailable(_) | ApiError::Busy { .. } => {
                (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable)
            }
            ApiError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => ApiError::Unavailable(err),
            other => ApiError::Internal(anyhow::Error::new(other).context("database query failed")),
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        if let JsonRejection::JsonDataError(err) = &rejection {
            return ApiError::InvalidBody(err.body_text());
        }
        match rejection.status() {
            StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => {
                ApiError::UnsupportedMediaType("send the body as JSON with `Content-Type: application/json`".into())
            }
            _ => ApiError::BadRequest { message: format!("malformed JSON body: {}", rejection.body_text()) },
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        ApiError::BadRequest { message: rejection.body_text() }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest { message: rejection.body_text() }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let message = match &self {
            ApiError::Internal(err) => {
                tracing::error!(error = ?err, "internal error");
                "internal error; it has been logged".to_owned()
            }
            ApiError::Unavailable(err) => {
                tracing::error!(error = %err, "database unavailable");
                self.to_string()
            }
            other => other.to_string(),
        };
        let body = ErrorBody {
            error: code,
            message,
            field: match &self {
                ApiError::Validation { field, .. } => Some((*field).to_owned()),
                ApiError::Refused { field, .. } => field.clone(),
                _ => None,
            },
            retry_after_secs: match &self {
                ApiError::RateLimited { retry_after_secs } | ApiError::Busy { retry_after_secs } => {
                    Some(*retry_after_secs)
                }
                _ => None,
            },
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let ApiError::RateLimited { retry_after_secs } | ApiError::Busy { retry_after_secs } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// `Json<T>` whose rejections are [`ApiError`]s, so malformed bodies get the JSON error shape.
#[derive(Debug, Clone, Copy, Default, axum::extract::FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

impl<T: serde::Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
