//! Photos and documents (SPEC section 8): files on a job, and optionally on one of its
//! tasks, additional-work items or work logs. The type comes from the bytes, images lose
//! their location metadata and get a thumbnail, and the bytes live in an object store
//! under their SHA-256, written before the row that names them.

pub mod handlers;
pub mod images;
pub mod models;
pub mod pdfs;
pub mod queries;
pub mod rules;
pub mod storage;

use actix_web::web;

use crate::http::resource;

/// Registers the `/jobs/{id}/attachments` routes (inside the job's scope).
pub fn job_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/attachments")
            .route(web::post().to(handlers::upload))
            .route(web::get().to(handlers::list)),
    );
}

/// Registers the `/attachments/{id}` routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/attachments/{id}")
            .route(web::get().to(handlers::get))
            .route(web::delete().to(handlers::delete)),
    )
    .service(resource("/attachments/{id}/content").route(web::get().to(handlers::content)))
    .service(resource("/attachments/{id}/thumbnail").route(web::get().to(handlers::thumbnail)));
}
