//! Client organisations: the shipowners and ship managers whose vessels the yard repairs.
//! Managers write; a client user reads only its own organisation.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/organizations` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/organizations")
            .route(web::post().to(handlers::create_organization))
            .route(web::get().to(handlers::list_organizations)),
    )
    .service(
        resource("/organizations/{id}")
            .route(web::get().to(handlers::get_organization))
            .route(web::patch().to(handlers::update_organization)),
    );
}
