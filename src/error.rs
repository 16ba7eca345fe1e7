//! The one error type of the API and its RFC 9457 `application/problem+json` rendering.
//!
//! Handlers return `Result<_, ApiError>` and use `?`; database errors map themselves here,
//! so a unique or exclusion violation becomes the right 409 without noise at the call site.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

/// The state conflicts a request can run into (409), each with its problem `type` code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// Another live booking holds the dock at an overlapping time.
    DockConflict,
    /// The vessel is booked into another dock at an overlapping time.
    VesselDoubleBooked,
    /// The technician already has an overlapping assignment.
    TechnicianDoubleBooked,
    /// The technician already logged work overlapping this time.
    WorkLogOverlap,
    /// Another vessel has this IMO number.
    DuplicateImo,
    /// Another user has this email (compared case-insensitively).
    DuplicateEmail,
    /// Another certification type has this code.
    DuplicateCode,
    /// The job's status machine does not allow this move for this caller.
    IllegalTransition,
    /// The job is not in a status that allows this change.
    JobNotActive,
    /// The contract was fixed at the award (or a priced item holds its currency).
    ContractFrozen,
}

impl ConflictKind {
    /// The `type` code of the problem body.
    pub fn code(self) -> &'static str {
        match self {
            Self::DockConflict => "dock-conflict",
            Self::VesselDoubleBooked => "vessel-double-booked",
            Self::TechnicianDoubleBooked => "technician-double-booked",
            Self::WorkLogOverlap => "work-log-overlap",
            Self::DuplicateImo => "duplicate-imo",
            Self::DuplicateEmail => "duplicate-email",
            Self::DuplicateCode => "duplicate-code",
            Self::IllegalTransition => "illegal-transition",
            Self::JobNotActive => "job-not-active",
            Self::ContractFrozen => "contract-frozen",
        }
    }
}

/// One invalid field of a 422 (or a 400 where the field is known).
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The request field, in `snake_case` as sent (`ends_at`, `password`).
    pub field: String,
    /// What is wrong with it, for a person to read.
    pub message: String,
}

impl FieldError {
    /// A field error from anything string-like.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every error the API answers with. Each variant names its status and problem `type`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400 `malformed-request`: not JSON, wrong JSON types, unknown field or enum value.
    #[error("malformed request: {0}")]
    Malformed(String),
    /// 401 `unauthorized`: missing, malformed, expired or wrongly signed token; wrong login.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// 403 `forbidden`: the caller's role may not use this endpoint at all.
    #[error("forbidden")]
    Forbidden,
    /// 403 `forbidden`, with the reason: a request refused for how it was sent (a
    /// browser-session request from another origin, or without its CSRF header).
    #[error("forbidden: {0}")]
    Refused(&'static str),
    /// 404 `not-found`: does not exist, or is outside the caller's scope.
    #[error("not found")]
    NotFound,
    /// 405 `method-not-allowed`: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409 with the kind's code; names the conflicting resource and allowed targets if known.
    #[error("conflict: {detail}")]
    Conflict {
        /// Which conflict.
        kind: ConflictKind,
        /// A sentence for a person.
        detail: String,
        /// The resource this request collides with, where there is one.
        conflicting_id: Option<Uuid>,
        /// For `illegal-transition`: the statuses this caller may move the job to.
        allowed_targets: Option<Vec<String>>,
    },
    /// 408 `request-timeout`: the body did not arrive in time.
    #[error("request timeout")]
    RequestTimeout,
    /// 412 `precondition-failed`: `If-Match` was given and is stale.
    #[error("precondition failed")]
    PreconditionFailed,
    /// 413 `payload-too-large`: body over 64 KiB.
    #[error("payload too large")]
    PayloadTooLarge,
    /// 413 `payload-too-large`: an uploaded file over the upload limit.
    #[error("file too large")]
    FileTooLarge {
        /// The limit, in bytes.
        max_bytes: u64,
    },
    /// 416 `range-not-satisfiable`: a `Range` wholly outside the file.
    #[error("range not satisfiable")]
    RangeNotSatisfiable {
        /// The file's size, for `Content-Range: bytes */<size>`.
        size: u64,
    },
    /// 422 `validation-failed`: well-formed but invalid values, one entry per field.
    #[error("validation failed: {0:?}")]
    Validation(Vec<FieldError>),
    /// 429 `too-many-requests`: login throttling; `Retry-After` in seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until another attempt may succeed.
        retry_after_secs: u64,
    },
    /// 429 `too-many-requests`: the caller's requests this minute are spent.
    #[error("rate limited")]
    RateLimited {
        /// Seconds until the window renews.
        retry_after_secs: u64,
    },
    /// 503 `unavailable`: a dependency (the database) cannot be reached.
    #[error("service unavailable")]
    Unavailable,
    /// 503 `unavailable`: too many sign-ins are waiting for a password check; come back in
    /// a second.
    #[error("busy")]
    Busy,
    /// 500 `internal`: anything unexpected. The cause is logged, never sent.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The problem+json body, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// `/problems/<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short summary of the problem type.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for a person to read.
    pub detail: String,
    /// Validation errors, one per field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
    /// The id of the resource this request conflicts with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conflicting_id: Option<Uuid>,
    /// For `illegal-transition`: the statuses the caller may move the job to now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed_targets: Option<Vec<String>>,
}

