//! Attachments: the database row and the API shapes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{auth::Role, schema::attachments};

/// A row of `attachments`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = attachments, check_for_backend(diesel::pg::Pg))]
pub struct Attachment {
    /// Primary key.
    pub id: Uuid,
    /// The job the file belongs to (its scope is the file's).
    pub job_id: Uuid,
    /// The task it shows, if any (of the same job).
    pub task_id: Option<Uuid>,
    /// The additional-work item it shows, if any (of the same job).
    pub additional_work_id: Option<Uuid>,
    /// The work log it belongs to, if any (of the same job).
    pub work_log_id: Option<Uuid>,
    /// The name it was sent under, made safe.
    pub file_name: String,
    /// `image/jpeg`, `image/png`, `image/webp` or `application/pdf`, from its bytes.
    pub content_type: String,
    /// Size of the stored file.
    pub size_bytes: i64,
    /// SHA-256 of the stored file, hex: its name in the object store.
    pub sha256: String,
    /// Whether a thumbnail was made (images only).
    pub has_thumbnail: bool,
    /// What it shows.
    pub caption: Option<String>,
    /// Who sent it.
    pub uploaded_by: Uuid,
    /// The sender's role.
    pub uploaded_by_role: Role,
    /// When it was sent.
    pub uploaded_at: DateTime<Utc>,
}

crate::pagination::keyed!(Attachment, uploaded_at);

/// A new row for `attachments`.
#[derive(Debug, Insertable)]
#[diesel(table_name = attachments)]
pub struct NewAttachment {
    /// The job.
    pub job_id: Uuid,
    /// The task, if any.
    pub task_id: Option<Uuid>,
    /// The additional-work item, if any.
    pub additional_work_id: Option<Uuid>,
    /// The work log, if any.
    pub work_log_id: Option<Uuid>,
    /// The safe file name.
    pub file_name: String,
    /// The type decided from the bytes.
    pub content_type: String,
    /// Size of the stored file.
    pub size_bytes: i64,
    /// SHA-256 of the stored file.
    pub sha256: String,
    /// Whether a thumbnail was stored.
    pub has_thumbnail: bool,
    /// Caption.
    pub caption: Option<String>,
    /// The sender.
    pub uploaded_by: Uuid,
    /// The sender's role.
    pub uploaded_by_role: Role,
}

/// A photo or document as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttachmentView {
    /// Id.
    pub id: Uuid,
    /// The job.
    pub job_id: Uuid,
    /// The name it was sent under (path, control characters and quotes removed).
    pub file_name: String,
    /// From the file's own bytes, never from its name or the sent type.
    #[schema(example = "image/jpeg")]
    pub content_type: String,
    /// Size in bytes of the stored file (images without their location metadata).
    pub size_bytes: i64,
    /// SHA-256 of the stored file, hex.
    pub sha256: String,
    /// What it shows.
    pub caption: Option<String>,
    /// The task it shows.
    pub task_id: Option<Uuid>,
    /// The additional-work item it shows.
    pub additional_work_id: Option<Uuid>,
    /// The work log it belongs to.
    pub work_log_id: Option<Uuid>,
    /// When it was sent.
    pub uploaded_at: DateTime<Utc>,
    /// The sender's role (never the person, for clients' eyes).
    pub uploaded_by_role: Role,
    /// The 320 px thumbnail (images), or null.
    pub thumbnail_url: Option<String>,
    /// The file.
    pub content_url: String,
}

/// The path of an attachment's file.
pub fn content_url(id: Uuid) -> String {
    format!("/api/v1/attachments/{id}/content")
}

/// The path of an attachment's thumbnail.
pub fn thumbnail_url(id: Uuid) -> String {
    format!("/api/v1/attachments/{id}/thumbnail")
}

impl From<Attachment> for AttachmentView {
    fn from(a: Attachment) -> Self {
        Self {
            id: a.id,
            job_id: a.job_id,
            file_name: a.file_name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
            caption: a.caption,
            task_id: a.task_id,
            additional_work_id: a.additional_work_id,
            work_log_id: a.work_log_id,
            uploaded_at: a.uploaded_at,
            uploaded_by_role: a.uploaded_by_role,
            thumbnail_url: a.has_thumbnail.then(|| thumbnail_url(a.id)),
            content_url: content_url(a.id),
        }
    }
}

/// `GET /jobs/{id}/attachments`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttachmentListQuery {
    /// Only the files of this task.
    pub task_id: Option<Uuid>,
    /// Only the files of this additional-work item.
    pub additional_work_id: Option<Uuid>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The `multipart/form-data` body of an upload (for the OpenAPI document).
#[derive(Debug, ToSchema)]
#[expect(
    dead_code,
    reason = "describes the multipart form; the handler reads it as a stream"
)]
pub struct UploadForm {
    /// The file: JPEG, PNG, WebP or PDF, at most `SLIPWAY_MAX_UPLOAD_MB` (25) MiB.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// What it shows, up to 500 characters.
    #[schema(max_length = 500)]
    caption: Option<String>,
    /// A task of the job (a technician: one it is assigned to).
    task_id: Option<Uuid>,
    /// An additional-work item of the job (managers and clients).
    additional_work_id: Option<Uuid>,
    /// A work log of the job (a technician: its own; managers).
    work_log_id: Option<Uuid>,
}

/// A file of the day in the daily report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DayAttachment {
    /// Id.
    pub id: Uuid,
    /// What it shows.
    pub caption: Option<String>,
    /// The thumbnail, or null (documents).
    pub thumbnail_url: Option<String>,
    /// The file.
    pub content_url: String,
    /// The task it shows.
    pub task_id: Option<Uuid>,
}
