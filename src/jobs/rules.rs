//! The repair job's status machine (SPEC section 5, "Repair jobs"), as pure functions.
//!
//! `POST /jobs/{id}/transitions` moves a job along the rows below; `PUT /jobs/{id}/quote`
//! is the only way into `quoted`. Everything here is free of I/O and unit-tested.

use crate::auth::Role;

crate::text_enum! {
    /// Where a repair job stands.
    pub enum JobStatus {
        /// The owner asked for a repair; no price yet.
        Requested => "requested",
        /// The yard has quoted a price.
        Quoted => "quoted",
        /// The owner accepted the quote.
        Approved => "approved",
        /// Dock and dates are fixed.
        Scheduled => "scheduled",
        /// Work is under way.
        InProgress => "in_progress",
        /// Work is paused.
        OnHold => "on_hold",
        /// Work is done, not yet invoiced.
        Completed => "completed",
        /// Invoiced; the total is fixed.
        Closed => "closed",
        /// Called off.
        Cancelled => "cancelled",
    }
}

crate::text_enum! {
    /// How urgent a job is.
    pub enum Priority {
        /// Whenever convenient.
        Low => "low",
        /// The usual.
        Normal => "normal",
        /// Soon.
        High => "high",
        /// The ship is losing money every day.
        Urgent => "urgent",
    }
}

impl JobStatus {
    /// Work may be assigned and extra work found: the job is between approval and
    /// completion.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::Scheduled | Self::InProgress | Self::OnHold
        )
    }

    /// Nothing about the job changes any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Closed | Self::Cancelled)
    }
}

/// One row of the transition table.
#[derive(Debug, Clone, Copy)]
struct Row {
    from: &'static [JobStatus],
    to: JobStatus,
    /// Whether the job's client may make this move (managers may make every move).
    client_may: bool,
    needs_note: bool,
    needs_planned_dates: bool,
}

use JobStatus::*;

/// The transition table of `POST /jobs/{id}/transitions`, one entry per SPEC row.
const ROWS: &[Row] = &[
    Row {
        from: &[Quoted],
        to: Approved,
        client_may: true,
        needs_note: false,
        needs_planned_dates: false,
    },
    Row {
        from: &[Quoted],
        to: Requested,
        client_may: true,
        needs_note: true,
        needs_planned_dates: false,
    },
    Row {
        from: &[Approved],
        to: Scheduled,
        client_may: false,
        needs_note: false,
        needs_planned_dates: true,
    },
    Row {
        from: &[Scheduled, OnHold],
        to: InProgress,
        client_may: false,
        needs_note: false,
        needs_planned_dates: false,
    },
    Row {
        from: &[InProgress],
        to: OnHold,
        client_may: false,
        needs_note: true,
        needs_planned_dates: false,
    },
    Row {
        from: &[InProgress],
        to: Completed,
        client_may: false,
        needs_note: false,
        needs_planned_dates: false,
    },
    Row {
        from: &[Completed],
        to: Closed,
        client_may: false,
        needs_note: false,
        needs_planned_dates: false,
    },
    Row {
        from: &[Requested, Quoted],
        to: Cancelled,
        client_may: true,
        needs_note: false,
        needs_planned_dates: false,
    },
    Row {
        from: &[Approved, Scheduled, InProgress, OnHold],
        to: Cancelled,
        client_may: false,
        needs_note: true,
        needs_planned_dates: false,
    },
];

fn may(row: &Row, role: Role) -> bool {
    match role {
        Role::Manager => true,
        Role::Client => row.client_may,
        Role::Technician => false,
    }
}

/// A move the transitions endpoint accepts, and what it needs besides the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Move {
    /// The status the job would move to.
    pub to: JobStatus,
    /// The move needs a `note` (the reason).
    pub needs_note: bool,
    /// The move needs the job's `planned_start` and `planned_end`.
    pub needs_planned_dates: bool,
}

