//! Database access for assignments, work logs and the daily report.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Double, Nullable, Timestamptz};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::sync::LazyLock;
use uuid::Uuid;

use super::{
    models::{
        AssignmentRow, DailyStatusChange, DailyTask, JobSummary, MyAssignment, Named,
        PendingAdditionalWork, TaskSummary, WorkLogRow,
    },
    rules,
};
use crate::{
    auth::Scope,
    db::Cached,
    group_commit::{BatchFuture, BatchWrite, by_place},
    jobs::rules::JobStatus,
    pagination::PageRequest,
    schema::{assignments, jobs, tasks, technicians, users, work_logs},
    tasks::models::TaskStatus,
};

/// A live assignment of the technician overlapping `[starts, ends)`. Written with the range
/// operator so it is answered by the exclusion constraint's GiST index alone.
pub async fn assignment_conflict(
    conn: &mut AsyncPgConnection,
    technician: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    first_overlap(
        conn,
        "SELECT id FROM assignments WHERE technician_id = $1 AND removed_at IS NULL \
         AND tstzrange(starts_at, ends_at, '[)') && tstzrange($2, $3, '[)') ORDER BY starts_at LIMIT 1",
        technician,
        starts,
        ends,
    )
    .await
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

async fn first_overlap(
    mut conn: &AsyncPgConnection,
    sql: &'static str,
    technician: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    let query = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Uuid, _>(technician)
        .bind::<Timestamptz, _>(starts)
        .bind::<Timestamptz, _>(ends);
    let found: Option<Found> = Cached(query).get_result(&mut conn).await.optional()?;
    Ok(found.map(|f| f.id))
}

/// Inserts an assignment; an overlap fails on `assignments_no_overlap`.
pub async fn insert_assignment(
    conn: &mut AsyncPgConnection,
    task_id: Uuid,
    technician_id: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    by: Uuid,
) -> QueryResult<AssignmentRow> {
    diesel::insert_into(assignments::table)
        .values((
            assignments::task_id.eq(task_id),
            assignments::technician_id.eq(technician_id),
            assignments::starts_at.eq(starts),
            assignments::ends_at.eq(ends),
            assignments::created_by.eq(by),
        ))
        .returning(AssignmentRow::as_returning())
        .get_result(conn)
        .await
}

/// A page of a job's live assignments with technician names, in start order;
/// `only_user` restricts to one technician's (by user id).
pub async fn job_assignments(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    only_user: Option<Uuid>,
    page: &PageRequest,
) -> QueryResult<Vec<(AssignmentRow, Uuid, String)>> {
    let mut query = assignments::table
        .inner_join(tasks::table)
        .inner_join(
            technicians::table.inner_join(users::table.on(users::id.eq(technicians::user_id))),
        )
        .filter(tasks::job_id.eq(job_id))
        .filter(assignments::removed_at.is_null())
        .select((AssignmentRow::as_select(), tasks::job_id, users::full_name))
        .into_boxed();
    if let Some(user) = only_user {
        query = query.filter(technicians::user_id.eq(user));
    }
    crate::pagination::paged!(query, page, assignments::starts_at, assignments::id)
        .load(conn)
        .await
}

#[derive(QueryableByName)]
struct MyAssignmentRow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    ends_at: DateTime<Utc>,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    job_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    job_number: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    job_status: JobStatus,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    task_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    task_title: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    task_status: TaskStatus,
    #[diesel(sql_type = Nullable<diesel::sql_types::Text>)]
    required_certification: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    vessel_id: Uuid,
    #[diesel(sql_type = diesel::sql_types::Text)]
    vessel_name: String,
    #[diesel(sql_type = Nullable<diesel::sql_types::Uuid>)]
    dock_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<diesel::sql_types::Text>)]
    dock_name: Option<String>,
}

