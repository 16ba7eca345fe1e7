//! The yard's tariff (its price list, REPAIRCON's annex C) and its surcharges: managers
//! write, every signed-in user reads. A spec item or a variation priced `tariff` takes
//! its unit price from here at the moment it is priced; lines priced earlier keep theirs.

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/tariff-items` and `/tariff-modifiers`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/tariff-items")
            .route(web::post().to(handlers::create_item))
            .route(web::get().to(handlers::list_items)),
    )
    .service(
        resource("/tariff-items/{id}")
            .route(web::get().to(handlers::get_item))
            .route(web::patch().to(handlers::update_item)),
    )
    .service(
        resource("/tariff-modifiers")
            .route(web::post().to(handlers::create_modifier))
            .route(web::get().to(handlers::list_modifiers)),
    );
}
