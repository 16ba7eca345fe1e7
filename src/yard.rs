//! The yard itself: its name, base currency and calendar. Days (for work-log dates, the
//! daily report, certificate validity) are calendar days in the yard's time zone, not UTC.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

/// The yard's name, time zone and base currency.
#[derive(Debug, Clone)]
pub struct Yard {
    /// From `SLIPWAY_YARD_NAME`.
    pub name: String,
    /// From `SLIPWAY_YARD_TZ`.
    pub tz: Tz,
    /// From `SLIPWAY_YARD_CURRENCY` (ISO 4217).
    pub currency: String,
}

impl Yard {
    /// A yard with the default name and currency in time zone `tz`.
    pub fn in_zone(tz: Tz) -> Self {
        Self {
            name: "Slipway yard".to_owned(),
            tz,
            currency: "USD".to_owned(),
        }
    }

    /// The calendar day an instant falls on at the yard.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Today at the yard.
    pub fn today(&self) -> NaiveDate {
        self.day_of(Utc::now())
    }

    /// The instant a yard wall-clock time names (in a DST gap, the first instant after
    /// it; in a repeated hour, the first of the two).
    pub fn instant(&self, local: chrono::NaiveDateTime) -> DateTime<Utc> {
        self.tz
            .from_local_datetime(&local)
            .earliest()
            .unwrap_or_else(|| self.tz.from_utc_datetime(&local))
            .with_timezone(&Utc)
    }

    /// The instants `[start, end)` of a yard calendar day.
    pub fn day_bounds(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        // A day starts at its first existing instant (a DST gap can skip midnight).
        let start_of =
            |d: NaiveDate| self.instant(d.and_hms_opt(0, 0, 0).expect("midnight exists"));
        (start_of(day), start_of(day.succ_opt().unwrap_or(day)))
    }
}

/// `GET /yard`: what every signed-in user's screens need to know of the yard.
#[derive(Debug, Serialize, ToSchema)]
pub struct YardView {
    /// The yard's name.
    pub name: String,
    /// Its IANA time zone, in which the web app shows times.
    #[schema(example = "Asia/Shanghai")]
    pub time_zone: String,
    /// Its base currency (ISO 4217).
    #[schema(example = "USD")]
    pub currency: String,
}

/// The yard's name, time zone and base currency (any signed-in user).
#[utoipa::path(get, path = "/api/v1/yard", tag = "operations", security(("bearer" = [])),
    responses(
        (status = 200, description = "The yard", body = YardView),
    ))]
pub async fn get_yard(
    _user: crate::auth::AuthUser,
    yard: actix_web::web::Data<Yard>,
) -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(YardView {
        name: yard.name.clone(),
        time_zone: yard.tz.name().to_owned(),
        currency: yard.currency.clone(),
    })
}

/// Registers `/yard` (inside the API scope).
pub fn routes(cfg: &mut actix_web::web::ServiceConfig) {
    cfg.service(crate::http::resource("/yard").route(actix_web::web::get().to(get_yard)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weihai_day_starts_at_16_utc_the_day_before() {
        let yard = Yard::in_zone(chrono_tz::Asia::Shanghai);
        let (start, end) = yard.day_bounds(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        assert_eq!(start.to_rfc3339(), "2026-03-01T16:00:00+00:00");
        assert_eq!(end.to_rfc3339(), "2026-03-02T16:00:00+00:00");
        let late_evening_utc = "2026-03-01T17:30:00Z".parse().unwrap();
        assert_eq!(
            yard.day_of(late_evening_utc),
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
    }
}
