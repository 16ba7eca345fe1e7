//! Webhooks as stored and shown, and their deliveries log.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{notifications::models::EventKind, schema::webhooks};

/// A webhook as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = webhooks, check_for_backend(diesel::pg::Pg))]
pub struct WebhookRow {
    pub id: Uuid,
    pub organization_id: Option<Uuid>,
    pub url: String,
    pub kinds: Vec<String>,
    pub secret: String,
    pub active: bool,
    pub created_by: Uuid,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub failing_since: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
}

crate::pagination::keyed!(WebhookRow, created_at);

/// A webhook as shown (its secret only once, at creation).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    /// Webhook.
    pub id: Uuid,
    /// Hears what this organisation's users hear; null: what managers hear.
    pub organization_id: Option<Uuid>,
    /// Where events are POSTed.
    pub url: String,
    /// The kinds it hears; empty: all.
    #[schema(max_items = 9)]
    pub kinds: Vec<EventKind>,
    /// Whether it is called; false once disabled (by its owner, or after three days of
    /// failures).
    pub active: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Since when every attempt has failed; null after a success.
    pub failing_since: Option<DateTime<Utc>>,
    /// When three days of failures disabled it.
    pub disabled_at: Option<DateTime<Utc>>,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Self {
            id: row.id,
            organization_id: row.organization_id,
            url: row.url,
            kinds: EventKind::among(&row.kinds),
            active: row.active,
            created_at: row.created_at,
            updated_at: row.updated_at,
            failing_since: row.failing_since,
            disabled_at: row.disabled_at,
        }
    }
}

/// `POST /webhooks` answer: the webhook and, this once, its secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The webhook.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret (`whsec_...`, Standard Webhooks): shown only now.
    pub secret: String,
}

/// `POST /webhooks`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// An `https` URL on the public internet.
    #[schema(max_length = 2000)]
    pub url: String,
    /// Kinds to hear; absent or `[]`: all.
    #[serde(default)]
    #[schema(max_items = 9)]
    pub kinds: Vec<EventKind>,
    /// Hear what this organisation's users hear (a client: its own only, the default for
    /// a client); absent for a manager: what managers hear.
    pub organization_id: Option<Uuid>,
}

/// `PATCH /webhooks/{id}`: the fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    /// New URL.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// New kinds (`[]`: all).
    #[schema(max_items = 9)]
    pub kinds: Option<Vec<EventKind>>,
    /// Turn it off, or on again (which forgets its failures).
    pub active: Option<bool>,
}

/// Paging of the webhook lists.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct WebhookListQuery {
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Not yet received: due at `next_attempt_at`.
    Pending,
    /// A 2xx answer.
    Succeeded,
    /// 24 hours of failed attempts.
    Failed,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attempt {
    /// When it was sent.
    pub at: DateTime<Utc>,
    /// The receiver's HTTP status; null when none came.
    pub status_code: Option<i32>,
    /// Why it failed (not reached, timed out, refused address, a non-2xx answer).
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i32,
}

/// One event to one webhook, with its attempts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Delivery {
    /// Delivery.
    pub id: Uuid,
    /// The event (the `webhook-id` header).
    pub event_id: Uuid,
    /// Its kind.
    pub kind: EventKind,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it is tried next (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The attempts so far, oldest first (the last 64: a delivery retried for 24 hours
    /// makes about 20).
    #[schema(max_items = 64)]
    pub attempts: Vec<Attempt>,
}

crate::pagination::keyed!(Delivery, created_at);
