//! Tasks: the items of a job's repair specification, with estimated hours, the
//! certification they require, and progress that feeds the job's.

pub mod handlers;
pub mod models;
pub mod queries;

use actix_web::web;

use crate::http::resource;

/// Registers a job's task routes, inside the `/jobs/{id}` scope.
pub fn job_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/tasks")
            .route(web::post().to(handlers::create_task))
            .route(web::get().to(handlers::list_tasks)),
    );
}

/// Registers the `/tasks` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/tasks/{id}").route(web::patch().to(handlers::update_task)));
}
