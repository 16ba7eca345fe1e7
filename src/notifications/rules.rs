//! Pure rules of notifications.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use super::models::EventKind;
use crate::error::FieldError;

/// The yard day whose `daily_report.ready` is due at `now` (yard time) when reports go
/// out at `at`: yesterday once `at` has passed today, else the day before. Only that day
/// is sent: an instance that was down for a day does not send a backlog.
pub fn report_day_due(now: NaiveDateTime, at: NaiveTime) -> NaiveDate {
    let back = if now.time() >= at { 1 } else { 2 };
    now.date() - chrono::Days::new(back)
}

/// The next moment (yard wall-clock time) after `now` at which reports go out at `at`:
/// today's if it is still ahead, else tomorrow's. The dispatcher sleeps until then.
pub fn next_report_moment(now: NaiveDateTime, at: NaiveTime) -> NaiveDateTime {
    let today = now.date().and_time(at);
    if now < today {
        today
    } else {
        today + chrono::Days::new(1)
    }
}

/// `SLIPWAY_DAILY_REPORT_AT`: `HH:MM`, yard time.
pub fn parse_report_at(text: &str) -> Result<NaiveTime, String> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("`{text}` is not a time of day like 07:00"))
}

/// The kinds a user or webhook may subscribe to, each once (a list of at most the seven).
pub fn check_kinds(kinds: &[EventKind]) -> Result<Vec<&'static str>, FieldError> {
    if kinds.len() > EventKind::SUBSCRIBABLE.len() {
        return Err(FieldError::new(
            "kinds",
            format!("lists at most the {} kinds", EventKind::SUBSCRIBABLE.len()),
        ));
    }
    let mut names: Vec<&'static str> = Vec::new();
    for kind in kinds {
        if !kind.is_subscribable() {
            return Err(FieldError::new(
                "kinds",
                format!("`{}` is not a kind one subscribes to", kind.as_str()),
            ));
        }
        if !names.contains(&kind.as_str()) {
            names.push(kind.as_str());
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_report_of_yesterday_is_due_from_the_report_hour() {
        let seven = parse_report_at("07:00").unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(
            report_day_due(at("2026-12-02 07:00"), seven),
            day("2026-12-01")
        );
        assert_eq!(
            report_day_due(at("2026-12-02 23:59"), seven),
            day("2026-12-01")
        );
        assert_eq!(
            report_day_due(at("2026-12-02 06:59"), seven),
            day("2026-11-30")
        );
        assert_eq!(
            report_day_due(at("2026-03-01 00:00"), parse_report_at("00:00").unwrap()),
            day("2026-02-28")
        );
    }

    #[test]
    fn the_next_report_moment_is_today_until_it_passes_then_tomorrow() {
        let seven = parse_report_at("07:00").unwrap();
        assert_eq!(
            next_report_moment(at("2026-12-02 06:59"), seven),
            at("2026-12-02 07:00")
        );
        assert_eq!(
            next_report_moment(at("2026-12-02 07:00"), seven),
            at("2026-12-03 07:00")
        );
        assert_eq!(
            next_report_moment(at("2026-12-31 23:00"), seven),
            at("2027-01-01 07:00")
        );
    }

    #[test]
    fn a_report_hour_is_hours_and_minutes() {
        assert!(parse_report_at("7:30").is_ok());
        assert!(parse_report_at("25:00").is_err());
        assert!(parse_report_at("seven").is_err());
    }

    #[test]
    fn only_subscribable_kinds_are_accepted_and_repeats_dropped() {
        assert_eq!(
            check_kinds(&[EventKind::JobQuoted, EventKind::JobQuoted]).unwrap(),
            vec!["job.quoted"]
        );
        assert!(check_kinds(&[EventKind::WebhookTest]).is_err());
        assert!(check_kinds(&[EventKind::JobQuoted; EventKind::SUBSCRIBABLE.len() + 1]).is_err());
    }
}
