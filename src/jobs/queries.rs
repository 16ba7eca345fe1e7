//! Database access for repair jobs, their timeline and additional work. The caller's
//! scope is part of every query, so a row outside it is simply not found.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::{
    BoxableExpression,
    dsl::{AsSelect, SqlTypeOf, sql},
    pg::Pg,
    prelude::*,
    sql_types::Bool,
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use std::sync::LazyLock;
use uuid::Uuid;

use super::{
    models::{
        AdditionalWork, AdditionalWorkStatus, EventView, Job, JobListQuery, JobView, NewEvent,
        QuoteView, VesselSummary,
    },
    rules::{JobStatus, Priority},
};
use crate::{
    auth::{Role, Scope},
    db::{Cached, Paged, Prebuilt, Shape},
    money::Money,
    pagination::PageRequest,
    schema::{additional_work, job_events, job_number_counters, jobs, users, vessels},
    yard::Yard,
};

/// The ids of the jobs a technician (by user id, bound as `$n`) has a live assignment on.
pub(crate) const TECHNICIAN_JOBS: &str = "SELECT t.job_id FROM assignments a \
     JOIN tasks t ON t.id = a.task_id JOIN technicians tc ON tc.id = a.technician_id \
     WHERE a.removed_at IS NULL AND tc.user_id = ";

/// `<column> IN (<the technician's jobs>)` as a boxable filter.
fn column_in_technician_jobs<QS: 'static>(
    column: &str,
    user: Uuid,
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(&format!("{column} IN ({TECHNICIAN_JOBS}"))
            .bind::<diesel::sql_types::Uuid, _>(user)
            .sql(")"),
    )
}

/// Whether a technician may see a job: they are assigned to one of its tasks.
pub fn technician_sees_job<QS: 'static>(
    user: Uuid,
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>> {
    column_in_technician_jobs("jobs.id", user)
}

/// Whether a technician may see a dock booking: it serves one of their jobs.
pub fn technician_sees_booking<QS: 'static>(
    user: Uuid,
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>> {
    column_in_technician_jobs("dock_bookings.job_id", user)
}

/// Whether a technician may see a vessel: one of its jobs is theirs.
pub fn technician_sees_vessel<QS: 'static>(
    user: Uuid,
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(&format!(
            "vessels.id IN (SELECT j.vessel_id FROM jobs j WHERE j.id IN ({TECHNICIAN_JOBS}"
        ))
        .bind::<diesel::sql_types::Uuid, _>(user)
        .sql("))"),
    )
}

/// Whether a technician is assigned to a task (the task itself, not just its job).
pub fn technician_assigned_to_task<QS: 'static>(
    user: Uuid,
) -> Box<dyn BoxableExpression<QS, Pg, SqlType = Bool>> {
    Box::new(
        sql::<Bool>(
            "tasks.id IN (SELECT a.task_id FROM assignments a JOIN technicians tc ON tc.id = a.technician_id \
             WHERE a.removed_at IS NULL AND tc.user_id = ",
        )
        .bind::<diesel::sql_types::Uuid, _>(user)
        .sql(")"),
    )
}

/// One query in three texts, one per kind of caller: the yard's (no filter), an
/// organisation's, a technician's. Each takes the row's id, then the scope's id.
pub struct Scoped<ST> {
    yard: Shape<ST>,
    organization: Shape<ST>,
    technician: Shape<ST>,
}

impl<ST> Scoped<ST> {
    /// The query of row `id` as `scope` may see it.
    pub fn with(&self, id: Uuid, scope: Scope) -> Prebuilt<'_, ST> {
        match scope {
            Scope::Yard => self.yard.with(vec![id]),
            Scope::Organization(org) => self.organization.with(vec![id, org]),
            Scope::Technician(user) => self.technician.with(vec![id, user]),
        }
    }
}

macro_rules! in_scope {
    ($query:expr, $scope:expr) => {
        match $scope {
            Scope::Yard => $query,
            Scope::Organization(org) => $query.filter(jobs::organization_id.eq(org)),
            Scope::Technician(user) => $query.filter(technician_sees_job(user)),
        }
    };
}

