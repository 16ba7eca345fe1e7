//! `/organizations` endpoints: managers write; a client reads its own organisation.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    models::{CreateOrganization, Organization, OrganizationListQuery, UpdateOrganization},
    queries, rules,
};
use crate::{
    auth::{AuthUser, Role},
    db::Db,
    error::{ApiError, FieldError},
    http::created,
    money::check_currency,
    pagination::{Page, PageRequest},
    users::rules::check_name,
};

fn check_country(country: &str) -> Result<String, FieldError> {
    let code = country.trim().to_ascii_uppercase();
    if rules::is_country_code(&code) {
        Ok(code)
    } else {
        Err(FieldError::new(
            "country",
            "must be an ISO 3166-1 alpha-2 code such as GR or LK",
        ))
    }
}

/// Create a client organisation (manager only).
#[utoipa::path(post, path = "/api/v1/organizations", tag = "organizations",
    request_body = CreateOrganization, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Organization),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_organization(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateOrganization>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let (name, country) = (check_name("name", &body.name), check_country(&body.country));
    let currency = body.currency.as_deref().unwrap_or("USD");
    let currency_ok = check_currency("currency", currency);
    let (name, country) = match (name, country, currency_ok) {
        (Ok(()), Ok(country), Ok(())) => (body.name.trim(), country),
        (name, country, currency) => {
            return Err(ApiError::Validation(
                [name.err(), country.err(), currency.err()]
                    .into_iter()
                    .flatten()
                    .collect(),
            ));
        }
    };
    let mut conn = db.get().await?;
    Ok(created(
        &queries::insert(&mut conn, name, &country, currency).await?,
    ))
}

/// List organisations: all for managers, its own for a client.
#[utoipa::path(get, path = "/api/v1/organizations", tag = "organizations",
    params(OrganizationListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of organisations", body = Page<Organization>),
        (status = 403, description = "Technicians have no access"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_organizations(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<OrganizationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list(&mut conn, query.country.as_deref(), only, &page).await?;
    let page = Page::of(rows, &page, |o| o);
    Ok(HttpResponse::Ok().json(page))
}

/// One organisation: any for managers, only its own for a client (else 404).
#[utoipa::path(get, path = "/api/v1/organizations/{id}", tag = "organizations",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The organisation", body = Organization),
        (status = 403, description = "Technicians have no access"),
        (status = 404, description = "No such organisation in your scope"),
    ))]
pub async fn get_organization(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(queries::by_id(&mut conn, *id, only).await?))
}

/// Rename an organisation or correct its country (manager only).
#[utoipa::path(patch, path = "/api/v1/organizations/{id}", tag = "organizations",
    params(("id" = Uuid, Path)), request_body = UpdateOrganization, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed organisation", body = Organization),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such organisation"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_organization(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateOrganization>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let UpdateOrganization {
        name,
        country,
        currency,
    } = body.into_inner();
    let mut errors = Vec::new();
    if let Some(Err(e)) = currency.as_deref().map(|c| check_currency("currency", c)) {
        errors.push(e);
    }
    if let Some(Err(e)) = name.as_deref().map(|n| check_name("name", n)) {
        errors.push(e);
    }
    let country = match country.as_deref().map(check_country).transpose() {
        Ok(country) => country,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut conn = db.get().await?;
    let name = name.map(|n| n.trim().to_owned());
    Ok(HttpResponse::Ok().json(queries::update(&mut conn, *id, name, country, currency).await?))
}