/// A page of a technician's (by user id) live assignments in start order, with job,
/// task, vessel and the dock the vessel is booked into during the assignment.
pub async fn my_assignments(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<MyAssignment>> {
    let (after_at, after_id) = page
        .after
        .map_or((None, None), |c| (Some(c.at), Some(c.id)));
    let rows: Vec<MyAssignmentRow> = diesel::sql_query(
        "SELECT a.id, a.starts_at, a.ends_at, j.id AS job_id, j.number AS job_number, j.status AS job_status, \
                t.id AS task_id, t.title AS task_title, t.status AS task_status, t.required_certification, \
                v.id AS vessel_id, v.name AS vessel_name, d.id AS dock_id, d.name AS dock_name \
         FROM assignments a \
         JOIN technicians tc ON tc.id = a.technician_id \
         JOIN tasks t ON t.id = a.task_id \
         JOIN jobs j ON j.id = t.job_id \
         JOIN vessels v ON v.id = j.vessel_id \
         LEFT JOIN LATERAL ( \
             SELECT b.dock_id FROM dock_bookings b \
             WHERE b.vessel_id = v.id AND b.status <> 'cancelled' \
               AND b.starts_at < a.ends_at AND b.ends_at > a.starts_at \
             ORDER BY b.starts_at LIMIT 1 \
         ) bk ON TRUE \
         LEFT JOIN docks d ON d.id = bk.dock_id \
         WHERE tc.user_id = $1 AND a.removed_at IS NULL \
           AND ($2::timestamptz IS NULL OR (a.starts_at, a.id) > ($2, $3)) \
         ORDER BY a.starts_at, a.id LIMIT $4",
    )
    .bind::<diesel::sql_types::Uuid, _>(user)
    .bind::<Nullable<Timestamptz>, _>(after_at)
    .bind::<Nullable<diesel::sql_types::Uuid>, _>(after_id)
    .bind::<diesel::sql_types::BigInt, _>(page.fetch())
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| MyAssignment {
            id: r.id,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            job: JobSummary {
                id: r.job_id,
                number: r.job_number,
                status: r.job_status,
            },
            task: TaskSummary {
                id: r.task_id,
                title: r.task_title,
                status: r.task_status,
                required_certification: r.required_certification,
            },
            vessel: Named {
                id: r.vessel_id,
                name: r.vessel_name,
            },
            dock: r
                .dock_id
                .zip(r.dock_name)
                .map(|(id, name)| Named { id, name }),
        })
        .collect())
}

/// Removes an assignment: it no longer holds the technician's time or grants access.
pub async fn remove_assignment(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::update(
        assignments::table
            .find(id)
            .filter(assignments::removed_at.is_null()),
    )
    .set(assignments::removed_at.eq(Utc::now()))
    .execute(conn)
    .await
}

/// A live assignment of the technician (by user id) with the status of its job.
pub async fn my_assignment(
    mut conn: &AsyncPgConnection,
    id: Uuid,
    user: Uuid,
) -> QueryResult<(AssignmentRow, JobStatus)> {
    assignments::table
        .inner_join(technicians::table)
        .inner_join(tasks::table.inner_join(jobs::table))
        .filter(assignments::id.eq(id))
        .filter(assignments::removed_at.is_null())
        .filter(technicians::user_id.eq(user))
        .select((AssignmentRow::as_select(), jobs::status))
        .first(&mut conn)
        .await
}

/// A work log of the technician overlapping `[started, ended)`, through the exclusion
/// constraint's GiST index.
pub async fn work_log_conflict(
    conn: &AsyncPgConnection,
    technician: Uuid,
    started: DateTime<Utc>,
    ended: DateTime<Utc>,
) -> QueryResult<Option<Uuid>> {
    first_overlap(
        conn,
        "SELECT id FROM work_logs WHERE technician_id = $1 \
         AND tstzrange(started_at, ended_at, '[)') && tstzrange($2, $3, '[)') LIMIT 1",
        technician,
        started,
        ended,
    )
    .await
}

/// A work log as a technician sends it.
#[derive(Debug, Clone)]
pub struct NewWorkLog {
    /// The assignment it is logged on.
    pub assignment_id: Uuid,
    /// The technician's user id: the assignment must be theirs.
    pub user_id: Uuid,
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: DateTime<Utc>,
    /// What was done.
    pub description: String,
    /// Progress reported.
    pub progress_percent: Option<i32>,
}

/// A recorded work log with its task's title.
#[derive(QueryableByName)]
pub struct LoggedWork {
    /// The row.
    #[diesel(embed)]
    pub log: WorkLogRow,
    /// The task's title.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub task_title: String,
}

