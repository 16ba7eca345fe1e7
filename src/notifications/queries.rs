//! The in-app list, the mail settings, and the mail outbox's claims.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{EventKind, NotificationSettings};
use crate::{
    auth::Role,
    pagination::{PageRequest, before_cursor},
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
    query = before_cursor!(query, page, notifications::created_at, notifications::id);
    query
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(page.limit + 1)
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
