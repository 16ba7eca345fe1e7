//! The work behind the sign-in endpoints, shared by the API's token endpoints
//! (`handlers.rs`) and the web app's browser sessions (`session.rs`): check a password and
//! issue a pair, rotate a refresh token, revoke a family.

use actix_web::{HttpResponse, web};
use chrono::{Duration, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::{
    models::{LoginRequest, TokenResponse},
    password::Passwords,
    queries::{self, Presented},
    tokens::{TokenKeys, new_refresh_token, refresh_token_hash},
};
use crate::{
    db::Db,
    error::ApiError,
    users::{models::User, queries as users},
};

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
        access_token: keys.issue_access(user.id, user.role, user.organization_id, Some(family))?,
        token_type: "Bearer",
        expires_in: keys.access_ttl_secs,
        refresh_token,
        user: user.into(),
    })
}

/// Takes a login attempt for `email_key`, or the 429 of a throttled email.
pub(super) async fn reserve_attempt(
    conn: &mut AsyncPgConnection,
    email_key: &str,
) -> Result<i64, ApiError> {
    queries::reserve_attempt(conn, email_key)
        .await?
        .map_err(|retry_after_secs| ApiError::TooManyRequests { retry_after_secs })
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
