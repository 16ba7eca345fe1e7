//! The feed in RFC 5545, built with the `icalendar` crate from what the user may see.

use chrono::{DateTime, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};
use uuid::Uuid;

/// One entry of a feed.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Stable across reads: the kind and the row's id.
    pub uid: String,
    /// Counts the entry's moves.
    pub sequence: u32,
    /// When it last changed.
    pub modified: DateTime<Utc>,
    /// What it says: the vessel, the job's number, what happens.
    pub summary: String,
    /// A line more.
    pub description: Option<String>,
    /// When.
    pub when: When,
    /// The job it is of, for the link into the app.
    pub job: Option<Uuid>,
}

/// When an entry happens.
#[derive(Debug, Clone)]
pub enum When {
    /// From one instant to another.
    Span(DateTime<Utc>, DateTime<Utc>),
    /// A whole day.
    Day(NaiveDate),
}

/// The calendar of `entries`, named for the yard, each linking into the app at `base`
/// (`https://slipway.yard.example`).
pub fn calendar(yard_name: &str, base: &str, entries: &[Entry]) -> String {
    let mut calendar = Calendar::new();
    calendar.name(&format!("Slipway · {yard_name}"));
    for e in entries {
        let mut event = Event::new();
        event
            .uid(&e.uid)
            .sequence(e.sequence)
            .timestamp(e.modified)
            .last_modified(e.modified)
            .summary(&e.summary);
        match e.when {
            When::Span(starts, ends) => event.starts(starts).ends(ends),
            When::Day(day) => event.all_day(day),
        };
        if let Some(job) = e.job {
            event.url(&format!("{base}/app/jobs/{job}"));
        }
        if let Some(description) = &e.description {
            event.description(description);
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_uid_sequence_and_link() {
        let job = Uuid::nil();
        let at: DateTime<Utc> = "2026-12-01T08:00:00Z".parse().unwrap();
        let text = calendar(
            "Weihai; Yard",
            "https://yard.example",
            &[
                Entry {
                    uid: "booking-1@slipway".into(),
                    sequence: 3,
                    modified: at,
                    summary: "Hellas Trader, J-2026-0006: Dry Dock No. 1".into(),
                    description: None,
                    when: When::Span(at, at + chrono::Duration::days(10)),
                    job: Some(job),
                },
                Entry {
                    uid: "redelivery-1@slipway".into(),
                    sequence: 0,
                    modified: at,
                    summary: "Redelivery".into(),
                    description: Some("Contractual".into()),
                    when: When::Day("2026-12-15".parse().unwrap()),
                    job: None,
                },
            ],
        );
        let parsed: Calendar = text.parse().unwrap();
        let events: Vec<_> = parsed.events().collect();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].get_uid(), Some("booking-1@slipway"));
        assert_eq!(events[0].get_sequence(), Some(3));
        assert_eq!(
            events[0].get_summary(),
            Some("Hellas Trader, J-2026-0006: Dry Dock No. 1")
        );
        assert_eq!(
            events[0].get_url(),
            Some("https://yard.example/app/jobs/00000000-0000-0000-0000-000000000000")
        );
        assert!(text.contains("DTSTART;VALUE=DATE:20261215"), "{text}");
        assert!(text.contains("Slipway · Weihai"), "{text}");
    }
}
