//! The demo's closed history of 2019-2021, whose trade-volume report the docs quote.

use super::*;

/// A foreign-currency job of the history: currency, amount, month, day, owner key.
pub(super) type ForeignJob = (&'static str, i64, u32, u32, &'static str);
/// A year of history: year, USD revenue, its foreign-currency jobs, how many USD jobs.
pub(super) type HistoryYear = (i32, i64, &'static [ForeignJob], usize);
/// A task: key, job, title, hours, certification, status, progress.
pub(super) type DemoTask = (
    &'static str,
    Uuid,
    &'static str,
    f64,
    Option<&'static str>,
    &'static str,
    i32,
);
/// An assignment: technician, task, job key, first (month, day), end (month, day).
pub(super) type DemoAssignment = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
);

/// Closed jobs of 2019-2021: revenue 69.6, 123.0 and 131.25 million USD.
pub(super) fn write_history(sql: &mut String) {
    // (year, USD target, foreign jobs: (currency, amount, month, day, org))
    let years: [HistoryYear; 3] = [
        (
            2019,
            69_600_000,
            &[
                ("EUR", 2_500_000, 5, 15, "it"),
                ("EUR", 1_800_000, 10, 10, "gr"),
                ("CNY", 12_000_000, 8, 20, "cn"),
            ],
            9,
        ),
        (
            2020,
            123_000_000,
            &[
                ("EUR", 3_200_000, 3, 10, "it"),
                ("EUR", 2_750_000, 6, 22, "gr"),
                ("EUR", 1_500_000, 11, 5, "it"),
                ("CNY", 20_000_000, 5, 15, "cn"),
                ("CNY", 16_000_000, 9, 30, "cn"),
            ],
            13,
        ),
        (
            2021,
            131_250_000,
            &[
                ("EUR", 2_000_000, 2, 14, "gr"),
                ("EUR", 4_100_000, 7, 7, "it"),
                ("EUR", 900_000, 12, 1, "gr"),
                ("CNY", 30_000_000, 4, 18, "cn"),
                ("CNY", 8_000_000, 9, 9, "cn"),
            ],
            15,
        ),
    ];
    // USD per unit as (numerator, denominator) on each close date, for the remainder.
    let rate = |currency: &str, year: i32, month: u32| -> (i64, i64) {
        match (currency, year) {
            ("EUR", 2019) => (112, 100),
            ("EUR", 2020) => (114, 100),
            ("EUR", 2021) => (118, 100),
            ("CNY", 2019) => (145, 1000),
            ("CNY", 2020) if month < 7 => (145, 1000),
            ("CNY", 2020) => (150, 1000),
            ("CNY", 2021) => (155, 1000),
            _ => unreachable!("no demo rate"),
        }
    };
    let usd_owners = [
        "gr", "ru", "eg", "it", "lk", "cn", "gr", "eg", "ru", "lk", "it", "gr", "eg", "ru", "cn",
    ];
    let titles = [
        (
            "Special survey and hull repairs",
            "Five-yearly class renewal: blasting, coating, steel renewal, valves.",
        ),
        (
            "Ballast water treatment retrofit",
            "Install BWTS unit, piping and electrical works.",
        ),
        (
            "Main engine overhaul",
            "Unit overhaul, crankshaft deflection, turbocharger service.",
        ),
        (
            "Propeller and rudder repairs",
            "Polish propeller, renew rudder bearing, pintle clearance.",
        ),
        (
            "Scrubber installation",
            "Exhaust gas cleaning system retrofit with funnel modification.",
        ),
    ];
    for (year, target, foreign, usd_jobs) in years {
        let mut jobs: Vec<(String, String, u32, u32, &str)> = Vec::new();
        let mut converted_cents: i64 = 0;
        for (currency, amount, month, d, org) in foreign {
            let (num, den) = rate(currency, year, *month);
            converted_cents += amount * 100 * num / den;
            jobs.push((
                (*currency).to_owned(),
                format!("{amount}.00"),
                *month,
                *d,
                org,
            ));
        }
        let remainder = target * 100 - converted_cents;
        let base = remainder / usd_jobs as i64 / 100_000 * 100_000;
        for (k, owner) in usd_owners.iter().enumerate().take(usd_jobs) {
            let cents = if k + 1 == usd_jobs {
                remainder - base * (usd_jobs as i64 - 1)
            } else {
                base
            };
            let month = (k as u32 * 5) % 12 + 1;
            jobs.push((
                "USD".to_owned(),
                format!("{}.{:02}", cents / 100, cents % 100),
                month,
                3 + (k as u32 * 7) % 24,
                owner,
            ));
        }
        jobs.sort_by_key(|j| (j.2, j.3));
        for (n, (currency, amount, month, d, org)) in jobs.iter().enumerate() {
            let closed = weihai(year, *month, *d, 16, 0);
            let vessels: Vec<_> = VESSELS.iter().filter(|v| v.0 == *org).collect();
            let vessel = vessels[n % vessels.len()].1;
            let (title, description) = titles[n % titles.len()];
            let quoted_at = closed - Duration::days(75);
            let start = closed - Duration::days(45);
            let end = closed - Duration::days(5);
            write_job(
                sql,
                &DemoJob {
                    key: format!("job:{year}:{n}"),
                    number: format!("J-{year}-{:04}", n + 1),
                    vessel,
                    org,
                    title,
                    description,
                    priority: "normal",
                    status: "closed",
                    quote: Some((amount, currency)),
                    planned: Some((start, end)),
                    closed_at: Some(closed),
                    created_at: closed - Duration::days(90),
                    path: vec![
                        ("quoted", quoted_at, None),
                        ("approved", quoted_at + Duration::days(4), None),
                        ("scheduled", quoted_at + Duration::days(6), None),
                        ("in_progress", start, None),
                        ("completed", end, None),
                        ("closed", closed, None),
                    ],
                },
            );
        }
        let _ = writeln!(
            sql,
            "INSERT INTO job_number_counters (year, last_value) VALUES ({year}, {});",
            jobs.len()
        );
    }
}