/// Hands out the next job number of `year`, under the year's counter-row lock (held
/// until the surrounding transaction ends).
pub async fn next_number(conn: &mut AsyncPgConnection, year: i32) -> QueryResult<String> {
    let n: i32 = diesel::insert_into(job_number_counters::table)
        .values((
            job_number_counters::year.eq(year),
            job_number_counters::last_value.eq(1),
        ))
        .on_conflict(job_number_counters::year)
        .do_update()
        .set(job_number_counters::last_value.eq(job_number_counters::last_value + 1))
        .returning(job_number_counters::last_value)
        .get_result(conn)
        .await?;
    Ok(format!("J-{year}-{n:04}"))
}

/// A new row of `jobs`.
#[derive(Debug, Insertable)]
#[diesel(table_name = jobs)]
pub struct NewJob {
    /// Job number.
    pub number: String,
    /// Vessel.
    pub vessel_id: Uuid,
    /// The vessel's owner now.
    pub organization_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Priority.
    pub priority: Priority,
    /// Requested start.
    pub requested_start: Option<DateTime<Utc>>,
    /// Creator.
    pub created_by: Uuid,
    /// The contract's currency.
    pub currency: String,
}

/// Inserts a job.
pub async fn insert(conn: &mut AsyncPgConnection, row: NewJob) -> QueryResult<Job> {
    diesel::insert_into(jobs::table)
        .values(row)
        .returning(Job::as_returning())
        .get_result(conn)
        .await
}

/// A job in the caller's scope.
pub async fn find(conn: &mut AsyncPgConnection, id: Uuid, scope: Scope) -> QueryResult<Job> {
    if scope != Scope::Yard {
        visible(conn, id, scope).await?;
    }
    jobs::table
        .find(id)
        .select(Job::as_select())
        .first(conn)
        .await
}

/// Locks a job in the caller's scope for the rest of the transaction.
pub async fn lock(mut conn: &AsyncPgConnection, id: Uuid, scope: Scope) -> QueryResult<Job> {
    if scope != Scope::Yard {
        // Boxed (scoped) queries cannot carry FOR UPDATE; a job's organisation never
        // changes, so checking the scope first and locking second is equivalent.
        visible(conn, id, scope).await?;
    }
    jobs::table
        .find(id)
        .select(Job::as_select())
        .for_update()
        .first(&mut conn)
        .await
}

/// Whether the caller can see the job.
pub async fn visible(mut conn: &AsyncPgConnection, id: Uuid, scope: Scope) -> QueryResult<()> {
    let query = jobs::table
        .filter(jobs::id.eq(id))
        .select(jobs::id)
        .into_boxed();
    in_scope!(query, scope)
        .first::<Uuid>(&mut conn)
        .await
        .map(drop)
}

/// Records a timeline event.
pub async fn add_event(conn: &mut AsyncPgConnection, event: NewEvent) -> QueryResult<()> {
    diesel::insert_into(job_events::table)
        .values(event)
        .execute(conn)
        .await
        .map(drop)
}

/// Marks a job changed: new version, new `updated_at`.
pub async fn touch(mut conn: &AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    Cached(diesel::update(jobs::table.find(id)).set((
        jobs::version.eq(jobs::version + 1),
        jobs::updated_at.eq(Utc::now()),
    )))
    .execute(&mut conn)
    .await
    .map(drop)
}

/// Changes of title, description, priority and planned dates.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = jobs)]
pub struct JobChanges {
    /// Title.
    pub title: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Priority.
    pub priority: Option<Priority>,
    /// Planned start.
    pub planned_start: Option<DateTime<Utc>>,
    /// Planned end.
    pub planned_end: Option<DateTime<Utc>>,
    /// The contract's currency.
    pub currency: Option<String>,
}

/// Applies field changes and bumps the version.
pub async fn update_fields(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: JobChanges,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set(changes)
        .execute(conn)
        .await?;
    touch(conn, id).await
}

