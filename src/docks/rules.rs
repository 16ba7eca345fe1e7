//! The rules of a dock booking, as pure functions, unit-tested here: whether a vessel
//! fits a dock, and what a booking's period and notes may be. The database enforces the
//! rest (no two live bookings of a dock or of a vessel overlap: exclusion constraints).

use chrono::{DateTime, Utc};

use crate::error::FieldError;

/// Longest booking notes, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;

/// A booking's period ends after it starts.
pub fn period_error(starts: DateTime<Utc>, ends: DateTime<Utc>) -> Option<FieldError> {
    (ends <= starts).then(|| FieldError::new("ends_at", "must be after starts_at"))
}

/// A booking's notes are at most [`MAX_NOTES_CHARS`] characters.
pub fn notes_error(notes: Option<&str>) -> Option<FieldError> {
    notes
        .filter(|n| n.chars().count() > MAX_NOTES_CHARS)
        .map(|_| {
            FieldError::new(
                "notes",
                format!("must be at most {MAX_NOTES_CHARS} characters"),
            )
        })
}

/// The limits of a dock.
#[derive(Debug, Clone, Copy)]
pub struct DockLimits {
    /// Longest vessel, metres.
    pub max_length_m: f64,
    /// Widest vessel, metres.
    pub max_beam_m: f64,
    /// Deepest draft, metres.
    pub max_draft_m: f64,
    /// Heaviest lightweight a lifting dock (floating dock, shiplift) can take, tonnes.
    pub lifting_capacity_t: Option<f64>,
}

/// The size of a vessel.
#[derive(Debug, Clone, Copy)]
pub struct VesselSize {
    /// Length overall, metres.
    pub length_overall_m: f64,
    /// Beam, metres.
    pub beam_m: f64,
    /// Draft, metres.
    pub draft_m: f64,
    /// Lightweight, tonnes, if known.
    pub lightweight_t: Option<f64>,
}

/// One limit a vessel does not meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Misfit {
    /// The dock's limit that failed (`max_length_m`, `max_beam_m`, `max_draft_m`,
    /// `lifting_capacity_t`).
    pub limit: &'static str,
    /// Both numbers, for a person.
    pub message: String,
}

/// Every limit the vessel fails; empty when it fits. A vessel exactly at a limit fits.
/// On a dock with a lifting capacity, an unknown lightweight is a refusal: the yard
/// cannot lift a ship whose weight it does not know.
pub fn misfits(vessel: VesselSize, dock: DockLimits) -> Vec<Misfit> {
    let mut out = Vec::new();
    let mut over = |limit: &'static str, what: &str, value: f64, max: f64, unit: &str| {
        if value > max {
            out.push(Misfit {
                limit,
                message: format!(
                    "the vessel's {what} of {value} {unit} is over the dock's limit of {max} {unit}"
                ),
            });
        }
    };
    over(
        "max_length_m",
        "length overall",
        vessel.length_overall_m,
        dock.max_length_m,
        "m",
    );
    over("max_beam_m", "beam", vessel.beam_m, dock.max_beam_m, "m");
    over(
        "max_draft_m",
        "draft",
        vessel.draft_m,
        dock.max_draft_m,
        "m",
    );
    if let Some(capacity) = dock.lifting_capacity_t {
        match vessel.lightweight_t {
            Some(weight) => over("lifting_capacity_t", "lightweight", weight, capacity, "t"),
            None => out.push(Misfit {
                limit: "lifting_capacity_t",
                message: format!(
                    "the vessel's lightweight is unknown and the dock lifts at most {capacity} t"
                ),
            }),
        }
    }
    out
}

