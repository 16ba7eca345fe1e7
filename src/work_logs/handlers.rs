//! Assignments of technicians to tasks, the work they log, and the owner's daily report.

use crate::http::Json;
use actix_web::{
    HttpResponse,
    web::{self, Bytes},
};
use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::{
    models::{
        Assignment, CreateAssignment, CreateWorkLog, DailyReport, DailyReportQuery, MyAssignment,
        WorkLog,
    },
    queries::{self, NewWorkLog, WorkLogBatch, round2},
    rules::{self, Shift},
};
use crate::{
    auth::{AuthUser, Role, Scope},
    db::Db,
    docks::queries::lock_slots,
    error::{ApiError, ConflictKind, FieldError},
    group_commit::GroupWriter,
    http::{created, json_body},
    jobs::{models::PageQuery, queries as jobs},
    kept_pages::{KeptPages, ReportKey},
    pagination::{Page, PageRequest},
    tasks::queries as tasks,
    technicians::{queries as technicians, rules::certificate_gap},
    validation::validated,
    yard::Yard,
};

/// Assign a technician to a task for a period (manager). The job must be active, the
/// technician certified for the whole period if the task needs it, and free.
#[utoipa::path(post, path = "/api/v1/tasks/{id}/assignments", tag = "assignments", params(("id" = Uuid, Path)),
    request_body = CreateAssignment, security(("bearer" = [])),
    responses(
        (status = 201, description = "Assigned", body = Assignment),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such task"),
        (status = 409, description = "`job-not-active`, or `technician-double-booked` with `conflicting_id`"),
        (status = 422, description = "Bad period, unknown technician, or certification missing, expired or not yet valid"),
    ))]
pub async fn create_assignment(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    body: Json<CreateAssignment>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    if b.ends_at <= b.starts_at {
        return Err(ApiError::invalid("ends_at", "must be after starts_at"));
    }
    let task_id = id.into_inner();
    let mut conn = db.get().await?;
    let (technician, name, _, active) = match technicians::by_id(&mut conn, b.technician_id).await {
        Err(diesel::result::Error::NotFound) => {
            return Err(ApiError::invalid("technician_id", "no such technician"));
        }
        other => other?,
    };
    if !active {
        return Err(ApiError::invalid(
            "technician_id",
            "the technician's account is deactivated",
        ));
    }
    let (row, job_id) = conn
        .transaction(async |conn| assign(conn, &yard, task_id, technician.id, &b, user.id).await)
        .await?;
    Ok(created(&Assignment::new(row, job_id, name)))
}

/// Assigns `technician` to the task for `b`'s period, by `by`, under the task's job's and
/// the technician's locks: the job is active, the technician certified for the whole
/// period if the task needs it, and free. Answers the row and the job's id.
async fn assign(
    conn: &mut AsyncPgConnection,
    yard: &Yard,
    task_id: Uuid,
    technician: Uuid,
    b: &CreateAssignment,
    by: Uuid,
) -> Result<(super::models::AssignmentRow, Uuid), ApiError> {
    let (task, job) = tasks::lock_with_job(conn, task_id, Scope::Yard).await?;
    if !job.status.is_active() {
        return Err(ApiError::conflict(
            ConflictKind::JobNotActive,
            format!(
                "The job is {}; technicians are assigned from approval until completion.",
                job.status
            ),
        ));
    }
    if let Some(code) = &task.required_certification {
        let held = technicians::certificate_days(conn, technician, code).await?;
        if let Some(gap) = certificate_gap(&held, yard.day_of(b.starts_at), yard.day_of(b.ends_at))
        {
            return Err(ApiError::Validation(vec![FieldError::new(
                "technician_id",
                gap.describe(code),
            )]));
        }
    }
    lock_slots(conn, &[technician]).await?;
    if let Some(other) =
        queries::assignment_conflict(conn, technician, b.starts_at, b.ends_at).await?
    {
        return Err(ApiError::Conflict {
            kind: ConflictKind::TechnicianDoubleBooked,
            detail: "The technician has another assignment at an overlapping time.".to_owned(),
            conflicting_id: Some(other),
            allowed_targets: None,
        });
    }
    let row =
        queries::insert_assignment(conn, task_id, technician, b.starts_at, b.ends_at, by).await?;
    Ok((row, job.id))
}

