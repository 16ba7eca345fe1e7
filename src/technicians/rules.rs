//! The certification gate: a technician may work a task that requires a certification
//! only if one certificate of that type is valid from the first to the last day of the
//! assignment (yard calendar days). Pure and unit-tested.

use chrono::NaiveDate;

/// Why no certificate covers the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CertificateGap {
    /// The technician holds no certificate of the type.
    Missing,
    /// The best certificate started in time but runs out on this day, before the window ends.
    Expired(NaiveDate),
    /// Every certificate of the type is issued after the window starts; the earliest on
    /// this day.
    NotYetValid(NaiveDate),
}

/// `None` when one of `certificates` (`issued_on`, `expires_on`) covers
/// `first_day..=last_day`; otherwise the reason, most useful first.
pub fn certificate_gap(
    certificates: &[(NaiveDate, NaiveDate)],
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Option<CertificateGap> {
    if certificates
        .iter()
        .any(|(issued, expires)| *issued <= first_day && *expires >= last_day)
    {
        return None;
    }
    let started: Option<NaiveDate> = certificates
        .iter()
        .filter(|(issued, _)| *issued <= first_day)
        .map(|(_, expires)| *expires)
        .max();
    if let Some(expires) = started {
        return Some(CertificateGap::Expired(expires));
    }
    match certificates.iter().map(|(issued, _)| *issued).min() {
        Some(issued) => Some(CertificateGap::NotYetValid(issued)),
        None => Some(CertificateGap::Missing),
    }
}

impl CertificateGap {
    /// A sentence naming the certification type.
    pub fn describe(&self, code: &str) -> String {
        match self {
            Self::Missing => {
                format!("the technician holds no {code} certification, which the task requires")
            }
            Self::Expired(on) => {
                format!(
                    "the technician's {code} certification expires on {on}, before the assignment ends"
                )
            }
            Self::NotYetValid(on) => {
                format!(
                    "the technician's {code} certification is not valid until {on}, after the assignment starts"
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_certificate_covering_the_whole_window_passes() {
        let certs = [(d("2025-01-01"), d("2027-01-01"))];
        assert_eq!(
            certificate_gap(&certs, d("2026-06-01"), d("2026-06-10")),
            None
        );
        // Valid on the first and the last day exactly.
        let exact = [(d("2026-06-01"), d("2026-06-10"))];
        assert_eq!(
            certificate_gap(&exact, d("2026-06-01"), d("2026-06-10")),
            None
        );
    }

    #[test]
    fn no_certificate_is_missing() {
        assert_eq!(
            certificate_gap(&[], d("2026-06-01"), d("2026-06-10")),
            Some(CertificateGap::Missing)
        );
    }

    #[test]
    fn a_certificate_running_out_mid_window_is_expired() {
        let certs = [(d("2024-01-01"), d("2026-06-05"))];
        assert_eq!(
            certificate_gap(&certs, d("2026-06-01"), d("2026-06-10")),
            Some(CertificateGap::Expired(d("2026-06-05")))
        );
    }

    #[test]
    fn a_certificate_issued_after_the_start_is_not_yet_valid() {
        let certs = [(d("2026-06-03"), d("2029-01-01"))];
        assert_eq!(
            certificate_gap(&certs, d("2026-06-01"), d("2026-06-10")),
            Some(CertificateGap::NotYetValid(d("2026-06-03")))
        );
    }

    #[test]
    fn an_old_and_a_renewed_certificate_do_not_add_up() {
        // Neither alone covers the window; the yard needs one valid certificate throughout.
        let certs = [
            (d("2024-01-01"), d("2026-06-05")),
            (d("2026-06-06"), d("2028-06-06")),
        ];
        assert_eq!(
            certificate_gap(&certs, d("2026-06-01"), d("2026-06-10")),
            Some(CertificateGap::Expired(d("2026-06-05")))
        );
    }

    #[test]
    fn messages_name_the_type() {
        assert!(
            CertificateGap::Missing
                .describe("WELD-3G")
                .contains("WELD-3G")
        );
        assert!(
            CertificateGap::Expired(d("2026-06-05"))
                .describe("NDT-UT2")
                .contains("2026-06-05")
        );
    }
}
