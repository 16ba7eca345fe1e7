//! Calendars (SPEC section 15): each user's secret feed (RFC 5545) of what their role and
//! organisation may see (dock bookings, contractual redeliveries, variations' answer
//! deadlines, a technician's assignments), for a superintendent's calendar to subscribe
//! to. The address is derived from the service's secret and kept only as a hash.

pub mod handlers;
pub mod ics;
pub mod queries;

use actix_web::web;

use crate::http::resource;

/// Registers `/me/calendar-feed` and its rotation (inside `/api/v1`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/me/calendar-feed").route(web::get().to(handlers::get_feed)))
        .service(resource("/me/calendar-feed/rotate").route(web::post().to(handlers::rotate_feed)));
}

/// Registers the feed itself, `/calendar/<token>.ics` (outside the API: no sign-in).
pub fn feed_routes(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/calendar/{file}").route(web::get().to(handlers::feed)));
}
