//! `/users` endpoints: yard managers create and manage accounts.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{
    models::{CreateUser, NewUserRow, UpdateUser, UserListQuery, UserView},
    queries, rules,
};
use crate::{
    auth::{
        AuthUser,
        password::{Passwords, check_new_password},
        queries as auth_queries,
    },
    db::Db,
    error::ApiError,
    http::created,
    pagination::{Page, PageRequest},
    role::Role,
};

/// Create a user (manager only).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = CreateUser,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = UserView),
        (status = 403, description = "Not a manager"),
        (status = 409, description = "Email taken (`duplicate-email`)"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn create_user(
    user: AuthUser,
    db: web::Data<Db>,
    passwords: web::Data<Passwords>,
    body: Json<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let body = body.into_inner();
    let email = body.email.trim().to_owned();
    let errors: Vec<_> = [
        rules::check_email(&email),
        rules::check_name("full_name", &body.full_name),
        check_new_password("password", &body.password),
        rules::check_organization(body.role, body.organization_id.is_some()),
    ]
    .into_iter()
    .filter_map(Result::err)
    .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let password_hash = passwords.hash(body.password).await?;
    let mut conn = db.get().await?;
    let row = NewUserRow {
        email,
        full_name: body.full_name.trim().to_owned(),
        password_hash,
        role: body.role,
        organization_id: body.organization_id,
    };
    let created_user = queries::insert(&mut conn, row).await?;
    Ok(created(&UserView::from(created_user)))
}

/// List users (manager only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserListQuery),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of users", body = Page<UserView>),
        (status = 403, description = "Not a manager"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_users(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<UserListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list(&mut conn, &query, &page).await?;
    let page = Page::of(rows, &page, UserView::from);
    Ok(HttpResponse::Ok().json(page))
}

/// One user (manager only).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The user", body = UserView),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such user"),
    ))]
pub async fn get_user(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(UserView::from(queries::by_id(&mut conn, *id).await?)))
}

/// Rename, deactivate or reactivate a user (manager only). Deactivation revokes every
/// refresh token of the user at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    request_body = UpdateUser, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed user", body = UserView),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such user"),
        (status = 422, description = "Invalid values"),
    ))]
pub async fn update_user(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    body: Json<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let body = body.into_inner();
    if let Some(name) = &body.full_name {
        rules::check_name("full_name", name).map_err(|e| ApiError::Validation(vec![e]))?;
    }
    let id = id.into_inner();
    if id == user.id && body.active == Some(false) {
        return Err(ApiError::invalid(
            "active",
            "you cannot deactivate yourself",
        ));
    }
    let mut conn = db.get().await?;
    let full_name = body.full_name.map(|n| n.trim().to_owned());
    let updated = conn
        .transaction(async |conn| {
            let updated = queries::update(conn, id, full_name, body.active).await?;
            if !updated.active {
                auth_queries::sign_out_everywhere(conn, id).await?;
            }
            Ok::<_, ApiError>(updated)
        })
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(updated)))
}
