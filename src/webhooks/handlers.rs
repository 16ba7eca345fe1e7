//! `/webhooks`: a client manages its own organisation's webhooks, a manager any.

use actix_web::{HttpResponse, web};
use uuid::Uuid;

use super::{
    WebhookPolicy,
    delivery::resolve_public,
    models::{
        CreateWebhook, CreatedWebhook, Delivery, DeliveryStatus, UpdateWebhook, Webhook,
        WebhookListQuery,
    },
    queries::{self, NewWebhook},
    rules,
};
use crate::{
    auth::AuthUser,
    db::Db,
    error::{ApiError, FieldError},
    http::Json,
    notifications::{models::EventKind, rules::check_kinds},
    pagination::{Page, PageRequest},
};

/// A URL a webhook may call: the rules of [`rules::check_url`], and a host name that
/// resolves only to public addresses.
async fn checked_url(raw: &str, policy: &WebhookPolicy) -> Result<String, ApiError> {
    let invalid = |e: FieldError| ApiError::Validation(vec![e]);
    let url = rules::check_url(raw, policy.allow_private).map_err(invalid)?;
    if let (Some(url::Host::Domain(host)), false) = (url.host(), policy.allow_private) {
        let port = url.port_or_known_default().unwrap_or(443);
        resolve_public(host, port)
            .await
            .map_err(|why| invalid(FieldError::new("url", why.to_string())))?;
    }
    Ok(url.to_string())
}

/// The attempts a delivery shows, its last.
const MAX_ATTEMPTS_SHOWN: usize = 64;

fn kinds(kinds: &[EventKind]) -> Result<Vec<&'static str>, ApiError> {
    check_kinds(kinds).map_err(|e| ApiError::Validation(vec![e]))
}

/// Create a webhook; its signing secret is shown in this answer only.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks",
    request_body = CreateWebhook, security(("bearer" = [])),
    responses(
        (status = 201, description = "Created, with its secret", body = CreatedWebhook),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 422, description = "Invalid URL, kinds, or an organisation not yours"),
    ))]
pub async fn create_webhook(
    user: AuthUser,
    db: web::Data<Db>,
    policy: web::Data<WebhookPolicy>,
    body: Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let body = body.into_inner();
    let organization_id = match (only, body.organization_id) {
        (None, org) => org,
        (Some(own), None) => Some(own),
        (Some(own), Some(org)) if org == own => Some(org),
        (Some(_), Some(_)) => {
            return Err(ApiError::Validation(vec![FieldError::new(
                "organization_id",
                "a client may create webhooks for its own organisation only",
            )]));
        }
    };
    let kinds = kinds(&body.kinds)?;
    let url = checked_url(&body.url, &policy).await?;
    let secret = rules::new_secret();
    let mut conn = db.get().await?;
    let row = queries::insert(
        &mut conn,
        NewWebhook {
            organization_id,
            url: &url,
            kinds,
            secret: &secret,
            created_by: user.id,
        },
    )
    .await?;
    Ok(HttpResponse::Created().json(CreatedWebhook {
        webhook: row.into(),
        secret,
    }))
}

/// The webhooks the caller manages.
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    params(WebhookListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of webhooks", body = Page<Webhook>),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_webhooks(
    user: AuthUser,
    db: web::Data<Db>,
    query: web::Query<WebhookListQuery>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    let rows = queries::list(&mut conn, only, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, Webhook::from)))
}

/// One webhook the caller manages (another organisation's: 404).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 200, description = "The webhook", body = Webhook),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 404, description = "No such webhook in your scope"),
    ))]
pub async fn get_webhook(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let mut conn = db.get().await?;
    Ok(HttpResponse::Ok().json(Webhook::from(queries::by_id(&mut conn, *id, only).await?)))
}

/// Change a webhook's URL or kinds, or turn it off or on again.
#[utoipa::path(patch, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = Uuid, Path)), request_body = UpdateWebhook, security(("bearer" = [])),
    responses(
        (status = 200, description = "The changed webhook", body = Webhook),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 404, description = "No such webhook in your scope"),
        (status = 422, description = "Invalid URL or kinds"),
    ))]