/// Sets the status (and, for `closed`, the fixed invoice) and bumps the version.
pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: JobStatus,
    invoice: Option<(BigDecimal, String)>,
) -> QueryResult<()> {
    let (amount, currency, closed_at) = match invoice {
        Some((amount, currency)) => (Some(amount), Some(currency), Some(Utc::now())),
        None => (None, None, None),
    };
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(status),
            jobs::invoiced_amount.eq(amount),
            jobs::invoiced_currency.eq(currency),
            jobs::closed_at.eq(closed_at),
        ))
        .execute(conn)
        .await?;
    touch(conn, id).await
}

/// What the award fixes on the job besides its status.
#[derive(Debug, Clone)]
pub struct Award {
    /// USD per unit of the contract's currency on the award's day, if known.
    pub fx_usd_per_unit: Option<BigDecimal>,
}

/// Awards a quoted job: `approved`, with the moment and the day's rate, in one statement
/// (the database checks that an approved job has an award, and sets its contractual
/// redelivery from the terms: `contract_redelivery_of`).
pub async fn award(conn: &mut AsyncPgConnection, id: Uuid, award: Award) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(JobStatus::Approved),
            jobs::awarded_at.eq(Some(Utc::now())),
            jobs::award_fx_usd_per_unit.eq(award.fx_usd_per_unit),
        ))
        .execute(conn)
        .await?;
    touch(conn, id).await
}

/// Puts a quote on a job (status `quoted`) and bumps the version.
pub async fn set_quote(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    quote: &NewQuote,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::status.eq(JobStatus::Quoted),
            jobs::quote_amount.eq(&quote.amount),
            jobs::quote_currency.eq(&quote.currency),
            jobs::quote_valid_until.eq(quote.valid_until),
            jobs::quote_note.eq(&quote.note),
            jobs::quote_discount_percent.eq(&quote.discount_percent),
        ))
        .execute(conn)
        .await?;
    touch(conn, id).await
}

/// A quote as put on a job.
#[derive(Debug, Clone)]
pub struct NewQuote {
    /// Its amount.
    pub amount: BigDecimal,
    /// Its currency (the job's).
    pub currency: String,
    /// Its last day.
    pub valid_until: Option<chrono::NaiveDate>,
    /// Remarks.
    pub note: Option<String>,
    /// The overall discount on priced items.
    pub discount_percent: Option<BigDecimal>,
}

/// Sets the amount of a job's quote (its priced items changed), bumping the version.
pub async fn set_quote_amount(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    amount: &BigDecimal,
) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set(jobs::quote_amount.eq(amount))
        .execute(conn)
        .await?;
    touch(conn, id).await
}

