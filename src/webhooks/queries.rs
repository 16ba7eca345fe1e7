//! Webhooks, their deliveries log, and the dispatcher's claims and outcomes.

use chrono::{DateTime, Utc};
use diesel::{
    prelude::*,
    sql_types::{Array, Int4, Nullable, Text, Timestamptz, Uuid as SqlUuid},
};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use super::models::{Attempt, WebhookRow};
use crate::{
    pagination::PageRequest,
    schema::{events, webhook_attempts, webhook_deliveries, webhooks},
};

/// A new webhook.
pub struct NewWebhook<'a> {
    pub organization_id: Option<Uuid>,
    pub url: &'a str,
    pub kinds: Vec<&'static str>,
    pub secret: &'a str,
    pub created_by: Uuid,
}

/// Stores a new webhook.
pub async fn insert(conn: &mut AsyncPgConnection, new: NewWebhook<'_>) -> QueryResult<WebhookRow> {
    diesel::insert_into(webhooks::table)
        .values((
            webhooks::organization_id.eq(new.organization_id),
            webhooks::url.eq(new.url),
            webhooks::kinds.eq(new.kinds),
            webhooks::secret.eq(new.secret),
            webhooks::created_by.eq(new.created_by),
        ))
        .returning(WebhookRow::as_returning())
        .get_result(conn)
        .await
}

/// The webhooks the caller may manage: all (`None`), or one organisation's.
pub async fn list(
    conn: &mut AsyncPgConnection,
    only: Option<Uuid>,
    page: &PageRequest,
) -> QueryResult<Vec<WebhookRow>> {
    let mut query = webhooks::table.select(WebhookRow::as_select()).into_boxed();
    if let Some(org) = only {
        query = query.filter(webhooks::organization_id.eq(org));
    }
    crate::pagination::paged!(query, page, webhooks::created_at, webhooks::id)
        .load(conn)
        .await
}

/// One webhook the caller may manage (else `NotFound`); `lock` takes its row's lock.
pub async fn by_id(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    only: Option<Uuid>,
) -> QueryResult<WebhookRow> {
    let mut query = webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .into_boxed();
    if let Some(org) = only {
        query = query.filter(webhooks::organization_id.eq(org));
    }
    query.first(conn).await
}

/// Changes a webhook; turning it on again forgets its failures.
pub async fn update(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    url: Option<&str>,
    kinds: Option<Vec<&'static str>>,
    active: Option<bool>,
) -> QueryResult<WebhookRow> {
    #[derive(AsChangeset)]
    #[diesel(table_name = webhooks)]
    struct Changes<'a> {
        url: Option<&'a str>,
        kinds: Option<Vec<&'static str>>,
        active: Option<bool>,
        failing_since: Option<Option<DateTime<Utc>>>,
        disabled_at: Option<Option<DateTime<Utc>>>,
        updated_at: DateTime<Utc>,
    }
    let forget = (active == Some(true)).then_some(None);
    diesel::update(webhooks::table.find(id))
        .set(Changes {
            url,
            kinds,
            active,
            failing_since: forget,
            disabled_at: forget,
            updated_at: Utc::now(),
        })
        .returning(WebhookRow::as_returning())
        .get_result(conn)
        .await
}

/// Deletes a webhook and its deliveries log.
pub async fn delete(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<usize> {
    diesel::delete(webhooks::table.find(id)).execute(conn).await
}

/// A ping just queued: its delivery, its event and when.
#[derive(QueryableByName)]
pub struct Ping {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub event_id: Uuid,
    #[diesel(sql_type = Timestamptz)]
    pub created_at: DateTime<Utc>,
}

/// Queues a test ping to one webhook: an event of its own, and its delivery.
pub async fn queue_ping(conn: &mut AsyncPgConnection, webhook_id: Uuid) -> QueryResult<Ping> {
    diesel::sql_query(
        "INSERT INTO webhook_deliveries (webhook_id, event_id, created_at, next_attempt_at) \
         SELECT $1, e.id, e.occurred_at, e.occurred_at \
         FROM emit_own_event('webhook.test', jsonb_build_object('webhook_id', $1::uuid)) e \
         RETURNING id, event_id, created_at",
    )
    .bind::<SqlUuid, _>(webhook_id)
    .get_result(conn)
    .await
}

/// A delivery as the log lists it, before its attempts.
pub type DeliveryRow = (
    Uuid,
    Uuid,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);

/// A webhook's deliveries, newest first.
pub async fn deliveries(
    conn: &mut AsyncPgConnection,
    webhook_id: Uuid,
    page: &PageRequest,
) -> QueryResult<Vec<DeliveryRow>> {
    let query = webhook_deliveries::table
        .inner_join(events::table)
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .select((
            webhook_deliveries::id,
            webhook_deliveries::event_id,
            events::kind,
            webhook_deliveries::status,
            webhook_deliveries::created_at,
            webhook_deliveries::next_attempt_at,
        ))
        .into_boxed();
    crate::pagination::paged!(newest first: query, page, webhook_deliveries::created_at, webhook_deliveries::id)
        .load(conn)
        .await
}

/// The attempts of some deliveries, oldest first.
pub async fn attempts(
    conn: &mut AsyncPgConnection,
    delivery_ids: &[Uuid],
) -> QueryResult<Vec<(Uuid, Attempt)>> {
    type AttemptRow = (Uuid, DateTime<Utc>, Option<i32>, Option<String>, i32);
    let rows: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(delivery_ids))
        .select((
            webhook_attempts::delivery_id,
            webhook_attempts::at,
            webhook_attempts::status_code,
            webhook_attempts::error,
            webhook_attempts::duration_ms,
        ))
        .order((webhook_attempts::delivery_id, webhook_attempts::at))
        .load(conn)
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, at, status_code, error, duration_ms)| {
            (
                id,
                Attempt {
                    at,
                    status_code,
                    error,
                    duration_ms,
                },
            )
        })
        .collect())
}

