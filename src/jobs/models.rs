//! Repair jobs, their events and additional work: rows and API shapes.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{JobStatus, Priority};
use crate::{
    auth::Role,
    money::Money,
    schema::{additional_work, job_events, jobs, vessels},
};

/// A row of `jobs`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = jobs, check_for_backend(diesel::pg::Pg))]
pub struct Job {
    /// Id.
    pub id: Uuid,
    /// `J-<year>-<n>`.
    pub number: String,
    /// The vessel under repair.
    pub vessel_id: Uuid,
    /// The client organisation that asked for (and pays for) the job.
    pub organization_id: Uuid,
    /// Short title.
    pub title: String,
    /// The repair specification in words.
    pub description: String,
    /// Urgency.
    pub priority: Priority,
    /// Where the job stands.
    pub status: JobStatus,
    /// When the owner would like work to start.
    pub requested_start: Option<DateTime<Utc>>,
    /// Quoted amount.
    pub quote_amount: Option<BigDecimal>,
    /// Quote currency.
    pub quote_currency: Option<String>,
    /// Last day the quote holds.
    pub quote_valid_until: Option<NaiveDate>,
    /// Remarks on the quote.
    pub quote_note: Option<String>,
    /// Planned start of work.
    pub planned_start: Option<DateTime<Utc>>,
    /// Planned end of work.
    pub planned_end: Option<DateTime<Utc>>,
    /// Invoiced amount, fixed at close.
    pub invoiced_amount: Option<BigDecimal>,
    /// Invoice currency.
    pub invoiced_currency: Option<String>,
    /// When closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Who created the job.
    pub created_by: Uuid,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change; the `ETag`.
    pub version: i32,
    /// Sum of the approved additional work, kept by the database (migration 7).
    pub additional_work_approved: BigDecimal,
    /// Hours-weighted progress of the tasks, kept by the database (migration 7).
    pub progress_percent: f64,
    /// The contract's currency.
    pub currency: String,
    /// The quote's overall discount on its priced items.
    pub quote_discount_percent: Option<BigDecimal>,
    /// When the owner approved the quote (the award).
    pub awarded_at: Option<DateTime<Utc>>,
    /// USD per unit of the currency on the award's day.
    pub award_fx_usd_per_unit: Option<BigDecimal>,
    /// The contractual redelivery date: the award's plus the ledger's days, kept by
    /// PostgreSQL (migration 17).
    pub contract_redelivery: Option<NaiveDate>,
    /// When the job was completed (null again if it is reopened).
    pub completed_at: Option<DateTime<Utc>>,
    /// When it was first found running late against its contractual redelivery.
    pub redelivery_at_risk_at: Option<DateTime<Utc>>,
}

crate::pagination::keyed!(Job, created_at);

/// The vessel embedded in a job.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = vessels, check_for_backend(diesel::pg::Pg))]
pub struct VesselSummary {
    /// Vessel id.
    pub id: Uuid,
    /// Vessel name.
    pub name: String,
    /// IMO number, or null.
    pub imo_number: Option<String>,
}

/// A quote as shown on a job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuoteView {
    /// Decimal string.
    #[schema(example = "125000.00")]
    pub amount: String,
    /// ISO 4217.
    #[schema(example = "USD")]
    pub currency: String,
    /// Last day the quote holds.
    pub valid_until: Option<NaiveDate>,
    /// Remarks.
    pub note: Option<String>,
    /// For a quote of priced items: the overall discount on their sum, in percent.
    pub discount_percent: Option<String>,
}

/// A repair job as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    /// Id.
    pub id: Uuid,
    /// `J-<year>-<n>`.
    #[schema(example = "J-2026-0001")]
    pub number: String,
    /// The vessel.
    pub vessel: VesselSummary,
    /// The client organisation.
    pub organization_id: Uuid,
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Priority.
    pub priority: Priority,
    /// Status.
    pub status: JobStatus,
    /// Requested start.
    pub requested_start: Option<DateTime<Utc>>,
    /// The current quote, or null.
    pub quote: Option<QuoteView>,
    /// Sum of approved additional work, in the quote's currency; null without a quote.
    pub additional_work_total: Option<Money>,
    /// Planned start.
    pub planned_start: Option<DateTime<Utc>>,
    /// Planned end.
    pub planned_end: Option<DateTime<Utc>>,
    /// Hours-weighted progress of the tasks, 0 to 100.
    pub progress_percent: f64,
    /// Quote plus approved additional work, fixed at `closed`; null before.
    pub invoiced_total: Option<Money>,
    /// The contract's currency (ISO 4217): the quote, priced items and variations are in it.
    #[schema(example = "EUR")]
    pub currency: String,
    /// The contractual redelivery date: the award's, moved by the redelivery ledger's
    /// entries (`GET /jobs/{id}/redelivery`); null before the award.
    pub contract_redelivery: Option<NaiveDate>,
    /// Days the yard's forecast (the completion, once completed) runs past
    /// `contract_redelivery`, in yard days; 0 when on time or not awarded.
    pub days_late: i64,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
    /// Changes with every update; sent as `ETag`, checked against `If-Match`.
    pub version: i32,
}

