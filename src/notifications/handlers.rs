//! `/me/notifications` and `/me/notification-settings`: every signed-in user's own.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    models::{
        Event, MarkedRead, Notification, NotificationListQuery, NotificationPage,
        NotificationSettings,
    },
    queries::{self, NotificationRow},
    rules,
};
use crate::{
    auth::AuthUser,
    db::Db,
    error::ApiError,
    http::Json,
    pagination::{Cursor, Page, PageRequest},
};

fn view((id, created_at, read_at, payload): NotificationRow) -> Result<Notification, ApiError> {
    let event: Event = serde_json::from_value(payload).map_err(anyhow::Error::from)?;
    Ok(Notification {
        id,
        created_at,
        read_at,
        event,
    })
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/me/notifications", tag = "notifications",
    params(NotificationListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of notifications", body = NotificationPage),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_notifications(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<NotificationListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list(&mut conn, user.id, query.unread, &page).await?;
    let unread_count = queries::unread_count(&mut conn, user.id).await?;
    let page = Page::from_rows(
        rows,
        &page,
        |(id, at, ..)| Cursor { at: *at, id: *id },
        view,
    );
    Ok(HttpResponse::Ok().json(NotificationPage {
        items: page.items.into_iter().collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
        unread_count,
    }))
}

/// Mark one of the caller's notifications read (another's: 404).
#[utoipa::path(post, path = "/api/v1/me/notifications/{id}/read", tag = "notifications",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The notification, read", body = Notification),
        (status = 404, description = "No such notification of yours"),
    ))]
pub async fn read_notification(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    let row = queries::mark_read(&mut conn, user.id, *id).await?;
    Ok(HttpResponse::Ok().json(view(row)?))
}

/// Mark all of the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/me/notifications/read-all", tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "How many were marked", body = MarkedRead),
    ))]
pub async fn read_all_notifications(
    user: AuthUser,
    db: web::Data<Db>,
) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    let marked = queries::mark_all_read(&mut conn, user.id).await?;
    Ok(HttpResponse::Ok().json(MarkedRead {
        marked: i64::try_from(marked).unwrap_or(i64::MAX),
    }))
}

/// The caller's mail settings (default: every kind for clients, no mail for staff).
#[utoipa::path(get, path = "/api/v1/me/notification-settings", tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = NotificationSettings),
    ))]
pub async fn get_settings(user: AuthUser, db: web::Data<Db>) -> Result<HttpResponse, ApiError> {
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(queries::settings(&mut conn, user.id, user.role).await?))
}

/// Choose whether, and of which kinds, the caller is mailed.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "notifications",
    request_body = NotificationSettings, security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings", body = NotificationSettings),
        (status = 422, description = "A kind one cannot subscribe to"),
    ))]
pub async fn put_settings(
    user: AuthUser,
    db: web::Data<Db>,
    body: Json<NotificationSettings>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    rules::check_kinds(&body.kinds).map_err(|e| ApiError::Validation(vec![e]))?;
    let mut conn = db.get().await?;
    queries::put_settings(&mut conn, user.id, &body).await?;
    Ok(HttpResponse::Ok().json(queries::settings(&mut conn, user.id, user.role).await?))
}
