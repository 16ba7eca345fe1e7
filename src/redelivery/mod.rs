//! Redelivery and delays (SPEC section 9): the contractual redelivery date moves only by
//! the entries of a ledger (an approved variation's days, a blocking variation decided
//! late, a manager's entry with its cause), each charged to a party; PostgreSQL keeps the
//! date as the award's plus the entries that stand. Beside it the yard's own forecast
//! (`planned_end`), the days late, the damages they accrue, the owner's disputes and the
//! alert when a job first runs late.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// Registers the ledger of one job (inside the `/jobs/{id}` scope).
pub fn job_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/redelivery").route(web::get().to(handlers::get_redelivery)))
        .service(resource("/redelivery-entries").route(web::post().to(handlers::create_entry)));
}

/// Registers `/redelivery-entries/{id}` (withdraw) and its dispute.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/redelivery-entries/{id}").route(web::delete().to(handlers::withdraw_entry)),
    )
    .service(
        resource("/redelivery-entries/{id}/dispute").route(web::post().to(handlers::dispute_entry)),
    );
}
