//! Photos and documents of a job: upload (streamed, never whole in memory), list,
//! metadata, content (with `Range`), thumbnail and delete. Scope is the job's: a file of a
//! job outside the caller's scope is 404, as the job is.

use actix_multipart::Multipart;
use actix_web::{
    HttpRequest, HttpResponse,
    http::header::{self, HeaderValue},
    web,
};
use chrono::{Duration, Utc};
use futures_util::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use super::{
    images,
    models::{AttachmentListQuery, AttachmentView, NewAttachment, UploadForm},
    pdfs, queries,
    rules::{self, FileKind, Targets},
    storage::Storage,
};
use crate::{
    auth::{AuthUser, Role},
    db::Db,
    error::{ApiError, FieldError},
    http::created,
    jobs::queries as jobs,
    pagination::{Page, PageRequest},
};

/// What an upload may take: its size, an image's pixels, and the decoding slots.
#[derive(Debug, Clone)]
pub struct UploadLimit {
    /// The largest file, in bytes (`SLIPWAY_MAX_UPLOAD_MB`).
    pub max_bytes: u64,
    /// The most pixels an image may have (`SLIPWAY_MAX_IMAGE_PIXELS`).
    pub max_pixels: u64,
    /// Files cleaned and decoded at once (one per core): others wait their turn, so fifty
    /// photos at once take the memory of a few.
    pub decodes: std::sync::Arc<tokio::sync::Semaphore>,
}

impl UploadLimit {
    /// Files up to `max_bytes`, images up to `max_pixels`, one decode per core.
    pub fn new(max_bytes: u64, max_pixels: u64) -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            max_bytes,
            max_pixels,
            decodes: std::sync::Arc::new(tokio::sync::Semaphore::new(cores)),
        }
    }
}

/// Room for the form's other parts and boundaries around the file.
const FORM_SLACK: u64 = 64 * 1024;
/// Longest text field of the form.
const MAX_TEXT_FIELD: usize = 4 * 1024;

/// What the form carried.
#[derive(Default)]
struct Form {
    file: Option<Received>,
    caption: Option<String>,
    task_id: Option<Uuid>,
    additional_work_id: Option<Uuid>,
    work_log_id: Option<Uuid>,
}

/// The file part, written to a temporary file while it arrived.
struct Received {
    temp: tempfile::NamedTempFile,
    name: Option<String>,
    size: u64,
    head: Vec<u8>,
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::Malformed(format!("The body must be multipart/form-data: {e}"))
}

