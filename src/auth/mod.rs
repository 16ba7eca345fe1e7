//! Authentication: password hashing, access and refresh tokens, the `AuthUser` extractor,
//! and the `/auth/*` (with the web app's browser sessions) and `/me*` endpoints.

pub mod extractor;
pub mod password;
pub mod queries;
pub mod routes;
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
    cfg.service(resource("/auth/login").route(web::post().to(routes::login)))
        .service(resource("/auth/refresh").route(web::post().to(routes::refresh)))
        .service(resource("/auth/logout").route(web::post().to(routes::logout)))
        .service(
            resource("/auth/session")
                .route(web::post().to(session::create_session))
                .route(web::delete().to(session::end_session)),
        )
        .service(resource("/auth/session/refresh").route(web::post().to(session::refresh_session)))
        .service(resource("/me").route(web::get().to(routes::me)))
        .service(resource("/me/password").route(web::post().to(routes::change_password)))
        .service(resource("/me/sessions/revoke").route(web::post().to(routes::revoke_my_sessions)))
        .service(
            resource("/users/{id}/sessions/revoke").route(web::post().to(routes::revoke_sessions)),
        );
}