/// `POST /jobs`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateJob {
    /// The vessel to repair.
    pub vessel_id: Uuid,
    /// Short title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    /// The repair specification.
    #[schema(max_length = 20000)]
    pub description: String,
    /// Urgency.
    pub priority: Priority,
    /// When the owner would like work to start.
    #[serde(default)]
    pub requested_start: Option<DateTime<Utc>>,
    /// The contract's currency (ISO 4217); default the yard's base currency.
    #[serde(default)]
    #[schema(example = "EUR")]
    pub currency: Option<String>,
}

/// `PATCH /jobs/{id}` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateJob {
    /// New title.
    #[schema(min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// New description.
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// New priority.
    pub priority: Option<Priority>,
    /// Planned start of work.
    pub planned_start: Option<DateTime<Utc>>,
    /// Planned end of work (after the start).
    pub planned_end: Option<DateTime<Utc>>,
    /// The contract's currency, while the job is `requested` or `quoted` and has no
    /// priced spec item (else 409 `contract-frozen`).
    #[schema(example = "EUR")]
    pub currency: Option<String>,
}

/// `PUT /jobs/{id}/quote` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutQuote {
    /// Positive decimal string, at most 2 decimals. Required for a job without priced
    /// spec items; for one with, the server computes it (their sum less
    /// `discount_percent`) and a given amount must match.
    #[schema(example = "125000.00")]
    #[serde(default)]
    pub amount: Option<String>,
    /// ISO 4217 code.
    #[schema(example = "USD")]
    pub currency: String,
    /// Last day the quote holds (today or later).
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// Remarks.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    /// An overall discount on the priced spec items, 0-100, at most 2 decimals.
    #[serde(default)]
    #[schema(example = "2.5")]
    pub discount_percent: Option<String>,
}

/// `POST /jobs/{id}/transitions`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    /// The status to move to.
    pub to: JobStatus,
    /// Why; required for rejecting a quote, putting on hold and late cancellation.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// Query of `GET /jobs`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobListQuery {
    /// Only jobs in this status.
    pub status: Option<JobStatus>,
    /// Only jobs of this vessel.
    pub vessel_id: Option<Uuid>,
    /// Only jobs of this client organisation.
    pub organization_id: Option<Uuid>,
    /// Matches the job number or title (any case, any part).
    pub q: Option<String>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Page query for sub-lists (events, tasks, additional work).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

crate::text_enum! {
    /// What kind of entry a timeline event is.
    pub enum TimelineKind {
        /// The job was requested.
        Created => "created",
        /// A quote was put on the job.
        Quoted => "quoted",
        /// The status changed.
        StatusChanged => "status_changed",
        /// Title, description, priority or planned dates changed.
        Updated => "updated",
        /// Extra work was found and priced.
        AdditionalWorkAdded => "additional_work_added",
        /// The client decided on extra work.
        AdditionalWorkDecided => "additional_work_decided",
        /// A task was added to the repair specification.
        TaskAdded => "task_added",
    }
}

/// A new row of `job_events`.
#[derive(Debug, Insertable)]
#[diesel(table_name = job_events)]
pub struct NewEvent {
    /// The job.
    pub job_id: Uuid,
    /// What happened.
    pub kind: TimelineKind,
    /// Status before.
    pub from_status: Option<JobStatus>,
    /// Status after.
    pub to_status: Option<JobStatus>,
    /// Who did it.
    pub actor_id: Uuid,
    /// Their role.
    pub actor_role: Role,
    /// Remarks.
    pub note: Option<String>,
}

/// One entry of a job's timeline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EventView {
    /// Id.
    pub id: Uuid,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: TimelineKind,
    /// Status before (status changes and quotes).
    pub from_status: Option<JobStatus>,
    /// Status after.
    pub to_status: Option<JobStatus>,
    /// The role of whoever did it.
    pub actor_role: Role,
    /// Their name; only shown to yard staff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor_name: Option<String>,
    /// Remarks.
    pub note: Option<String>,
}

crate::pagination::keyed!(EventView, at);

crate::text_enum! {
    /// Where an item of additional work stands.
    pub enum AdditionalWorkStatus {
        /// Awaiting the client's decision.
        Pending => "pending",
        /// Approved: counts towards the invoice.
        Approved => "approved",
        /// Rejected: will not be done.
        Rejected => "rejected",
    }
}

crate::text_enum! {
    /// The client's answer to an item of additional work.
    pub enum Decision {
        /// Do it and bill it.
        Approved => "approved",
        /// Do not.
        Rejected => "rejected",
    }
}

