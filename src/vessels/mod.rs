//! Vessels: the ships the yard repairs, each owned by a client organisation. Managers
//! write; a client reads its organisation's vessels; a technician those of its assignments.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/vessels` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/vessels")
            .route(web::post().to(handlers::create_vessel))
            .route(web::get().to(handlers::list_vessels)),
    )
    .service(
        resource("/vessels/{id}")
            .route(web::get().to(handlers::get_vessel))
            .route(web::patch().to(handlers::update_vessel)),
    );
}
