//! A job's schedule follows its dock bookings: its planned dates are the span of its
//! live bookings (docs/DECISIONS.md), changed with an event on its timeline in the
//! transaction of the booking that moved them.

use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;

use super::{
    models::{Job, NewEvent, TimelineKind},
    queries::{self, JobChanges},
    rules::JobStatus,
};
use crate::auth::Actor;

/// Sets the job's planned dates to `span`, the earliest start and latest end of its live
/// bookings, with an event, unless they are that already, the job has none, or it is
/// completed, closed or cancelled (finished jobs keep theirs). `job` is the job's row
/// locked by the caller (after the slots' locks) and `span` read after that lock, so two
/// booking changes of one job follow each other (`docks::queries::follow_bookings`).
pub async fn follow_bookings(
    conn: &mut AsyncPgConnection,
    job: &Job,
    span: Option<(DateTime<Utc>, DateTime<Utc>)>,
    by: Actor,
) -> QueryResult<()> {
    if job.status.is_final() || job.status == JobStatus::Completed {
        return Ok(());
    }
    let Some((start, end)) = span else {
        return Ok(());
    };
    if job.planned_start == Some(start) && job.planned_end == Some(end) {
        return Ok(());
    }
    let job_id = job.id;
    queries::update_fields(
        conn,
        job_id,
        JobChanges {
            title: None,
            description: None,
            priority: None,
            planned_start: Some(start),
            planned_end: Some(end),
            currency: None,
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
