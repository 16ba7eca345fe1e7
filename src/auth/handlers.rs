//! `/auth/login`, `/auth/refresh`, `/auth/logout`, `/me`, `/me/password` and the
//! sign-outs everywhere.

use actix_web::{HttpResponse, web};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::{
    AuthUser, Role,
    models::{ChangePassword, LoginRequest, RefreshRequest, TokenResponse},
    password::{Passwords, check_new_password},
    queries,
    service::{reserve_attempt, revoke, rotate, sign_in, token_reply},
    tokens::TokenKeys,
};
use crate::{
    db::Db,
    error::{ApiError, FieldError, Problem},
    http::Json,
    users::{models::UserView, queries as users},
};

/// Log in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in", body = TokenResponse),
        (status = 401, description = "Wrong email or password (one answer for both)"),
        (status = 429, description = "5 failures for this email in 15 minutes, or too many from this address in a minute; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many sign-ins waiting for a password check; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn login(
    req: actix_web::HttpRequest,
    db: web::Data<Db>,
    keys: web::Data<TokenKeys>,
    passwords: web::Data<Passwords>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = sign_in(&req, &db, &keys, &passwords, body.into_inner()).await?;
    Ok(token_reply().json(tokens))
}

/// Trade a refresh token for a new pair. The presented token is spent; presenting a spent
/// token again revokes every token descended from the same login.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new pair", body = TokenResponse),
        (status = 401, description = "Invalid, expired, revoked or reused token, or deactivated user"),
    ))]
pub async fn refresh(
    db: web::Data<Db>,
    keys: web::Data<TokenKeys>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = rotate(&db, &keys, &body.refresh_token, std::time::Duration::ZERO).await?;
    Ok(token_reply().json(tokens))
}

/// Log out: revoke the refresh token's whole family. Answers 204 whether or not the token
/// was known, so it cannot be used to probe tokens.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Logged out"),
        (status = 422, description = "Not a refresh token at all (too long)"),
    ))]
pub async fn logout(
    db: web::Data<Db>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    revoke(&db, &body.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's own account.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller", body = UserView),
    ))]
pub async fn me(user: AuthUser, db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    match users::by_id(&mut conn, user.id).await {
        Ok(found) if found.active => Ok(HttpResponse::Ok().json(UserView::from(found))),
        Ok(_) | Err(diesel::result::Error::NotFound) => {
            Err(ApiError::Unauthorized("This account is no longer active."))
        }
        Err(e) => Err(e.into()),
    }
}

/// Change the caller's password; every refresh token of the caller is revoked, so other
/// devices must log in again. A wrong current password counts as a failed login.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", request_body = ChangePassword,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed"),
        (status = 422, description = "Wrong current password or invalid new one"),
        (status = 429, description = "Too many wrong passwords; see Retry-After"),
    ))]
pub async fn change_password(
    user: AuthUser,
    db: web::Data<Db>,
    passwords: web::Data<Passwords>,
    body: Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let ChangePassword {
        current_password,
        new_password,
    } = body.into_inner();
    check_new_password("new_password", &new_password).map_err(|e| ApiError::Validation(vec![e]))?;
    // As in login, no connection is held while a hash runs.
    let (account, attempt) = {
        let mut conn = db.get().await?;
        let account = users::by_id(&mut conn, user.id).await?;
        let attempt = reserve_attempt(&mut conn, &account.email.to_lowercase()).await?;
        (account, attempt)
    };
    if !passwords
        .verify(current_password, Some(account.password_hash))
        .await?
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            "current_password",
            "is not your current password",
        )]));
    }
    let new_hash = passwords.hash(new_password).await?;
    let mut conn = db.get().await?;
    queries::forget_attempt(&mut conn, attempt).await?;
    conn.transaction(async |conn| {
        users::set_password(conn, user.id, &new_hash).await?;
        queries::sign_out_everywhere(conn, user.id).await
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sign out everywhere: every session of the caller ends, and every access token issued
/// to the caller until now is refused, on every instance, within a second.
#[utoipa::path(post, path = "/api/v1/me/sessions/revoke", tag = "auth", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out everywhere"),
    ))]
pub async fn revoke_my_sessions(
    user: AuthUser,
    db: web::Data<Db>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    conn.transaction(async |conn| queries::sign_out_everywhere(conn, user.id).await)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sign a user out everywhere (manager): their sessions end and every access token issued
/// to them until now is refused, on every instance, within a second.
#[utoipa::path(post, path = "/api/v1/users/{id}/sessions/revoke", tag = "users", params(("id" = Uuid, Path)),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out everywhere"),
        (status = 403, description = "Not a manager"),
        (status = 404, description = "No such user"),
    ))]
pub async fn revoke_sessions(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Role::Manager)?;
    let id = id.into_inner();
    let mut conn = db.get().await?;
    let found = conn
        .transaction(async |conn| queries::sign_out_everywhere(conn, id).await)
        .await?;
    if found == 0 {
        return Err(ApiError::NotFound);
    }
    Ok(HttpResponse::NoContent().finish())
}