/// Reads the form, streaming the file to a temporary file and refusing it (413) as soon
/// as it passes `max` bytes.
async fn read_form(
    mut form: Multipart,
    max: u64,
    pause: std::time::Duration,
) -> Result<Form, ApiError> {
    let mut read = Form::default();
    while let Some(part) = tokio::time::timeout(pause, form.next())
        .await
        .map_err(|_| ApiError::RequestTimeout)?
    {
        let mut part = part.map_err(malformed)?;
        let name = part.name().unwrap_or_default().to_owned();
        if name == "file" {
            if read.file.is_some() {
                return Err(ApiError::invalid("file", "send one file per upload"));
            }
            let file_name = part
                .content_disposition()
                .and_then(|d| d.get_filename().map(str::to_owned));
            let temp = tempfile::NamedTempFile::new().map_err(anyhow::Error::from)?;
            let mut out = tokio::fs::File::from_std(temp.reopen().map_err(anyhow::Error::from)?);
            let (mut size, mut head) = (0u64, Vec::new());
            while let Some(chunk) = tokio::time::timeout(pause, part.try_next())
                .await
                .map_err(|_| ApiError::RequestTimeout)?
                .map_err(malformed)?
            {
                size += chunk.len() as u64;
                if size > max {
                    return Err(ApiError::FileTooLarge { max_bytes: max });
                }
                if head.len() < rules::HEAD_BYTES {
                    head.extend_from_slice(
                        &chunk[..chunk.len().min(rules::HEAD_BYTES - head.len())],
                    );
                }
                out.write_all(&chunk).await.map_err(anyhow::Error::from)?;
            }
            out.flush().await.map_err(anyhow::Error::from)?;
            read.file = Some(Received {
                temp,
                name: file_name,
                size,
                head,
            });
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = tokio::time::timeout(pause, part.try_next())
            .await
            .map_err(|_| ApiError::RequestTimeout)?
            .map_err(malformed)?
        {
            text.extend_from_slice(&chunk);
            if text.len() > MAX_TEXT_FIELD {
                return Err(ApiError::invalid(name, "is too long"));
            }
        }
        let text = String::from_utf8(text).map_err(|_| {
            ApiError::Malformed(format!("The form field `{name}` is not UTF-8 text."))
        })?;
        if text.contains('\0') {
            return Err(ApiError::Malformed(format!(
                "The form field `{name}` holds a NUL character."
            )));
        }
        let id = |text: &str| {
            let text = text.trim();
            (!text.is_empty())
                .then(|| {
                    text.parse::<Uuid>()
                        .map_err(|_| ApiError::invalid(name.clone(), "is not a UUID"))
                })
                .transpose()
        };
        match name.as_str() {
            "caption" => read.caption = Some(text),
            "task_id" => read.task_id = id(&text)?,
            "additional_work_id" => read.additional_work_id = id(&text)?,
            "work_log_id" => read.work_log_id = id(&text)?,
            other => {
                return Err(ApiError::Malformed(format!(
                    "The form has an unknown field `{other}`."
                )));
            }
        }
    }
    Ok(read)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What is stored of a received file.
struct Prepared {
    kind: FileKind,
    size: u64,
    sha256: String,
    /// The image without its metadata, the PDF without its scripts.
    cleaned: Vec<u8>,
    thumbnail: Option<Vec<u8>>,
}

/// Stores the file's bytes as cleaned, and its thumbnail.
async fn store(storage: &Storage, prepared: &Prepared) -> Result<(), ApiError> {
    storage
        .put_file(&prepared.sha256, prepared.cleaned.clone())
        .await
        .map_err(anyhow::Error::from)?;
    if let Some(thumbnail) = &prepared.thumbnail {
        storage
            .put_thumbnail(&prepared.sha256, thumbnail.clone())
            .await
            .map_err(anyhow::Error::from)?;
    }
    Ok(())
}

/// Decides the kind from the bytes; for an image checks its size from its header, removes
/// its metadata and makes its thumbnail; for a PDF takes out scripts and embedded files.
/// The work runs on the blocking pool, at most one file per core at a time: a file waits
/// for its turn at most `wait` (then 503).
async fn prepare(
    file: &Received,
    limit: &UploadLimit,
    wait: std::time::Duration,
) -> Result<Prepared, ApiError> {
    if file.size == 0 {
        return Err(ApiError::invalid("file", "is empty"));
    }
    let Some(kind) = FileKind::of(&file.head) else {
        return Err(ApiError::invalid(
            "file",
            "must be a JPEG, PNG or WebP image or a PDF document (judged by its content, not its name)",
        ));
    };
    let _turn = tokio::time::timeout(wait, limit.decodes.clone().acquire_owned())
        .await
        .map_err(|_| ApiError::Unavailable)?
        .map_err(anyhow::Error::from)?;
    // Read only in its turn: waiting files hold no bytes in memory.
    let bytes = tokio::fs::read(file.temp.path())
        .await
        .map_err(anyhow::Error::from)?;
    if !kind.is_image() {
        let cleaned = tokio::task::spawn_blocking(move || pdfs::without_scripts(&bytes))
            .await?
            .ok_or_else(|| ApiError::invalid("file", "is not a PDF document that can be read"))?;
        return Ok(Prepared {
            kind,
            size: cleaned.len() as u64,
            sha256: hex(&Sha256::digest(&cleaned)),
            cleaned,
            thumbnail: None,
        });
    }
    let max_pixels = limit.max_pixels;
    let unreadable = || {
        ApiError::invalid(
            "file",
            format!("is not a readable {} image", kind.content_type()),
        )
    };
    // The size its header claims, before anything is decoded.
    let (width, height) = images::dimensions(&bytes).ok_or_else(unreadable)?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ApiError::invalid(
            "file",
            format!(
                "is {width} x {height} pixels; an image may have at most {} megapixels",
                max_pixels / 1_000_000
            ),
        ));
    }
    let (cleaned, thumbnail) = tokio::task::spawn_blocking(move || {
        (
            images::without_metadata(&bytes),
            images::thumbnail(&bytes, max_pixels),
        )
    })
    .await?;
    let (Some(cleaned), Some(thumbnail)) = (cleaned, thumbnail) else {
        return Err(unreadable());
    };
    Ok(Prepared {
        kind,
        size: cleaned.len() as u64,
        sha256: hex(&Sha256::digest(&cleaned)),
        cleaned,
        thumbnail: Some(thumbnail),
    })
}