/// Drops a rejected quote (the contract's currency changed before a new one).
pub async fn clear_quote(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    diesel::update(jobs::table.find(id))
        .set((
            jobs::quote_amount.eq(None::<BigDecimal>),
            jobs::quote_currency.eq(None::<String>),
            jobs::quote_valid_until.eq(None::<chrono::NaiveDate>),
            jobs::quote_note.eq(None::<String>),
            jobs::quote_discount_percent.eq(None::<BigDecimal>),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// A job row as loaded for its view: the job and its vessel.
pub type JobRow = (Job, VesselSummary);

/// Turns a loaded row into the API view (the yard's calendar tells its days late).
pub fn to_view((job, vessel): JobRow, yard: &Yard) -> JobView {
    let days_late = crate::redelivery::rules::days_late(
        job.contract_redelivery,
        job.planned_end.map(|end| yard.day_of(end)),
        job.completed_at.map(|at| yard.day_of(at)),
    );
    let quote = match (&job.quote_amount, &job.quote_currency) {
        (Some(amount), Some(currency)) => Some(QuoteView {
            amount: crate::money::format_amount(amount),
            currency: currency.clone(),
            valid_until: job.quote_valid_until,
            note: job.quote_note.clone(),
            discount_percent: job
                .quote_discount_percent
                .as_ref()
                .map(crate::money::format_amount),
        }),
        _ => None,
    };
    let additional_work_total = job
        .quote_currency
        .as_deref()
        .map(|c| Money::new(&job.additional_work_approved, c));
    let invoiced_total = match (&job.invoiced_amount, &job.invoiced_currency) {
        (Some(amount), Some(currency)) => Some(Money::new(amount, currency)),
        _ => None,
    };
    JobView {
        id: job.id,
        number: job.number,
        vessel,
        organization_id: job.organization_id,
        title: job.title,
        description: job.description,
        priority: job.priority,
        status: job.status,
        requested_start: job.requested_start,
        quote,
        additional_work_total,
        planned_start: job.planned_start,
        planned_end: job.planned_end,
        progress_percent: shown_progress(job.progress_percent),
        invoiced_total,
        currency: job.currency,
        contract_redelivery: job.contract_redelivery,
        days_late,
        created_at: job.created_at,
        updated_at: job.updated_at,
        version: job.version,
    }
}

/// Progress as shown: one decimal.
pub fn shown_progress(progress: f64) -> f64 {
    // `+ 0.0` turns a rounded -0.0 into 0.0.
    (progress * 10.0).round() / 10.0 + 0.0
}

/// The SQL type of a [`JobRow`].
type JobRowSql = (
    SqlTypeOf<AsSelect<Job, Pg>>,
    SqlTypeOf<AsSelect<VesselSummary, Pg>>,
);

/// One job as loaded for its view.
static JOB_VIEW: LazyLock<Scoped<JobRowSql>> = LazyLock::new(|| {
    let one = || {
        jobs::table
            .inner_join(vessels::table)
            .filter(jobs::id.eq(Uuid::nil()))
            .select((Job::as_select(), VesselSummary::as_select()))
    };
    Scoped {
        yard: Shape::of(&one()),
        organization: Shape::of(&one().filter(jobs::organization_id.eq(Uuid::nil()))),
        technician: Shape::of(&one().filter(technician_sees_job(Uuid::nil()))),
    }
});

/// One job, as the API shows it, within the caller's scope.
///
/// Takes the connection shared, so it can be pipelined with other reads.
pub async fn find_view(
    mut conn: &AsyncPgConnection,
    id: Uuid,
    scope: Scope,
    yard: &Yard,
) -> QueryResult<JobView> {
    let row: JobRow = JOB_VIEW.with(id, scope).get_result(&mut conn).await?;
    Ok(to_view(row, yard))
}

/// A page of jobs, newest first, within the caller's scope.
pub async fn list(
    conn: &mut AsyncPgConnection,
    filter: &JobListQuery,
    scope: Scope,
    page: &PageRequest,
) -> QueryResult<Vec<JobRow>> {
    let mut query = jobs::table
        .inner_join(vessels::table)
        .select((Job::as_select(), VesselSummary::as_select()))
        .into_boxed();
    query = in_scope!(query, scope);
    if let Some(status) = filter.status {
        query = query.filter(jobs::status.eq(status));
    }
    if let Some(vessel) = filter.vessel_id {
        query = query.filter(jobs::vessel_id.eq(vessel));
    }
    if let Some(org) = filter.organization_id {
        query = query.filter(jobs::organization_id.eq(org));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", crate::validation::like_escape(q));
        query = query.filter(
            jobs::number
                .ilike(pattern.clone())
                .or(jobs::title.ilike(pattern)),
        );
    }
    // The filters make a handful of shapes, each prepared once per connection.
    let query = crate::pagination::keyset!(newest first: query, page, jobs::created_at, jobs::id);
    let mut rows: Vec<JobRow> = Cached(Paged::new(query, page.fetch())).load(conn).await?;
    rows.truncate(usize::try_from(page.fetch()).unwrap_or(usize::MAX));
    Ok(rows)
}

/// A page of a job's timeline, oldest first. Names of the actors are loaded only for
/// yard staff (`with_names`).
pub async fn events(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    page: &PageRequest,
    with_names: bool,
) -> QueryResult<Vec<EventView>> {
    type Row = (
        Uuid,
        DateTime<Utc>,
        super::models::TimelineKind,
        Option<JobStatus>,
        Option<JobStatus>,
        Role,
        String,
        Option<String>,
    );
    let query = job_events::table
        .inner_join(users::table)
        .filter(job_events::job_id.eq(job_id))
        .select((
            job_events::id,
            job_events::at,
            job_events::kind,
            job_events::from_status,
            job_events::to_status,
            job_events::actor_role,
            users::full_name,
            job_events::note,
        ))
        .into_boxed();
    let rows: Vec<Row> = crate::pagination::paged!(query, page, job_events::at, job_events::id)
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, at, kind, from_status, to_status, actor_role, name, note)| EventView {
                id,
                at,
                kind,
                from_status,
                to_status,
                actor_role,
                actor_name: with_names.then_some(name),
                note,
            },
        )
        .collect())
}