/// A delivery claimed by this instance.
#[derive(Debug, Clone, QueryableByName)]
pub struct Claimed {
    #[diesel(sql_type = SqlUuid)]
    pub id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub webhook_id: Uuid,
    #[diesel(sql_type = SqlUuid)]
    pub event_id: Uuid,
    /// Attempts before this one.
    #[diesel(sql_type = Int4)]
    pub attempts: i32,
    #[diesel(sql_type = Text)]
    pub url: String,
    #[diesel(sql_type = Text)]
    pub secret: String,
    #[diesel(sql_type = Text)]
    pub payload: String,
}

/// Claims up to `limit` due deliveries, at most `per_webhook` of each webhook and none of
/// the webhooks in `busy` (this instance is still sending to them), for `lease_secs`:
/// their `next_attempt_at` moves past the lease, so no other instance takes them while
/// this one sends, and one that dies leaves them due again when the lease ends. Rows
/// another instance is claiming are skipped, not waited for.
pub async fn claim_due(
    conn: &mut AsyncPgConnection,
    busy: &[Uuid],
    limit: i64,
    per_webhook: i64,
    lease_secs: i32,
) -> QueryResult<Vec<Claimed>> {
    diesel::sql_query(
        "WITH candidates AS ( \
           SELECT id FROM ( \
             SELECT d.id, d.next_attempt_at, row_number() OVER ( \
                      PARTITION BY d.webhook_id ORDER BY d.next_attempt_at, d.id) AS n \
             FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.status = 'pending' AND d.next_attempt_at <= now() AND w.active \
               AND d.webhook_id <> ALL ($1)) c \
           WHERE n <= $3 ORDER BY next_attempt_at LIMIT $2), \
         claimed AS ( \
           SELECT d.id FROM webhook_deliveries d \
           WHERE d.id IN (SELECT id FROM candidates) \
             AND d.status = 'pending' AND d.next_attempt_at <= now() \
           FOR UPDATE OF d SKIP LOCKED) \
         UPDATE webhook_deliveries d \
         SET next_attempt_at = now() + make_interval(secs => $4) \
         FROM claimed c, webhooks w, events e \
         WHERE d.id = c.id AND w.id = d.webhook_id AND e.id = d.event_id \
         RETURNING d.id, d.webhook_id, d.event_id, d.attempts, w.url, w.secret, \
                   e.payload::text AS payload",
    )
    .bind::<Array<SqlUuid>, _>(busy)
    .bind::<diesel::sql_types::Int8, _>(limit)
    .bind::<diesel::sql_types::Int8, _>(per_webhook)
    .bind::<Int4, _>(lease_secs)
    .load(conn)
    .await
}

/// What one attempt came to.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The receiver's status, if it answered.
    pub status_code: Option<i32>,
    /// Why it failed; `None` on a 2xx.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

#[derive(QueryableByName)]
struct Streak {
    #[diesel(sql_type = SqlUuid)]
    created_by: Uuid,
    #[diesel(sql_type = Text)]
    url: String,
    #[diesel(sql_type = diesel::sql_types::Bool)]
    disabled_now: bool,
}

/// The owner to tell, when a failure disabled the webhook.
#[derive(Debug)]
pub struct Disabled {
    /// Who created it.
    pub created_by: Uuid,
    /// Its URL.
    pub url: String,
}