/// The moves `role` may make from `from` through the transitions endpoint.
pub fn moves(from: JobStatus, role: Role) -> Vec<Move> {
    ROWS.iter()
        .filter(|r| r.from.contains(&from) && may(r, role))
        .map(|r| Move {
            to: r.to,
            needs_note: r.needs_note,
            needs_planned_dates: r.needs_planned_dates,
        })
        .collect()
}

/// The statuses `role` may move a job in `from` to through the transitions endpoint.
pub fn allowed_targets(from: JobStatus, role: Role) -> Vec<JobStatus> {
    moves(from, role).into_iter().map(|m| m.to).collect()
}

/// What the caller supplies besides the target.
#[derive(Debug, Clone, Copy, Default)]
pub struct Conditions {
    /// A non-blank `note` was given.
    pub has_note: bool,
    /// The job has `planned_start` and `planned_end`.
    pub has_planned_dates: bool,
}

/// Why a transition is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// No row allows it for this caller (409); these targets would be allowed.
    Illegal(Vec<JobStatus>),
    /// A row allows it but its condition is unmet (422): the missing fields.
    Missing(Vec<&'static str>),
}

/// Checks one transition of the table.
pub fn check_transition(
    from: JobStatus,
    to: JobStatus,
    role: Role,
    conditions: Conditions,
) -> Result<(), Refusal> {
    let Some(row) = ROWS
        .iter()
        .find(|r| r.from.contains(&from) && r.to == to && may(r, role))
    else {
        return Err(Refusal::Illegal(allowed_targets(from, role)));
    };
    let mut missing = Vec::new();
    if row.needs_note && !conditions.has_note {
        missing.push("note");
    }
    if row.needs_planned_dates && !conditions.has_planned_dates {
        missing.extend(["planned_start", "planned_end"]);
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(Refusal::Missing(missing))
    }
}

