//! The in-app list, the mail settings, and the mail outbox: its claims and records.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{EventKind, NotificationSettings};
use crate::{
    auth::Role,
    pagination::PageRequest,
    schema::{events, notification_settings, notifications},
};

/// A notification with its event's payload.
pub type NotificationRow = (
    Uuid,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    serde_json::Value,
);

/// The user's notifications, newest first; only unread (`Some(true)`) or read ones.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    unread: Option<bool>,
    page: &PageRequest,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = notifications::table
        .inner_join(events::table)
        .filter(notifications::user_id.eq(user_id))
        .select((
            notifications::id,
            notifications::created_at,
            notifications::read_at,
            events::payload,
        ))
        .into_boxed();
    query = match unread {
        Some(true) => query.filter(notifications::read_at.is_null()),
        Some(false) => query.filter(notifications::read_at.is_not_null()),
        None => query,
    };
    crate::pagination::paged!(newest first: query, page, notifications::created_at, notifications::id)
        .load(conn)
        .await
}

/// How many of the user's notifications are unread.
pub async fn unread_count(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
        .await
}

/// Marks one of the user's notifications read (a read one keeps its first reading).
pub async fn mark_read(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    id: Uuid,
) -> QueryResult<NotificationRow> {
    let (id, created_at, read_at, event_id): (Uuid, DateTime<Utc>, Option<DateTime<Utc>>, Uuid) =
        diesel::update(
            notifications::table
                .filter(notifications::id.eq(id))
                .filter(notifications::user_id.eq(user_id)),
        )
        .set(notifications::read_at.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::Timestamptz>,
        >("coalesce(read_at, now())")))
        .returning((
            notifications::id,
            notifications::created_at,
            notifications::read_at,
            notifications::event_id,
        ))
        .get_result(conn)
        .await?;
    let payload = events::table
        .find(event_id)
        .select(events::payload)
        .first(conn)
        .await?;
    Ok((id, created_at, read_at, payload))
}

/// Marks every unread notification of the user read; how many.
pub async fn mark_all_read(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Utc::now()))
    .execute(conn)
    .await
}

/// The user's mail settings; without a row of their own, the default of their role.
pub async fn settings(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    role: Role,
) -> QueryResult<NotificationSettings> {
    let row: Option<(bool, Vec<String>)> = notification_settings::table
        .find(user_id)
        .select((notification_settings::email, notification_settings::kinds))
        .first(conn)
        .await
        .optional()?;
    Ok(match row {
        Some((email, kinds)) => NotificationSettings {
            email,
            kinds: EventKind::among(&kinds),
        },
        None => NotificationSettings {
            email: role == Role::Client,
            kinds: EventKind::SUBSCRIBABLE.to_vec(),
        },
    })
}

/// Stores the user's mail settings (they apply to events from now on).
pub async fn put_settings(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    settings: &NotificationSettings,
) -> QueryResult<()> {
    let kinds: Vec<&str> = settings.kinds.iter().map(|k| k.as_str()).collect();
    diesel::insert_into(notification_settings::table)
        .values((
            notification_settings::user_id.eq(user_id),
            notification_settings::email.eq(settings.email),
            notification_settings::kinds.eq(&kinds),
        ))
        .on_conflict(notification_settings::user_id)
        .do_update()
        .set((
            notification_settings::email.eq(settings.email),
            notification_settings::kinds.eq(&kinds),
            notification_settings::updated_at.eq(Utc::now()),
        ))
        .execute(conn)
        .await
        .map(drop)
}

/// Webhook deliveries and mails waiting to be sent.
pub async fn pending(conn: &mut AsyncPgConnection) -> QueryResult<(i64, i64)> {
    use crate::schema::webhook_deliveries;
    let deliveries = webhook_deliveries::table
        .filter(webhook_deliveries::status.eq("pending"))
        .count()
        .get_result(conn)
        .await?;
    let mails = notifications::table
        .filter(notifications::email_status.eq("pending"))
        .count()
        .get_result(conn)
        .await?;
    Ok((deliveries, mails))
}

/// A mail claimed by this instance: its notification, the recipient and the event.
#[derive(QueryableByName)]
pub struct ClaimedMail {
    /// The notification.
    #[diesel(sql_type = diesel::sql_types::Uuid)]
    pub id: Uuid,
    /// Attempts made before this one.
    #[diesel(sql_type = diesel::sql_types::Int4)]
    pub attempts: i32,
    /// The recipient's address.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub email: String,
    /// The recipient's name.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub full_name: String,
    /// Whether the recipient is still active (a deactivated user is sent nothing).
    #[diesel(sql_type = diesel::sql_types::Bool)]
    pub active: bool,
    /// The event, as JSON.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub payload: String,
}

/// Claims up to `limit` due mails for `lease_secs` (`FOR UPDATE SKIP LOCKED`: two
/// instances never claim one mail), with what sending them needs.
pub async fn claim_mails(
    conn: &mut AsyncPgConnection,
    limit: i64,
    lease_secs: i32,
) -> QueryResult<Vec<ClaimedMail>> {
    diesel::sql_query(
        "UPDATE notifications n SET email_next_at = now() + make_interval(secs => $2) \
         FROM users u, events e \
         WHERE n.id IN (SELECT id FROM notifications \
                        WHERE email_status = 'pending' AND email_next_at <= now() \
                        ORDER BY email_next_at LIMIT $1 FOR UPDATE SKIP LOCKED) \
           AND u.id = n.user_id AND e.id = n.event_id \
         RETURNING n.id, n.email_attempts AS attempts, u.email, u.full_name, u.active, \
                   e.payload::text AS payload",
    )
    .bind::<diesel::sql_types::Int8, _>(limit)
    .bind::<diesel::sql_types::Int4, _>(lease_secs)
    .load(conn)
    .await
}

/// Sets the due mails aside (`off`) when no mail transport is configured.
pub async fn set_mails_aside(conn: &mut AsyncPgConnection) -> QueryResult<usize> {
    diesel::sql_query(
        "UPDATE notifications SET email_status = 'off', email_next_at = NULL \
         WHERE email_status = 'pending' AND email_next_at <= now()",
    )
    .execute(conn)
    .await
}

/// Records a mail attempt: `sent`, `off`, `failed`, or `pending` again at `retry_at`.
pub async fn record_mail(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    status: &str,
    error: Option<String>,
    retry_at: DateTime<Utc>,
) -> QueryResult<usize> {
    use diesel::sql_types::{Nullable, Text, Timestamptz};
    diesel::sql_query(
        "UPDATE notifications SET email_status = $2, email_attempts = email_attempts + 1, \
           email_error = $3, \
           email_next_at = CASE WHEN $2 = 'pending' THEN $4 END WHERE id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(id)
    .bind::<Text, _>(status)
    .bind::<Nullable<Text>, _>(error)
    .bind::<Timestamptz, _>(retry_at)
    .execute(conn)
    .await
}