/// A job's live assignments: managers all, a technician its own. Clients have no access.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/assignments", tag = "assignments", params(("id" = Uuid, Path), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of assignments", body = Page<Assignment>),
        (status = 403, description = "Clients have no access"),
        (status = 404, description = "No such job in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn job_assignments(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require_any(&[Role::Manager, Role::Technician])?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    jobs::visible(&conn, *id, user.scope()).await?;
    let only = (user.role == Role::Technician).then_some(user.id);
    let rows = queries::job_assignments(&mut conn, *id, only, &page).await?;
    Ok(
        HttpResponse::Ok().json(Page::of(rows, &page, |(a, job_id, name)| {
            Assignment::new(a, job_id, name)
        })),
    )
}

/// Remove an assignment (manager). Work already logged under it stays.
#[utoipa::path(delete, path = "/api/v1/assignments/{id}", tag = "assignments", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such live assignment"),
    ))]
pub async fn delete_assignment(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut conn = db.get().await?;
    match queries::remove_assignment(&mut conn, *id).await? {
        0 => Err(ApiError::NotFound),
        _ => Ok(HttpResponse::NoContent().finish()),
    }
}

/// The caller's own assignments (technicians), with job, task, vessel and dock.
#[utoipa::path(get, path = "/api/v1/me/assignments", tag = "assignments", params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of my assignments", body = Page<MyAssignment>),
        (status = 403, description = "Not a technician"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn my_assignments(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Technician)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::my_assignments(&mut conn, user.id, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |a| a)))
}

/// Log work on an assignment (only the assigned technician; anyone else's assignment is
/// 404). Append-only: a log is never changed or deleted.
#[utoipa::path(post, path = "/api/v1/assignments/{id}/work-logs", tag = "work logs", params(("id" = Uuid, Path)),
    request_body = CreateWorkLog, security(("bearer" = [])),
    responses(
        (status = 201, description = "Logged", body = WorkLog),
        (status = 403, description = "Only technicians log work"),
        (status = 404, description = "Not your assignment"),
        (status = 409, description = "`job-not-active` (job not in progress), or `work-log-overlap` with `conflicting_id`"),
        (status = 422, description = "Ends before it starts, in the future, or longer than 16 hours"),
    ))]
