//! User accounts of the yard's staff and of client organisations (manager-managed).

pub mod handlers;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/users` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/users")
            .route(web::post().to(handlers::create_user))
            .route(web::get().to(handlers::list_users)),
    )
    .service(
        resource("/users/{id}")
            .route(web::get().to(handlers::get_user))
            .route(web::patch().to(handlers::update_user)),
    );
}
