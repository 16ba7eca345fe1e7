//! Browser sessions (SPEC section 4): the web app signs in with a password and never sees
//! its refresh token, which lives in an `HttpOnly` cookie sent only to these endpoints. The
//! access token stays in the page's memory; a reload trades the cookie for a new one.
//!
//! The cookie is a refresh token like any other (same families, rotation and reuse
//! detection). The endpoints that read it refuse requests from another origin and
//! requests without the `X-Slipway-Session: 1` header, which a cross-site form cannot set.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::Duration},
    http::header,
    web,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    models::{LoginRequest, TokenResponse},
    password::Passwords,
    service,
    tokens::TokenKeys,
};
use crate::{
    db::Db,
    error::{ApiError, Problem},
    http::Json,
    users::models::UserView,
};

/// The cookie that carries a browser session's refresh token.
pub const COOKIE: &str = "slipway_session";
/// The only path the browser sends the cookie to.
pub const COOKIE_PATH: &str = "/api/v1/auth/session";
/// The header a cookie-reading request must carry (with the value `1`).
pub const CSRF_HEADER: &str = "x-slipway-session";

/// How browser sessions are set up.
#[derive(Debug, Clone)]
pub struct SessionPolicy {
    /// Mark the cookie `Secure` (`SLIPWAY_COOKIE_SECURE`, on by default).
    pub secure_cookie: bool,
    /// The one origin accepted (from `SLIPWAY_PUBLIC_URL`), as `scheme://host[:port]`;
    /// without it, the origin must name the host the request was sent to.
    pub public_origin: Option<String>,
    /// How long after its renewal a session cookie still renews: a reload that cuts the
    /// renewal off sends the cookie the browser still has, which is no theft.
    pub renewal_grace: std::time::Duration,
}

/// The default [`SessionPolicy::renewal_grace`].
pub const RENEWAL_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

impl Default for SessionPolicy {
    fn default() -> Self {
        Self {
            secure_cookie: true,
            public_origin: None,
            renewal_grace: RENEWAL_GRACE,
        }
    }
}

impl SessionPolicy {
    /// The address users open, for links the service hands out: `SLIPWAY_PUBLIC_URL`'s
    /// origin, or the scheme and host this request was sent to.
    pub fn base_url(&self, req: &HttpRequest) -> String {
        match &self.public_origin {
            Some(public) => public.clone(),
            None => {
                let info = req.connection_info();
                format!("{}://{}", info.scheme(), info.host())
            }
        }
    }

    /// The policy for a service reached at `public_url` (if known).
    pub fn new(secure_cookie: bool, public_url: Option<&str>) -> Self {
        Self {
            secure_cookie,
            public_origin: public_url.map(origin_of),
            renewal_grace: RENEWAL_GRACE,
        }
    }

    /// The same policy with another renewal grace.
    pub fn with_renewal_grace(mut self, grace: std::time::Duration) -> Self {
        self.renewal_grace = grace;
        self
    }

    /// 403 unless the request carries the CSRF header and, when it names an origin, it
    /// is this service's own.
    fn check(&self, req: &HttpRequest) -> Result<(), ApiError> {
        let marked = req
            .headers()
            .get(CSRF_HEADER)
            .is_some_and(|v| v.as_bytes() == b"1");
        if !marked {
            return Err(ApiError::Refused(
                "Browser-session requests must carry the header X-Slipway-Session: 1.",
            ));
        }
        let Some(origin) = req.headers().get(header::ORIGIN) else {
            return Ok(());
        };
        let origin = origin.to_str().unwrap_or_default().to_ascii_lowercase();
        let own = match &self.public_origin {
            Some(public) => origin == *public,
            // The scheme counts too: `https://host` is another origin than `http://host`.
            // (Behind a proxy that ends TLS, set SLIPWAY_PUBLIC_URL.)
            None => req
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .is_some_and(|host| {
                    let scheme = req.connection_info().scheme().to_ascii_lowercase();
                    origin == format!("{scheme}://{}", host.to_ascii_lowercase())
                }),
        };
        if own {
            Ok(())
        } else {
            Err(ApiError::Refused(
                "Browser sessions are accepted only from this service's own pages.",
            ))
        }
    }

    fn cookie<'a>(&self, value: &'a str, max_age: Duration) -> Cookie<'a> {
        Cookie::build(COOKIE, value)
            .http_only(true)
            .same_site(SameSite::Strict)
            .path(COOKIE_PATH)
            .secure(self.secure_cookie)
            .max_age(max_age)
            .finish()
    }
}

