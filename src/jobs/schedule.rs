//! A job's schedule follows its dock bookings: its planned dates are the span of its
//! live bookings (docs/DECISIONS.md), changed with an event on its timeline in the
//! transaction of the booking that moved them.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::{
    models::{NewEvent, TimelineKind},
    queries::{self, JobChanges},
    rules::JobStatus,
};
use crate::{
    auth::{Actor, Scope},
    docks::models::BookingStatus,
    schema::dock_bookings,
};

/// Sets the job's planned dates to the span of its live bookings, with an event, unless
/// they are that already, the job has none, or it is completed, closed or cancelled
/// (finished jobs keep theirs). Locks the job's row: call it after the slots' locks.
pub async fn follow_bookings(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    by: Actor,
) -> QueryResult<()> {
    let job = queries::lock(conn, job_id, Scope::Yard).await?;
    if job.status.is_final() || job.status == JobStatus::Completed {
        return Ok(());
    }
    let Some((start, end)) = span(conn, job_id).await? else {
        return Ok(());
    };
    if job.planned_start == Some(start) && job.planned_end == Some(end) {
        return Ok(());
    }
    queries::update_fields(
        conn,
        job_id,
        JobChanges {
            title: None,
            description: None,
            priority: None,
            planned_start: Some(start),
            planned_end: Some(end),
        },
    )
    .await?;
    queries::add_event(
        conn,
        NewEvent {
            job_id,
            kind: TimelineKind::Updated,
            from_status: None,
            to_status: None,
            actor_id: by.id,
            actor_role: by.role,
            note: Some("planned dates follow the dock booking".to_owned()),
        },
    )
    .await
}

/// The span of a job's live bookings: earliest start, latest end.
async fn span(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
) -> QueryResult<Option<(DateTime<Utc>, DateTime<Utc>)>> {
    let (start, end): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = dock_bookings::table
        .filter(dock_bookings::job_id.eq(job_id))
        .filter(dock_bookings::status.eq(BookingStatus::Booked))
        .select((
            diesel::dsl::min(dock_bookings::starts_at),
            diesel::dsl::max(dock_bookings::ends_at),
        ))
        .first(conn)
        .await?;
    Ok(start.zip(end))
}