/// Checks what the form names beside the job: a technician's own task or work log, no
/// target the caller's role may not use.
async fn check_targets(db: &Db, user: &AuthUser, form: &Form) -> Result<(), ApiError> {
    let targets = Targets {
        task: form.task_id.is_some(),
        additional_work: form.additional_work_id.is_some(),
        work_log: form.work_log_id.is_some(),
    };
    let mut errors = Vec::new();
    if let Err(e) = rules::check_targets(user.role, targets) {
        errors.push(e);
    }
    if form.file.is_none() {
        errors.push(FieldError::new("file", "is required"));
    }
    if let Some(caption) = &form.caption
        && caption.chars().count() > rules::MAX_CAPTION
    {
        errors.push(FieldError::new(
            "caption",
            format!("must be at most {} characters", rules::MAX_CAPTION),
        ));
    }
    if user.role == Role::Technician && errors.is_empty() {
        let mut conn = db.get().await?;
        if let Some(task) = form.task_id
            && !queries::technician_on_task(&mut conn, user.id, task).await?
        {
            errors.push(FieldError::new(
                "task_id",
                "is not a task you are assigned to",
            ));
        }
        if let Some(log) = form.work_log_id
            && !queries::technicians_work_log(&mut conn, user.id, log).await?
        {
            errors.push(FieldError::new("work_log_id", "is not a work log of yours"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Attach a photo or document to a job (and optionally to one of its tasks, findings or
/// work logs). The type is decided from the file's bytes; images lose their location
/// metadata and get a thumbnail.
#[utoipa::path(post, operation_id = "upload_attachment", path = "/api/v1/jobs/{id}/attachments", tag = "attachments", params(("id" = Uuid, Path)),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Stored", body = AttachmentView),
        (status = 400, description = "Not a multipart form, or an unknown field"),
        (status = 404, description = "No such job in your scope"),
        (status = 413, description = "The file is over SLIPWAY_MAX_UPLOAD_MB (25 MiB)"),
        (status = 422, description = "No file, an empty one, a type other than JPEG, PNG, WebP or PDF, or a task, finding or work log not of this job (or not yours)"),
    ))]
pub async fn upload(
    user: AuthUser,
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    limit: web::Data<UploadLimit>,
    id: web::Path<Uuid>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let job_id = id.into_inner();
    jobs::visible(&*db.get().await?, job_id, user.scope()).await?;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit.max_bytes + FORM_SLACK) {
        return Err(ApiError::FileTooLarge {
            max_bytes: limit.max_bytes,
        });
    }
    let pause = crate::http::BodyTimeout::of(&req);
    let form = read_form(
        Multipart::new(req.headers(), payload),
        limit.max_bytes,
        pause,
    )
    .await?;
    check_targets(&db, &user, &form).await?;
    let file = form.file.as_ref().expect("checked: a file was sent");
    let wait = req
        .app_data::<web::Data<crate::http::RequestDeadline>>()
        .map_or(std::time::Duration::from_secs(30), |d| d.0);
    let prepared = prepare(file, &limit, wait).await?;
    // The bytes first: a row never names a missing file.
    store(&storage, &prepared).await?;
    let row = NewAttachment {
        job_id,
        task_id: form.task_id,
        additional_work_id: form.additional_work_id,
        work_log_id: form.work_log_id,
        file_name: rules::safe_file_name(file.name.as_deref()),
        content_type: prepared.kind.content_type().to_owned(),
        size_bytes: i64::try_from(prepared.size).unwrap_or(i64::MAX),
        sha256: prepared.sha256,
        has_thumbnail: prepared.kind.is_image(),
        caption: form
            .caption
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty()),
        uploaded_by: user.id,
        uploaded_by_role: user.role,
    };
    let stored = queries::insert(&mut *db.get().await?, row).await?;
    Ok(created(&AttachmentView::from(stored)))
}

/// A job's photos and documents in upload order, optionally of one task or finding.
#[utoipa::path(get, operation_id = "list_attachments", path = "/api/v1/jobs/{id}/attachments", tag = "attachments",
    params(("id" = Uuid, Path), AttachmentListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of attachments", body = Page<AttachmentView>),
        (status = 404, description = "No such job in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<AttachmentListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    jobs::visible(&conn, *id, user.scope()).await?;
    let rows = queries::list(
        &mut conn,
        *id,
        query.task_id,
        query.additional_work_id,
        &page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, AttachmentView::from)))
}