/// The statement of [`log_work`], for any number of logs: they come as arrays, numbered
/// in their order. For each log it finds the caller's live assignment, locks the job's
/// row (ordering the log against status changes of the job) and then the technician's
/// slot (the key of `lock_slots`, so two overlapping logs cannot deadlock inside the
/// exclusion check), inserts the log only if the job's status is one of `$8` (those of
/// [`rules::takes_work_logs`], checked again under the lock), sets the task's reported
/// progress and status (the last of the batch per task) and bumps the job's version.
/// The jobs' rows are locked in id order, then the technicians' slots in key order, so
/// two batches never wait on each other in a circle.
static LOG_WORK_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH req AS ( \
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], \
                                     $5::text[], $6::int4[], $7::text[]) \
                  WITH ORDINALITY AS r(assignment_id, user_id, started_at, ended_at, description, \
                                       progress_percent, task_status, ord)), \
              asg AS ( \
                SELECT r.*, a.technician_id, a.task_id, t.job_id, t.title \
                FROM req r JOIN assignments a ON a.id = r.assignment_id \
                     JOIN technicians tc ON tc.id = a.technician_id \
                     JOIN tasks t ON t.id = a.task_id \
                WHERE a.removed_at IS NULL AND tc.user_id = r.user_id), \
              job AS ( \
                SELECT j.id, j.status FROM jobs j WHERE j.id IN (SELECT job_id FROM asg) \
                ORDER BY j.id FOR NO KEY UPDATE OF j), \
              slot AS ( \
                SELECT k.technician_id, pg_advisory_xact_lock(k.key) \
                FROM (SELECT DISTINCT technician_id, {key} AS key FROM asg ORDER BY key) k \
                WHERE (SELECT count(*) FROM job) > 0), \
              ins AS ( \
                INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, \
                                       started_at, ended_at, description, progress_percent) \
                SELECT asg.assignment_id, asg.technician_id, asg.task_id, asg.job_id, \
                       asg.started_at, asg.ended_at, asg.description, asg.progress_percent \
                FROM asg JOIN job ON job.id = asg.job_id \
                     JOIN slot ON slot.technician_id = asg.technician_id \
                WHERE job.status = ANY($8::text[]) \
                RETURNING id, assignment_id, technician_id, task_id, job_id, started_at, \
                          ended_at, description, progress_percent, created_at), \
              logged AS ( \
                SELECT ins.*, asg.title AS task_title, asg.ord, asg.task_status \
                FROM ins JOIN asg ON asg.assignment_id = ins.assignment_id \
                                 AND asg.started_at = ins.started_at), \
              progress AS ( \
                UPDATE tasks t SET progress_percent = p.progress_percent, \
                                   status = p.task_status, updated_at = now() \
                FROM (SELECT DISTINCT ON (task_id) task_id, progress_percent, task_status \
                      FROM logged WHERE progress_percent IS NOT NULL \
                      ORDER BY task_id, ord DESC) p \
                WHERE t.id = p.task_id), \
              touched AS ( \
                UPDATE jobs SET version = version + 1, updated_at = now() \
                WHERE id IN (SELECT job_id FROM ins WHERE progress_percent IS NOT NULL)) \
         SELECT id, assignment_id, technician_id, task_id, job_id, started_at, ended_at, \
                description, progress_percent, created_at, task_title, ord \
         FROM logged",
        key = crate::docks::queries::slot_key_sql("technician_id")
    )
});

/// A work log recorded in a batch, with its place in the batch (from 1).
#[derive(QueryableByName)]
struct BatchLoggedWork {
    #[diesel(embed)]
    work: LoggedWork,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    ord: i64,
}

