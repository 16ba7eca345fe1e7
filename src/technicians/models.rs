//! Technicians, certification types and technicians' certificates: rows and API shapes.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::{certification_types, technician_certifications, technicians};

crate::text_enum! {
    /// A technician's trade.
    pub enum Trade {
        /// Welder.
        Welder => "welder",
        /// Ship fitter.
        Fitter => "fitter",
        /// Pipe fitter.
        Pipefitter => "pipefitter",
        /// Electrician.
        Electrician => "electrician",
        /// Machinist.
        Machinist => "machinist",
        /// Painter / blaster.
        Painter => "painter",
        /// Non-destructive testing inspector.
        NdtInspector => "ndt_inspector",
        /// Rigger.
        Rigger => "rigger",
        /// Anything else.
        Other => "other",
    }
}

/// A row of `technicians`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = technicians, check_for_backend(diesel::pg::Pg))]
pub struct TechnicianRow {
    /// Id.
    pub id: Uuid,
    /// The user account.
    pub user_id: Uuid,
    /// Trade.
    pub trade: Trade,
    /// Employee number.
    pub employee_number: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(TechnicianRow, created_at);

/// A technician as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Technician {
    /// Id of the technician profile.
    pub id: Uuid,
    /// The user account.
    pub user_id: Uuid,
    /// Name.
    pub full_name: String,
    /// Login email.
    pub email: String,
    /// Whether the account is active.
    pub active: bool,
    /// Trade.
    pub trade: Trade,
    /// Employee number.
    pub employee_number: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl Technician {
    /// A row with its user's name, email and active flag.
    pub fn new(row: TechnicianRow, full_name: String, email: String, active: bool) -> Self {
        Self {
            id: row.id,
            user_id: row.user_id,
            full_name,
            email,
            active,
            trade: row.trade,
            employee_number: row.employee_number,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// `POST /technicians` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTechnician {
    /// A user of role `technician` without a profile yet.
    pub user_id: Uuid,
    /// Trade.
    pub trade: Trade,
    /// Employee number, unique.
    #[serde(default)]
    #[schema(min_length = 1, max_length = 50)]
    pub employee_number: Option<String>,
}

/// `PATCH /technicians/{id}` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTechnician {
    /// Trade.
    pub trade: Option<Trade>,
    /// Employee number, or null.
    #[serde(default, deserialize_with = "crate::http::present")]
    #[schema(min_length = 1, max_length = 50)]
    pub employee_number: Option<Option<String>>,
}

/// Query of `GET /technicians`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TechnicianListQuery {
    /// Only this trade.
    pub trade: Option<Trade>,
    /// Only technicians with a valid certificate of this type code: valid today, or over
    /// the whole of `available_from`..`available_to` when those are given.
    pub certified_for: Option<String>,
    /// With `available_to`: only technicians with no assignment overlapping the period.
    pub available_from: Option<DateTime<Utc>>,
    /// With `available_from`.
    pub available_to: Option<DateTime<Utc>>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A certification type, as stored and shown.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = certification_types, check_for_backend(diesel::pg::Pg))]
pub struct CertificationType {
    /// Id.
    pub id: Uuid,
    /// Unique code, e.g. `WELD-3G`.
    pub code: String,
    /// Name, e.g. "Welder qualification 3G (ISO 9606-1)".
    pub name: String,
    /// Details.
    pub description: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
}

crate::pagination::keyed!(CertificationType, created_at);

/// `POST /certification-types` (manager).
#[derive(Debug, Deserialize, ToSchema, Insertable)]
#[diesel(table_name = certification_types)]
#[serde(deny_unknown_fields)]
pub struct CreateCertificationType {
    /// Unique code: letters, digits, `_ . -`, up to 50.
    #[schema(pattern = "^[A-Za-z0-9_.-]{1,50}$")]
    pub code: String,
    /// Name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Details.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
}

/// A technician's certificate, as stored and shown.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = technician_certifications, check_for_backend(diesel::pg::Pg))]
pub struct Certification {
    /// Id.
    pub id: Uuid,
    /// The technician.
    pub technician_id: Uuid,
    /// Certification type code.
    pub certification_type: String,
    /// Number on the certificate.
    pub certificate_number: String,
    /// Issuing body.
    pub issued_by: String,
    /// First valid day.
    pub issued_on: NaiveDate,
    /// Last valid day.
    pub expires_on: NaiveDate,
    /// When recorded.
    pub created_at: DateTime<Utc>,
}

crate::pagination::keyed!(Certification, created_at);

/// `POST /technicians/{id}/certifications` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCertification {
    /// Certification type code.
    pub certification_type: String,
    /// Number on the certificate.
    #[schema(min_length = 1, max_length = 100)]
    pub certificate_number: String,
    /// Issuing body.
    #[schema(min_length = 1, max_length = 200)]
    pub issued_by: String,
    /// First valid day.
    pub issued_on: NaiveDate,
    /// Last valid day, after `issued_on`.
    pub expires_on: NaiveDate,
}
