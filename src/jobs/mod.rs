//! Repair jobs (work orders): request, quote, approval, scheduling, work, extra findings
//! priced as additional work, completion and the invoice fixed at close. The status
//! machine is in `rules.rs`.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;
pub mod schedule;

use actix_web::web;

use crate::http::resource;

/// Registers `/jobs` itself, inside the `/jobs` scope.
pub fn collection_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("")
            .route(web::post().to(handlers::create_job))
            .route(web::get().to(handlers::list_jobs)),
    );
}

/// Registers the routes of one job of this module, inside the `/jobs/{id}` scope.
pub fn job_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("")
            .route(web::get().to(handlers::get_job))
            .route(web::patch().to(handlers::update_job)),
    )
    .service(resource("/quote").route(web::put().to(handlers::put_quote)))
    .service(
        resource("/transitions")
            .route(web::get().to(handlers::allowed_moves))
            .route(web::post().to(handlers::transition)),
    )
    .service(resource("/events").route(web::get().to(handlers::list_events)))
    .service(
        resource("/additional-work")
            .route(web::post().to(handlers::create_additional_work))
            .route(web::get().to(handlers::list_additional_work)),
    );
}

/// Registers the `/additional-work` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/additional-work/{id}/decision")
            .route(web::post().to(handlers::decide_additional_work)),
    );
}
