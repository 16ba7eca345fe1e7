//! Technicians and certifications: the yard's certified workforce, the certification
//! types the yard recognises, and each technician's certificates with their validity.
//! The certification gate for assignments is in `rules.rs`.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/technicians` and `/certification-types` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/technicians")
            .route(web::post().to(handlers::create_technician))
            .route(web::get().to(handlers::list_technicians)),
    )
    .service(
        resource("/technicians/{id}")
            .route(web::get().to(handlers::get_technician))
            .route(web::patch().to(handlers::update_technician)),
    )
    .service(
        resource("/technicians/{id}/certifications")
            .route(web::post().to(handlers::create_certification))
            .route(web::get().to(handlers::list_certifications)),
    )
    .service(
        resource("/certification-types")
            .route(web::post().to(handlers::create_certification_type))
            .route(web::get().to(handlers::list_certification_types)),
    );
}
