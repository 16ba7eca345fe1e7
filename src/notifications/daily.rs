//! `daily_report.ready`: at the report hour, one event per job with work logged the
//! previous yard day. The unique index on (job, day) of `events` claims each in the
//! database, so any number of instances send it once.

use chrono::{NaiveTime, Utc};
use diesel::{
    QueryResult, QueryableByName,
    sql_types::{Date, Int8, Timestamptz},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::rules::report_day_due;
use crate::yard::Yard;

#[derive(QueryableByName)]
struct Emitted {
    #[diesel(sql_type = Int8)]
    emitted: i64,
}

/// Writes the `daily_report.ready` events due now that no instance has written yet;
/// how many it wrote.
pub async fn emit_due(
    conn: &mut AsyncPgConnection,
    yard: &Yard,
    at: NaiveTime,
) -> QueryResult<i64> {
    let day = report_day_due(Utc::now().with_timezone(&yard.tz).naive_local(), at);
    let (start, end) = yard.day_bounds(day);
    // The jobs that can have work on the day: those still open, and those closed or
    // cancelled since shortly before it (a log is written after it ends, and a job is
    // closed after its last log is written). Each is probed on the (job, start) index of
    // its work logs: a log lasts at most 16 hours (`work_logs_period`), so only those
    // started in the 16 hours before the day can reach into it.
    diesel::sql_query(
        "SELECT count(emit_event('daily_report.ready', j.id, \
                jsonb_build_object('date', $1::text), false, true, $1)) AS emitted \
         FROM jobs j \
         WHERE (j.status NOT IN ('closed', 'cancelled') OR j.updated_at > $2 - interval '1 day') \
           AND EXISTS (SELECT 1 FROM work_logs w WHERE w.job_id = j.id \
                       AND w.started_at < $3 AND w.started_at > $2 - interval '16 hours' \
                       AND w.ended_at > $2) \
           AND NOT EXISTS (SELECT 1 FROM events e WHERE e.kind = 'daily_report.ready' \
                           AND e.job_id = j.id AND e.report_day = $1)",
    )
    .bind::<Date, _>(day)
    .bind::<Timestamptz, _>(start)
    .bind::<Timestamptz, _>(end)
    .get_result::<Emitted>(conn)
    .await
    .map(|r| r.emitted)
}
