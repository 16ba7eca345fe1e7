//! The redelivery ledger's endpoints: the position of a job, a manager's entry, the
//! owner's dispute and a manager's withdrawal.

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{
    models::{CreateRedeliveryEntry, DisputeRedeliveryEntry, Redelivery, RedeliveryEntry},
    queries::{self, NewEntry},
    rules::{self, ByRole, EntryStatus},
    service,
};
use crate::{
    auth::{AuthUser, Role},
    db::Db,
    error::{ApiError, ConflictKind, FieldError},
    http::{Json, created},
    jobs::{models::Job, queries as jobs},
    validation::{max_chars, validated},
    yard::Yard,
};

const MAX_NOTE: usize = 2000;

fn check_note(note: &str, errors: &mut Vec<FieldError>) {
    if note.trim().is_empty() {
        errors.push(FieldError::new("note", "must say what happened"));
    }
    max_chars("note", note, MAX_NOTE, errors);
}

/// 409 unless the ledger of `job` may change: awarded, and not closed or cancelled.
fn ledger_open(job: &Job) -> Result<(), ApiError> {
    if job.awarded_at.is_none() {
        return Err(ApiError::conflict(
            ConflictKind::JobNotActive,
            "The job has no contract yet: its redelivery ledger starts at the award.",
        ));
    }
    if job.status.is_final() {
        return Err(ApiError::conflict(
            ConflictKind::JobNotActive,
            format!(
                "The job is {}; its redelivery ledger is closed.",
                job.status
            ),
        ));
    }
    Ok(())
}

/// Where the contractual redelivery stands: the award's date, the current one, the
/// yard's forecast, days late, damages accrued, days by party and every entry (anyone
/// who sees the job but technicians; 404 before the award).
#[utoipa::path(get, path = "/api/v1/jobs/{id}/redelivery", tag = "contract", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The redelivery position and its ledger", body = Redelivery),
        (status = 403, description = "Technicians do not see the contract"),
        (status = 404, description = "No such job in your scope, or not awarded yet"),
    ))]
pub async fn get_redelivery(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Client])?;
    let mut conn = db.get().await?;
    let job = jobs::find(&mut conn, *id, user.scope()).await?;
    if job.awarded_at.is_none() {
        return Err(ApiError::NotFound);
    }
    let position = service::position(&mut conn, &job, &yard).await?;
    Ok(HttpResponse::Ok().json(position))
}

/// Record a delay or a gain against the contractual redelivery (manager): its days,
/// cause and what happened. The yard's own delays make no entry: they show as days late.
#[utoipa::path(post, path = "/api/v1/jobs/{id}/redelivery-entries", tag = "contract",
    params(("id" = Uuid, Path)), request_body = CreateRedeliveryEntry, security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded; the redelivery moved", body = RedeliveryEntry),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such job"),
        (status = 409, description = "Not awarded yet, or closed or cancelled (`job-not-active`)"),
        (status = 422, description = "Days out of range or 0, an automatic cause, or no note"),
    ))]
pub async fn create_entry(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<CreateRedeliveryEntry>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let CreateRedeliveryEntry { days, cause, note } = body.into_inner();
    let mut errors = Vec::new();
    if let Err(message) = rules::check_days(days) {
        errors.push(FieldError::new("days", message));
    }
    if cause.is_automatic() {
        errors.push(FieldError::new(
            "cause",
            "variation and late_decision entries are made by the variations' decisions",
        ));
    }
    check_note(&note, &mut errors);
    validated((), errors)?;
    let mut conn = db.get().await?;
    let entry = conn
        .transaction(async |conn| {
            let job = jobs::lock(conn, *id, user.scope()).await?;
            ledger_open(&job)?;
            let entry = queries::insert(
                conn,
                NewEntry {
                    job_id: job.id,
                    days,
                    cause,
                    additional_work_id: None,
                    note: Some(note.trim().to_owned()),
                    by_role: ByRole::Manager,
                    created_by: Some(user.id),
                },
            )
            .await?;
            jobs::touch(conn, job.id).await?;
            Ok::<_, ApiError>(entry)
        })
        .await?;
    Ok(created(&service::entry_view(entry, None)))
}

/// Dispute an entry (the job's client): it still moves the date, and the final account
/// lists the dispute. Only a `recorded` entry can be disputed.
#[utoipa::path(post, path = "/api/v1/redelivery-entries/{id}/dispute", tag = "contract",
    params(("id" = Uuid, Path)), request_body = DisputeRedeliveryEntry, security(("bearer" = [])),
    responses(
        (status = 200, description = "Disputed", body = RedeliveryEntry),
        (status = 403, description = "Not a client"),
        (status = 404, description = "No such entry in your scope"),
        (status = 409, description = "Disputed or withdrawn already (`illegal-transition`), or the job is closed (`job-not-active`)"),
        (status = 422, description = "No note"),
    ))]
pub async fn dispute_entry(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<DisputeRedeliveryEntry>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Client)?;
    let DisputeRedeliveryEntry { note } = body.into_inner();
    let mut errors = Vec::new();
    check_note(&note, &mut errors);
    validated((), errors)?;
    let mut conn = db.get().await?;
    let entry = conn
        .transaction(async |conn| {
            let (entry, job) = queries::lock_entry(conn, *id, user.scope()).await?;
            ledger_open(&job)?;
            let Some(disputed) = queries::dispute(conn, entry.id, user.id, note.trim()).await?
            else {
                return Err(ApiError::conflict(
                    ConflictKind::IllegalTransition,
                    format!("This entry is {} already.", entry.status),
                ));
            };
            jobs::touch(conn, job.id).await?;
            Ok(disputed)
        })
        .await?;
    let number = queries::entries(&mut conn, entry.job_id)
        .await?
        .into_iter()
        .find(|(e, _)| e.id == entry.id)
        .and_then(|(_, n)| n);
    Ok(HttpResponse::Ok().json(service::entry_view(entry, number)))
}

/// Withdraw a manager's entry (manager): it stops counting and the date moves back; it
/// stays in the ledger, marked withdrawn. Automatic entries cannot be withdrawn.
#[utoipa::path(delete, path = "/api/v1/redelivery-entries/{id}", tag = "contract",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 204, description = "Withdrawn; the redelivery moved back"),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such entry"),
        (status = 409, description = "An automatic entry or withdrawn already (`illegal-transition`), or the job is closed (`job-not-active`)"),
    ))]
pub async fn withdraw_entry(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut conn = db.get().await?;
    conn.transaction(async |conn| {
        let (entry, job) = queries::lock_entry(conn, *id, user.scope()).await?;
        ledger_open(&job)?;
        if entry.by_role == ByRole::System {
            return Err(ApiError::conflict(
                ConflictKind::IllegalTransition,
                "An automatic entry follows its variation's decision and cannot be withdrawn.",
            ));
        }
        if entry.status == EntryStatus::Withdrawn
            || !queries::withdraw(conn, entry.id, user.id).await?
        {
            return Err(ApiError::conflict(
                ConflictKind::IllegalTransition,
                "This entry is withdrawn already.",
            ));
        }
        jobs::touch(conn, job.id).await?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
