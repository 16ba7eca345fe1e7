//! Database access for docks and dock bookings. Free windows are computed in SQL over
//! the bookings that overlap the search range.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, Double, Timestamptz};
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use std::sync::LazyLock;
use uuid::Uuid;

use super::models::{
    BookingListQuery, BookingStatus, CreateDock, Dock, DockBookingRow, UpdateDock, Window,
};
use crate::{
    auth::{Actor, Role, Scope},
    db::Cached,
    group_commit::{BatchFuture, BatchWrite, by_place},
    jobs::{self, queries::technician_sees_booking},
    pagination::PageRequest,
    schema::{dock_bookings, docks, vessels},
};

/// Creates a dock.
pub async fn insert_dock(conn: &mut AsyncPgConnection, dock: &CreateDock) -> QueryResult<Dock> {
    diesel::insert_into(docks::table)
        .values(dock)
        .returning(Dock::as_returning())
        .get_result(conn)
        .await
}

/// One dock.
pub async fn dock(mut conn: &AsyncPgConnection, id: Uuid) -> QueryResult<Dock> {
    docks::table
        .find(id)
        .select(Dock::as_select())
        .first(&mut conn)
        .await
}

/// Every dock (a yard has a handful).
pub async fn all_docks(conn: &mut AsyncPgConnection) -> QueryResult<Vec<Dock>> {
    docks::table
        .select(Dock::as_select())
        .order((docks::name, docks::id))
        .load(conn)
        .await
}

/// A page of docks in creation order.
pub async fn list_docks(
    conn: &mut AsyncPgConnection,
    page: &PageRequest,
) -> QueryResult<Vec<Dock>> {
    let query = docks::table.select(Dock::as_select()).into_boxed();
    crate::pagination::paged!(query, page, docks::created_at, docks::id)
        .load(conn)
        .await
}

/// Changes a dock.
pub async fn update_dock(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    changes: &UpdateDock,
) -> QueryResult<Dock> {
    diesel::update(docks::table.find(id))
        .set((changes, docks::updated_at.eq(Utc::now())))
        .returning(Dock::as_returning())
        .get_result(conn)
        .await
}

/// The advisory-lock key of a dock, vessel or technician: the first 8 bytes of its id.
pub fn slot_key(id: &Uuid) -> i64 {
    let b = id.as_bytes();
    i64::from_be_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// [`slot_key`] in SQL, of the uuid expression `column`, for statements that learn the
/// id only inside PostgreSQL.
pub fn slot_key_sql(column: &str) -> String {
    format!("('x' || translate(left(({column})::text, 18), '-', ''))::bit(64)::bigint")
}

/// Serialises booking changes per dock and per vessel for the rest of the transaction,
/// always locking in the same order so two bookings can never wait on each other. The
/// exclusion constraints stay the guarantee; the locks make the 409 name the booking in
/// the way and keep concurrent inserts from deadlocking inside the constraint check.
pub async fn lock_slots(mut conn: &AsyncPgConnection, ids: &[Uuid]) -> QueryResult<()> {
    let mut keys: Vec<i64> = ids.iter().map(slot_key).collect();
    keys.sort_unstable();
    keys.dedup();
    // One statement for all keys: PostgreSQL evaluates the select list left to right,
    // so the locks are taken in key order. Callers lock one or two keys.
    let calls: Vec<String> = (1..=keys.len())
        .map(|n| format!("pg_advisory_xact_lock(${n})"))
        .collect();
    let mut query = diesel::sql_query(format!("SELECT {}", calls.join(", "))).into_boxed();
    for key in keys {
        query = query.bind::<diesel::sql_types::BigInt, _>(key);
    }
    Cached(query).execute(&mut conn).await.map(drop)
}

#[derive(QueryableByName)]
struct Found {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    id: Uuid,
}

/// The live booking of `column` = `key` overlapping `[starts, ends)`, other than `except`.
async fn overlapping(
    mut conn: &AsyncPgConnection,
    column: &str,
    key: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    except: Option<Uuid>,
) -> QueryResult<Option<Uuid>> {
    // A dock's (or vessel's) live bookings never overlap each other (the exclusion
    // constraints), so sorted by start they are sorted by end too: the last one starting
    // before `ends` is the only candidate, found by walking the btree on (column,
    // starts_at) backwards one step, however long the history.
    let sql = format!(
        "SELECT id FROM ( \
           SELECT id, ends_at FROM dock_bookings WHERE {column} = $1 AND status <> 'cancelled' \
           AND starts_at < $3 AND id IS DISTINCT FROM $4 \
           ORDER BY starts_at DESC LIMIT 1) last \
         WHERE ends_at > $2"
    );
    let query = diesel::sql_query(sql)
        .bind::<diesel::sql_types::Uuid, _>(key)
        .bind::<Timestamptz, _>(starts)
        .bind::<Timestamptz, _>(ends)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::Uuid>, _>(except);
    // Two texts (dock, vessel), each prepared once per connection.
    let found: Option<Found> = Cached(query).get_result(&mut conn).await.optional()?;
    Ok(found.map(|f| f.id))
}

/// A live booking of the dock overlapping the period.
pub async fn dock_conflict(
    conn: &AsyncPgConnection,
    dock: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    except: Option<Uuid>,
) -> QueryResult<Option<Uuid>> {
    overlapping(conn, "dock_id", dock, starts, ends, except).await
}

/// A live booking of the vessel (in any dock) overlapping the period.
pub async fn vessel_conflict(
    conn: &AsyncPgConnection,
    vessel: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    except: Option<Uuid>,
) -> QueryResult<Option<Uuid>> {
    overlapping(conn, "vessel_id", vessel, starts, ends, except).await
}

/// A new row of `dock_bookings`.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// Dock.
    pub dock_id: Uuid,
    /// Vessel.
    pub vessel_id: Uuid,
    /// Job.
    pub job_id: Option<Uuid>,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Remarks.
    pub notes: Option<String>,
    /// Who booked.
    pub created_by: Uuid,
}

