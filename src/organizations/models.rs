//! Client organisations: the row and the API shapes.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::schema::organizations;

/// A client company (shipowner or ship manager), as stored and as returned.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema)]
#[diesel(table_name = organizations, check_for_backend(diesel::pg::Pg))]
pub struct Organization {
    /// Id.
    pub id: Uuid,
    /// Company name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    #[schema(pattern = "^[A-Z]{2}$", example = "GR")]
    pub country: String,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// The currency it budgets in (ISO 4217): cost positions are shown in it too.
    #[schema(example = "EUR")]
    pub currency: String,
}

crate::pagination::keyed!(Organization, created_at);

/// `POST /organizations`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrganization {
    /// Company name, 1 to 200 characters.
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    #[schema(pattern = "^[A-Za-z]{2}$", example = "GR")]
    pub country: String,
    /// The currency it budgets in (default USD).
    #[serde(default)]
    #[schema(example = "EUR")]
    pub currency: Option<String>,
}

/// `PATCH /organizations/{id}`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    /// New name.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// New country code.
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    /// The currency it budgets in.
    #[schema(example = "EUR")]
    pub currency: Option<String>,
}

/// Query of `GET /organizations`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganizationListQuery {
    /// Only organisations of this country.
    pub country: Option<String>,
    /// Page size, 1 to 200.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}
