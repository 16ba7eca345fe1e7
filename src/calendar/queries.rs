//! The feed's reads and its token's rows.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::{
    prelude::*,
    sql_types::{Bytea, Date, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    auth::Role,
    schema::{calendar_feeds, users},
};

/// The SHA-256 of a feed token, as stored.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The user's current feed generation.
pub async fn generation(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<i32> {
    users::table
        .find(user)
        .select(users::calendar_feed_generation)
        .first(conn)
        .await
}

/// Ends the user's feed: the next generation, answered.
pub async fn next_generation(conn: &mut AsyncPgConnection, user: Uuid) -> QueryResult<i32> {
    diesel::delete(calendar_feeds::table.filter(calendar_feeds::user_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::update(users::table.find(user))
        .set(users::calendar_feed_generation.eq(users::calendar_feed_generation + 1))
        .returning(users::calendar_feed_generation)
        .get_result(conn)
        .await
}

/// Keeps the hash of the feed token of `generation` (once).
pub async fn keep(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    generation: i32,
    hash: Vec<u8>,
) -> QueryResult<()> {
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::token_hash.eq(hash),
            calendar_feeds::user_id.eq(user),
            calendar_feeds::generation.eq(generation),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}

/// Whose feed a token opens: an active user whose feed is of its current generation.
#[derive(Debug, QueryableByName)]
pub struct Reader {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Text)]
    pub role: Role,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub organization_id: Option<Uuid>,
}

/// The reader of the feed whose token hashes to `hash`, if it is still open.
pub async fn reader(conn: &mut AsyncPgConnection, hash: Vec<u8>) -> QueryResult<Option<Reader>> {
    diesel::sql_query(
        "SELECT u.id, u.role, u.organization_id FROM calendar_feeds f JOIN users u ON u.id = f.user_id \
         WHERE f.token_hash = $1 AND u.active AND f.generation = u.calendar_feed_generation",
    )
    .bind::<Bytea, _>(hash)
    .get_result(conn)
    .await
    .optional()
}

/// A dock booking in a feed.
#[derive(Debug, QueryableByName)]
pub struct BookingRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    pub starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub ends_at: DateTime<Utc>,
    #[diesel(sql_type = Int4)]
    pub sequence: i32,
    #[diesel(sql_type = Timestamptz)]
    pub updated_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub dock_name: String,
    #[diesel(sql_type = Text)]
    pub vessel_name: String,
    #[diesel(sql_type = Nullable<SqlUuid>)]
    pub job_id: Option<Uuid>,
    #[diesel(sql_type = Nullable<Text>)]
    pub job_number: Option<String>,
}

/// The live bookings that end from `since` on: every one (`None`), or those of an
/// organisation's vessels.
pub async fn bookings(
    conn: &mut AsyncPgConnection,
    organization: Option<Uuid>,
    since: DateTime<Utc>,
) -> QueryResult<Vec<BookingRow>> {
    diesel::sql_query(
        "SELECT b.id, b.starts_at, b.ends_at, b.sequence, b.updated_at, d.name AS dock_name, \
           v.name AS vessel_name, j.id AS job_id, j.number AS job_number \
         FROM dock_bookings b JOIN docks d ON d.id = b.dock_id JOIN vessels v ON v.id = b.vessel_id \
         LEFT JOIN jobs j ON j.id = b.job_id \
         WHERE b.status <> 'cancelled' AND b.ends_at >= $1 \
           AND ($2::uuid IS NULL OR v.owner_organization_id = $2) \
         ORDER BY b.starts_at, b.id",
    )
    .bind::<Timestamptz, _>(since)
    .bind::<Nullable<SqlUuid>, _>(organization)
    .load(conn)
    .await
}

