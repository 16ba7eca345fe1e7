//! Report shapes and exchange rates.

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::{jobs::rules::JobStatus, schema::fx_rates};

/// A stored exchange rate.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = fx_rates, check_for_backend(diesel::pg::Pg))]
pub struct FxRateRow {
    /// Id.
    pub id: Uuid,
    /// ISO 4217 code.
    pub currency: String,
    /// First day it applies.
    pub valid_from: NaiveDate,
    /// US dollars for one unit.
    pub usd_per_unit: bigdecimal::BigDecimal,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(FxRateRow, created_at);

/// An exchange rate as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FxRate {
    /// ISO 4217 code.
    #[schema(example = "EUR")]
    pub currency: String,
    /// First day (yard calendar) it applies.
    pub valid_from: NaiveDate,
    /// US dollars for one unit, a decimal string.
    #[schema(example = "1.0850")]
    pub usd_per_unit: String,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<FxRateRow> for FxRate {
    fn from(r: FxRateRow) -> Self {
        Self {
            currency: r.currency,
            valid_from: r.valid_from,
            usd_per_unit: r.usd_per_unit.normalized().to_plain_string(),
            updated_at: r.updated_at,
        }
    }
}

/// `PUT /fx-rates/{currency}` (manager).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutFxRate {
    /// US dollars for one unit: a positive decimal string, at most 10 decimals.
    #[schema(example = "1.0850", pattern = r"^[0-9]{1,10}(\.[0-9]{1,10})?$")]
    pub usd_per_unit: String,
    /// First day it applies.
    pub valid_from: NaiveDate,
}

/// Query of `GET /fx-rates`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FxRateListQuery {
    /// Only this currency.
    pub currency: Option<String>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Query of `GET /reports/trade-volume`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TradeVolumeQuery {
    /// First year (default: four years before `to_year`).
    #[param(minimum = 1900, maximum = 2200)]
    pub from_year: Option<i32>,
    /// Last year (default: this year).
    #[param(minimum = 1900, maximum = 2200)]
    pub to_year: Option<i32>,
}

/// One country's share of a year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CountryVolume {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Jobs closed (with a rate).
    pub jobs_closed: i64,
    /// Revenue in USD, decimal string.
    pub revenue_usd: String,
}

/// One year of trade volume.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct YearVolume {
    /// Calendar year of the close date (yard time zone).
    pub year: i32,
    /// Jobs closed that year and converted to USD.
    pub jobs_closed: i64,
    /// Revenue in USD, decimal string.
    #[schema(example = "123000000.00")]
    pub revenue_usd: String,
    /// Growth over the previous year in percent, one decimal; null when the previous
    /// year had no revenue or is outside the range.
    pub yoy_growth_percent: Option<f64>,
    /// Distinct client countries that year.
    pub client_countries: i64,
    /// Per country, largest revenue first.
    pub by_country: Vec<CountryVolume>,
}

/// A closed job with no rate for its currency on its close date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Unconverted {
    /// Job.
    pub job_id: Uuid,
    /// Job number.
    pub number: String,
    /// Invoiced amount, decimal string.
    pub amount: String,
    /// Its currency.
    pub currency: String,
    /// When closed.
    pub closed_at: DateTime<Utc>,
}

/// `GET /reports/trade-volume` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TradeVolume {
    /// One entry per year of the range.
    pub years: Vec<YearVolume>,
    /// Jobs that could not be converted (counted in no total).
    pub unconverted: Vec<Unconverted>,
}

/// Query of `GET /reports/dock-utilization`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UtilizationQuery {
    /// Window start (inclusive).
    pub from: DateTime<Utc>,
    /// Window end (exclusive).
    pub to: DateTime<Utc>,
}

/// One dock's use of the window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DockUtilization {
    /// Dock.
    pub dock_id: Uuid,
    /// Dock name.
    pub dock_name: String,
    /// Hours booked inside the window (bookings clipped to it).
    pub booked_hours: f64,
    /// Hours in the window.
    pub window_hours: f64,
    /// booked / window, percent, one decimal.
    pub utilization_percent: f64,
}

/// `GET /reports/dock-utilization` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Utilization {
    /// One entry per dock.
    pub items: Vec<DockUtilization>,
}

/// Query of `GET /reports/certifications-expiring`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExpiringQuery {
    /// Days ahead (default 60, at most 3650).
    #[param(minimum = 0, maximum = 3650)]
    pub within_days: Option<i64>,
}

/// A certificate that has expired or expires within the window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExpiringCertification {
    /// Technician profile.
    pub technician_id: Uuid,
    /// Technician's name.
    pub full_name: String,
    /// Type code.
    pub certification_type: String,
    /// Number on the certificate.
    pub certificate_number: String,
    /// Last valid day.
    pub expires_on: NaiveDate,
    /// Already expired (before today at the yard).
    pub expired: bool,
}

/// `GET /reports/certifications-expiring` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Expiring {
    /// Soonest expiry first.
    pub items: Vec<ExpiringCertification>,
}

/// An overdue job.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OverdueJob {
    /// Job.
    pub job_id: Uuid,
    /// Job number.
    pub number: String,
    /// Vessel name.
    pub vessel_name: String,
    /// Planned end, passed.
    pub planned_end: DateTime<Utc>,
    /// Status.
    pub status: JobStatus,
}

/// `GET /reports/backlog` answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Backlog {
    /// Job count for every status (zero included).
    pub by_status: std::collections::BTreeMap<String, i64>,
    /// Jobs past their planned end and not completed, closed or cancelled; most overdue first.
    pub overdue: Vec<OverdueJob>,
}
