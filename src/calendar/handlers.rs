//! `/me/calendar-feed` (the address of the caller's feed, and its rotation) and the feed
//! itself at `/calendar/<token>.ics`.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use chrono::{Duration, Utc};
use diesel_async::AsyncConnection;
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    ics::{self, Entry, When},
    queries::{self, token_hash},
};
use crate::{
    auth::{AuthUser, Role, session::SessionPolicy, tokens::TokenKeys},
    db::Db,
    error::ApiError,
    yard::Yard,
};

/// How far back a feed shows bookings and assignments.
const PAST_DAYS: i64 = 90;

/// The address of a calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// Subscribe to it in a calendar (RFC 5545); anyone with it reads the feed, so keep it
    /// private, and rotate it if it leaks.
    #[schema(
        example = "https://slipway.yard.example/calendar/3q2-7wEjXo0Nn6b1kdLpm0xk0vXQy9G8aJv1mUeY2cA.ics"
    )]
    pub url: String,
}

/// Keeps the hash of the feed of `generation` and answers its address.
async fn opened(
    conn: &mut diesel_async::AsyncPgConnection,
    keys: &TokenKeys,
    user: &AuthUser,
    generation: i32,
    base: &str,
) -> Result<CalendarFeed, ApiError> {
    let token = keys.calendar_feed_token(user.id, generation);
    queries::keep(conn, user.id, generation, token_hash(&token)).await?;
    Ok(CalendarFeed {
        url: format!("{base}/calendar/{token}.ics"),
    })
}

/// The address of the caller's calendar feed: its dock dates, contractual redeliveries,
/// variations' answer deadlines (clients), every booking (managers), its assignments
/// (technicians). The same address until rotated, a new password is set or the user is
/// deactivated.
#[utoipa::path(get, path = "/api/v1/me/calendar-feed", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, description = "The feed's address", body = CalendarFeed)))]
pub async fn get_feed(
    user: AuthUser,
    db: web::Data<Db>,
    keys: web::Data<TokenKeys>,
    sessions: web::Data<SessionPolicy>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    let generation = queries::generation(&mut conn, user.id).await?;
    let base = sessions.base_url(&req);
    let feed = opened(&mut conn, &keys, &user, generation, &base).await?;
    Ok(HttpResponse::Ok().json(feed))
}

/// Replace the caller's feed address: the old one answers 404 from now on.
#[utoipa::path(post, path = "/api/v1/me/calendar-feed/rotate", tag = "calendar", security(("bearer" = [])),
    responses((status = 200, description = "The new address", body = CalendarFeed)))]
pub async fn rotate_feed(
    user: AuthUser,
    db: web::Data<Db>,
    keys: web::Data<TokenKeys>,
    sessions: web::Data<SessionPolicy>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    let base = sessions.base_url(&req);
    let feed = conn
        .transaction(async |conn| {
            let generation = queries::next_generation(conn, user.id).await?;
            opened(conn, &keys, &user, generation, &base).await
        })
        .await?;
    Ok(HttpResponse::Ok().json(feed))
}

/// The feed (RFC 5545), for calendars: no sign-in, the address is the secret; 404 for an
/// address rotated away or of a user deactivated or with a new password.
pub async fn feed(
    db: web::Data<Db>,
    yard: web::Data<Yard>,
    sessions: web::Data<SessionPolicy>,
    file: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let token = file.strip_suffix(".ics").ok_or(ApiError::NotFound)?;
    if token.len() != 43 {
        return Err(ApiError::NotFound);
    }
    let mut conn = db.get().await?;
    let reader = queries::reader(&mut conn, token_hash(token))
        .await?
        .ok_or(ApiError::NotFound)?;
    let since = Utc::now() - Duration::days(PAST_DAYS);
    let mut entries = Vec::new();
    let organization = match reader.role {
        Role::Client => Some(reader.organization_id.ok_or(ApiError::NotFound)?),
        _ => None,
    };
    if reader.role != Role::Technician {
        for b in queries::bookings(&mut conn, organization, since).await? {
            let job = b
                .job_number
                .as_deref()
                .map(|n| format!(" · {n}"))
                .unwrap_or_default();
            entries.push(Entry {
                uid: format!("booking-{}@slipway", b.id),
                sequence: u32::try_from(b.sequence).unwrap_or(0),
                modified: b.updated_at,
                summary: format!("{}{job} · {}", b.vessel_name, b.dock_name),
                description: None,
                when: When::Span(b.starts_at, b.ends_at),
                job: b.job_id,
            });
        }
    }
    if let Some(org) = organization {
        for r in queries::redeliveries(&mut conn, org).await? {
            entries.push(Entry {
                uid: format!("redelivery-{}@slipway", r.job_id),
                sequence: u32::try_from(r.moves).unwrap_or(0),
                modified: r.modified,
                summary: format!(
                    "{} · {} · contractual redelivery",
                    r.vessel_name, r.job_number
                ),
                description: None,
                when: When::Day(r.day),
                job: Some(r.job_id),
            });
        }
        for d in queries::deadlines(&mut conn, org).await? {
            entries.push(Entry {
                uid: format!("respond-by-{}@slipway", d.id),
                sequence: 0,
                modified: d.created_at,
                summary: format!(
                    "{} · {} · answer to {} due",
                    d.vessel_name,
                    d.job_number,
                    d.number.as_deref().unwrap_or("a variation")
                ),
                description: Some(d.description),
                when: When::Span(d.respond_by, d.respond_by + Duration::minutes(30)),
                job: Some(d.job_id),
            });
        }
    }
    if reader.role == Role::Technician {
        for a in queries::assignments(&mut conn, reader.id, since).await? {
            entries.push(Entry {
                uid: format!("assignment-{}@slipway", a.id),
                sequence: 0,
                modified: a.created_at,
                summary: format!("{} · {} · {}", a.vessel_name, a.job_number, a.task_title),
                description: None,
                when: When::Span(a.starts_at, a.ends_at),
                job: Some(a.job_id),
            });
        }
    }
    let body = ics::calendar(&yard.name, &sessions.base_url(&req), &entries);
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/calendar; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body))
}
