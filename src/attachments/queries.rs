//! Database access for attachments. Every read is scoped by the attachment's job, as the
//! job itself is.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Attachment, DayAttachment, NewAttachment};
use crate::{
    auth::Scope,
    jobs::queries::technician_sees_job,
    pagination::PageRequest,
    schema::{assignments, attachments, jobs, technicians, work_logs},
};

/// Stores a row (in the caller's transaction).
pub async fn insert(conn: &mut AsyncPgConnection, row: NewAttachment) -> QueryResult<Attachment> {
    diesel::insert_into(attachments::table)
        .values(row)
        .returning(Attachment::as_returning())
        .get_result(conn)
        .await
}

/// An attachment in the caller's scope (its job's).
pub async fn in_scope(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: Scope,
) -> QueryResult<Attachment> {
    let query = attachments::table
        .inner_join(jobs::table)
        .filter(attachments::id.eq(id))
        .select(Attachment::as_select())
        .into_boxed();
    let query = match scope {
        Scope::Yard => query,
        Scope::Organization(org) => query.filter(jobs::organization_id.eq(org)),
        Scope::Technician(user) => query.filter(technician_sees_job(user)),
    };
    query.first(conn).await
}

/// A page of a job's attachments in upload order, optionally of one task or finding.
pub async fn list(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    task_id: Option<Uuid>,
    additional_work_id: Option<Uuid>,
    page: &PageRequest,
) -> QueryResult<Vec<Attachment>> {
    let mut query = attachments::table
        .filter(attachments::job_id.eq(job_id))
        .select(Attachment::as_select())
        .into_boxed();
    if let Some(task) = task_id {
        query = query.filter(attachments::task_id.eq(task));
    }
    if let Some(item) = additional_work_id {
        query = query.filter(attachments::additional_work_id.eq(item));
    }
    crate::pagination::paged!(query, page, attachments::uploaded_at, attachments::id)
        .load(conn)
        .await
}

/// Removes a row; its file stays until the sweep finds it unused.
pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(attachments::table.find(id))
        .execute(conn)
        .await
}

/// Whether a technician (by user id) has a live assignment on a task.
pub async fn technician_on_task(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    task: Uuid,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        assignments::table
            .inner_join(technicians::table)
            .filter(assignments::task_id.eq(task))
            .filter(assignments::removed_at.is_null())
            .filter(technicians::user_id.eq(user)),
    ))
    .get_result(conn)
    .await
}

/// Whether a work log is a technician's (by user id).
pub async fn technicians_work_log(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    work_log: Uuid,
) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        work_logs::table
            .inner_join(technicians::table)
            .filter(work_logs::id.eq(work_log))
            .filter(technicians::user_id.eq(user)),
    ))
    .get_result(conn)
    .await
}

/// The files a job received in `[start, end)`, for its daily report.
pub async fn of_day(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Vec<DayAttachment>> {
    let rows: Vec<(Uuid, Option<String>, bool, Option<Uuid>)> = attachments::table
        .filter(attachments::job_id.eq(job_id))
        .filter(attachments::uploaded_at.ge(start))
        .filter(attachments::uploaded_at.lt(end))
        .order((attachments::uploaded_at, attachments::id))
        .select((
            attachments::id,
            attachments::caption,
            attachments::has_thumbnail,
            attachments::task_id,
        ))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, caption, thumb, task_id)| DayAttachment {
            id,
            caption,
            thumbnail_url: thumb.then(|| super::models::thumbnail_url(id)),
            content_url: super::models::content_url(id),
            task_id,
        })
        .collect())
}
