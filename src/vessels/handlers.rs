//! `/vessels` endpoints: managers write; clients read their organisation's vessels;
//! technicians read the vessels of their assignments.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    models::{CreateVessel, NewVessel, UpdateVessel, Vessel, VesselChanges, VesselListQuery},
    queries, rules,
};
use crate::{
    auth::{AuthUser, Role},
    db::Db,
    error::{ApiError, FieldError},
    http::created,
    organizations::rules::is_country_code,
    pagination::{Page, PageRequest},
    users::rules::check_name,
    validation::{max_chars, positive_number, validated},
};

fn imo(value: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    rules::normalize_imo(value)
        .map_err(|m| errors.push(FieldError::new("imo_number", m)))
        .ok()
}

fn flag(value: &str, errors: &mut Vec<FieldError>) -> String {
    let code = value.trim().to_ascii_uppercase();
    if !is_country_code(&code) {
        errors.push(FieldError::new(
            "flag",
            "must be an ISO 3166-1 alpha-2 code such as LK",
        ));
    }
    code
}

fn year(value: i32, errors: &mut Vec<FieldError>) {
    if !(1800..=2200).contains(&value) {
        errors.push(FieldError::new(
            "year_built",
            "must be a year between 1800 and 2200",
        ));
    }
}

fn class_society(value: &str, errors: &mut Vec<FieldError>) {
    max_chars("class_society", value, 100, errors);
}

/// Register a vessel (manager only).
#[utoipa::path(post, path = "/api/v1/vessels", tag = "vessels", request_body = CreateVessel,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Vessel),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "IMO number taken (`duplicate-imo`)"),
        (status = 422, description = "Invalid values (IMO check digit, dimensions, ...)"),
    ))]
pub async fn create_vessel(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateVessel>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let imo_number = b.imo_number.as_deref().and_then(|v| imo(v, &mut errors));
    if let Err(e) = check_name("name", &b.name) {
        errors.push(e);
    }
    let flag = flag(&b.flag, &mut errors);
    positive_number("gross_tonnage", b.gross_tonnage, &mut errors);
    positive_number("length_overall_m", b.length_overall_m, &mut errors);
    positive_number("beam_m", b.beam_m, &mut errors);
    positive_number("draft_m", b.draft_m, &mut errors);
    if let Some(v) = b.lightweight_t {
        positive_number("lightweight_t", v, &mut errors);
    }
    if let Some(v) = b.year_built {
        year(v, &mut errors);
    }
    if let Some(v) = &b.class_society {
        class_society(v, &mut errors);
    }
    let row = validated(
        NewVessel {
            imo_number,
            name: b.name.trim().to_owned(),
            vessel_type: b.vessel_type,
            flag,
            owner_organization_id: b.owner_organization_id,
            gross_tonnage: b.gross_tonnage,
            length_overall_m: b.length_overall_m,
            beam_m: b.beam_m,
            draft_m: b.draft_m,
            lightweight_t: b.lightweight_t,
            year_built: b.year_built,
            class_society: b.class_society,
        },
        errors,
    )?;
    let mut conn = db.get().await?;
    Ok(created(&queries::insert(&mut conn, row).await?))
}

/// List vessels in the caller's scope.
#[utoipa::path(get, path = "/api/v1/vessels", tag = "vessels", params(VesselListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of vessels", body = Page<Vessel>),
        (status = 400, description = "Malformed query"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_vessels(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<VesselListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list(&mut conn, &query, user.scope(), &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |v| v)))
}

/// One vessel in the caller's scope (else 404).
#[utoipa::path(get, path = "/api/v1/vessels/{id}", tag = "vessels", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The vessel", body = Vessel),
        (status = 400, description = "Malformed id"),
        (status = 404, description = "No such vessel in your scope"),
    ))]
pub async fn get_vessel(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let conn = db.get().await?;
    Ok(HttpResponse::Ok().json(queries::by_id(&conn, *id, user.scope()).await?))
}

/// Change a vessel (manager only).
#[utoipa::path(patch, path = "/api/v1/vessels/{id}", tag = "vessels", params(("id" = Uuid, Path)),
    request_body = UpdateVessel, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed vessel", body = Vessel),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such vessel"),
        (status = 409, description = "IMO number taken (`duplicate-imo`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_vessel(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateVessel>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    let imo_number = b.imo_number.map(|v| v.and_then(|v| imo(&v, &mut errors)));
    if let Some(Err(e)) = b.name.as_deref().map(|n| check_name("name", n)) {
        errors.push(e);
    }
    let flag = b.flag.as_deref().map(|f| flag(f, &mut errors));
    for (field, value) in [
        ("gross_tonnage", b.gross_tonnage),
        ("length_overall_m", b.length_overall_m),
        ("beam_m", b.beam_m),
        ("draft_m", b.draft_m),
        ("lightweight_t", b.lightweight_t.flatten()),
    ] {
        if let Some(v) = value {
            positive_number(field, v, &mut errors);
        }
    }
    if let Some(Some(v)) = b.year_built {
        year(v, &mut errors);
    }
    if let Some(Some(v)) = &b.class_society {
        class_society(v, &mut errors);
    }
    let changes = validated(
        VesselChanges {
            imo_number,
            name: b.name.map(|n| n.trim().to_owned()),
            vessel_type: b.vessel_type,
            flag,
            owner_organization_id: b.owner_organization_id,
            gross_tonnage: b.gross_tonnage,
            length_overall_m: b.length_overall_m,
            beam_m: b.beam_m,
            draft_m: b.draft_m,
            lightweight_t: b.lightweight_t,
            year_built: b.year_built,
            class_society: b.class_society,
            updated_at: Some(chrono::Utc::now()),
        },
        errors,
    )?;
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(queries::update(&mut conn, *id, changes).await?))
}