/// A job's contractual redelivery in a feed.
#[derive(Debug, QueryableByName)]
pub struct RedeliveryRow {
    #[diesel(sql_type = SqlUuid)]
    pub job_id: Uuid,
    #[diesel(sql_type = Text)]
    pub job_number: String,
    #[diesel(sql_type = Text)]
    pub vessel_name: String,
    #[diesel(sql_type = Date)]
    pub day: NaiveDate,
    /// Each entry recorded, and each withdrawn, moved it once.
    #[diesel(sql_type = Int4)]
    pub moves: i32,
    #[diesel(sql_type = Timestamptz)]
    pub modified: DateTime<Utc>,
}

/// The contractual redeliveries of an organisation's live awarded jobs.
pub async fn redeliveries(
    conn: &mut AsyncPgConnection,
    organization: Uuid,
) -> QueryResult<Vec<RedeliveryRow>> {
    diesel::sql_query(
        "SELECT j.id AS job_id, j.number AS job_number, v.name AS vessel_name, \
           j.contract_redelivery AS day, \
           (SELECT (count(*) + count(e.withdrawn_at))::int FROM redelivery_entries e WHERE e.job_id = j.id) AS moves, \
           greatest(j.awarded_at, (SELECT max(greatest(e.at, e.withdrawn_at)) FROM redelivery_entries e \
                                   WHERE e.job_id = j.id)) AS modified \
         FROM jobs j JOIN vessels v ON v.id = j.vessel_id \
         WHERE j.organization_id = $1 AND j.contract_redelivery IS NOT NULL \
           AND j.status NOT IN ('closed', 'cancelled') \
         ORDER BY j.contract_redelivery, j.id",
    )
    .bind::<SqlUuid, _>(organization)
    .load(conn)
    .await
}

/// A pending variation's answer deadline in a feed.
#[derive(Debug, QueryableByName)]
pub struct DeadlineRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Nullable<Text>)]
    pub number: Option<String>,
    #[diesel(sql_type = Text)]
    pub description: String,
    #[diesel(sql_type = Timestamptz)]
    pub respond_by: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = SqlUuid)]
    pub job_id: Uuid,
    #[diesel(sql_type = Text)]
    pub job_number: String,
    #[diesel(sql_type = Text)]
    pub vessel_name: String,
}

/// The answer deadlines of an organisation's pending variations.
pub async fn deadlines(
    conn: &mut AsyncPgConnection,
    organization: Uuid,
) -> QueryResult<Vec<DeadlineRow>> {
    diesel::sql_query(
        "SELECT a.id, a.number, a.description, a.respond_by, a.created_at, j.id AS job_id, \
           j.number AS job_number, v.name AS vessel_name \
         FROM additional_work a JOIN jobs j ON j.id = a.job_id JOIN vessels v ON v.id = j.vessel_id \
         WHERE j.organization_id = $1 AND a.status = 'pending' AND j.status NOT IN ('closed', 'cancelled') \
         ORDER BY a.respond_by, a.id",
    )
    .bind::<SqlUuid, _>(organization)
    .load(conn)
    .await
}

/// A technician's assignment in a feed.
#[derive(Debug, QueryableByName)]
pub struct AssignmentRow {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    pub starts_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub ends_at: DateTime<Utc>,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub task_title: String,
    #[diesel(sql_type = SqlUuid)]
    pub job_id: Uuid,
    #[diesel(sql_type = Text)]
    pub job_number: String,
    #[diesel(sql_type = Text)]
    pub vessel_name: String,
}

/// A technician's assignments that end from `since` on.
pub async fn assignments(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    since: DateTime<Utc>,
) -> QueryResult<Vec<AssignmentRow>> {
    diesel::sql_query(
        "SELECT a.id, a.starts_at, a.ends_at, a.created_at, t.title AS task_title, j.id AS job_id, \
           j.number AS job_number, v.name AS vessel_name \
         FROM assignments a JOIN technicians tc ON tc.id = a.technician_id JOIN tasks t ON t.id = a.task_id \
         JOIN jobs j ON j.id = t.job_id JOIN vessels v ON v.id = j.vessel_id \
         WHERE tc.user_id = $1 AND a.removed_at IS NULL AND a.ends_at >= $2 \
         ORDER BY a.starts_at, a.id",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Timestamptz, _>(since)
    .load(conn)
    .await
}
