//! The ledger's reads and writes. The contractual redelivery itself is never written
//! here: the triggers of migration 17 keep it as the entries' sum.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::rules::{ByRole, Cause, EntryStatus};
use crate::{
    auth::Scope,
    jobs::{models::Job, queries as jobs, rules::JobStatus},
    schema::{additional_work, jobs as jobs_table, redelivery_entries},
};

/// A row of `redelivery_entries`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = redelivery_entries, check_for_backend(diesel::pg::Pg))]
pub struct EntryRow {
    pub id: Uuid,
    pub job_id: Uuid,
    pub at: DateTime<Utc>,
    pub days: i32,
    pub cause: Cause,
    pub additional_work_id: Option<Uuid>,
    pub note: Option<String>,
    pub status: EntryStatus,
    pub by_role: ByRole,
    pub dispute_note: Option<String>,
    pub disputed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// An entry to record.
#[derive(Debug, Insertable)]
#[diesel(table_name = redelivery_entries)]
pub struct NewEntry {
    pub job_id: Uuid,
    pub days: i32,
    pub cause: Cause,
    pub additional_work_id: Option<Uuid>,
    pub note: Option<String>,
    pub by_role: ByRole,
    pub created_by: Option<Uuid>,
}

/// Every entry of a job, oldest first, with its variation's number.
pub async fn entries(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
) -> QueryResult<Vec<(EntryRow, Option<String>)>> {
    redelivery_entries::table
        .left_join(additional_work::table)
        .filter(redelivery_entries::job_id.eq(job_id))
        .order((redelivery_entries::at, redelivery_entries::id))
        .select((EntryRow::as_select(), additional_work::number.nullable()))
        .load(conn)
        .await
}

/// Records an entry (the triggers move the job's date and tell its client).
pub async fn insert(conn: &mut AsyncPgConnection, entry: NewEntry) -> QueryResult<EntryRow> {
    diesel::insert_into(redelivery_entries::table)
        .values(entry)
        .returning(EntryRow::as_returning())
        .get_result(conn)
        .await
}

/// An entry in the caller's scope, with its job locked (an entry and the job's close
/// cannot interleave).
pub async fn lock_entry(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: Scope,
) -> QueryResult<(EntryRow, Job)> {
    let entry: EntryRow = redelivery_entries::table
        .find(id)
        .select(EntryRow::as_select())
        .first(conn)
        .await?;
    let job = jobs::lock(conn, entry.job_id, scope).await?;
    Ok((entry, job))
}

/// Marks a recorded entry disputed; `None` if it is not `recorded` any more.
pub async fn dispute(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    by: Uuid,
    note: &str,
) -> QueryResult<Option<EntryRow>> {
    diesel::update(
        redelivery_entries::table
            .filter(redelivery_entries::id.eq(id))
            .filter(redelivery_entries::status.eq(EntryStatus::Recorded)),
    )
    .set((
        redelivery_entries::status.eq(EntryStatus::Disputed),
        redelivery_entries::dispute_note.eq(note),
        redelivery_entries::disputed_at.eq(Utc::now()),
        redelivery_entries::disputed_by.eq(by),
    ))
    .returning(EntryRow::as_returning())
    .get_result(conn)
    .await
    .optional()
}

/// Withdraws a manager's entry that still counts; `None` if it was withdrawn already.
pub async fn withdraw(conn: &mut AsyncPgConnection, id: Uuid, by: Uuid) -> QueryResult<bool> {
    let n = diesel::update(
        redelivery_entries::table
            .filter(redelivery_entries::id.eq(id))
            .filter(redelivery_entries::by_role.eq(ByRole::Manager))
            .filter(redelivery_entries::status.ne(EntryStatus::Withdrawn)),
    )
    .set((
        redelivery_entries::status.eq(EntryStatus::Withdrawn),
        redelivery_entries::withdrawn_at.eq(Utc::now()),
        redelivery_entries::withdrawn_by.eq(by),
    ))
    .execute(conn)
    .await?;
    Ok(n == 1)
}

/// An awarded job not yet found running late, with what tells whether it does.
#[derive(Debug, Queryable)]
pub struct Watched {
    pub id: Uuid,
    pub contract_redelivery: Option<NaiveDate>,
    pub planned_end: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
}

/// The awarded jobs, live or completed, not yet found running late.
pub async fn watched(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Watched>> {
    jobs_table::table
        .filter(jobs_table::awarded_at.is_not_null())
        .filter(jobs_table::redelivery_at_risk_at.is_null())
        .filter(jobs_table::status.ne_all([JobStatus::Cancelled, JobStatus::Closed]))
        .select((
            jobs_table::id,
            jobs_table::contract_redelivery,
            jobs_table::planned_end,
            jobs_table::completed_at,
        ))
        .load(conn)
        .await
}

/// Marks `job` found running late and writes `job.redelivery_at_risk` for its client
/// and the managers, once: of instances that find it at the same moment, one marks it.
pub async fn mark_at_risk(
    conn: &mut AsyncPgConnection,
    job: Uuid,
    data: serde_json::Value,
) -> QueryResult<bool> {
    use diesel::sql_types::{Jsonb, Uuid as SqlUuid};
    let marked = diesel::update(
        jobs_table::table
            .filter(jobs_table::id.eq(job))
            .filter(jobs_table::redelivery_at_risk_at.is_null()),
    )
    .set(jobs_table::redelivery_at_risk_at.eq(Utc::now()))
    .execute(conn)
    .await?;
    if marked == 1 {
        diesel::sql_query("SELECT emit_event('job.redelivery_at_risk', $1, $2, true, true)")
            .bind::<SqlUuid, _>(job)
            .bind::<Jsonb, _>(data)
            .execute(conn)
            .await?;
    }
    Ok(marked == 1)
}
