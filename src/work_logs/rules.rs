//! The rules of a work log, as pure functions: what a shift may be, which jobs take
//! logs, and what a log's reported progress makes of its task. Unit-tested here; the
//! database backs the one rule it can enforce itself (no two logs of a technician
//! overlap, `work_logs_no_overlap`).

use chrono::{DateTime, Duration, Utc};

use crate::{error::FieldError, jobs::rules::JobStatus, tasks::models::TaskStatus};

/// Longest work log.
pub const MAX_SHIFT_HOURS: i64 = 16;
/// How far in the future a log may end (clock skew of a technician's device).
pub const CLOCK_SKEW_MINUTES: i64 = 5;
/// Longest description, in characters (after trimming).
pub const MAX_DESCRIPTION_CHARS: usize = 5000;

/// A shift as a technician reports it.
#[derive(Debug, Clone, Copy)]
pub struct Shift<'a> {
    /// Start.
    pub started_at: DateTime<Utc>,
    /// End.
    pub ended_at: DateTime<Utc>,
    /// What was done, trimmed.
    pub description: &'a str,
    /// Progress reported for the task.
    pub progress_percent: Option<i32>,
}

/// Every way `shift`, checked at `now`, breaks the rules, one entry per field; empty
/// when it is a shift that may be logged. It ends after it starts, lasts at most
/// [`MAX_SHIFT_HOURS`], ends no later than [`CLOCK_SKEW_MINUTES`] after `now`, says in 1
/// to [`MAX_DESCRIPTION_CHARS`] characters what was done, and reports 0 to 100 %.
pub fn shift_errors(shift: Shift<'_>, now: DateTime<Utc>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if shift.ended_at <= shift.started_at {
        errors.push(FieldError::new("ended_at", "must be after started_at"));
    } else if shift.ended_at - shift.started_at > Duration::hours(MAX_SHIFT_HOURS) {
        errors.push(FieldError::new(
            "ended_at",
            format!("a work log covers at most {MAX_SHIFT_HOURS} hours"),
        ));
    }
    if shift.ended_at > now + Duration::minutes(CLOCK_SKEW_MINUTES) {
        errors.push(FieldError::new("ended_at", "must not be in the future"));
    }
    if !(1..=MAX_DESCRIPTION_CHARS).contains(&shift.description.chars().count()) {
        errors.push(FieldError::new(
            "description",
            format!("must be 1 to {MAX_DESCRIPTION_CHARS} characters"),
        ));
    }
    if let Some(p) = shift.progress_percent
        && !(0..=100).contains(&p)
    {
        errors.push(FieldError::new(
            "progress_percent",
            "must be between 0 and 100",
        ));
    }
    errors
}

/// Whether work is logged on a job in `status`: only while it is in progress.
pub fn takes_work_logs(status: JobStatus) -> bool {
    status == JobStatus::InProgress
}

/// The statuses of [`takes_work_logs`], for the statement that checks it again under
/// the job's lock.
pub fn statuses_taking_work_logs() -> Vec<&'static str> {
    JobStatus::ALL
        .iter()
        .copied()
        .filter(|s| takes_work_logs(*s))
        .map(JobStatus::as_str)
        .collect()
}

/// The task's status after a log reporting `progress`: an open task is now in progress,
/// 100 % is done.
pub fn task_status_for(progress: Option<i32>) -> TaskStatus {
    match progress {
        Some(p) if p >= 100 => TaskStatus::Done,
        _ => TaskStatus::InProgress,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    const NOW: &str = "2026-12-01T12:00:00Z";

    fn shift(start: &str, end: &str) -> Shift<'static> {
        Shift {
            started_at: at(start),
            ended_at: at(end),
            description: "Renewed 4 m2 of shell plating, frame 112",
            progress_percent: Some(40),
        }
    }

    fn fields(shift: Shift<'_>) -> Vec<String> {
        shift_errors(shift, at(NOW))
            .into_iter()
            .map(|e| e.field)
            .collect()
    }

    #[test]
    fn a_shift_of_the_morning_may_be_logged() {
        assert!(fields(shift("2026-12-01T06:00:00Z", "2026-12-01T11:30:00Z")).is_empty());
    }

    #[test]
    fn a_shift_ends_after_it_starts() {
        let same = shift("2026-12-01T06:00:00Z", "2026-12-01T06:00:00Z");
        assert_eq!(fields(same), ["ended_at"]);
        let backwards = shift("2026-12-01T06:00:00Z", "2026-12-01T05:00:00Z");
        assert_eq!(fields(backwards), ["ended_at"]);
    }

    #[test]
    fn a_shift_lasts_at_most_sixteen_hours() {
        assert!(fields(shift("2026-11-30T18:00:00Z", "2026-12-01T10:00:00Z")).is_empty());
        let long = shift("2026-11-30T18:00:00Z", "2026-12-01T10:00:01Z");
        let errors = shift_errors(long, at(NOW));
        assert_eq!(errors.len(), 1);
        assert!(
            errors[0].message.contains("16 hours"),
            "{}",
            errors[0].message
        );
    }

    #[test]
    fn a_shift_may_end_five_minutes_ahead_of_the_clock_and_no_more() {
        assert!(fields(shift("2026-12-01T08:00:00Z", "2026-12-01T12:05:00Z")).is_empty());
        assert_eq!(
            fields(shift("2026-12-01T08:00:00Z", "2026-12-01T12:05:01Z")),
            ["ended_at"]
        );
    }

    #[test]
    fn a_description_says_something_and_not_too_much() {
        let mut s = shift("2026-12-01T06:00:00Z", "2026-12-01T07:00:00Z");
        s.description = "";
        assert_eq!(fields(s), ["description"]);
        let long = "é".repeat(MAX_DESCRIPTION_CHARS);
        s.description = &long;
        assert!(fields(s).is_empty(), "characters are counted, not bytes");
        let longer = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        s.description = &longer;
        assert_eq!(fields(s), ["description"]);
    }

    #[test]
    fn progress_is_a_percentage() {
        let mut s = shift("2026-12-01T06:00:00Z", "2026-12-01T07:00:00Z");
        for ok in [None, Some(0), Some(100)] {
            s.progress_percent = ok;
            assert!(fields(s).is_empty(), "{ok:?}");
        }
        for bad in [Some(-1), Some(101)] {
            s.progress_percent = bad;
            assert_eq!(fields(s), ["progress_percent"], "{bad:?}");
        }
    }

    #[test]
    fn every_broken_rule_is_named() {
        let s = Shift {
            started_at: at("2026-12-01T11:00:00Z"),
            ended_at: at("2026-12-01T10:59:00Z"),
            description: " ".trim(),
            progress_percent: Some(120),
        };
        assert_eq!(fields(s), ["ended_at", "description", "progress_percent"]);
    }

    #[test]
    fn only_a_job_in_progress_takes_work_logs() {
        for &status in JobStatus::ALL {
            assert_eq!(takes_work_logs(status), status == JobStatus::InProgress);
        }
        assert_eq!(statuses_taking_work_logs(), ["in_progress"]);
    }

    #[test]
    fn reported_progress_moves_the_task() {
        assert_eq!(task_status_for(None), TaskStatus::InProgress);
        assert_eq!(task_status_for(Some(0)), TaskStatus::InProgress);
        assert_eq!(task_status_for(Some(99)), TaskStatus::InProgress);
        assert_eq!(task_status_for(Some(100)), TaskStatus::Done);
    }
}