/// The statement of [`book`], for any number of bookings, as arrays numbered in their
/// order. Every dock's and vessel's slot is locked first, in key order (as [`lock_slots`]
/// does), so batches never wait on each other in a circle; then the bookings are
/// inserted. An overlap fails on `dock_bookings_no_dock_overlap` or
/// `dock_bookings_no_vessel_overlap`; by then the booking in the way has committed (the
/// locks waited for it), so a lookup finds it.
static BOOK_SQL: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH req AS ( \
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], \
                                     $5::text[], $6::uuid[], $7::uuid[]) \
                  WITH ORDINALITY AS r(dock_id, vessel_id, starts_at, ends_at, notes, created_by, \
                                       job_id, ord)), \
              slot AS ( \
                SELECT pg_advisory_xact_lock(key) \
                FROM (SELECT {dock} AS key FROM req UNION SELECT {vessel} FROM req ORDER BY key) k), \
              ins AS ( \
                INSERT INTO dock_bookings (dock_id, vessel_id, job_id, starts_at, ends_at, notes, \
                                           created_by) \
                SELECT dock_id, vessel_id, job_id, starts_at, ends_at, notes, created_by FROM req \
                WHERE (SELECT count(*) FROM slot) > 0 \
                RETURNING id, dock_id, vessel_id, job_id, starts_at, ends_at, notes, status, \
                          cancelled_at, created_by, created_at, updated_at) \
         SELECT ins.*, req.ord FROM ins \
         JOIN req ON req.dock_id = ins.dock_id AND req.starts_at = ins.starts_at",
        dock = slot_key_sql("dock_id"),
        vessel = slot_key_sql("vessel_id"),
    )
});

/// A booking made in a batch, with its place in the batch (from 1).
#[derive(QueryableByName)]
struct BatchBooked {
    #[diesel(embed)]
    booking: DockBookingRow,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    ord: i64,
}

