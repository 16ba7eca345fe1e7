//! The repair contract and its money (SPEC section 9), in the shape of BIMCO's REPAIRCON:
//! priced lines (`rules.rs`), the terms put before the award and frozen by it, the
//! contract the award fixes, the cost position in the contract's and the owner's
//! currency, and the cost overview. The tariff lives in `crate::tariff`; variations are
//! the jobs' additional work, priced here.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;
pub mod service;

use actix_web::web;

use crate::http::resource;

/// Registers the contract's routes of one job (inside the `/jobs/{id}` scope).
pub fn job_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/contract-terms")
            .route(web::put().to(handlers::put_terms))
            .route(web::get().to(handlers::get_terms)),
    )
    .service(resource("/contract").route(web::get().to(handlers::get_contract)))
    .service(resource("/cost").route(web::get().to(handlers::get_cost)))
    .service(resource("/priced-lines").route(web::post().to(handlers::price_line)));
}

/// Registers `/reports/cost-overview`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/reports/cost-overview").route(web::get().to(handlers::cost_overview)));
}
