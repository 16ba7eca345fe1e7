//! Authentication: password hashing, access and refresh tokens, the `AuthUser` extractor,
//! and the `/auth/*` (with the web app's browser sessions) and `/me*` endpoints.

pub mod extractor;
pub mod handlers;
pub mod models;
pub mod password;
pub mod queries;
pub mod service;
pub mod session;
pub mod standing;
pub mod throttle;
pub mod tokens;

use actix_web::web;

pub use crate::role::Role;
pub use extractor::{Actor, AuthUser, Scope};

/// Registers the authentication routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use crate::http::resource;
    cfg.service(resource("/auth/login").route(web::post().to(handlers::login)))
        .service(resource("/auth/refresh").route(web::post().to(handlers::refresh)))
        .service(resource("/auth/logout").route(web::post().to(handlers::logout)))
        .service(
            resource("/auth/session")
                .route(web::post().to(session::create_session))
                .route(web::delete().to(session::end_session)),
        )
        .service(resource("/auth/session/refresh").route(web::post().to(session::refresh_session)))
        .service(resource("/me").route(web::get().to(handlers::me)))
        .service(resource("/me/password").route(web::post().to(handlers::change_password)))
        .service(
            resource("/me/sessions/revoke").route(web::post().to(handlers::revoke_my_sessions)),
        )
        .service(
            resource("/users/{id}/sessions/revoke")
                .route(web::post().to(handlers::revoke_sessions)),
        );
}
