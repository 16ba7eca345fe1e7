//! Vessels: the row and the API shapes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::vessels;

crate::text_enum! {
    /// What kind of ship a vessel is.
    pub enum VesselType {
        /// Dry bulk carrier.
        BulkCarrier => "bulk_carrier",
        /// Oil, chemical or gas tanker.
        Tanker => "tanker",
        /// Container ship.
        ContainerShip => "container_ship",
        /// General cargo ship.
        GeneralCargo => "general_cargo",
        /// Roll-on/roll-off.
        RoRo => "ro_ro",
        /// Passenger ship or ferry.
        Passenger => "passenger",
        /// Fishing vessel.
        Fishing => "fishing",
        /// Scientific research vessel.
        Research => "research",
        /// Offshore supply or construction vessel.
        Offshore => "offshore",
        /// Tug.
        Tug => "tug",
        /// Anything else.
        Other => "other",
    }
}

/// A vessel, as stored and as returned.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = vessels, check_for_backend(diesel::pg::Pg))]
pub struct Vessel {
    /// Id.
    pub id: Uuid,
    /// Seven-digit IMO number, or null.
    #[schema(pattern = "^[0-9]{7}$", example = "9074729")]
    pub imo_number: Option<String>,
    /// Name.
    pub name: String,
    /// Type.
    pub vessel_type: VesselType,
    /// Flag state, ISO 3166-1 alpha-2.
    #[schema(pattern = "^[A-Z]{2}$", example = "LK")]
    pub flag: String,
    /// The client organisation that owns or manages it.
    pub owner_organization_id: Uuid,
    /// Gross tonnage.
    pub gross_tonnage: f64,
    /// Length overall, metres.
    pub length_overall_m: f64,
    /// Beam, metres.
    pub beam_m: f64,
    /// Draft, metres.
    pub draft_m: f64,
    /// Lightweight, tonnes.
    pub lightweight_t: Option<f64>,
    /// Year built.
    pub year_built: Option<i32>,
    /// Classification society.
    pub class_society: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(Vessel, created_at);

/// `POST /vessels`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVessel {
    /// Seven digits with a valid check digit; `IMO ` prefix accepted; null if none.
    #[schema(example = "IMO 9074729")]
    pub imo_number: Option<String>,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Type.
    pub vessel_type: VesselType,
    /// Flag state, ISO 3166-1 alpha-2.
    #[schema(example = "LK")]
    pub flag: String,
    /// Owning client organisation.
    pub owner_organization_id: Uuid,
    /// Gross tonnage, positive.
    #[schema(exclusive_minimum = 0)]
    pub gross_tonnage: f64,
    /// Length overall in metres, positive.
    #[schema(exclusive_minimum = 0)]
    pub length_overall_m: f64,
    /// Beam in metres, positive.
    #[schema(exclusive_minimum = 0)]
    pub beam_m: f64,
    /// Draft in metres, positive.
    #[schema(exclusive_minimum = 0)]
    pub draft_m: f64,
    /// Lightweight in tonnes, positive.
    #[serde(default)]
    #[schema(exclusive_minimum = 0)]
    pub lightweight_t: Option<f64>,
    /// Year built.
    #[serde(default)]
    #[schema(minimum = 1800, maximum = 2200)]
    pub year_built: Option<i32>,
    /// Classification society.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub class_society: Option<String>,
}

/// `PATCH /vessels/{id}`: every field optional; `imo_number`, `lightweight_t`,
/// `year_built` and `class_society` may be set to null.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVessel {
    /// New IMO number, or null to clear it.
    #[serde(default, deserialize_with = "crate::http::present")]
    pub imo_number: Option<Option<String>>,
    /// New name.
    pub name: Option<String>,
    /// New type.
    pub vessel_type: Option<VesselType>,
    /// New flag.
    pub flag: Option<String>,
    /// New owner (a sale or a change of managers).
    pub owner_organization_id: Option<Uuid>,
    /// Gross tonnage.
    #[schema(exclusive_minimum = 0)]
    pub gross_tonnage: Option<f64>,
    /// Length overall, metres.
    #[schema(exclusive_minimum = 0)]
    pub length_overall_m: Option<f64>,
    /// Beam, metres.
    #[schema(exclusive_minimum = 0)]
    pub beam_m: Option<f64>,
    /// Draft, metres.
    #[schema(exclusive_minimum = 0)]
    pub draft_m: Option<f64>,
    /// Lightweight, tonnes, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(exclusive_minimum = 0)]
    pub lightweight_t: Option<Option<f64>>,
    /// Year built, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(minimum = 1800, maximum = 2200)]
    pub year_built: Option<Option<i32>>,
    /// Classification society, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(max_length = 100)]
    pub class_society: Option<Option<String>>,
}

/// Query of `GET /vessels`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VesselListQuery {
    /// Matches the name (any case, any part) or the start of the IMO number.
    pub q: Option<String>,
    /// Only vessels of this type.
    pub vessel_type: Option<VesselType>,
    /// Only vessels of this organisation.
    pub owner_organization_id: Option<Uuid>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A new row of `vessels`.
#[derive(Debug, Insertable)]
#[diesel(table_name = vessels)]
pub struct NewVessel {
    /// IMO number.
    pub imo_number: Option<String>,
    /// Name.
    pub name: String,
    /// Type.
    pub vessel_type: VesselType,
    /// Flag.
    pub flag: String,
    /// Owner.
    pub owner_organization_id: Uuid,
    /// Gross tonnage.
    pub gross_tonnage: f64,
    /// Length overall.
    pub length_overall_m: f64,
    /// Beam.
    pub beam_m: f64,
    /// Draft.
    pub draft_m: f64,
    /// Lightweight.
    pub lightweight_t: Option<f64>,
    /// Year built.
    pub year_built: Option<i32>,
    /// Class society.
    pub class_society: Option<String>,
}

/// Changes to a row of `vessels`.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = vessels)]
pub struct VesselChanges {
    /// IMO number.
    pub imo_number: Option<Option<String>>,
    /// Name.
    pub name: Option<String>,
    /// Type.
    pub vessel_type: Option<VesselType>,
    /// Flag.
    pub flag: Option<String>,
    /// Owner.
    pub owner_organization_id: Option<Uuid>,
    /// Gross tonnage.
    pub gross_tonnage: Option<f64>,
    /// Length overall.
    pub length_overall_m: Option<f64>,
    /// Beam.
    pub beam_m: Option<f64>,
    /// Draft.
    pub draft_m: Option<f64>,
    /// Lightweight.
    pub lightweight_t: Option<Option<f64>>,
    /// Year built.
    pub year_built: Option<Option<i32>>,
    /// Class society.
    pub class_society: Option<Option<String>>,
    /// Last change.
    pub updated_at: Option<DateTime<Utc>>,
}