pub async fn create_work_log(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    writer: web::Data<GroupWriter<WorkLogBatch>>,
    id: web::Path<Uuid>,
    body: Json<CreateWorkLog>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Technician)?;
    let b = body.into_inner();
    let description = b.description.trim().to_owned();
    let shift = Shift {
        started_at: b.started_at,
        ended_at: b.ended_at,
        description: &description,
        progress_percent: b.progress_percent,
    };
    let errors = rules::shift_errors(shift, Utc::now());
    if errors.is_empty() {
        // The statement finds the caller's assignment and checks its job under the job's
        // lock: a log it wrote is the answer; one it left out is explained below.
        let log = NewWorkLog {
            assignment_id: *id,
            user_id: user.id,
            started_at: b.started_at,
            ended_at: b.ended_at,
            description,
            progress_percent: b.progress_percent,
        };
        match writer.write(log).await {
            Ok(work) => {
                let view = work_log_view(work.log, work.task_title, None, &yard, true);
                return Ok(created(&view));
            }
            Err(ApiError::Conflict {
                kind: ConflictKind::WorkLogOverlap,
                ..
            }) => return Err(overlap(&db, *id, user.id, b.started_at, b.ended_at).await?),
            Err(ApiError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    // Nothing was written: the reason, in the order of the rules.
    let conn = db.get().await?;
    let (_, status) = queries::my_assignment(&conn, *id, user.id).await?;
    if !rules::takes_work_logs(status) {
        return Err(ApiError::conflict(
            ConflictKind::JobNotActive,
            format!("The job is {status}; work is logged while it is in progress."),
        ));
    }
    validated((), errors)?;
    // It takes logs again by now: its status changed while the log was being written.
    Err(ApiError::conflict(
        ConflictKind::JobNotActive,
        "The job's status changed while the work was being logged; send it again.",
    ))
}

/// The 409 of a log on the caller's `assignment` overlapping `[started, ended)`, naming
/// the log in the way: it has committed (the slot lock waited for it).
async fn overlap(
    db: &Db,
    assignment: Uuid,
    user: Uuid,
    started: chrono::DateTime<Utc>,
    ended: chrono::DateTime<Utc>,
) -> Result<ApiError, ApiError> {
    let conn = db.get().await?;
    let (assignment, _) = queries::my_assignment(&conn, assignment, user).await?;
    let other = queries::work_log_conflict(&conn, assignment.technician_id, started, ended).await?;
    Ok(ApiError::Conflict {
        kind: ConflictKind::WorkLogOverlap,
        detail: "You already logged work overlapping this time.".to_owned(),
        conflicting_id: other,
        allowed_targets: None,
    })
}

fn work_log_view(
    row: super::models::WorkLogRow,
    task_title: String,
    technician_name: Option<String>,
    yard: &Yard,
    for_staff: bool,
) -> WorkLog {
    let hours = round2((row.ended_at - row.started_at).num_seconds() as f64 / 3600.0);
    WorkLog {
        id: row.id,
        task_id: row.task_id,
        task_title,
        date: yard.day_of(row.started_at),
        hours,
        description: row.description,
        progress_percent: row.progress_percent,
        started_at: for_staff.then_some(row.started_at),
        ended_at: for_staff.then_some(row.ended_at),
        technician_id: for_staff.then_some(row.technician_id),
        technician_name: if for_staff { technician_name } else { None },
        assignment_id: for_staff.then_some(row.assignment_id),
    }
}

/// A job's work logs in time order; clients see date, hours, task and description only.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/work-logs", tag = "work logs", params(("id" = Uuid, Path), PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of work logs", body = Page<WorkLog>),
        (status = 404, description = "No such job in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn job_work_logs(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    jobs::visible(&conn, *id, user.scope()).await?;
    let rows = queries::job_work_logs(&mut conn, *id, &page).await?;
    let for_staff = user.role != Role::Client;
    Ok(
        HttpResponse::Ok().json(Page::of(rows, &page, |(w, title, name)| {
            work_log_view(w, title, Some(name), &yard, for_staff)
        })),
    )
}

/// The owner's morning read for one yard calendar day: hours per task, status changes,
/// additional work awaiting a decision, overall progress.
#[utoipa::path(get, path = "/api/v1/jobs/{id}/daily-report", tag = "work logs", params(("id" = Uuid, Path), DailyReportQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The day's report", body = DailyReport),
        (status = 400, description = "Malformed date"),
        (status = 404, description = "No such job in your scope"),
    ))]
pub async fn daily_report(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    reports: web::Data<KeptPages<ReportKey>>,
    id: web::Path<Uuid>,
    query: web::Query<DailyReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let job_id = id.into_inner();
    let date = query.date.unwrap_or_else(|| yard.today());
    let (start, end) = yard.day_bounds(date);
    let scope = user.scope();
    let key = user.org.map(|organization_id| ReportKey {
        organization_id,
        job_id,
        date,
    });
    let mut conn = db.get().await?;
    let body = reports
        .get_or_render(&mut conn, key, async |conn| {
            let report = queries::daily_report(conn, job_id, scope, date, (start, end)).await?;
            Ok::<_, ApiError>(Bytes::from(
                serde_json::to_vec(&report).map_err(anyhow::Error::from)?,
            ))
        })
        .await?;
    Ok(json_body(body))
}
