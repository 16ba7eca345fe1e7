//! Docks and dock bookings: rows and API shapes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::rules::DockLimits;
use crate::schema::{dock_bookings, docks};

crate::text_enum! {
    /// What kind of berth a dock is.
    pub enum DockKind {
        /// A dry dock dug into the shore, pumped dry.
        GravingDock => "graving_dock",
        /// A floating dock that lifts the vessel.
        FloatingDock => "floating_dock",
        /// An inclined slipway.
        Slipway => "slipway",
        /// A quay berth for afloat repairs.
        RepairBerth => "repair_berth",
    }
}

crate::text_enum! {
    /// Whether a booking holds its slot.
    pub enum BookingStatus {
        /// Holds the dock and the vessel for its period.
        Booked => "booked",
        /// Released.
        Cancelled => "cancelled",
    }
}

/// A dock, as stored and as shown.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = docks, check_for_backend(diesel::pg::Pg))]
pub struct Dock {
    /// Id.
    pub id: Uuid,
    /// Name, e.g. "Dry Dock No. 2".
    pub name: String,
    /// Kind.
    pub kind: DockKind,
    /// Longest vessel, metres.
    pub max_length_m: f64,
    /// Widest vessel, metres.
    pub max_beam_m: f64,
    /// Deepest draft, metres.
    pub max_draft_m: f64,
    /// Heaviest lightweight it can lift, tonnes; null when it lifts nothing.
    pub lifting_capacity_t: Option<f64>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(Dock, created_at);

impl Dock {
    /// The limits the fit rule checks.
    pub fn limits(&self) -> DockLimits {
        DockLimits {
            max_length_m: self.max_length_m,
            max_beam_m: self.max_beam_m,
            max_draft_m: self.max_draft_m,
            lifting_capacity_t: self.lifting_capacity_t,
        }
    }
}

/// `POST /docks`.
#[derive(Debug, Deserialize, ToSchema, Insertable)]
#[diesel(table_name = docks)]
#[serde(deny_unknown_fields)]
pub struct CreateDock {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Kind.
    pub kind: DockKind,
    /// Longest vessel, metres.
    #[schema(exclusive_minimum = 0)]
    pub max_length_m: f64,
    /// Widest vessel, metres.
    #[schema(exclusive_minimum = 0)]
    pub max_beam_m: f64,
    /// Deepest draft, metres.
    #[schema(exclusive_minimum = 0)]
    pub max_draft_m: f64,
    /// Lifting capacity, tonnes.
    #[serde(default)]
    #[schema(exclusive_minimum = 0)]
    pub lifting_capacity_t: Option<f64>,
}

/// `PATCH /docks/{id}`.
#[derive(Debug, Deserialize, ToSchema, AsChangeset)]
#[diesel(table_name = docks)]
#[serde(deny_unknown_fields)]
pub struct UpdateDock {
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Kind.
    pub kind: Option<DockKind>,
    /// Longest vessel, metres.
    #[schema(exclusive_minimum = 0)]
    pub max_length_m: Option<f64>,
    /// Widest vessel, metres.
    #[schema(exclusive_minimum = 0)]
    pub max_beam_m: Option<f64>,
    /// Deepest draft, metres.
    #[schema(exclusive_minimum = 0)]
    pub max_draft_m: Option<f64>,
    /// Lifting capacity, tonnes, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(exclusive_minimum = 0)]
    pub lifting_capacity_t: Option<Option<f64>>,
}

/// A row of `dock_bookings`.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = dock_bookings, check_for_backend(diesel::pg::Pg))]
pub struct DockBookingRow {
    /// Id.
    pub id: Uuid,
    /// Dock.
    pub dock_id: Uuid,
    /// Vessel.
    pub vessel_id: Uuid,
    /// The job it serves.
    pub job_id: Option<Uuid>,
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Remarks.
    pub notes: Option<String>,
    /// Status.
    pub status: BookingStatus,
    /// When cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Who booked.
    pub created_by: Uuid,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(DockBookingRow, starts_at);

/// A dock booking as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DockBooking {
    /// Id.
    pub id: Uuid,
    /// Dock.
    pub dock_id: Uuid,
    /// Dock name.
    pub dock_name: String,
    /// Vessel.
    pub vessel_id: Uuid,
    /// Vessel name (only ever shown to whoever may see the vessel).
    pub vessel_name: String,
    /// The job it serves, or null.
    pub job_id: Option<Uuid>,
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Remarks.
    pub notes: Option<String>,
    /// `booked` or `cancelled`.
    pub status: BookingStatus,
    /// When cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl DockBooking {
    /// Joins a row with its dock and vessel names.
    pub fn new(row: DockBookingRow, dock_name: String, vessel_name: String) -> Self {
        Self {
            id: row.id,
            dock_id: row.dock_id,
            dock_name,
            vessel_id: row.vessel_id,
            vessel_name,
            job_id: row.job_id,
            starts_at: row.starts_at,
            ends_at: row.ends_at,
            notes: row.notes,
            status: row.status,
            cancelled_at: row.cancelled_at,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// `POST /dock-bookings` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBooking {
    /// Dock.
    pub dock_id: Uuid,
    /// Vessel.
    pub vessel_id: Uuid,
    /// A job of the same vessel.
    #[serde(default)]
    pub job_id: Option<Uuid>,
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive), after the start.
    pub ends_at: DateTime<Utc>,
    /// Remarks.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub notes: Option<String>,
}

/// `PATCH /dock-bookings/{id}` (manager): move in time or to another dock.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBooking {
    /// Another dock.
    pub dock_id: Option<Uuid>,
    /// New start.
    pub starts_at: Option<DateTime<Utc>>,
    /// New end.
    pub ends_at: Option<DateTime<Utc>>,
    /// Remarks, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(max_length = 2000)]
    pub notes: Option<Option<String>>,
}

/// Query of `GET /dock-bookings`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BookingListQuery {
    /// Only this dock.
    pub dock_id: Option<Uuid>,
    /// Only this vessel.
    pub vessel_id: Option<Uuid>,
    /// Only bookings ending after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only bookings starting before this instant.
    pub to: Option<DateTime<Utc>>,
    /// Also cancelled bookings (default: only live ones).
    pub include_cancelled: Option<bool>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /docks/availability`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// The vessel to place.
    pub vessel_id: Uuid,
    /// The least length of a useful window, hours.
    #[param(exclusive_minimum = 0)]
    pub duration_hours: f64,
    /// Start of the search range (inclusive).
    pub from: DateTime<Utc>,
    /// End of the search range (exclusive), at most 3 years after `from`.
    pub to: DateTime<Utc>,
}

/// A free window in a dock.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Window {
    /// Start (inclusive).
    pub starts_at: DateTime<Utc>,
    /// End (exclusive).
    pub ends_at: DateTime<Utc>,
}

/// The free windows of one dock the vessel fits.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DockAvailability {
    /// Dock.
    pub dock_id: Uuid,
    /// Dock name.
    pub dock_name: String,
    /// Free windows of at least the duration, in time order.
    pub windows: Vec<Window>,
}

/// `GET /docks/availability` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Availability {
    /// One entry per dock the vessel fits.
    pub items: Vec<DockAvailability>,
}
