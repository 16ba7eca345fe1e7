//! Webhooks (SPEC section 7): a client's own systems, or the yard's, hear events as
//! signed POSTs (Standard Webhooks), retried for 24 hours, to public `https` addresses
//! only.

pub mod delivery;
pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Whether webhooks may call private addresses (`SLIPWAY_WEBHOOK_ALLOW_PRIVATE`).
#[derive(Debug, Clone, Copy, Default)]
pub struct WebhookPolicy {
    /// Also `http`, and loopback, private and link-local addresses: tests and closed
    /// networks only.
    pub allow_private: bool,
}

/// Registers `/webhooks` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/webhooks")
            .route(web::post().to(handlers::create_webhook))
            .route(web::get().to(handlers::list_webhooks)),
    )
    .service(
        resource("/webhooks/{id}")
            .route(web::get().to(handlers::get_webhook))
            .route(web::patch().to(handlers::update_webhook))
            .route(web::delete().to(handlers::delete_webhook)),
    )
    .service(resource("/webhooks/{id}/test").route(web::post().to(handlers::test_webhook)))
    .service(resource("/webhooks/{id}/deliveries").route(web::get().to(handlers::list_deliveries)));
}