/// One attachment's metadata.
#[utoipa::path(get, operation_id = "get_attachment", path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The attachment", body = AttachmentView),
        (status = 404, description = "No such attachment in your scope"),
    ))]
pub async fn get(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = queries::in_scope(&mut *db.get().await?, *id, user.scope()).await?;
    Ok(HttpResponse::Ok().json(AttachmentView::from(found)))
}

/// Streams stored bytes with the headers every download carries, shown `inline` under
/// `file_name` (made safe for the header).
fn download(
    file_name: &str,
    content_type: &str,
    etag: &str,
    size: u64,
    range: Option<std::ops::Range<u64>>,
    body: object_store::GetResult,
) -> HttpResponse {
    let mut reply = match &range {
        Some(r) => {
            let mut reply = HttpResponse::PartialContent();
            reply.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{size}", r.start, r.end - 1),
            ));
            reply
        }
        None => HttpResponse::Ok(),
    };
    reply
        .insert_header((header::CONTENT_TYPE, content_type.to_owned()))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=86400"))
        .insert_header((header::ETAG, etag.to_owned()));
    let pdf = content_type == FileKind::Pdf.content_type();
    if pdf {
        // A PDF is downloaded, never shown in the app's origin; opened anyway, it runs no
        // script (none is kept) and cannot reach the app.
        reply.insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"));
    }
    if let Ok(disposition) = HeaderValue::from_str(&rules::content_disposition(file_name, !pdf)) {
        reply.insert_header((header::CONTENT_DISPOSITION, disposition));
    }
    let length = range.map_or(size, |r| r.end - r.start);
    reply.no_chunking(length).streaming(
        body.into_stream()
            .map_err(|e| actix_web::error::ErrorInternalServerError(e.to_string())),
    )
}

fn not_modified(req: &HttpRequest, etag: &str) -> Option<HttpResponse> {
    let asked = req.headers().get(header::IF_NONE_MATCH)?.to_str().ok()?;
    asked
        .split(',')
        .any(|t| t.trim() == etag || t.trim() == "*")
        .then(|| {
            HttpResponse::NotModified()
                .insert_header((header::ETAG, etag.to_owned()))
                .finish()
        })
}

