//! Tariff items and surcharges: rows and wire shapes.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::{
    contracts::models::Unit,
    money::Money,
    schema::{tariff_items, tariff_modifiers},
};

/// A row of `tariff_items`.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tariff_items, check_for_backend(diesel::pg::Pg))]
pub struct TariffItemRow {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// What it is.
    pub description: String,
    /// Its unit.
    pub unit: Unit,
    /// The price of one unit.
    pub unit_price: BigDecimal,
    /// Its currency.
    pub currency: String,
    /// Its SFI code.
    pub sfi_code: Option<String>,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

crate::pagination::keyed!(TariffItemRow, created_at);

/// An item of the yard's tariff.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TariffItem {
    /// Id.
    pub id: Uuid,
    /// Code, unique.
    #[schema(example = "HULL-PLATE")]
    pub code: String,
    /// What it is.
    #[schema(example = "Shell plate renewal, mild steel, incl. fairing and welding")]
    pub description: String,
    /// Its unit.
    pub unit: Unit,
    /// The price of one unit.
    pub unit_price: Money,
    /// Its SFI code, if it belongs to one.
    pub sfi_code: Option<String>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<TariffItemRow> for TariffItem {
    fn from(r: TariffItemRow) -> Self {
        Self {
            unit_price: Money::new(&r.unit_price, &r.currency),
            id: r.id,
            code: r.code,
            description: r.description,
            unit: r.unit,
            sfi_code: r.sfi_code,
            updated_at: r.updated_at,
        }
    }
}

/// `POST /tariff-items`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTariffItem {
    /// 1-32 characters of `A-Z`, `0-9`, `-`.
    #[schema(pattern = "^[A-Z0-9-]{1,32}$")]
    pub code: String,
    /// What it is.
    #[schema(min_length = 1, max_length = 500)]
    pub description: String,
    /// Its unit.
    pub unit: Unit,
    /// The price of one unit (0 or more).
    pub unit_price: Money,
    /// Its SFI code (3 or 6 digits, the first 1-8).
    pub sfi_code: Option<String>,
}

/// `PATCH /tariff-items/{id}`: a new price applies to lines priced after it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTariffItem {
    /// What it is.
    #[schema(min_length = 1, max_length = 500)]
    pub description: Option<String>,
    /// Its unit.
    pub unit: Option<Unit>,
    /// The price of one unit.
    pub unit_price: Option<Money>,
    /// Its SFI code; null removes it.
    #[serde(default, deserialize_with = "crate::http::present")]
    pub sfi_code: Option<Option<String>>,
}

/// `GET /tariff-items`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TariffListQuery {
    /// Text in the code or description.
    pub q: Option<String>,
    /// Only items of this SFI main group (`1`-`8`).
    #[param(pattern = "^[1-8]$")]
    pub sfi_group: Option<String>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A surcharge of the tariff.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = tariff_modifiers, check_for_backend(diesel::pg::Pg))]
pub struct TariffModifier {
    /// Id.
    pub id: Uuid,
    /// Code, unique.
    #[schema(example = "DC")]
    pub code: String,
    /// What it is for.
    #[schema(example = "Double curvature")]
    pub description: String,
    /// Percent added to the unit price (negative: taken off).
    #[serde(serialize_with = "crate::tariff::models::percent")]
    #[schema(value_type = String, example = "20.00")]
    pub percent: BigDecimal,
    /// When created.
    pub created_at: DateTime<Utc>,
}

crate::pagination::keyed!(TariffModifier, created_at);

/// A percent as a decimal string with two decimals.
pub fn percent<S: serde::Serializer>(p: &BigDecimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&crate::money::format_amount(p))
}

/// `POST /tariff-modifiers`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTariffModifier {
    /// 1-32 characters of `A-Z`, `0-9`, `-`.
    #[schema(pattern = "^[A-Z0-9-]{1,32}$")]
    pub code: String,
    /// What it is for.
    #[schema(min_length = 1, max_length = 500)]
    pub description: String,
    /// More than -100, at most 500, at most 2 decimals (a decimal string).
    #[schema(example = "20")]
    pub percent: String,
}

/// `GET /tariff-modifiers`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ModifierListQuery {
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
