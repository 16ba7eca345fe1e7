//! The yard's calendar: days (for work-log dates, the daily report, certificate validity)
//! are calendar days in the yard's time zone, not UTC.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The yard's time zone.
#[derive(Debug, Clone, Copy)]
pub struct Yard {
    /// From `SLIPWAY_YARD_TZ`.
    pub tz: Tz,
}

impl Yard {
    /// The calendar day an instant falls on at the yard.
    pub fn day_of(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Today at the yard.
    pub fn today(&self) -> NaiveDate {
        self.day_of(Utc::now())
    }

    /// The instants `[start, end)` of a yard calendar day.
    pub fn day_bounds(&self, day: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let start_of = |d: NaiveDate| {
            let midnight = d.and_hms_opt(0, 0, 0).expect("midnight exists");
            // A day starts at its first existing instant (a DST gap can skip midnight).
            self.tz
                .from_local_datetime(&midnight)
                .earliest()
                .unwrap_or_else(|| self.tz.from_utc_datetime(&midnight))
                .with_timezone(&Utc)
        };
        (start_of(day), start_of(day.succ_opt().unwrap_or(day)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_weihai_day_starts_at_16_utc_the_day_before() {
        let yard = Yard {
            tz: chrono_tz::Asia::Shanghai,
        };
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