/// Records work logs in one statement and one transaction ([`LOG_WORK_SQL`]); the
/// answer holds the logs recorded, each with its index in `logs`. A log missing from it
/// was not recorded: the assignment is not the caller's, or the job does not take work
/// logs. Any failure (an overlap on `work_logs_no_overlap`, even between two of `logs`)
/// records none of them.
pub async fn log_work(
    conn: &mut AsyncPgConnection,
    logs: &[&NewWorkLog],
) -> QueryResult<Vec<(usize, LoggedWork)>> {
    use diesel::sql_types::{Array, Integer, Text, Uuid as SqlUuid};
    let query = diesel::sql_query(LOG_WORK_SQL.as_str())
        .bind::<Array<SqlUuid>, _>(logs.iter().map(|l| l.assignment_id).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(logs.iter().map(|l| l.user_id).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(logs.iter().map(|l| l.started_at).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(logs.iter().map(|l| l.ended_at).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(
            logs.iter()
                .map(|l| l.description.as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Nullable<Integer>>, _>(
            logs.iter().map(|l| l.progress_percent).collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(
            logs.iter()
                .map(|l| rules::task_status_for(l.progress_percent).as_str())
                .collect::<Vec<_>>(),
        )
        .bind::<Array<Text>, _>(rules::statuses_taking_work_logs());
    let rows: Vec<BatchLoggedWork> = Cached(query).load(conn).await?;
    Ok(by_place(rows.into_iter().map(|r| (r.ord, r.work))))
}

/// Work logs, written with [`log_work`] by [`crate::group_commit`].
pub struct WorkLogBatch;

impl BatchWrite for WorkLogBatch {
    const KIND: &'static str = "work_logs";
    type Item = NewWorkLog;
    type Row = LoggedWork;

    fn write<'a>(
        conn: &'a mut AsyncPgConnection,
        items: &'a [&'a NewWorkLog],
    ) -> BatchFuture<'a, LoggedWork> {
        Box::pin(log_work(conn, items))
    }
}

/// A work log with its task title and technician name.
pub type WorkLogWithNames = (WorkLogRow, String, String);

/// A page of a job's work logs in time order.
pub async fn job_work_logs(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<WorkLogWithNames>> {
    let query = work_logs::table
        .inner_join(tasks::table)
        .inner_join(
            technicians::table.inner_join(users::table.on(users::id.eq(technicians::user_id))),
        )
        .filter(work_logs::job_id.eq(job_id))
        .select((WorkLogRow::as_select(), tasks::title, users::full_name))
        .into_boxed();
    crate::pagination::paged!(query, page, work_logs::started_at, work_logs::id)
        .load(conn)
        .await
}

/// Everything a daily report reads, in one statement: the job's progress (its row also
/// decides whether the caller sees the job) and, as JSON arrays, the hours per task of
/// `[start, end)`, the status changes in it and the additional work still pending.
#[derive(QueryableByName)]
struct DayRow {
    #[diesel(sql_type = Double)]
    progress_percent: f64,
    /// `[{task_id, title, hours, progress_percent}]`, in task order.
    #[diesel(sql_type = diesel::sql_types::Text)]
    tasks: String,
    /// `[{at, from_status, to_status}]`, in time order.
    #[diesel(sql_type = diesel::sql_types::Text)]
    status_changes: String,
    /// `[{id, description, amount, currency}]`, oldest first.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pending_additional_work: String,
}

/// What a daily report shows of its day, read back from [`DayRow`].
pub struct Day {
    /// The job's progress now, as stored on its row.
    pub progress_percent: f64,
    /// Hours per task (two decimals), in task order.
    pub tasks: Vec<DailyTask>,
    /// Status changes, in time order.
    pub status_changes: Vec<DailyStatusChange>,
    /// Additional work still pending, oldest first.
    pub pending_additional_work: Vec<PendingAdditionalWork>,
}

/// A JSON column of [`DayRow`] as the structs it holds.
fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> QueryResult<T> {
    serde_json::from_str(text).map_err(|e| diesel::result::Error::DeserializationError(e.into()))
}

/// The daily report's statement without the caller's scope: `$1` job, `[$2, $3)` the day.
///
/// Hours: work crossing the bounds is clipped. A log lasts at most 16 hours (the table's
/// `work_logs_period` check), so only logs started in the 16 hours before `$2` can reach
/// into the day: that bound keeps the index scan to the day and lets PostgreSQL reuse one
/// generic plan instead of planning every execution. Status changes: timeline entries
/// whose status actually changed.
const DAY_REPORT: &str = "SELECT j.progress_percent, \
  (SELECT coalesce(json_agg(h ORDER BY h.created_at, h.task_id), '[]')::text FROM ( \
     SELECT t.id AS task_id, t.title, t.created_at, \
            (sum(extract(epoch FROM least(w.ended_at, $3) - greatest(w.started_at, $2))) / 3600)::float8 AS hours, \
            task_progress(t.status, t.progress_percent) AS progress_percent \
     FROM work_logs w JOIN tasks t ON t.id = w.task_id \
     WHERE w.job_id = j.id AND w.started_at < $3 AND w.ended_at > $2 \
       AND w.started_at > $2 - interval '16 hours' \
     GROUP BY t.id) h) AS tasks, \
  (SELECT coalesce(json_agg(e ORDER BY e.at, e.id), '[]')::text FROM ( \
     SELECT e.at, e.id, e.from_status, e.to_status FROM job_events e \
     WHERE e.job_id = j.id AND e.at >= $2 AND e.at < $3 AND e.to_status IS NOT NULL \
       AND e.from_status IS DISTINCT FROM e.to_status) e) AS status_changes, \
  (SELECT coalesce(json_agg(a ORDER BY a.created_at, a.id), '[]')::text FROM ( \
     SELECT a.id, a.description, a.amount::text AS amount, a.currency, a.created_at \
     FROM additional_work a WHERE a.job_id = j.id AND a.status = 'pending') a) \
     AS pending_additional_work \
FROM jobs j WHERE j.id = $1";

/// The texts of [`DAY_REPORT`] per kind of caller (`$4`: the organisation or the user).
static DAY_REPORT_SCOPED: LazyLock<[String; 3]> = LazyLock::new(|| {
    [
        DAY_REPORT.to_owned(),
        format!("{DAY_REPORT} AND j.organization_id = $4"),
        format!(
            "{DAY_REPORT} AND j.id IN ({}$4)",
            crate::jobs::queries::TECHNICIAN_JOBS
        ),
    ]
});

/// The daily report of `job_id` for `[start, end)`, within the caller's scope.
pub async fn day_report(
    mut conn: &AsyncPgConnection,
    job_id: Uuid,
    scope: Scope,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> QueryResult<Day> {
    let texts = &*DAY_REPORT_SCOPED;
    let (text, scope_id) = match scope {
        Scope::Yard => (&texts[0], None),
        Scope::Organization(org) => (&texts[1], Some(org)),
        Scope::Technician(user) => (&texts[2], Some(user)),
    };
    let query = diesel::sql_query(text.as_str())
        .bind::<diesel::sql_types::Uuid, _>(job_id)
        .bind::<Timestamptz, _>(start)
        .bind::<Timestamptz, _>(end);
    let row: DayRow = match scope_id {
        None => Cached(query).get_result(&mut conn).await?,
        Some(id) => {
            Cached(query.bind::<diesel::sql_types::Uuid, _>(id))
                .get_result(&mut conn)
                .await?
        }
    };
    let mut tasks: Vec<DailyTask> = from_json(&row.tasks)?;
    for task in &mut tasks {
        task.hours = round2(task.hours);
    }
    Ok(Day {
        progress_percent: row.progress_percent,
        tasks,
        status_changes: from_json(&row.status_changes)?,
        pending_additional_work: from_json(&row.pending_additional_work)?,
    })
}

/// The daily report of `job_id` for the yard day `date`, whose instants are `bounds`,
/// within the caller's scope: what `GET /jobs/{id}/daily-report` answers and what the
/// morning mail carries.
pub async fn daily_report(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    scope: Scope,
    date: chrono::NaiveDate,
    (start, end): (DateTime<Utc>, DateTime<Utc>),
) -> QueryResult<super::models::DailyReport> {
    // One statement: the job's row decides visibility (404) and carries the progress.
    let day = day_report(conn, job_id, scope, start, end).await?;
    let attachments = crate::attachments::queries::of_day(conn, job_id, start, end).await?;
    Ok(super::models::DailyReport {
        job_id,
        date,
        hours_total: round2(day.tasks.iter().map(|t| t.hours).sum()),
        tasks: day.tasks,
        status_changes: day.status_changes,
        pending_additional_work: day.pending_additional_work,
        progress_percent: crate::jobs::queries::shown_progress(day.progress_percent),
        attachments,
    })
}

/// Hours to two decimals, as shown.
pub fn round2(hours: f64) -> f64 {
    // `+ 0.0` turns a rounded -0.0 into 0.0: a report never says "-0 hours".
    (hours * 100.0).round() / 100.0 + 0.0
}