/// `scheme://host[:port]` of a URL, lower-cased: what browsers send as `Origin`.
fn origin_of(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{scheme}://{authority}")
        }
        None => url,
    }
}

/// A browser session's answer: the access token and the user; the refresh token is in the
/// cookie.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionResponse {
    /// JWT to send as `Authorization: Bearer <token>`; keep it in memory only.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The signed-in user.
    pub user: UserView,
}

fn session_reply(policy: &SessionPolicy, keys: &TokenKeys, tokens: TokenResponse) -> HttpResponse {
    let TokenResponse {
        access_token,
        token_type,
        expires_in,
        refresh_token,
        user,
    } = tokens;
    let max_age = Duration::days(keys.refresh_ttl_days);
    service::token_reply()
        .cookie(policy.cookie(&refresh_token, max_age))
        .json(SessionResponse {
            access_token,
            token_type,
            expires_in,
            user,
        })
}

/// Sign in from the web app: answers like `/auth/login`, with the refresh token set as
/// the `slipway_session` cookie instead of in the body. Throttled like login.
#[utoipa::path(post, path = "/api/v1/auth/session", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in; the session cookie is set", body = SessionResponse,
            headers(("Set-Cookie" = String, description = "slipway_session=...; HttpOnly; SameSite=Strict; Path=/api/v1/auth/session; Secure"))),
        (status = 401, description = "Wrong email or password (one answer for both)"),
        (status = 429, description = "5 failures for this email in 15 minutes, or too many from this address in a minute; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
        (status = 503, description = "Too many sign-ins waiting for a password check; see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds to wait"))),
    ))]
pub async fn create_session(
    req: HttpRequest,
    db: web::Data<Db>,
    keys: web::Data<TokenKeys>,
    passwords: web::Data<Passwords>,
    policy: web::Data<SessionPolicy>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = service::sign_in(&req, &db, &keys, &passwords, body.into_inner()).await?;
    Ok(session_reply(&policy, &keys, tokens))
}

/// Renew a browser session: the cookie is spent and replaced (a spent cookie presented
/// again revokes the session), and a new access token is answered.
#[utoipa::path(post, path = "/api/v1/auth/session/refresh", tag = "auth",
    params(
        ("X-Slipway-Session" = String, Header, description = "Must be `1` (CSRF)", pattern = "^1$"),
        ("slipway_session" = Option<String>, Cookie, description = "The session's refresh token"),
    ),
    responses(
        (status = 200, description = "Renewed; the session cookie is replaced", body = SessionResponse),
        (status = 401, description = "No session cookie, or an invalid, expired, revoked or reused one"),
        (status = 403, description = "From another origin, or without `X-Slipway-Session: 1`"),
    ))]
pub async fn refresh_session(
    req: HttpRequest,
    db: web::Data<Db>,
    keys: web::Data<TokenKeys>,
    policy: web::Data<SessionPolicy>,
) -> Result<HttpResponse, ApiError> {
    policy.check(&req)?;
    let cookie = req
        .cookie(COOKIE)
        .ok_or(ApiError::Unauthorized("There is no session: sign in."))?;
    let tokens = service::rotate(&db, &keys, cookie.value(), policy.renewal_grace).await?;
    Ok(session_reply(&policy, &keys, tokens))
}

/// Sign out of a browser session: its refresh tokens are revoked and the cookie cleared.
#[utoipa::path(delete, path = "/api/v1/auth/session", tag = "auth",
    params(
        ("X-Slipway-Session" = String, Header, description = "Must be `1` (CSRF)", pattern = "^1$"),
        ("slipway_session" = Option<String>, Cookie, description = "The session's refresh token"),
    ),
    responses(
        (status = 204, description = "Signed out (also when there was no session)"),
        (status = 422, description = "A cookie that is no refresh token at all (too long)"),
        (status = 403, description = "From another origin, or without `X-Slipway-Session: 1`"),
    ))]
pub async fn end_session(
    req: HttpRequest,
    db: web::Data<Db>,
    policy: web::Data<SessionPolicy>,
) -> Result<HttpResponse, ApiError> {
    policy.check(&req)?;
    if let Some(cookie) = req.cookie(COOKIE) {
        service::revoke(&db, cookie.value()).await?;
    }
    Ok(HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(policy.cookie("", Duration::ZERO))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_origin_of_a_public_url_is_its_scheme_and_authority() {
        assert_eq!(
            origin_of("https://Slipway.Yard.example/app/"),
            "https://slipway.yard.example"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }
}