/// An item of additional work, as stored and as shown.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = additional_work, check_for_backend(diesel::pg::Pg))]
pub struct AdditionalWork {
    /// Id.
    pub id: Uuid,
    /// The job.
    pub job_id: Uuid,
    /// What was found and what it takes.
    pub description: String,
    /// Price.
    pub amount: BigDecimal,
    /// Currency (the quote's).
    pub currency: String,
    /// Decision state.
    pub status: AdditionalWorkStatus,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Who decided.
    pub decided_by: Option<Uuid>,
    /// Remarks with the decision.
    pub decision_note: Option<String>,
    /// When found.
    pub created_at: DateTime<Utc>,
    /// Its place among the job's variations (`V-001` is 1).
    pub seq: i32,
    /// `V-001`, `V-002`, ... per job.
    pub number: Option<String>,
    /// Where it came from.
    pub origin: Origin,
    /// The spec item it belongs to.
    pub task_id: Option<Uuid>,
    /// Days of extension of the redelivery it asks for.
    pub time_impact_days: i32,
    /// Whether work stops until the owner decides.
    pub blocking: bool,
    /// When the owner's answer is due.
    pub respond_by: DateTime<Utc>,
    /// Its priced line, when priced as one.
    pub price: Option<serde_json::Value>,
    /// USD per unit of its currency on the day of its approval.
    pub fx_usd_per_unit: Option<BigDecimal>,
}

crate::pagination::keyed!(AdditionalWork, created_at);

crate::text_enum! {
    /// Where a variation came from.
    pub enum Origin {
        /// Found during the repair.
        Finding => "finding",
        /// Asked for by the owner.
        OwnerRequest => "owner_request",
        /// Required by the classification society.
        ClassRequirement => "class_requirement",
    }
}

/// An item of additional work as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdditionalWorkView {
    /// Id.
    pub id: Uuid,
    /// The job.
    pub job_id: Uuid,
    /// Description.
    pub description: String,
    /// Decimal string.
    #[schema(example = "8400.00")]
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
    /// Decision state.
    pub status: AdditionalWorkStatus,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// Remarks with the decision.
    pub decision_note: Option<String>,
    /// When found.
    pub created_at: DateTime<Utc>,
    /// `V-001`, `V-002`, ... per job.
    #[schema(example = "V-003")]
    pub number: String,
    /// Where it came from.
    pub origin: Origin,
    /// The spec item it belongs to, if any.
    pub task_id: Option<Uuid>,
    /// Days of extension of the redelivery it asks for (0-365).
    pub time_impact_days: i32,
    /// Whether work stops until the owner decides.
    pub blocking: bool,
    /// When the owner's answer is due (proposed + the terms' response hours).
    pub respond_by: DateTime<Utc>,
    /// Its priced line, when priced as one (null for a lump sum sent as `amount`).
    #[schema(value_type = Option<crate::contracts::models::PricedLine>)]
    pub price: Option<serde_json::Value>,
    /// USD per unit of its currency on the day of its approval (null before, or where no
    /// rate was known).
    pub fx_usd_per_unit: Option<String>,
}

impl From<AdditionalWork> for AdditionalWorkView {
    fn from(w: AdditionalWork) -> Self {
        Self {
            id: w.id,
            job_id: w.job_id,
            description: w.description,
            amount: crate::money::format_amount(&w.amount),
            currency: w.currency,
            status: w.status,
            decided_at: w.decided_at,
            decision_note: w.decision_note,
            created_at: w.created_at,
            number: w.number.unwrap_or_default(),
            origin: w.origin,
            task_id: w.task_id,
            time_impact_days: w.time_impact_days,
            blocking: w.blocking,
            respond_by: w.respond_by,
            price: w.price,
            fx_usd_per_unit: w.fx_usd_per_unit.map(|r| r.normalized().to_string()),
        }
    }
}

/// `POST /jobs/{id}/additional-work` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAdditionalWork {
    /// What was found and what it takes.
    #[schema(min_length = 1, max_length = 5000)]
    pub description: String,
    /// A lump sum: a positive decimal string (with `currency`); or give `price`.
    #[schema(example = "8400.00")]
    #[serde(default)]
    pub amount: Option<String>,
    /// With `amount`: the job's currency.
    #[schema(example = "USD")]
    #[serde(default)]
    pub currency: Option<String>,
    /// A priced line, instead of `amount` and `currency`.
    #[serde(default)]
    pub price: Option<crate::contracts::models::PriceRequest>,
    /// Where it came from (default `finding`).
    #[serde(default)]
    pub origin: Option<Origin>,
    /// The spec item it belongs to.
    #[serde(default)]
    pub task_id: Option<Uuid>,
    /// Days of extension of the redelivery it asks for, 0-365 (default 0).
    #[serde(default)]
    #[schema(minimum = 0, maximum = 365)]
    pub time_impact_days: Option<i32>,
    /// Whether work stops until the owner decides (default false).
    #[serde(default)]
    pub blocking: Option<bool>,
}

/// `POST /additional-work/{id}/decision`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideAdditionalWork {
    /// The answer.
    pub decision: Decision,
    /// Remarks.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

/// `GET /jobs/{id}/transitions`: where the job stands and where the caller may move it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AllowedMoves {
    /// The job's status now.
    pub status: JobStatus,
    /// The moves open to the caller (the quote is put through `PUT /jobs/{id}/quote`).
    pub moves: Vec<super::rules::Move>,
    /// Whether the caller may put a quote now (`PUT /jobs/{id}/quote`).
    pub may_quote: bool,
}
