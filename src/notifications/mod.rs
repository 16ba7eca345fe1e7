//! Notifications (SPEC section 7): nobody has to poll. Every change a party must hear of
//! writes an event in the transaction of the change (triggers in the migration
//! `notifications`, so every path that makes a change writes its event), fanned out to
//! an in-app notification per recipient, the mail to send, and a delivery per webhook.
//! The dispatcher of every instance sends them.

pub mod daily;
pub mod dispatch;
pub mod handlers;
pub mod mail;
pub mod models;
pub mod queries;
pub mod rules;

use actix_web::web;

use crate::http::resource;

/// Registers `/me/notifications` and `/me/notification-settings`.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/me/notifications").route(web::get().to(handlers::list_notifications)))
        .service(
            resource("/me/notifications/read-all")
                .route(web::post().to(handlers::read_all_notifications)),
        )
        .service(
            resource("/me/notifications/{id}/read")
                .route(web::post().to(handlers::read_notification)),
        )
        .service(
            resource("/me/notification-settings")
                .route(web::get().to(handlers::get_settings))
                .route(web::put().to(handlers::put_settings)),
        );
}