/// Whether the vessel fits.
pub fn fits(vessel: VesselSize, dock: DockLimits) -> bool {
    misfits(vessel, dock).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_booking_ends_after_it_starts() {
        let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        assert!(period_error(at("2027-03-01T00:00:00Z"), at("2027-03-15T00:00:00Z")).is_none());
        for end in ["2027-03-01T00:00:00Z", "2027-02-28T00:00:00Z"] {
            let e = period_error(at("2027-03-01T00:00:00Z"), at(end)).unwrap();
            assert_eq!(e.field, "ends_at");
        }
    }

    #[test]
    fn notes_are_optional_and_at_most_two_thousand_characters() {
        assert!(notes_error(None).is_none());
        let most = "ü".repeat(MAX_NOTES_CHARS);
        assert!(notes_error(Some(&most)).is_none(), "characters, not bytes");
        let over = "x".repeat(MAX_NOTES_CHARS + 1);
        assert_eq!(notes_error(Some(&over)).unwrap().field, "notes");
    }

    const DOCK: DockLimits = DockLimits {
        max_length_m: 200.0,
        max_beam_m: 34.0,
        max_draft_m: 9.0,
        lifting_capacity_t: None,
    };
    const SHIP: VesselSize = VesselSize {
        length_overall_m: 190.0,
        beam_m: 32.2,
        draft_m: 8.5,
        lightweight_t: Some(9800.0),
    };

    #[test]
    fn a_vessel_within_every_limit_fits() {
        assert!(fits(SHIP, DOCK));
    }

    #[test]
    fn a_vessel_exactly_at_the_limits_fits() {
        let exact = VesselSize {
            length_overall_m: 200.0,
            beam_m: 34.0,
            draft_m: 9.0,
            lightweight_t: Some(5000.0),
        };
        assert!(fits(
            exact,
            DockLimits {
                lifting_capacity_t: Some(5000.0),
                ..DOCK
            }
        ));
    }

    #[test]
    fn each_dimension_over_its_limit_is_named_with_both_numbers() {
        for (vessel, limit, numbers) in [
            (
                VesselSize {
                    length_overall_m: 200.5,
                    ..SHIP
                },
                "max_length_m",
                ["200.5 m", "200 m"],
            ),
            (
                VesselSize {
                    beam_m: 34.1,
                    ..SHIP
                },
                "max_beam_m",
                ["34.1 m", "34 m"],
            ),
            (
                VesselSize {
                    draft_m: 9.25,
                    ..SHIP
                },
                "max_draft_m",
                ["9.25 m", "9 m"],
            ),
        ] {
            let found = misfits(vessel, DOCK);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].limit, limit);
            for n in numbers {
                assert!(found[0].message.contains(n), "{}", found[0].message);
            }
        }
    }

    #[test]
    fn too_heavy_for_the_lift_is_a_misfit() {
        let lift = DockLimits {
            lifting_capacity_t: Some(8000.0),
            ..DOCK
        };
        let found = misfits(SHIP, lift);
        assert_eq!(found[0].limit, "lifting_capacity_t");
        assert!(found[0].message.contains("9800 t") && found[0].message.contains("8000 t"));
    }

    #[test]
    fn an_unknown_lightweight_is_refused_only_by_a_lifting_dock() {
        let unknown = VesselSize {
            lightweight_t: None,
            ..SHIP
        };
        assert!(fits(unknown, DOCK));
        let found = misfits(
            unknown,
            DockLimits {
                lifting_capacity_t: Some(20000.0),
                ..DOCK
            },
        );
        assert_eq!(found.len(), 1);
        assert!(found[0].message.contains("unknown"));
    }

    #[test]
    fn every_failing_limit_is_reported() {
        let huge = VesselSize {
            length_overall_m: 300.0,
            beam_m: 50.0,
            draft_m: 15.0,
            lightweight_t: None,
        };
        let limits: Vec<_> = misfits(
            huge,
            DockLimits {
                lifting_capacity_t: Some(1.0),
                ..DOCK
            },
        )
        .into_iter()
        .map(|m| m.limit)
        .collect();
        assert_eq!(
            limits,
            [
                "max_length_m",
                "max_beam_m",
                "max_draft_m",
                "lifting_capacity_t"
            ]
        );
    }
}