impl ApiError {
    /// A 422 with a single field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A 409 without a conflicting resource id.
    pub fn conflict(kind: ConflictKind, detail: impl Into<String>) -> Self {
        Self::Conflict {
            kind,
            detail: detail.into(),
            conflicting_id: None,
            allowed_targets: None,
        }
    }

    fn code_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::Malformed(_) => ("malformed-request", "Malformed request"),
            Self::Unauthorized(_) => ("unauthorized", "Unauthorized"),
            Self::Forbidden | Self::Refused(_) => ("forbidden", "Forbidden"),
            Self::NotFound => ("not-found", "Not found"),
            Self::MethodNotAllowed => ("method-not-allowed", "Method not allowed"),
            Self::Conflict { kind, .. } => (kind.code(), "Conflict"),
            Self::RequestTimeout => ("request-timeout", "Request timeout"),
            Self::PreconditionFailed => ("precondition-failed", "Precondition failed"),
            Self::PayloadTooLarge | Self::FileTooLarge { .. } => {
                ("payload-too-large", "Payload too large")
            }
            Self::RangeNotSatisfiable { .. } => ("range-not-satisfiable", "Range not satisfiable"),
            Self::Validation(_) => ("validation-failed", "Validation failed"),
            Self::TooManyRequests { .. } | Self::RateLimited { .. } => {
                ("too-many-requests", "Too many requests")
            }
            Self::Unavailable | Self::Busy => ("unavailable", "Service unavailable"),
            Self::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// The body sent for this error; never carries an internal cause.
    pub fn problem(&self) -> Problem {
        let (code, title) = self.code_and_title();
        let detail = match self {
            Self::Malformed(d) => d.clone(),
            Self::Unauthorized(d) => (*d).to_owned(),
            Self::Forbidden => "Your role may not use this endpoint.".to_owned(),
            Self::Refused(d) => (*d).to_owned(),
            Self::NotFound => "No such resource.".to_owned(),
            Self::MethodNotAllowed => "This path does not accept that method.".to_owned(),
            Self::Conflict { detail, .. } => detail.clone(),
            Self::RequestTimeout => "The request body did not arrive in time.".to_owned(),
            Self::PreconditionFailed => {
                "The resource changed since you read it (If-Match is stale); read it again."
                    .to_owned()
            }
            Self::PayloadTooLarge => "The request body is over 64 KiB.".to_owned(),
            Self::FileTooLarge { max_bytes } => {
                format!("The file is over {} MiB.", max_bytes >> 20)
            }
            Self::RangeNotSatisfiable { size } => {
                format!("The range asked for is outside the file ({size} bytes).")
            }
            Self::Validation(errors) => errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; "),
            Self::TooManyRequests { retry_after_secs } => {
                format!("Too many failed attempts; try again in {retry_after_secs} seconds.")
            }
            Self::RateLimited { retry_after_secs } => {
                format!("Too many requests this minute; try again in {retry_after_secs} seconds.")
            }
            Self::Unavailable => "The service cannot reach its database.".to_owned(),
            Self::Busy => {
                "Too many sign-ins are being checked at once; try again in a second.".to_owned()
            }
            Self::Internal(_) => "Something went wrong on our side.".to_owned(),
        };
        let (conflicting_id, allowed_targets) = match self {
            Self::Conflict {
                conflicting_id,
                allowed_targets,
                ..
            } => (*conflicting_id, allowed_targets.clone()),
            _ => (None, None),
        };
        Problem {
            problem_type: format!("/problems/{code}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            errors: match self {
                Self::Validation(errors) => Some(errors.clone()),
                _ => None,
            },
            conflicting_id,
            allowed_targets,
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::Malformed(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden | Self::Refused(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PayloadTooLarge | Self::FileTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests { .. } | Self::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            Self::Unavailable | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = format!("{cause:#}"), "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type("application/problem+json");
        match self {
            Self::Unauthorized(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
            }
            Self::TooManyRequests { retry_after_secs } | Self::RateLimited { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            Self::Unavailable => {
                response.insert_header((header::RETRY_AFTER, UNAVAILABLE_RETRY_SECS.to_string()));
            }
            Self::Busy => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::RangeNotSatisfiable { size } => {
                response.insert_header((header::CONTENT_RANGE, format!("bytes */{size}")));
            }
            // The rest of the body is not read: the connection closes after the answer,
            // so a sender of 300 MB stops at the limit instead of being read to the end.
            Self::FileTooLarge { .. } | Self::PayloadTooLarge => {
                response.force_close();
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

/// What a 503 tells the client to wait before trying again.
pub const UNAVAILABLE_RETRY_SECS: u64 = 2;

/// Whether a database error says the database, not the request, is the trouble: the
/// connection is gone, the server shuts down or starts up, or a statement ran out of
/// its time (`statement_timeout`). Those are 503s to retry, not 500s.
fn database_unavailable(
    kind: &diesel::result::DatabaseErrorKind,
    info: &dyn diesel::result::DatabaseErrorInformation,
) -> bool {
    use diesel::result::DatabaseErrorKind as K;
    match kind {
        K::ClosedConnection | K::UnableToSendCommand => true,
        K::Unknown => {
            let message = info.message();
            [
                "canceling statement due to statement timeout",
                "terminating connection",
                "the database system is shutting down",
                "the database system is starting up",
                "the database system is in recovery mode",
                "server closed the connection",
            ]
            .iter()
            .any(|m| message.contains(m))
        }
        _ => false,
    }
}

/// Maps constraint names to the conflict they mean. Every unique or exclusion constraint
/// that a request can hit is listed here; anything else is a bug and becomes a 500.
fn conflict_for_constraint(name: &str) -> Option<(ConflictKind, &'static str)> {
    Some(match name {
        "users_email_lower_key" => (
            ConflictKind::DuplicateEmail,
            "A user with this email already exists.",
        ),
        "vessels_imo_number_key" => (
            ConflictKind::DuplicateImo,
            "Another vessel already has this IMO number.",
        ),
        "dock_bookings_no_dock_overlap" => (
            ConflictKind::DockConflict,
            "The dock is booked at an overlapping time.",
        ),
        "dock_bookings_no_vessel_overlap" => (
            ConflictKind::VesselDoubleBooked,
            "The vessel is booked into a dock at an overlapping time.",
        ),
        "certification_types_code_key" => (
            ConflictKind::DuplicateCode,
            "A certification type with this code already exists.",
        ),
        "tariff_items_code_key" => (
            ConflictKind::DuplicateCode,
            "The tariff already has an item with this code.",
        ),
        "tariff_modifiers_code_key" => (
            ConflictKind::DuplicateCode,
            "The tariff already has a surcharge with this code.",
        ),
        "tasks_item_number_key" => (
            ConflictKind::DuplicateCode,
            "Another spec item of this job has this item number.",
        ),
        "contract_frozen" => (
            ConflictKind::ContractFrozen,
            "The contract was fixed at the award: changes go through a variation.",
        ),
        "assignments_no_overlap" => (
            ConflictKind::TechnicianDoubleBooked,
            "The technician has another assignment at an overlapping time.",
        ),
        "work_logs_no_overlap" => (
            ConflictKind::WorkLogOverlap,
            "The technician already logged work overlapping this time.",
        ),
        _ => return None,
    })
}

/// The column behind a foreign key named by PostgreSQL's default, `<table>_<column>_fkey`.
fn foreign_key_field(table: Option<&str>, constraint: Option<&str>) -> String {
    table
        .zip(constraint)
        .and_then(|(table, name)| {
            name.strip_prefix(table)?
                .strip_prefix('_')?
                .strip_suffix("_fkey")
        })
        .unwrap_or("id")
        .to_owned()
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match &err {
            Error::NotFound => Self::NotFound,
            Error::DatabaseError(kind, info) if database_unavailable(kind, info.as_ref()) => {
                tracing::warn!(error = %info.message(), "the database is unavailable");
                Self::Unavailable
            }
            Error::BrokenTransactionManager => Self::Unavailable,
            Error::DatabaseError(kind, info) => {
                if let Some((kind, detail)) =
                    info.constraint_name().and_then(conflict_for_constraint)
                {
                    return Self::conflict(kind, detail);
                }
                match kind {
                    DatabaseErrorKind::ForeignKeyViolation => Self::invalid(
                        foreign_key_field(info.table_name(), info.constraint_name()),
                        "refers to a resource that does not exist",
                    ),
                    DatabaseErrorKind::CheckViolation => {
                        tracing::info!(constraint = info.constraint_name(), "check refused");
                        Self::invalid("body", "a value is outside what is allowed")
                    }
                    _ => Self::Internal(err.into()),
                }
            }
            _ => Self::Internal(err.into()),
        }
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for ApiError {
    /// A connection not to be had in time, or not to be opened, is the database's
    /// trouble: 503.
    fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        use deadpool::managed::PoolError as E;
        match err {
            E::Timeout(_) | E::Backend(_) | E::Closed => {
                tracing::warn!(error = %err, "no database connection");
                Self::Unavailable
            }
            other => Self::Internal(anyhow::anyhow!("database pool: {other}")),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task: {err}"))
    }
}

impl From<tokio::task::JoinError> for ApiError {
    fn from(err: tokio::task::JoinError) -> Self {
        Self::Internal(anyhow::anyhow!("blocking task: {err}"))
    }
}
