//! Docks and scheduling: the yard's dry docks, floating docks, slipways and repair
//! berths; bookings that can never double-book a dock or a vessel (exclusion constraints
//! in PostgreSQL); the fit rule (`rules.rs`); and the search for free windows.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/docks` and `/dock-bookings` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/docks")
            .route(web::post().to(handlers::create_dock))
            .route(web::get().to(handlers::list_docks)),
    )
    // Before `/docks/{id}`, which would otherwise take "availability" for an id.
    .service(resource("/docks/availability").route(web::get().to(handlers::availability)))
    .service(
        resource("/docks/{id}")
            .route(web::get().to(handlers::get_dock))
            .route(web::patch().to(handlers::update_dock)),
    )
    .service(
        resource("/dock-bookings")
            .route(web::post().to(handlers::create_booking))
            .route(web::get().to(handlers::list_bookings)),
    )
    .service(
        resource("/dock-bookings/{id}")
            .route(web::get().to(handlers::get_booking))
            .route(web::patch().to(handlers::update_booking)),
    )
    .service(
        resource("/dock-bookings/{id}/cancel").route(web::post().to(handlers::cancel_booking)),
    );
}
