//! `/tariff-items` and `/tariff-modifiers`: managers write, every signed-in user reads.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    models::{
        CreateTariffItem, CreateTariffModifier, ModifierListQuery, TariffItem, TariffListQuery,
        TariffModifier, UpdateTariffItem,
    },
    queries::{self, NewTariffItem, TariffItemChanges},
    rules::check_code,
};
use crate::{
    auth::{AuthUser, Role},
    contracts::rules::{check_sfi_code, parse_modifier_percent, parse_unit_price},
    db::Db,
    error::{ApiError, FieldError},
    http::{Json, created},
    money::{Money, check_currency},
    pagination::{Page, PageRequest},
    validation::{max_chars, validated},
};

fn check_description(value: &str, errors: &mut Vec<FieldError>) {
    if value.trim().is_empty() {
        errors.push(FieldError::new("description", "must not be empty"));
    }
    max_chars("description", value, 500, errors);
}

/// A unit price: a currency and 0 or more with at most 2 decimals.
fn check_price(price: &Money, errors: &mut Vec<FieldError>) -> Option<bigdecimal::BigDecimal> {
    if let Err(e) = check_currency("unit_price.currency", &price.currency) {
        errors.push(e);
    }
    parse_unit_price("unit_price.amount", &price.amount)
        .map_err(|e| errors.push(e))
        .ok()
}

/// Add an item to the tariff (manager).
#[utoipa::path(post, path = "/api/v1/tariff-items", tag = "tariff", request_body = CreateTariffItem,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = TariffItem),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Another item has this code (`duplicate-code`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_item(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateTariffItem>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = check_code("code", &b.code) {
        errors.push(e);
    }
    check_description(&b.description, &mut errors);
    let price = check_price(&b.unit_price, &mut errors);
    if let Some(code) = &b.sfi_code
        && let Err(e) = check_sfi_code("sfi_code", code)
    {
        errors.push(e);
    }
    let price = validated(price, errors)?.unwrap_or_default();
    let mut conn = db.get().await?;
    let row = queries::insert_item(
        &mut conn,
        NewTariffItem {
            code: b.code,
            description: b.description.trim().to_owned(),
            unit: b.unit,
            unit_price: price,
            currency: b.unit_price.currency,
            sfi_code: b.sfi_code,
        },
    )
    .await?;
    Ok(created(&TariffItem::from(row)))
}

/// The tariff, in the order its items were added (any signed-in user).
#[utoipa::path(get, path = "/api/v1/tariff-items", tag = "tariff", params(TariffListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of the tariff", body = Page<TariffItem>),
        (status = 422, description = "Bad SFI group, limit or cursor"),
    ))]
pub async fn list_items(
    _user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<TariffListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    if let Some(group) = &query.sfi_group
        && !(group.len() == 1 && (b'1'..=b'8').contains(&group.as_bytes()[0]))
    {
        return Err(ApiError::invalid(
            "sfi_group",
            "must be an SFI main group, 1 to 8",
        ));
    }
    let mut conn = db.get().await?;
    let rows = queries::list_items(
        &mut conn,
        query.q.as_deref(),
        query.sfi_group.as_deref(),
        &page,
    )
    .await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, TariffItem::from)))
}

/// One item of the tariff (any signed-in user).
#[utoipa::path(get, path = "/api/v1/tariff-items/{id}", tag = "tariff", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The item", body = TariffItem),
        (status = 404, description = "No such item"),
    ))]
pub async fn get_item(
    _user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(TariffItem::from(queries::item(&mut conn, *id).await?)))
}

/// Change an item (manager): a new price applies to lines priced after it; lines
/// priced before keep theirs.
#[utoipa::path(patch, path = "/api/v1/tariff-items/{id}", tag = "tariff", params(("id" = Uuid, Path)),
    request_body = UpdateTariffItem, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed item", body = TariffItem),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such item"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_item(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateTariffItem>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    if let Some(d) = &b.description {
        check_description(d, &mut errors);
    }
    let price = b
        .unit_price
        .as_ref()
        .and_then(|p| check_price(p, &mut errors));
    if let Some(Some(code)) = &b.sfi_code
        && let Err(e) = check_sfi_code("sfi_code", code)
    {
        errors.push(e);
    }
    validated((), errors)?;
    let mut conn = db.get().await?;
    let row = queries::update_item(
        &mut conn,
        *id,
        TariffItemChanges {
            description: b.description.map(|d| d.trim().to_owned()),
            unit: b.unit,
            unit_price: price,
            currency: b.unit_price.map(|p| p.currency),
            sfi_code: b.sfi_code,
            updated_at: Some(chrono::Utc::now()),
        },
    )
    .await?;
    Ok(HttpResponse::Ok().json(TariffItem::from(row)))
}

/// Add a surcharge to the tariff (manager).
#[utoipa::path(post, path = "/api/v1/tariff-modifiers", tag = "tariff", request_body = CreateTariffModifier,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Added", body = TariffModifier),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Another surcharge has this code (`duplicate-code`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_modifier(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<CreateTariffModifier>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let b = body.into_inner();
    let mut errors = Vec::new();
    if let Err(e) = check_code("code", &b.code) {
        errors.push(e);
    }
    check_description(&b.description, &mut errors);
    let percent = parse_modifier_percent("percent", &b.percent)
        .map_err(|e| errors.push(e))
        .ok();
    let percent = validated(percent, errors)?.unwrap_or_default();
    let mut conn = db.get().await?;
    let row = queries::insert_modifier(&mut conn, &b.code, b.description.trim(), &percent).await?;
    Ok(created(&row))
}

/// The tariff's surcharges (any signed-in user).
#[utoipa::path(get, path = "/api/v1/tariff-modifiers", tag = "tariff", params(ModifierListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of surcharges", body = Page<TariffModifier>),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_modifiers(
    _user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<ModifierListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list_modifiers(&mut conn, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |m| m)))
}
