//! `/technicians` and `/certification-types`: the yard's certified workforce.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    models::{
        Certification, CertificationType, CreateCertification, CreateCertificationType,
        CreateTechnician, Technician, TechnicianListQuery, UpdateTechnician,
    },
    queries::{self, TechnicianFilter},
};
use crate::{
    auth::{AuthUser, Role},
    db::Db,
    error::{ApiError, FieldError},
    http::created,
    jobs::models::PageQuery,
    pagination::{Page, PageRequest},
    users::{queries as users, rules::check_name},
    yard::Yard,
};

fn is_unique_violation(err: &diesel::result::Error, constraint: &str) -> bool {
    matches!(err, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, info)
        if info.constraint_name() == Some(constraint))
}

fn check_employee_number(value: &str) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if (1..=50).contains(&trimmed.chars().count()) {
        Ok(trimmed.to_owned())
    } else {
        Err(ApiError::invalid(
            "employee_number",
            "must be 1 to 50 characters",
        ))
    }
}

/// Give a technician user a profile with a trade (manager).
#[utoipa::path(post, path = "/api/v1/technicians", tag = "technicians", request_body = CreateTechnician,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = Technician),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "No such technician user, already a technician, or employee number taken"),
    ))]
pub async fn create_technician(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateTechnician>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let employee_number = b
        .employee_number
        .as_deref()
        .map(check_employee_number)
        .transpose()?;
    let mut conn = db.get().await?;
    match users::by_id(&mut conn, b.user_id).await {
        Ok(account) if account.role == Role::Technician => {}
        Ok(_) => {
            return Err(ApiError::invalid(
                "user_id",
                "is not a user of role technician",
            ));
        }
        Err(diesel::result::Error::NotFound) => {
            return Err(ApiError::invalid("user_id", "no such user"));
        }
        Err(e) => return Err(e.into()),
    }
    let id = match queries::insert(&mut conn, b.user_id, b.trade, employee_number).await {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e, "technicians_user_id_key") => {
            return Err(ApiError::invalid(
                "user_id",
                "already has a technician profile",
            ));
        }
        Err(e) if is_unique_violation(&e, "technicians_employee_number_key") => {
            return Err(ApiError::invalid(
                "employee_number",
                "belongs to another technician",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let (row, name, email, active) = queries::by_id(&mut conn, id).await?;
    Ok(created(&Technician::new(row, name, email, active)))
}

/// List technicians (manager), by trade, valid certification and free time.
#[utoipa::path(get, path = "/api/v1/technicians", tag = "technicians", params(TechnicianListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of technicians", body = Page<Technician>),
        (status = 400, description = "Malformed query"),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Bad limit, cursor or period"),
    ))]
pub async fn list_technicians(
    user: AuthUser,
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    query: web::Query<TechnicianListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let period = match (query.available_from, query.available_to) {
        (Some(from), Some(to)) if to > from => Some((from, to)),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "available_to",
                "must be after available_from",
            ));
        }
        (None, None) => None,
        _ => {
            return Err(ApiError::invalid(
                "available_from",
                "available_from and available_to go together",
            ));
        }
    };
    let certified_for = query.certified_for.clone().map(|code| match period {
        Some((from, to)) => (code, yard.day_of(from), yard.day_of(to)),
        None => (code, yard.today(), yard.today()),
    });
    let filter = TechnicianFilter {
        trade: query.trade,
        certified_for,
        free_during: period,
    };
    let mut conn = db.get().await?;
    let rows = queries::list(&mut conn, filter, &page).await?;
    Ok(
        HttpResponse::Ok().json(Page::of(rows, &page, |(t, name, email, active)| {
            Technician::new(t, name, email, active)
        })),
    )
}

/// The technician profile `id`, if the caller is a manager or that technician.
async fn visible_technician(
    conn: &mut diesel_async::AsyncPgConnection,
    user: &AuthUser,
    id: Uuid,
) -> Result<Technician, ApiError> {
    user.require_any(&[Role::Manager, Role::Technician])?;
    let (row, name, email, active) = queries::by_id(conn, id).await?;
    if user.role == Role::Technician && row.user_id != user.id {
        return Err(ApiError::NotFound);
    }
    Ok(Technician::new(row, name, email, active))
}

