//! Repair jobs (work orders): request, quote, approval, scheduling, work, extra findings
//! priced as additional work, completion and the invoice fixed at close. The status
//! machine is in `rules.rs`.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/jobs` and `/additional-work` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/jobs")
            .route(web::post().to(handlers::create_job))
            .route(web::get().to(handlers::list_jobs)),
    )
    .service(
        resource("/jobs/{id}")
            .route(web::get().to(handlers::get_job))
            .route(web::patch().to(handlers::update_job)),
    )
    .service(resource("/jobs/{id}/quote").route(web::put().to(handlers::put_quote)))
    .service(resource("/jobs/{id}/transitions").route(web::post().to(handlers::transition)))
    .service(resource("/jobs/{id}/events").route(web::get().to(handlers::list_events)))
    .service(
        resource("/jobs/{id}/additional-work")
            .route(web::post().to(handlers::create_additional_work))
            .route(web::get().to(handlers::list_additional_work)),
    )
    .service(
        resource("/additional-work/{id}/decision")
            .route(web::post().to(handlers::decide_additional_work)),
    );
}
