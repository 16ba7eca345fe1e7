//! `/auth/login`, `/auth/refresh`, `/auth/logout`, `/me` and `/me/password`.

use crate::http::Json;
use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::{
    AuthUser, Role,
    password::{Passwords, check_new_password},
    queries::{self, Presented},
    tokens::{TokenKeys, new_refresh_token, refresh_token_hash},
};
use crate::{
    db::Db,
    error::{ApiError, FieldError, Problem},
    users::{
        models::{User, UserView},
        queries as users,
    },
};

/// `POST /auth/login`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Login email (any case).
    pub email: String,
    /// Password.
    pub password: String,
}

/// `POST /auth/refresh` and `POST /auth/logout`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token from the last login or refresh.
    #[schema(max_length = 128)]
    pub refresh_token: String,
}

/// `POST /me/password`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    /// The password now in use.
    pub current_password: String,
    /// The new password, 12 to 128 characters.
    #[schema(min_length = 12, max_length = 128)]
    pub new_password: String,
}

/// A new token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// JWT to send as `Authorization: Bearer <token>`.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Opaque token for `POST /auth/refresh`; usable once.
    pub refresh_token: String,
    /// The user the tokens belong to.
    pub user: UserView,
}

const WRONG_LOGIN: &str = "Wrong email or password.";
const BAD_REFRESH: &str = "The refresh token is invalid, expired or revoked.";

/// Signs an access token and stores a new refresh token in `family` (a new family when
/// `None`, i.e. at login).
async fn issue_tokens(
    conn: &mut AsyncPgConnection,
    keys: &TokenKeys,
    user: User,
    family: Option<Uuid>,
) -> Result<TokenResponse, ApiError> {
    let refresh_token = new_refresh_token();
    let expires_at = Utc::now() + Duration::days(keys.refresh_ttl_days);
    let family = family.unwrap_or_else(Uuid::new_v4);
    queries::store_refresh_token(
        conn,
        user.id,
        family,
        &refresh_token_hash(&refresh_token),
        expires_at,
    )
    .await?;
    Ok(TokenResponse {
        access_token: keys.issue_access(user.id, user.role, user.organization_id)?,
        token_type: "Bearer",
        expires_in: keys.access_ttl_secs,
        refresh_token,
        user: user.into(),
    })
}

/// Takes a login attempt for `email_key`, or the 429 of a throttled email.
async fn reserve_attempt(conn: &mut AsyncPgConnection, email_key: &str) -> Result<i64, ApiError> {
    queries::reserve_attempt(conn, email_key)
        .await?
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })
}

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

/// A 200 for a body carrying tokens, which no cache may keep (RFC 6749 section 5.1).
pub(super) fn token_reply() -> actix_web::HttpResponseBuilder {
    let mut reply = HttpResponse::Ok();
    reply.insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"));
    reply
}

/// Checks an email and password (throttled per client address in memory, and per email
/// in the database) and issues a new token pair in a new family: the work of
/// `/auth/login` and `/auth/session`.
pub(super) async fn sign_in(
    req: &actix_web::HttpRequest,
    db: &Db,
    keys: &TokenKeys,
    passwords: &Passwords,
    LoginRequest { email, password }: LoginRequest,
) -> Result<TokenResponse, ApiError> {
    let address = req
        .app_data::<web::Data<crate::http::TrustedProxies>>()
        .map_or_else(
            || req.peer_addr().map(|p| p.ip()),
            |t| t.client_address(req),
        );
    let limit = req.app_data::<web::Data<super::throttle::AddressLimit>>();
    if let Some(limit) = limit {
        limit.check(address)?;
    }
    // A place in the queue of password checks first: past it, 503 before any read.
    let _admission = passwords.admit()?;
    let email_key = email.trim().to_lowercase();
    let (attempt, user) = {
        let mut conn = db.get().await?;
        let attempt = reserve_attempt(&mut conn, &email_key).await?;
        (attempt, users::by_email(&mut conn, &email_key).await?)
    };
    // The connection goes back to the pool while the hash runs (and waits its turn): a
    // burst of logins must not hold the connections every other request needs.
    // Always verify, against a decoy hash when the email is unknown: same work, same time.
    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let matches = passwords.verify(password, hash).await?;
    match user {
        Some(user) if matches && user.active => {
            let mut conn = db.get().await?;
            queries::forget_attempt(&mut conn, attempt).await?;
            issue_tokens(&mut conn, keys, user, None).await
        }
        _ => {
            if let Some(limit) = limit {
                limit.failed(address);
            }
            Err(ApiError::Unauthorized(WRONG_LOGIN))
        }
    }
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

/// Spends a refresh token for a new pair in its family: the work of `/auth/refresh` and
/// `/auth/session/refresh`. A spent token presented again revokes its family, unless it
/// was spent less than `grace` ago (a browser's session cookie: see [`super::session`]).
pub(super) async fn rotate(
    db: &Db,
    keys: &TokenKeys,
    refresh_token: &str,
    grace: std::time::Duration,
) -> Result<TokenResponse, ApiError> {
    let hash = refresh_token_hash(refresh_token);
    let mut conn = db.get().await?;
    let outcome = conn
        .transaction(async |conn| {
            match queries::rotate_refresh_token(conn, &hash, grace).await? {
                Presented::Rotated { user_id, family } => {
                    let user = users::by_id(conn, user_id).await?;
                    if !user.active {
                        queries::revoke_family(conn, family).await?;
                        return Ok::<_, ApiError>(None);
                    }
                    Ok(Some(issue_tokens(conn, keys, user, Some(family)).await?))
                }
                // The revocation on reuse is committed; the answer is still a refusal.
                Presented::Reused | Presented::Invalid => Ok(None),
            }
        })
        .await?;
    outcome.ok_or(ApiError::Unauthorized(BAD_REFRESH))
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

/// Revokes the family of a refresh token, if the token is known. A value longer than
/// any refresh token is refused (422): it is no token, known or not.
pub(super) async fn revoke(db: &Db, refresh_token: &str) -> Result<(), ApiError> {
    if refresh_token.chars().count() > super::tokens::MAX_REFRESH_TOKEN_CHARS {
        return Err(ApiError::invalid("refresh_token", "is not a refresh token"));
    }
    let hash = refresh_token_hash(refresh_token);
    let mut conn = db.get().await?;
    if let Some(family) = queries::family_of(&mut conn, &hash).await? {
        queries::revoke_family(&mut conn, family).await?;
    }
    Ok(())
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