/// One technician: managers any, a technician only itself.
#[utoipa::path(get, path = "/api/v1/technicians/{id}", tag = "technicians", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The technician", body = Technician),
        (status = 403, description = "Clients have no access"),
        (status = 404, description = "No such technician in your scope"),
    ))]
pub async fn get_technician(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(visible_technician(&mut conn, &user, *id).await?))
}

/// Change a technician's trade or employee number (manager).
#[utoipa::path(patch, path = "/api/v1/technicians/{id}", tag = "technicians", params(("id" = Uuid, Path)),
    request_body = UpdateTechnician, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed technician", body = Technician),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such technician"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_technician(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateTechnician>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let employee_number = match b.employee_number {
        Some(Some(n)) => Some(Some(check_employee_number(&n)?)),
        other => other,
    };
    let mut conn = db.get().await?;
    queries::by_id(&mut conn, *id).await?;
    match queries::update(&mut conn, *id, b.trade, employee_number).await {
        Err(e) if is_unique_violation(&e, "technicians_employee_number_key") => {
            return Err(ApiError::invalid(
                "employee_number",
                "belongs to another technician",
            ));
        }
        other => other?,
    }
    let (row, name, email, active) = queries::by_id(&mut conn, *id).await?;
    Ok(HttpResponse::Ok().json(Technician::new(row, name, email, active)))
}

/// Define a certification type (manager); codes are unique.
#[utoipa::path(post, path = "/api/v1/certification-types", tag = "technicians",
    request_body = CreateCertificationType, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = CertificationType),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Code taken (`duplicate-code`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_certification_type(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateCertificationType>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut b = body.into_inner();
    let mut errors = Vec::new();
    let code_ok = (1..=50).contains(&b.code.len())
        && b.code
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
    if !code_ok {
        errors.push(FieldError::new(
            "code",
            "must be 1 to 50 letters, digits, `_`, `.` or `-`",
        ));
    }
    if let Err(e) = check_name("name", &b.name) {
        errors.push(e);
    }
    if b.description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 2000)
    {
        errors.push(FieldError::new(
            "description",
            "must be at most 2000 characters",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    b.name = b.name.trim().to_owned();
    let mut conn = db.get().await?;
    Ok(created(&queries::insert_type(&mut conn, &b).await?))
}

/// List certification types (anyone signed in).
#[utoipa::path(get, path = "/api/v1/certification-types", tag = "technicians", params(PageQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of certification types", body = Page<CertificationType>),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_certification_types(
    _user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list_types(&mut conn, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |t| t)))
}

/// Record a technician's certificate (manager).
#[utoipa::path(post, path = "/api/v1/technicians/{id}/certifications", tag = "technicians",
    params(("id" = Uuid, Path)), request_body = CreateCertification, security(("bearer" = [])),
    responses(
        (status = 201, description = "Recorded", body = Certification),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such technician"),
        (status = 422, description = "Unknown type, or expires before it is issued"),
    ))]
pub async fn create_certification(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<CreateCertification>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    if b.expires_on <= b.issued_on {
        errors.push(FieldError::new("expires_on", "must be after issued_on"));
    }
    let n = b.certificate_number.trim().chars().count();
    if !(1..=100).contains(&n) {
        errors.push(FieldError::new(
            "certificate_number",
            "must be 1 to 100 characters",
        ));
    }
    if let Err(e) = check_name("issued_by", &b.issued_by) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut conn = db.get().await?;
    queries::by_id(&mut conn, *id).await?;
    Ok(created(
        &queries::insert_certification(&mut conn, *id, &b).await?,
    ))
}

/// A technician's certificates: managers, and the technician itself.
#[utoipa::path(get, path = "/api/v1/technicians/{id}/certifications", tag = "technicians",
    params(("id" = Uuid, Path), PageQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of certificates", body = Page<Certification>),
        (status = 403, description = "Clients have no access"),
        (status = 404, description = "No such technician in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_certifications(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    visible_technician(&mut conn, &user, *id).await?;
    let rows = queries::list_certifications(&mut conn, *id, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |c| c)))
}