/// Records an attempt: the log, the delivery (succeeded; due again at `retry_at`; or
/// failed after 24 hours), and the webhook's failing streak, disabling it after three
/// days of failures with a notice to its owner. One transaction.
pub async fn record(
    conn: &mut AsyncPgConnection,
    claimed: &Claimed,
    outcome: &Outcome,
    retry_at: DateTime<Utc>,
) -> QueryResult<Option<Disabled>> {
    use diesel_async::AsyncConnection;
    let (id, webhook_id) = (claimed.id, claimed.webhook_id);
    let outcome = outcome.clone();
    conn.transaction(async move |conn| {
        diesel::insert_into(webhook_attempts::table)
            .values((
                webhook_attempts::delivery_id.eq(id),
                webhook_attempts::at.eq(outcome.at),
                webhook_attempts::status_code.eq(outcome.status_code),
                webhook_attempts::error.eq(&outcome.error),
                webhook_attempts::duration_ms.eq(outcome.duration_ms),
            ))
            .execute(conn)
            .await?;
        if outcome.error.is_none() {
            diesel::sql_query(
                "UPDATE webhook_deliveries SET status = 'succeeded', attempts = attempts + 1, \
                   next_attempt_at = NULL, last_attempt_at = $2, last_status_code = $3, \
                   last_error = NULL WHERE id = $1",
            )
            .bind::<SqlUuid, _>(id)
            .bind::<Timestamptz, _>(outcome.at)
            .bind::<Nullable<Int4>, _>(outcome.status_code)
            .execute(conn)
            .await?;
            diesel::update(webhooks::table.find(webhook_id))
                .filter(webhooks::failing_since.is_not_null())
                .set(webhooks::failing_since.eq(None::<DateTime<Utc>>))
                .execute(conn)
                .await?;
            return Ok(None);
        }
        diesel::sql_query(
            "UPDATE webhook_deliveries SET attempts = attempts + 1, last_attempt_at = $2, \
               last_status_code = $3, last_error = $4, \
               status = CASE WHEN created_at <= now() - interval '24 hours' \
                             THEN 'failed' ELSE 'pending' END, \
               next_attempt_at = CASE WHEN created_at <= now() - interval '24 hours' \
                                      THEN NULL ELSE $5 END \
             WHERE id = $1",
        )
        .bind::<SqlUuid, _>(id)
        .bind::<Timestamptz, _>(outcome.at)
        .bind::<Nullable<Int4>, _>(outcome.status_code)
        .bind::<Nullable<Text>, _>(&outcome.error)
        .bind::<Timestamptz, _>(retry_at)
        .execute(conn)
        .await?;
        // One row, changed once: the streak's start, and whether it has lasted too long.
        let streak: Streak = diesel::sql_query(
            "UPDATE webhooks SET failing_since = coalesce(failing_since, $2), \
               active = active AND coalesce(failing_since, $2) > now() - interval '3 days', \
               disabled_at = CASE WHEN active \
                 AND coalesce(failing_since, $2) <= now() - interval '3 days' \
                 THEN now() ELSE disabled_at END \
             WHERE id = $1 \
             RETURNING created_by, url, (NOT active AND disabled_at = now()) AS disabled_now",
        )
        .bind::<SqlUuid, _>(webhook_id)
        .bind::<Timestamptz, _>(outcome.at)
        .get_result(conn)
        .await?;
        let disabled = streak.disabled_now.then_some(Disabled {
            created_by: streak.created_by,
            url: streak.url,
        });
        if let Some(off) = &disabled {
            diesel::sql_query(
                "INSERT INTO notifications (user_id, event_id, created_at, email_status) \
                 SELECT $2, e.id, e.occurred_at, 'none' \
                 FROM emit_own_event('webhook.disabled', \
                   jsonb_build_object('webhook_id', $1::uuid, 'url', $3::text)) e",
            )
            .bind::<SqlUuid, _>(webhook_id)
            .bind::<SqlUuid, _>(off.created_by)
            .bind::<Text, _>(&off.url)
            .execute(conn)
            .await?;
        }
        Ok(disabled)
    })
    .await
}

/// Gives claimed deliveries back, due now (at shutdown, for what was not sent).
pub async fn release(conn: &mut AsyncPgConnection, ids: &[Uuid]) -> QueryResult<usize> {
    diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::id.eq_any(ids))
            .filter(webhook_deliveries::status.eq("pending")),
    )
    .set(webhook_deliveries::next_attempt_at.eq(Utc::now()))
    .execute(conn)
    .await
}