pub async fn update_webhook(
    user: AuthUser,
    db: web::Data<Db>,
    policy: web::Data<WebhookPolicy>,
    id: web::Path<Uuid>,
    body: Json<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let body = body.into_inner();
    let kinds = body.kinds.as_deref().map(kinds).transpose()?;
    let url = match &body.url {
        Some(raw) => Some(checked_url(raw, &policy).await?),
        None => None,
    };
    let mut conn = db.get().await?;
    queries::by_id(&mut conn, *id, only).await?;
    let row = queries::update(&mut conn, *id, url.as_deref(), kinds, body.active).await?;
    Ok(HttpResponse::Ok().json(Webhook::from(row)))
}

/// Delete a webhook and its deliveries log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 404, description = "No such webhook in your scope"),
    ))]
pub async fn delete_webhook(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let mut conn = db.get().await?;
    queries::by_id(&mut conn, *id, only).await?;
    queries::delete(&mut conn, *id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Queue a test ping (`webhook.test`) to a webhook; see it in its deliveries.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks",
    params(("id" = Uuid, Path)), security(("bearer" = [])),
    responses(
        (status = 202, description = "Queued", body = Delivery),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 404, description = "No such webhook in your scope"),
        (status = 422, description = "The webhook is turned off"),
    ))]
pub async fn test_webhook(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let mut conn = db.get().await?;
    let webhook = queries::by_id(&mut conn, *id, only).await?;
    if !webhook.active {
        return Err(ApiError::Validation(vec![FieldError::new(
            "active",
            "the webhook is turned off; turn it on to test it",
        )]));
    }
    let ping = queries::queue_ping(&mut conn, webhook.id).await?;
    Ok(HttpResponse::Accepted().json(Delivery {
        id: ping.id,
        event_id: ping.event_id,
        kind: EventKind::WebhookTest,
        status: DeliveryStatus::Pending,
        created_at: ping.created_at,
        next_attempt_at: Some(ping.created_at),
        attempts: Vec::new(),
    }))
}

async fn deliveries_of(
    conn: &mut diesel_async::AsyncPgConnection,
    webhook_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<Delivery>, ApiError> {
    let rows = queries::deliveries(conn, webhook_id, page).await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.0).collect();
    let mut attempts = queries::attempts(conn, &ids).await?;
    rows.into_iter()
        .map(
            |(id, event_id, kind, status, created_at, next_attempt_at)| {
                let kind: EventKind = serde_json::from_value(serde_json::Value::String(kind))
                    .map_err(anyhow::Error::from)?;
                let status: DeliveryStatus =
                    serde_json::from_value(serde_json::Value::String(status))
                        .map_err(anyhow::Error::from)?;
                let mut mine: Vec<_> = attempts
                    .extract_if(.., |(d, _)| *d == id)
                    .map(|(_, a)| a)
                    .collect();
                mine.drain(..mine.len().saturating_sub(MAX_ATTEMPTS_SHOWN));
                Ok(Delivery {
                    id,
                    event_id,
                    kind,
                    status,
                    created_at,
                    next_attempt_at,
                    attempts: mine,
                })
            },
        )
        .collect()
}

/// A webhook's deliveries, newest first, each with its attempts.
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = Uuid, Path), WebhookListQuery), security(("bearer" = [])),
    responses(
        (status = 200, description = "A page of deliveries", body = Page<Delivery>),
        (status = 403, description = "Technicians have no webhooks"),
        (status = 404, description = "No such webhook in your scope"),
        (status = 422, description = "Bad limit or cursor"),
    ))]
pub async fn list_deliveries(
    user: AuthUser,
    db: web::Data<Db>,
    id: web::Path<Uuid>,
    query: web::Query<WebhookListQuery>,
) -> Result<HttpResponse, ApiError> {
    let only = user.organization_scope()?;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let mut conn = db.get().await?;
    queries::by_id(&mut conn, *id, only).await?;
    let rows = deliveries_of(&mut conn, *id, &page).await?;
    Ok(HttpResponse::Ok().json(Page::of(rows, &page, |d| d)))
}
