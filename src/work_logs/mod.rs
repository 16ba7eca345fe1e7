//! Assignments and work logs: technicians put on tasks for a period (certification
//! gate, no double-booking), the hours they log (append-only, never overlapping), and
//! the daily report a shipowner's superintendent reads each morning.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers the `/tasks/{id}/assignments`, `/assignments` and `/me/assignments` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/tasks/{id}/assignments").route(web::post().to(handlers::create_assignment)),
    )
    .service(resource("/assignments/{id}").route(web::delete().to(handlers::delete_assignment)))
    .service(resource("/me/assignments").route(web::get().to(handlers::my_assignments)))
    .service(
        resource("/assignments/{id}/work-logs").route(web::post().to(handlers::create_work_log)),
    );
}

/// Registers a job's assignment, work-log and daily-report routes, inside the
/// `/jobs/{id}` scope.
pub fn job_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/assignments").route(web::get().to(handlers::job_assignments)))
        .service(resource("/work-logs").route(web::get().to(handlers::job_work_logs)))
        .service(resource("/daily-report").route(web::get().to(handlers::daily_report)));
}
