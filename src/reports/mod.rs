//! Reports for the yard's management (managers only): trade volume in USD by year with
//! growth and client countries, dock utilisation, expiring certificates and the backlog;
//! and the exchange rates the trade volume converts with.

pub mod handlers;
pub mod models;
pub mod queries;

use actix_web::web;

use crate::http::resource;

/// Registers `/reports/*` and `/fx-rates` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/fx-rates").route(web::get().to(handlers::list_fx_rates)))
        .service(resource("/fx-rates/{currency}").route(web::put().to(handlers::put_fx_rate)))
        .service(resource("/reports/trade-volume").route(web::get().to(handlers::trade_volume)))
        .service(
            resource("/reports/dock-utilization").route(web::get().to(handlers::dock_utilization)),
        )
        .service(
            resource("/reports/certifications-expiring")
                .route(web::get().to(handlers::certifications_expiring)),
        )
        .service(resource("/reports/backlog").route(web::get().to(handlers::backlog)));
}