/// Inserts an item of additional work.
/// A new variation.
#[derive(Debug, Clone)]
pub struct NewVariation {
    /// The job.
    pub job_id: Uuid,
    /// What was found and what it takes.
    pub description: String,
    /// Its amount.
    pub amount: BigDecimal,
    /// The job's currency.
    pub currency: String,
    /// Its priced line, if priced as one.
    pub price: Option<serde_json::Value>,
    /// Where it came from.
    pub origin: super::models::Origin,
    /// Its spec item.
    pub task_id: Option<Uuid>,
    /// Days of extension it asks for.
    pub time_impact_days: i32,
    /// Whether work stops until the owner decides.
    pub blocking: bool,
    /// The owner's time to decide, in hours (the terms').
    pub response_hours: i32,
}

/// Adds a variation with the job's next number (call with the job locked: the number is
/// the job's count so far plus one, and unique per job).
pub async fn insert_additional_work(
    conn: &mut AsyncPgConnection,
    v: NewVariation,
) -> QueryResult<AdditionalWork> {
    let next: Option<i32> = additional_work::table
        .filter(additional_work::job_id.eq(v.job_id))
        .select(diesel::dsl::max(additional_work::seq))
        .first(conn)
        .await?;
    let now = Utc::now();
    diesel::insert_into(additional_work::table)
        .values((
            additional_work::job_id.eq(v.job_id),
            additional_work::seq.eq(next.unwrap_or(0) + 1),
            additional_work::description.eq(v.description),
            additional_work::amount.eq(v.amount),
            additional_work::currency.eq(v.currency),
            additional_work::price.eq(v.price),
            additional_work::origin.eq(v.origin),
            additional_work::task_id.eq(v.task_id),
            additional_work::time_impact_days.eq(v.time_impact_days),
            additional_work::blocking.eq(v.blocking),
            additional_work::created_at.eq(now),
            additional_work::respond_by
                .eq(now + chrono::Duration::hours(i64::from(v.response_hours))),
        ))
        .returning(AdditionalWork::as_returning())
        .get_result(conn)
        .await
}

/// A page of a job's additional work, oldest first.
pub async fn list_additional_work(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<AdditionalWork>> {
    let query = additional_work::table
        .filter(additional_work::job_id.eq(job_id))
        .select(AdditionalWork::as_select())
        .into_boxed();
    crate::pagination::paged!(
        query,
        page,
        additional_work::created_at,
        additional_work::id
    )
    .load(conn)
    .await
}

/// An item of additional work in the caller's scope, with its job locked so a decision
/// and a close cannot interleave.
pub async fn lock_additional_work(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: Scope,
) -> QueryResult<(AdditionalWork, Job)> {
    let item: AdditionalWork = additional_work::table
        .find(id)
        .select(AdditionalWork::as_select())
        .first(conn)
        .await?;
    let job = lock(conn, item.job_id, scope).await?;
    Ok((item, job))
}

/// Decides a pending item; `None` when it was already decided (the `WHERE` makes two
/// concurrent decisions impossible: only one finds it pending).
pub async fn decide(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: AdditionalWorkStatus,
    by: Uuid,
    note: Option<String>,
    fx_usd_per_unit: Option<BigDecimal>,
) -> QueryResult<Option<AdditionalWork>> {
    diesel::update(
        additional_work::table
            .filter(additional_work::id.eq(id))
            .filter(additional_work::status.eq(AdditionalWorkStatus::Pending)),
    )
    .set((
        additional_work::status.eq(status),
        additional_work::decided_at.eq(Utc::now()),
        additional_work::decided_by.eq(by),
        additional_work::decision_note.eq(note),
        additional_work::fx_usd_per_unit.eq(fx_usd_per_unit),
    ))
    .returning(AdditionalWork::as_returning())
    .get_result(conn)
    .await
    .optional()
}
