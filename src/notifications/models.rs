//! Events as every channel carries them, the in-app list and the mail settings.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::jobs::rules::JobStatus;

/// What happened. The first seven are the events of SPEC section 7, which users and
/// webhooks subscribe to; `webhook.test` is a webhook's test ping and `webhook.disabled`
/// the notice to a webhook's owner that it was turned off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum EventKind {
    /// A client requested a repair (managers hear it).
    #[serde(rename = "job.requested")]
    JobRequested,
    /// A quote was set or replaced (the job's client organisation).
    #[serde(rename = "job.quoted")]
    JobQuoted,
    /// A transition: `data` has `from`, `to`, `note` and `by_role`.
    #[serde(rename = "job.status_changed")]
    JobStatusChanged,
    /// New planned dates (also through a moved dock booking).
    #[serde(rename = "job.schedule_changed")]
    JobScheduleChanged,
    /// The contractual redelivery moved: `data` has `from`, `to`, `cause`, `days`,
    /// `entry_id` and `withdrawn` (the job's client organisation).
    #[serde(rename = "job.redelivery_changed")]
    JobRedeliveryChanged,
    /// The job first runs late against its contractual redelivery: `data` has
    /// `current`, `forecast`, `completed_on` and `days_late` (client and managers).
    #[serde(rename = "job.redelivery_at_risk")]
    JobRedeliveryAtRisk,
    /// Additional work waits for the owner's decision.
    #[serde(rename = "additional_work.proposed")]
    AdditionalWorkProposed,
    /// Additional work was approved or rejected.
    #[serde(rename = "additional_work.decided")]
    AdditionalWorkDecided,
    /// Yesterday's daily report of a job with work logged, at the report hour.
    #[serde(rename = "daily_report.ready")]
    DailyReportReady,
    /// A test ping of one webhook.
    #[serde(rename = "webhook.test")]
    WebhookTest,
    /// A webhook failing for three days was disabled (its owner hears it in the app).
    #[serde(rename = "webhook.disabled")]
    WebhookDisabled,
}

impl EventKind {
    /// The kinds users and webhooks subscribe to.
    pub const SUBSCRIBABLE: [EventKind; 9] = [
        EventKind::JobRequested,
        EventKind::JobQuoted,
        EventKind::JobStatusChanged,
        EventKind::JobScheduleChanged,
        EventKind::JobRedeliveryChanged,
        EventKind::JobRedeliveryAtRisk,
        EventKind::AdditionalWorkProposed,
        EventKind::AdditionalWorkDecided,
        EventKind::DailyReportReady,
    ];

    /// The name in JSON and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::JobRequested => "job.requested",
            EventKind::JobQuoted => "job.quoted",
            EventKind::JobStatusChanged => "job.status_changed",
            EventKind::JobScheduleChanged => "job.schedule_changed",
            EventKind::JobRedeliveryChanged => "job.redelivery_changed",
            EventKind::JobRedeliveryAtRisk => "job.redelivery_at_risk",
            EventKind::AdditionalWorkProposed => "additional_work.proposed",
            EventKind::AdditionalWorkDecided => "additional_work.decided",
            EventKind::DailyReportReady => "daily_report.ready",
            EventKind::WebhookTest => "webhook.test",
            EventKind::WebhookDisabled => "webhook.disabled",
        }
    }

    /// Whether users and webhooks may subscribe to it.
    pub fn is_subscribable(self) -> bool {
        Self::SUBSCRIBABLE.contains(&self)
    }

    /// The subscribable kinds among stored names, in the order of [`Self::SUBSCRIBABLE`].
    pub fn among(names: &[String]) -> Vec<EventKind> {
        Self::SUBSCRIBABLE
            .into_iter()
            .filter(|k| names.iter().any(|s| s == k.as_str()))
            .collect()
    }
}

/// The job an event is about.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventJob {
    /// Job.
    pub id: Uuid,
    /// Its number (`J-2026-0042`).
    pub number: String,
    /// The vessel's name.
    pub vessel_name: String,
    /// The job's status when the event occurred.
    pub status: JobStatus,
}

/// An event, as the app lists it and as a webhook receives it (the request body). It
/// names no yard staff member.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Event {
    /// Stable across retries and channels: a receiver drops duplicates by it.
    pub id: Uuid,
    /// What happened.
    pub kind: EventKind,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// The job; null for a webhook's own events.
    pub job: Option<EventJob>,
    /// Per kind: `job.quoted` {amount, currency, valid_until, note, from, to};
    /// `job.status_changed` {from, to, note, by_role}; `job.schedule_changed`
    /// {planned_start, planned_end, previous_planned_start, previous_planned_end};
    /// `additional_work.*` {id, description, amount, currency[, decision, note]};
    /// `daily_report.ready` {date}; `job.requested` {title, priority, requested_start}.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// One event as the caller heard it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Notification {
    /// The notification (mark it read with `POST /me/notifications/{id}/read`).
    pub id: Uuid,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
    /// When the caller read it; null while unread.
    pub read_at: Option<DateTime<Utc>>,
    /// The event.
    pub event: Event,
}

/// A page of the caller's notifications, newest first, with the unread count.
#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationPage {
    /// The rows of this page.
    #[schema(max_items = 200)]
    pub items: Vec<Notification>,
    /// Pass as `cursor` to get the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// How many of the caller's notifications are unread (all, not only this page).
    pub unread_count: i64,
}

/// Filters of `GET /me/notifications`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationListQuery {
    /// Only unread ones (`true`), only read ones (`false`), or all (absent).
    pub unread: Option<bool>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// `POST /me/notifications/read-all`: how many were marked.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// Notifications that were unread and are read now.
    pub marked: i64,
}

/// Which events the caller is mailed (the app lists them all).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationSettings {
    /// Whether to mail the caller at all.
    pub email: bool,
    /// The kinds mailed (absent on PUT: every kind; `[]`: none).
    #[serde(default = "all_kinds")]
    #[schema(max_items = 9)]
    pub kinds: Vec<EventKind>,
}

fn all_kinds() -> Vec<EventKind> {
    EventKind::SUBSCRIBABLE.to_vec()
}

/// The day of a `daily_report.ready`, from its `data`.
pub fn report_day(event: &Event) -> Option<NaiveDate> {
    event.data.get("date")?.as_str()?.parse().ok()
}