fn storage_error(e: object_store::Error) -> ApiError {
    match e {
        object_store::Error::NotFound { .. } => {
            tracing::error!("an attachment's row names a missing file");
            ApiError::NotFound
        }
        other => ApiError::Internal(other.into()),
    }
}

/// The file, with its stored type, a safe `Content-Disposition`, `ETag` and `Range`.
#[utoipa::path(get, operation_id = "attachment_content", path = "/api/v1/attachments/{id}/content", tag = "attachments",
    params(("id" = Uuid, Path), ("Range" = Option<String>, Header, description = "One byte range, `bytes=start-end`")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The file", content(
            (String = "image/jpeg"), (String = "image/png"), (String = "image/webp"), (String = "application/pdf"))),
        (status = 206, description = "The range asked for", content(
            (String = "image/jpeg"), (String = "image/png"), (String = "image/webp"), (String = "application/pdf"))),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 404, description = "No such attachment in your scope"),
        (status = 416, description = "The range is outside the file"),
    ))]
pub async fn content(
    user: AuthUser,
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = queries::in_scope(&mut *db.get().await?, *id, user.scope()).await?;
    let etag = format!("\"{}\"", found.sha256);
    if let Some(reply) = not_modified(&req, &etag) {
        return Ok(reply);
    }
    let size = u64::try_from(found.size_bytes).unwrap_or(0);
    let asked = req
        .headers()
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok());
    let range =
        rules::byte_range(asked, size).map_err(|_| ApiError::RangeNotSatisfiable { size })?;
    let body = storage
        .file(&found.sha256, range.clone())
        .await
        .map_err(storage_error)?;
    Ok(download(
        &found.file_name,
        &found.content_type,
        &etag,
        size,
        range,
        body,
    ))
}

/// The 320 px JPEG thumbnail of an image (404 for documents).
#[utoipa::path(get, operation_id = "attachment_thumbnail", path = "/api/v1/attachments/{id}/thumbnail", tag = "attachments", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The thumbnail", content((String = "image/jpeg"))),
        (status = 304, description = "Unchanged since the ETag given"),
        (status = 404, description = "No such attachment in your scope, or a document"),
    ))]
pub async fn thumbnail(
    user: AuthUser,
    req: HttpRequest,
    db: web::Data<Db>,
    storage: web::Data<Storage>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let found = queries::in_scope(&mut *db.get().await?, *id, user.scope()).await?;
    if !found.has_thumbnail {
        return Err(ApiError::NotFound);
    }
    let etag = format!("\"t-{}\"", found.sha256);
    if let Some(reply) = not_modified(&req, &etag) {
        return Ok(reply);
    }
    let body = storage
        .thumbnail(&found.sha256)
        .await
        .map_err(storage_error)?;
    let size = body.meta.size;
    let name = format!("thumbnail-{}.jpg", found.id);
    Ok(download(&name, "image/jpeg", &etag, size, None, body))
}

/// Remove an attachment: its uploader within a day, or a manager. The file's bytes go
/// with the next sweep once no row names them.
#[utoipa::path(delete, operation_id = "delete_attachment", path = "/api/v1/attachments/{id}", tag = "attachments", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Neither its uploader within a day nor a manager"),
        (status = 404, description = "No such attachment in your scope"),
    ))]
pub async fn delete(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    let found = queries::in_scope(&mut conn, *id, user.scope()).await?;
    let own_and_recent = found.uploaded_by == user.id
        && Utc::now() - found.uploaded_at < Duration::hours(rules::OWN_DELETE_HOURS);
    if !(user.is_manager() || own_and_recent) {
        return Err(ApiError::Forbidden);
    }
    queries::delete(&mut conn, found.id).await?;
    Ok(HttpResponse::NoContent().finish())
}