/// Whether a quote may be put on a job in `status` (`requested` or `quoted`).
pub fn may_quote(status: JobStatus) -> bool {
    matches!(status, Requested | Quoted)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: Conditions = Conditions {
        has_note: true,
        has_planned_dates: false,
    };
    const NOTHING: Conditions = Conditions {
        has_note: false,
        has_planned_dates: false,
    };
    const DATES: Conditions = Conditions {
        has_note: false,
        has_planned_dates: true,
    };

    #[test]
    fn client_or_manager_approves_a_quote() {
        for role in [Role::Client, Role::Manager] {
            assert_eq!(check_transition(Quoted, Approved, role, NOTHING), Ok(()));
        }
    }

    #[test]
    fn rejecting_a_quote_needs_a_note() {
        for role in [Role::Client, Role::Manager] {
            assert_eq!(check_transition(Quoted, Requested, role, NOTE), Ok(()));
            assert_eq!(
                check_transition(Quoted, Requested, role, NOTHING),
                Err(Refusal::Missing(vec!["note"]))
            );
        }
    }

    #[test]
    fn scheduling_needs_planned_dates_and_a_manager() {
        assert_eq!(
            check_transition(Approved, Scheduled, Role::Manager, DATES),
            Ok(())
        );
        assert_eq!(
            check_transition(Approved, Scheduled, Role::Manager, NOTHING),
            Err(Refusal::Missing(vec!["planned_start", "planned_end"]))
        );
        assert_eq!(
            check_transition(Approved, Scheduled, Role::Client, DATES),
            Err(Refusal::Illegal(vec![]))
        );
    }

    #[test]
    fn starting_and_resuming_work_is_for_managers() {
        for from in [Scheduled, OnHold] {
            assert_eq!(
                check_transition(from, InProgress, Role::Manager, NOTHING),
                Ok(())
            );
            assert!(matches!(
                check_transition(from, InProgress, Role::Client, NOTHING),
                Err(Refusal::Illegal(_))
            ));
        }
    }

    #[test]
    fn putting_on_hold_needs_a_note() {
        assert_eq!(
            check_transition(InProgress, OnHold, Role::Manager, NOTE),
            Ok(())
        );
        assert_eq!(
            check_transition(InProgress, OnHold, Role::Manager, NOTHING),
            Err(Refusal::Missing(vec!["note"]))
        );
    }

    #[test]
    fn completing_and_closing_are_for_managers() {
        assert_eq!(
            check_transition(InProgress, Completed, Role::Manager, NOTHING),
            Ok(())
        );
        assert_eq!(
            check_transition(Completed, Closed, Role::Manager, NOTHING),
            Ok(())
        );
        assert!(check_transition(InProgress, Completed, Role::Client, NOTHING).is_err());
        assert!(check_transition(Completed, Closed, Role::Client, NOTHING).is_err());
    }

    #[test]
    fn early_cancellation_is_open_to_the_client_without_a_note() {
        for from in [Requested, Quoted] {
            for role in [Role::Client, Role::Manager] {
                assert_eq!(check_transition(from, Cancelled, role, NOTHING), Ok(()));
            }
        }
    }

    #[test]
    fn late_cancellation_is_for_managers_with_a_note() {
        for from in [Approved, Scheduled, InProgress, OnHold] {
            assert_eq!(
                check_transition(from, Cancelled, Role::Manager, NOTE),
                Ok(())
            );
            assert_eq!(
                check_transition(from, Cancelled, Role::Manager, NOTHING),
                Err(Refusal::Missing(vec!["note"]))
            );
            assert!(matches!(
                check_transition(from, Cancelled, Role::Client, NOTE),
                Err(Refusal::Illegal(_))
            ));
        }
    }

    #[test]
    fn the_moves_of_a_status_say_what_each_needs() {
        assert_eq!(
            moves(Quoted, Role::Client),
            vec![
                Move {
                    to: Approved,
                    needs_note: false,
                    needs_planned_dates: false
                },
                Move {
                    to: Requested,
                    needs_note: true,
                    needs_planned_dates: false
                },
                Move {
                    to: Cancelled,
                    needs_note: false,
                    needs_planned_dates: false
                },
            ]
        );
        assert!(moves(Approved, Role::Client).is_empty());
        assert!(
            moves(Approved, Role::Manager)
                .iter()
                .any(|m| m.to == Scheduled && m.needs_planned_dates)
        );
    }

    #[test]
    fn technicians_may_make_no_move() {
        for from in JobStatus::ALL {
            assert!(allowed_targets(*from, Role::Technician).is_empty());
        }
    }

    #[test]
    fn closed_and_cancelled_jobs_never_move() {
        for role in [Role::Manager, Role::Client] {
            assert!(allowed_targets(Closed, role).is_empty());
            assert!(allowed_targets(Cancelled, role).is_empty());
        }
    }

    #[test]
    fn quoted_is_reached_only_through_the_quote_endpoint() {
        for from in JobStatus::ALL {
            assert!(!allowed_targets(*from, Role::Manager).contains(&Quoted));
        }
        assert!(may_quote(Requested) && may_quote(Quoted));
        assert!(!may_quote(Approved) && !may_quote(Closed));
    }

    #[test]
    fn refusals_list_what_this_caller_could_do() {
        assert_eq!(
            check_transition(Requested, Completed, Role::Manager, NOTHING),
            Err(Refusal::Illegal(vec![Cancelled]))
        );
        assert_eq!(
            check_transition(Quoted, Closed, Role::Client, NOTHING),
            Err(Refusal::Illegal(vec![Approved, Requested, Cancelled]))
        );
        assert_eq!(
            check_transition(InProgress, Scheduled, Role::Manager, NOTHING),
            Err(Refusal::Illegal(vec![OnHold, Completed, Cancelled]))
        );
        assert_eq!(
            check_transition(Approved, Cancelled, Role::Client, NOTE),
            Err(Refusal::Illegal(vec![]))
        );
    }
}
