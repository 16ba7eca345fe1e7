//! Database access for tasks; a task is visible when its job is.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{NewTask, Task, TaskChanges};
use crate::{
    auth::Scope,
    jobs::{models::Job, queries::technician_assigned_to_task},
    pagination::PageRequest,
    schema::{jobs, tasks},
};

/// Inserts a task.
pub async fn insert(conn: &mut AsyncPgConnection, row: NewTask) -> QueryResult<Task> {
    diesel::insert_into(tasks::table)
        .values(row)
        .returning(Task::as_returning())
        .get_result(conn)
        .await
}

/// A page of a job's tasks in creation order.
pub async fn list(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    scope: Scope,
    page: &PageRequest,
) -> QueryResult<Vec<Task>> {
    let mut query = tasks::table
        .filter(tasks::job_id.eq(job_id))
        .select(Task::as_select())
        .into_boxed();
    // A technician sees only the tasks they are assigned to.
    if let Scope::Technician(user) = scope {
        query = query.filter(technician_assigned_to_task(user));
    }
    crate::pagination::paged!(query, page, tasks::created_at, tasks::id)
        .load(conn)
        .await
}

/// A task and its job, if the job is in the caller's scope. The job row is locked, so
/// changes to one job's tasks and to the job itself happen one at a time.
pub async fn lock_with_job(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: Scope,
) -> QueryResult<(Task, Job)> {
    let mut query = tasks::table
        .inner_join(jobs::table)
        .filter(tasks::id.eq(id))
        .select(tasks::job_id)
        .into_boxed();
    query = match scope {
        Scope::Yard => query,
        Scope::Organization(org) => query.filter(jobs::organization_id.eq(org)),
        Scope::Technician(user) => query.filter(technician_assigned_to_task(user)),
    };
    let job_id: Uuid = query.first(conn).await?;
    let job = crate::jobs::queries::lock(conn, job_id, Scope::Yard).await?;
    let task = tasks::table
        .find(id)
        .select(Task::as_select())
        .first(conn)
        .await?;
    Ok((task, job))
}

/// Applies changes to a task.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: TaskChanges,
) -> QueryResult<Task> {
    diesel::update(tasks::table.find(id))
        .set(changes)
        .returning(Task::as_returning())
        .get_result(conn)
        .await
}
