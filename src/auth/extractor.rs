//! `AuthUser`: the caller, taken from a valid bearer token. An endpoint is protected by
//! asking for one in its signature.

use actix_web::{FromRequest, HttpRequest, dev::Payload, http::header, web};
use futures_util::future::LocalBoxFuture;
use uuid::Uuid;

use super::{
    Role,
    standing::{Standings, Verdict},
    tokens::TokenKeys,
};
use crate::{db::Db, error::ApiError};

/// The authenticated caller of a request.
#[derive(Debug, Clone, Copy)]
pub struct AuthUser {
    /// The user's id.
    pub id: Uuid,
    /// The user's role.
    pub role: Role,
    /// The client organisation of a `client`; `None` for yard staff.
    pub org: Option<Uuid>,
}

impl AuthUser {
    /// 403 unless the caller has `role`.
    pub fn require(&self, role: Role) -> Result<(), ApiError> {
        self.require_any(&[role])
    }

    /// 403 unless the caller has one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::Forbidden)
        }
    }

    /// Which rows the caller may see.
    pub fn scope(&self) -> Scope {
        match (self.role, self.org) {
            (Role::Manager, _) => Scope::Yard,
            (Role::Client, Some(org)) => Scope::Organization(org),
            // A client token always carries its organisation (checked on decode); one
            // without would see nothing.
            (Role::Client, None) => Scope::Organization(Uuid::nil()),
            (Role::Technician, _) => Scope::Technician(self.id),
        }
    }

    /// The caller as the author of a change on a job's timeline.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id,
            role: self.role,
        }
    }

    /// The organisation a manager-or-client endpoint is limited to: `None` (all) for
    /// managers, the caller's own for a client; 403 for technicians.
    pub fn organization_scope(&self) -> Result<Option<Uuid>, ApiError> {
        self.require_any(&[Role::Manager, Role::Client])?;
        Ok(match self.role {
            Role::Manager => None,
            // A client token always carries its organisation; one without sees nothing.
            _ => Some(self.org.unwrap_or_else(Uuid::nil)),
        })
    }

    /// Whether the caller is a yard manager.
    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }
}

/// Who made a change, for a job's timeline.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    /// The user.
    pub id: Uuid,
    /// Their role.
    pub role: Role,
}

/// The rows a caller may see, applied inside every query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// A manager: the whole yard.
    Yard,
    /// A client: its organisation's vessels, jobs and bookings.
    Organization(Uuid),
    /// A technician (the user id): the jobs, tasks and vessels of their assignments.
    Technician(Uuid),
}

/// The caller a token names, when the token was issued, and its sign-in.
fn authenticate(req: &HttpRequest) -> Result<(AuthUser, f64, Option<Uuid>), ApiError> {
    let keys = req
        .app_data::<web::Data<TokenKeys>>()
        .ok_or_else(|| anyhow::anyhow!("TokenKeys missing from app data"))?;
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized(
            "Send an access token as `Authorization: Bearer <token>`.",
        ))?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(ApiError::Unauthorized(
            "The Authorization header must be `Bearer <token>`.",
        ))?;
    let claims = keys.verify_access(token).ok_or(ApiError::Unauthorized(
        "The access token is invalid or expired.",
    ))?;
    // A client token without an organisation (or staff with one) was not made by us.
    if (claims.role == Role::Client) != claims.org.is_some() {
        return Err(ApiError::Unauthorized(
            "The access token is invalid or expired.",
        ));
    }
    Ok((
        AuthUser {
            id: claims.sub,
            role: claims.role,
            org: claims.org,
        },
        claims.iat,
        claims.fam,
    ))
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    /// A well-signed, unexpired token, of a user who is active and whose tokens were not
    /// revoked after it was issued (see [`Standings`]).
    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let decoded = authenticate(req);
        let standings = req.app_data::<web::Data<Standings>>().cloned();
        let db = req.app_data::<web::Data<Db>>().cloned();
        Box::pin(async move {
            let (user, issued_at, family) = decoded?;
            let (Some(standings), Some(db)) = (standings, db) else {
                return Ok(user);
            };
            match standings.verdict(&db, user.id, issued_at, family).await? {
                Verdict::Admitted => Ok(user),
                Verdict::Revoked => Err(ApiError::Unauthorized(
                    "This access token was revoked (signed out, a new password, or a deactivated account); sign in again.",
                )),
                Verdict::Unknown => Err(ApiError::Unauthorized(
                    "The access token is invalid or expired.",
                )),
            }
        })
    }
}