/// Makes bookings in one statement and one transaction ([`BOOK_SQL`]), and answers each
/// with its index in `rows`. Any failure (an overlap, even between two of `rows`) books
/// none of them. It checks nothing else: the fit, the period and the job are judged
/// before.
pub async fn book(
    conn: &mut AsyncPgConnection,
    rows: &[&NewBooking],
) -> QueryResult<Vec<(usize, DockBookingRow)>> {
    use diesel::sql_types::{Nullable, Text, Uuid as SqlUuid};
    let query = diesel::sql_query(BOOK_SQL.as_str())
        .bind::<Array<SqlUuid>, _>(rows.iter().map(|r| r.dock_id).collect::<Vec<_>>())
        .bind::<Array<SqlUuid>, _>(rows.iter().map(|r| r.vessel_id).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(rows.iter().map(|r| r.starts_at).collect::<Vec<_>>())
        .bind::<Array<Timestamptz>, _>(rows.iter().map(|r| r.ends_at).collect::<Vec<_>>())
        .bind::<Array<Nullable<Text>>, _>(
            rows.iter().map(|r| r.notes.as_deref()).collect::<Vec<_>>(),
        )
        .bind::<Array<SqlUuid>, _>(rows.iter().map(|r| r.created_by).collect::<Vec<_>>())
        .bind::<Array<Nullable<SqlUuid>>, _>(rows.iter().map(|r| r.job_id).collect::<Vec<_>>());
    let booked: Vec<BatchBooked> = Cached(query).load(conn).await?;
    Ok(by_place(booked.into_iter().map(|b| (b.ord, b.booking))))
}

/// A booking with its dock and vessel names, with `vessels` joined: the client scope
/// is the vessel's owner.
pub type BookingWithNames = (DockBookingRow, String, String);

macro_rules! booking_query {
    ($scope:expr) => {{
        let query = dock_bookings::table
            .inner_join(docks::table)
            .inner_join(vessels::table)
            .select((DockBookingRow::as_select(), docks::name, vessels::name))
            .into_boxed();
        match $scope {
            Scope::Yard => query,
            Scope::Organization(org) => query.filter(vessels::owner_organization_id.eq(org)),
            Scope::Technician(user) => query.filter(technician_sees_booking(user)),
        }
    }};
}

/// One booking in the caller's scope.
pub async fn booking(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    scope: Scope,
) -> QueryResult<BookingWithNames> {
    booking_query!(scope)
        .filter(dock_bookings::id.eq(id))
        .first(conn)
        .await
}

/// A page of bookings overlapping `[from, to)`, in start order, in the caller's scope.
pub async fn list_bookings(
    conn: &mut AsyncPgConnection,
    filter: &BookingListQuery,
    scope: Scope,
    page: &PageRequest,
) -> QueryResult<Vec<BookingWithNames>> {
    let mut query = booking_query!(scope);
    if !filter.include_cancelled.unwrap_or(false) {
        query = query.filter(dock_bookings::status.eq(BookingStatus::Booked));
    }
    if let Some(dock) = filter.dock_id {
        query = query.filter(dock_bookings::dock_id.eq(dock));
    }
    if let Some(vessel) = filter.vessel_id {
        query = query.filter(dock_bookings::vessel_id.eq(vessel));
    }
    if let Some(from) = filter.from {
        query = query.filter(dock_bookings::ends_at.gt(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(dock_bookings::starts_at.lt(to));
    }
    crate::pagination::paged!(query, page, dock_bookings::starts_at, dock_bookings::id)
        .load(conn)
        .await
}

/// Moves a booking.
pub async fn move_booking(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    dock: Uuid,
    starts: DateTime<Utc>,
    ends: DateTime<Utc>,
    notes: Option<Option<String>>,
) -> QueryResult<()> {
    diesel::update(dock_bookings::table.find(id))
        .set((
            dock_bookings::dock_id.eq(dock),
            dock_bookings::starts_at.eq(starts),
            dock_bookings::ends_at.eq(ends),
            dock_bookings::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await?;
    if let Some(notes) = notes {
        diesel::update(dock_bookings::table.find(id))
            .set(dock_bookings::notes.eq(notes))
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Cancels a booking, freeing its slot.
pub async fn cancel_booking(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<()> {
    let now = Utc::now();
    diesel::update(
        dock_bookings::table
            .find(id)
            .filter(dock_bookings::status.eq(BookingStatus::Booked)),
    )
    .set((
        dock_bookings::status.eq(BookingStatus::Cancelled),
        dock_bookings::cancelled_at.eq(now),
        dock_bookings::updated_at.eq(now),
    ))
    .execute(conn)
    .await
    .map(drop)
}

#[derive(QueryableByName)]
struct FreeWindow {
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    dock_id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    ends_at: DateTime<Utc>,
}

/// The free windows of at least `hours` inside `[from, to)` of each dock in `docks`,
/// in dock and time order. Only the bookings overlapping the range are read; a dock's
/// live bookings never overlap (exclusion constraint), so the gaps are simply between
/// one booking's end and the next one's start.
pub async fn free_windows(
    conn: &mut AsyncPgConnection,
    docks: &[Uuid],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    hours: f64,
) -> QueryResult<Vec<(Uuid, Window)>> {
    let rows: Vec<FreeWindow> = diesel::sql_query(
        "WITH busy AS ( \
             SELECT dock_id, greatest(starts_at, $2) AS s, least(ends_at, $3) AS e \
             FROM dock_bookings \
             WHERE dock_id = ANY($1) AND status <> 'cancelled' AND starts_at < $3 AND ends_at > $2 \
         ), gaps AS ( \
             SELECT dock_id, coalesce(lag(e) OVER (PARTITION BY dock_id ORDER BY s), $2) AS starts_at, \
                    s AS ends_at \
             FROM busy \
             UNION ALL \
             SELECT d, coalesce((SELECT max(e) FROM busy WHERE busy.dock_id = d), $2), $3 \
             FROM unnest($1) AS d \
         ) \
         SELECT dock_id, starts_at, ends_at FROM gaps \
         WHERE ends_at - starts_at >= make_interval(secs => $4 * 3600) \
         ORDER BY dock_id, starts_at",
    )
    .bind::<Array<diesel::sql_types::Uuid>, _>(docks)
    .bind::<Timestamptz, _>(from)
    .bind::<Timestamptz, _>(to)
    .bind::<Double, _>(hours)
    .load(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.dock_id,
                Window {
                    starts_at: r.starts_at,
                    ends_at: r.ends_at,
                },
            )
        })
        .collect())
}

/// Bookings, made with [`book`] by [`crate::group_commit`]. A batch with bookings for
/// jobs makes them and moves their jobs' planned dates in one transaction, the jobs
/// locked in id order after the slots, as a single booking locks them.
pub struct BookingBatch;

impl BatchWrite for BookingBatch {
    const KIND: &'static str = "bookings";
    type Item = NewBooking;
    type Row = DockBookingRow;

    fn write<'a>(
        conn: &'a mut AsyncPgConnection,
        items: &'a [&'a NewBooking],
    ) -> BatchFuture<'a, DockBookingRow> {
        Box::pin(async move {
            if items.iter().all(|i| i.job_id.is_none()) {
                // Nothing else to change: the statement is its own transaction.
                return book(conn, items).await;
            }
            conn.transaction(async |conn| {
                let booked = book(conn, items).await?;
                let mut jobs: Vec<(Uuid, Uuid)> = booked
                    .iter()
                    .filter_map(|(_, row)| Some((row.job_id?, row.created_by)))
                    .collect();
                jobs.sort_unstable();
                jobs.dedup_by_key(|(job, _)| *job);
                for (job, by) in jobs {
                    // Only managers book.
                    let actor = Actor {
                        id: by,
                        role: Role::Manager,
                    };
                    follow_bookings(conn, job, actor).await?;
                }
                Ok(booked)
            })
            .await
        })
    }
}

/// Makes a job's planned dates follow its live bookings (`jobs::schedule`): locks the job
/// (after the slots' locks), then reads the span of its bookings under that lock.
pub async fn follow_bookings(
    conn: &mut AsyncPgConnection,
    job_id: Uuid,
    by: Actor,
) -> QueryResult<()> {
    let job = jobs::queries::lock(conn, job_id, Scope::Yard).await?;
    let (start, end): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = dock_bookings::table
        .filter(dock_bookings::job_id.eq(job_id))
        .filter(dock_bookings::status.eq(BookingStatus::Booked))
        .select((
            diesel::dsl::min(dock_bookings::starts_at),
            diesel::dsl::max(dock_bookings::ends_at),
        ))
        .first(conn)
        .await?;
    jobs::schedule::follow_bookings(conn, &job, start.zip(end), by).await
}
