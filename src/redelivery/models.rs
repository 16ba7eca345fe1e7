//! The ledger's wire shapes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::{ByRole, Cause, EntryStatus, Party};
use crate::money::Money;

/// `GET /jobs/{id}/redelivery`: where the contractual redelivery stands and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct Redelivery {
    /// The award's redelivery date (the contract terms').
    pub original: Option<NaiveDate>,
    /// `original` plus the days of the entries that stand (kept by the database).
    pub current: Option<NaiveDate>,
    /// The yard's forecast: the day of `planned_end` in yard time.
    pub forecast: Option<NaiveDate>,
    /// The day the job was completed (yard time), which replaces the forecast; null before.
    pub completed_on: Option<NaiveDate>,
    /// `max(0, forecast - current)` in days (the completion day once completed): the
    /// yard's own delay.
    pub days_late: i64,
    /// `min(delay_damages_max, days_late x delay_damages_per_day)` in the contract's
    /// currency; null without damages terms.
    pub damages_accrued: Option<Money>,
    /// The days of the entries that stand, by whose they are.
    pub by_party: ByParty,
    /// Every entry, oldest first, withdrawn ones included (they no longer count).
    pub entries: Vec<RedeliveryEntry>,
}

/// Days moved, by party.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct ByParty {
    /// The owner's (variations, late decisions, late supplies, scope).
    pub owner: i64,
    /// Class's.
    pub class: i64,
    /// Nobody's (weather, force majeure, other).
    pub neutral: i64,
}

/// One entry of the ledger.
#[derive(Debug, Serialize, ToSchema)]
pub struct RedeliveryEntry {
    /// Id.
    pub id: Uuid,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// Days it moves the redelivery (negative: earlier).
    pub days: i32,
    /// Why.
    pub cause: Cause,
    /// Whose days they are.
    pub party: Party,
    /// The variation that made it (automatic entries).
    pub additional_work_id: Option<Uuid>,
    /// That variation's number (`V-003`).
    pub additional_work_number: Option<String>,
    /// What happened (a manager's entry always says).
    pub note: Option<String>,
    /// Recorded, disputed or withdrawn.
    pub status: EntryStatus,
    /// `system` for the automatic entries, `manager` otherwise.
    pub by_role: ByRole,
    /// The owner's reason for disputing it.
    pub dispute_note: Option<String>,
    /// When it was disputed.
    pub disputed_at: Option<DateTime<Utc>>,
    /// When it was withdrawn.
    pub withdrawn_at: Option<DateTime<Utc>>,
}

/// `POST /jobs/{id}/redelivery-entries` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRedeliveryEntry {
    /// -365..365, not 0.
    #[schema(example = 2)]
    pub days: i32,
    /// Any cause but the automatic `variation` and `late_decision`.
    pub cause: Cause,
    /// What happened, 1-2000 characters.
    #[schema(example = "Wind over 15 m/s: no crane work on 3 and 4 December")]
    pub note: String,
}

/// `POST /redelivery-entries/{id}/dispute` (the job's client).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisputeRedeliveryEntry {
    /// Why the owner does not accept it, 1-2000 characters.
    #[schema(example = "The steel was delivered on 2 December as agreed; see the delivery note.")]
    pub note: String,
}
