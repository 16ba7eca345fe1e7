//! The ledger's rules, pure: whose day each cause is, how late a decision was, how late
//! the job runs and what that costs.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};

crate::text_enum! {
    /// Why the contractual redelivery moved.
    pub enum Cause {
        /// An approved variation's time impact (automatic).
        Variation => "variation",
        /// A blocking variation decided after its respond-by (automatic).
        LateDecision => "late_decision",
        /// Equipment or material the owner supplies came late.
        OwnerSupplyLate => "owner_supply_late",
        /// The owner changed the scope outside a variation.
        OwnerScope => "owner_scope",
        /// Class required work or a survey outside the specification.
        ClassRequirement => "class_requirement",
        /// Weather stopped work (wind over the crane limit, rain on a paint day).
        Weather => "weather",
        /// An event neither party controls.
        ForceMajeure => "force_majeure",
        /// Anything else, said in the note.
        Other => "other",
    }
}

crate::text_enum! {
    /// Whose days an entry's are.
    pub enum Party {
        /// The owner's: its variations, late decisions, supplies and scope.
        Owner => "owner",
        /// Class's.
        Class => "class",
        /// Nobody's: weather, force majeure, other.
        Neutral => "neutral",
    }
}

crate::text_enum! {
    /// Where an entry stands.
    pub enum EntryStatus {
        /// It moves the date.
        Recorded => "recorded",
        /// The owner disputes it; it still moves the date, and the final account lists it.
        Disputed => "disputed",
        /// A manager withdrew it; it no longer counts.
        Withdrawn => "withdrawn",
    }
}

crate::text_enum! {
    /// Who made an entry.
    pub enum ByRole {
        /// Slipway, from a variation's decision.
        System => "system",
        /// A yard manager.
        Manager => "manager",
    }
}

impl Cause {
    /// The party whose days these are.
    pub fn party(self) -> Party {
        match self {
            Cause::Variation | Cause::LateDecision | Cause::OwnerSupplyLate | Cause::OwnerScope => {
                Party::Owner
            }
            Cause::ClassRequirement => Party::Class,
            Cause::Weather | Cause::ForceMajeure | Cause::Other => Party::Neutral,
        }
    }

    /// Made by Slipway from a variation's decision, never by hand.
    pub fn is_automatic(self) -> bool {
        matches!(self, Cause::Variation | Cause::LateDecision)
    }
}

/// The whole days a decision came after its respond-by, rounded up; `None` when it was
/// in time.
pub fn late_days(respond_by: DateTime<Utc>, decided_at: DateTime<Utc>) -> Option<i32> {
    let late = (decided_at - respond_by).num_seconds();
    (late > 0).then(|| i32::try_from((late + 86_399) / 86_400).unwrap_or(i32::MAX))
}

/// How many days the job runs late: its completion day (once completed) or the yard's
/// forecast, after the contractual redelivery; 0 when it is on time or a date is missing.
pub fn days_late(
    current: Option<NaiveDate>,
    forecast: Option<NaiveDate>,
    completed: Option<NaiveDate>,
) -> i64 {
    match (current, completed.or(forecast)) {
        (Some(due), Some(end)) => (end - due).num_days().max(0),
        _ => 0,
    }
}

/// The liquidated damages `days_late` accrue: the daily rate times the days, capped;
/// `None` without damages terms.
pub fn damages(
    days_late: i64,
    per_day: Option<&BigDecimal>,
    max: Option<&BigDecimal>,
) -> Option<BigDecimal> {
    let accrued = per_day? * BigDecimal::from(days_late);
    Some(match max {
        Some(max) if &accrued > max => max.clone(),
        _ => accrued,
    })
}

/// A manager's entry: days -365..365 and not 0.
pub fn check_days(days: i32) -> Result<(), &'static str> {
    match days {
        0 => Err("must not be 0: an entry moves the date"),
        d if !(-365..=365).contains(&d) => Err("must be between -365 and 365"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn dec(text: &str) -> BigDecimal {
        text.parse().unwrap()
    }

    #[test]
    fn each_cause_has_its_party() {
        assert_eq!(Cause::Variation.party(), Party::Owner);
        assert_eq!(Cause::LateDecision.party(), Party::Owner);
        assert_eq!(Cause::OwnerSupplyLate.party(), Party::Owner);
        assert_eq!(Cause::OwnerScope.party(), Party::Owner);
        assert_eq!(Cause::ClassRequirement.party(), Party::Class);
        assert_eq!(Cause::Weather.party(), Party::Neutral);
        assert_eq!(Cause::ForceMajeure.party(), Party::Neutral);
        assert_eq!(Cause::Other.party(), Party::Neutral);
        assert!(Cause::Variation.is_automatic() && Cause::LateDecision.is_automatic());
        assert!(!Cause::Weather.is_automatic());
    }

    #[test]
    fn a_late_decision_counts_whole_days_rounded_up() {
        let due = at("2026-12-01T10:00:00Z");
        assert_eq!(late_days(due, at("2026-12-01T09:59:59Z")), None);
        assert_eq!(late_days(due, due), None);
        assert_eq!(late_days(due, at("2026-12-01T10:00:01Z")), Some(1));
        assert_eq!(late_days(due, at("2026-12-02T10:00:00Z")), Some(1));
        assert_eq!(late_days(due, at("2026-12-02T10:00:01Z")), Some(2));
        assert_eq!(late_days(due, at("2026-12-04T09:00:00Z")), Some(3));
    }

    #[test]
    fn days_late_count_from_the_forecast_or_the_completion() {
        let due = Some(day("2027-01-31"));
        assert_eq!(days_late(due, Some(day("2027-01-30")), None), 0);
        assert_eq!(days_late(due, Some(day("2027-01-31")), None), 0);
        assert_eq!(days_late(due, Some(day("2027-02-04")), None), 4);
        // Completed: the completion day, whatever the forecast said.
        assert_eq!(
            days_late(due, Some(day("2027-02-04")), Some(day("2027-01-29"))),
            0
        );
        assert_eq!(
            days_late(due, Some(day("2027-01-20")), Some(day("2027-02-02"))),
            2
        );
        assert_eq!(days_late(None, Some(day("2027-02-04")), None), 0);
        assert_eq!(days_late(due, None, None), 0);
    }

    #[test]
    fn damages_accrue_per_day_up_to_the_cap() {
        let rate = dec("12500.00");
        let cap = dec("100000.00");
        assert_eq!(damages(0, Some(&rate), Some(&cap)), Some(dec("0")));
        assert_eq!(damages(3, Some(&rate), Some(&cap)), Some(dec("37500.00")));
        assert_eq!(damages(8, Some(&rate), Some(&cap)), Some(dec("100000.00")));
        assert_eq!(damages(30, Some(&rate), Some(&cap)), Some(dec("100000.00")));
        assert_eq!(damages(30, None, None), None);
    }

    #[test]
    fn a_manual_entry_moves_the_date_within_a_year() {
        assert!(check_days(0).is_err());
        assert!(check_days(366).is_err());
        assert!(check_days(-366).is_err());
        assert!(check_days(365).is_ok() && check_days(-365).is_ok() && check_days(2).is_ok());
    }
}
