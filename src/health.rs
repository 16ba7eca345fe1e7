//! Liveness and readiness probes for load balancers and orchestrators (no auth).

use actix_web::{HttpResponse, web};
use diesel_async::RunQueryDsl;
use serde_json::json;

use crate::{db::Db, error::ApiError};

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Up")))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready"),
        (status = 503, description = "Database unreachable", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(
    db: web::Data<Db>,
    draining: Option<web::Data<Draining>>,
) -> Result<HttpResponse, ApiError> {
    if draining.is_some_and(|d| d.is_set()) {
        return Err(ApiError::Unavailable);
    }
    let ping = async {
        let mut conn = db.get().await.ok()?;
        diesel::sql_query("SELECT 1").execute(&mut conn).await.ok()
    };
    match tokio::time::timeout(std::time::Duration::from_secs(2), ping).await {
        Ok(Some(_)) => Ok(HttpResponse::Ok().json(json!({"status": "ready"}))),
        _ => Err(ApiError::Unavailable),
    }
}

/// Set when the instance is shutting down: `/readyz` then answers 503, so a balancer
/// sends it nothing new while it finishes what it has.
#[derive(Debug, Default)]
pub struct Draining(std::sync::atomic::AtomicBool);

impl Draining {
    /// Whether the instance is shutting down.
    pub fn is_set(&self) -> bool {
        std::sync::atomic::AtomicBool::load(&self.0, std::sync::atomic::Ordering::Acquire)
    }

    /// Marks the instance as shutting down.
    pub fn set(&self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// Registers the probes (at the root, outside `/api/v1`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::http::resource;
    cfg.service(resource("/healthz").route(web::get().to(healthz)))
        .service(resource("/readyz").route(web::get().to(readyz)));
}
