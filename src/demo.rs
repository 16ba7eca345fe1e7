//! `slipway seed-demo`: a realistic demo yard in Weihai, the same every run.
//!
//! Docks of every kind, client organisations from RU, EG, IT, GR, LK and CN with their
//! users, 33 vessels, technicians of several trades with certificates (some expired, some
//! running out), jobs in every status with tasks, dock bookings, assignments and work
//! logs, exchange rates, and three years (2019-2021) of closed jobs whose trade-volume
//! report shows USD 123.0 million in 2020, +76.7 % on 2019. Ids are UUIDv5 of stable
//! names, so documentation and tests can rely on them.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection, SimpleAsyncConnection};
use uuid::Uuid;

use crate::vessels::rules::normalize_imo;

/// The password of every demo login.
pub const DEMO_PASSWORD: &str = "slipway-demo-2026";

/// The email domain of the demo logins.
const DOMAIN: &str = "demo.slipway.example";

const NAMESPACE: Uuid = Uuid::from_u128(0x5a1f_3a7e_0d0c_4b1e_9c1e_7e1d_0c5e_a5e5);

/// A stable id for a demo object.
pub fn demo_id(name: &str) -> Uuid {
    Uuid::new_v5(&NAMESPACE, name.as_bytes())
}

fn q(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn opt(text: Option<&str>) -> String {
    text.map_or_else(|| "NULL".to_owned(), q)
}

fn ts(at: DateTime<Utc>) -> String {
    q(&at.to_rfc3339())
}

/// An instant in Weihai local time.
fn weihai(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    chrono_tz::Asia::Shanghai
        .with_ymd_and_hms(y, m, d, h, min, 0)
        .single()
        .expect("Weihai has no daylight saving")
        .with_timezone(&Utc)
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// A valid IMO number from six digits.
fn imo(six: u32) -> String {
    let digits = format!("{six:06}");
    let sum: u32 = digits
        .bytes()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    let number = format!("{digits}{}", sum % 10);
    debug_assert!(normalize_imo(&number).is_ok());
    number
}

/// A demo login to print.
pub struct Login {
    /// Who it is.
    pub who: String,
    /// Email.
    pub email: String,
}

/// The demo's client organisations: key, name, country, user name.
const ORGS: [(&str, &str, &str, &str); 6] = [
    ("ru", "Sovfracht Murmansk", "RU", "Anna Petrova"),
    ("eg", "Alexandria Bulk Shipping", "EG", "Ahmed Hassan"),
    ("it", "Navigazione Adriatica", "IT", "Giulia Romano"),
    ("gr", "Piraeus Bulk Carriers", "GR", "Nikos Papadopoulos"),
    ("lk", "Ceylon Ocean Lines", "LK", "Nuwan Perera"),
    ("cn", "Shandong Ocean Fishing", "CN", "Li Na"),
];

/// Vessels: owner key, name, type, flag, whether it has an IMO number.
const VESSELS: [(&str, &str, &str, &str, bool); 33] = [
    ("ru", "Kapitan Dranitsyn", "other", "RU", true),
    ("ru", "Akademik Ioffe", "research", "RU", true),
    ("ru", "Murmansk Trader", "bulk_carrier", "RU", true),
    ("ru", "Polar Star", "fishing", "RU", true),
    ("ru", "Kola Bay", "tanker", "RU", true),
    ("ru", "Severomorsk Carrier", "general_cargo", "RU", true),
    ("eg", "Alexandria Pride", "bulk_carrier", "EG", true),
    ("eg", "Nile Star", "tanker", "EG", true),
    ("eg", "Pharos", "container_ship", "MT", true),
    ("eg", "Port Said Express", "ro_ro", "EG", true),
    ("eg", "Sinai Spirit", "bulk_carrier", "PA", true),
    ("it", "Adriatica Prima", "ro_ro", "IT", true),
    ("it", "Stella di Genova", "passenger", "IT", true),
    ("it", "Laguna Veneta", "tanker", "IT", true),
    ("it", "Mare Nostrum", "general_cargo", "IT", true),
    ("it", "Bora", "tug", "IT", true),
    ("gr", "Aegean Glory", "bulk_carrier", "GR", true),
    ("gr", "Hellas Trader", "bulk_carrier", "GR", true),
    ("gr", "Piraeus Star", "tanker", "MH", true),
    ("gr", "Kalliopi", "container_ship", "LR", true),
    ("gr", "Ionian Sea", "tanker", "GR", true),
    ("gr", "Thessaloniki Bridge", "bulk_carrier", "GR", true),
    ("lk", "Ceylon Pearl", "general_cargo", "LK", true),
    ("lk", "Lanka Ranger", "offshore", "LK", true),
    ("lk", "Galle Fisher 7", "fishing", "LK", false),
    ("lk", "Colombo Trader", "container_ship", "LK", true),
    ("lk", "Samudra Research", "research", "LK", true),
    ("cn", "Lu Rong Yu 6011", "fishing", "CN", false),
    ("cn", "Lu Rong Yu 6012", "fishing", "CN", false),
    ("cn", "Shandong Explorer", "research", "CN", true),
    ("cn", "Weihai Star", "bulk_carrier", "CN", true),
    ("cn", "Xiang Yang Hong 18", "research", "CN", true),
    ("cn", "Lu Wei Yu 88", "fishing", "CN", true),
];

/// Typical dimensions by type: gross tonnage, LOA, beam, draft, lightweight.
fn dimensions(kind: &str) -> (f64, f64, f64, f64, f64) {
    match kind {
        "bulk_carrier" => (32_000.0, 190.0, 32.3, 12.5, 9_800.0),
        "tanker" => (29_000.0, 183.0, 32.2, 11.8, 11_200.0),
        "container_ship" => (35_000.0, 210.0, 32.2, 11.5, 12_500.0),
        "general_cargo" => (6_500.0, 120.0, 20.0, 7.5, 3_200.0),
        "ro_ro" => (25_000.0, 180.0, 28.0, 7.0, 9_000.0),
        "passenger" => (30_000.0, 175.0, 28.0, 6.8, 9_500.0),
        "fishing" => (1_200.0, 55.0, 11.0, 4.8, 900.0),
        "research" => (4_500.0, 90.0, 17.0, 6.0, 2_800.0),
        "offshore" => (2_800.0, 75.0, 17.0, 6.5, 2_100.0),
        "tug" => (450.0, 32.0, 11.0, 4.5, 380.0),
        _ => (12_000.0, 130.0, 26.5, 8.5, 8_500.0),
    }
}

/// Technicians: key, name, trade, certificates (type, issued, expires).
type Cert = (&'static str, (i32, u32, u32), (i32, u32, u32));
const TECHNICIANS: [(&str, &str, &str, &[Cert]); 8] = [
    (
        "liu",
        "Liu Yang",
        "welder",
        &[
            ("WELD-3G", (2024, 3, 1), (2027, 3, 1)),
            ("WELD-6G", (2023, 6, 1), (2026, 12, 20)),
        ],
    ),
    (
        "wang",
        "Wang Fang",
        "welder",
        &[("WELD-3G", (2022, 1, 10), (2026, 11, 10))],
    ),
    (
        "chen",
        "Chen Jie",
        "ndt_inspector",
        &[("NDT-UT2", (2025, 1, 15), (2028, 1, 15))],
    ),
    (
        "zhao",
        "Zhao Lei",
        "electrician",
        &[("ELEC-HV", (2024, 5, 1), (2026, 12, 31))],
    ),
    ("sun", "Sun Hao", "pipefitter", &[]),
    (
        "zhou",
        "Zhou Min",
        "painter",
        &[("COAT-INSP", (2025, 2, 1), (2027, 2, 1))],
    ),
    ("wu", "Wu Qiang", "fitter", &[]),
    (
        "xu",
        "Xu Jing",
        "rigger",
        &[("RIG-L2", (2021, 1, 1), (2026, 10, 31))],
    ),
];

const CERT_TYPES: [(&str, &str); 6] = [
    (
        "WELD-3G",
        "Welder qualification, vertical position (ISO 9606-1 3G)",
    ),
    (
        "WELD-6G",
        "Welder qualification, pipe 45 degrees fixed (ISO 9606-1 6G)",
    ),
    ("NDT-UT2", "Ultrasonic testing level 2 (ISO 9712)"),
    ("ELEC-HV", "High-voltage electrical work on board"),
    ("COAT-INSP", "Coating inspector (NACE/FROSIO)"),
    ("RIG-L2", "Rigger and slinger level 2"),
];

/// Fails unless the database holds no organisations, users, vessels or jobs.
async fn ensure_empty(conn: &mut AsyncPgConnection) -> anyhow::Result<()> {
    use diesel_async::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let found: Count = diesel::sql_query(
        "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM organizations) \
         + (SELECT count(*) FROM vessels) + (SELECT count(*) FROM jobs) + (SELECT count(*) FROM docks) AS n",
    )
    .get_result(conn)
    .await?;
    anyhow::ensure!(
        found.n == 0,
        "the database is not empty ({} rows of users, organisations, vessels, jobs and docks); \
         seed-demo only loads into an empty database",
        found.n
    );
    Ok(())
}

/// The day the demo's current jobs were written around: `seed` moves them, with their
/// bookings, assignments, work logs and certificates, by as many days as `today` is
/// after it. The closed history of 2019-2021 stays where it is.
pub const ANCHOR_DAY: (i32, u32, u32) = (2026, 11, 26);

/// Today in the demo yard (Weihai).
pub fn today_in_weihai() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive()
}

/// Loads the demo yard, its current work placed around `today`, in one transaction and
/// returns the logins to print.
pub async fn seed(
    conn: &mut AsyncPgConnection,
    password_hash: &str,
    today: NaiveDate,
) -> anyhow::Result<Vec<Login>> {
    let sql = build_sql(password_hash, today);
    conn.transaction(async |conn| {
        ensure_empty(conn).await?;
        conn.batch_execute(&sql).await?;
        Ok::<_, anyhow::Error>(())
    })
    .await?;
    let mut logins = vec![Login {
        who: "yard manager".into(),
        email: format!("harbour.master@{DOMAIN}"),
    }];
    logins.push(Login {
        who: "technician (welder, Liu Yang)".into(),
        email: format!("liu@{DOMAIN}"),
    });
    logins.push(Login {
        who: "technician (electrician, Zhao Lei)".into(),
        email: format!("zhao@{DOMAIN}"),
    });
    for (key, org, country, name) in ORGS {
        logins.push(Login {
            who: format!("client {country}: {name}, {org}"),
            email: format!("client.{key}@{DOMAIN}"),
        });
    }
    Ok(logins)
}

/// A job of the demo, written as SQL.
struct DemoJob<'a> {
    key: String,
    number: String,
    vessel: &'a str,
    org: &'a str,
    title: &'a str,
    description: &'a str,
    priority: &'a str,
    status: &'a str,
    quote: Option<(&'a str, &'a str)>,
    planned: Option<(DateTime<Utc>, DateTime<Utc>)>,
    closed_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    /// Status path after `requested`, with the time of each step and a note.
    path: Vec<(&'a str, DateTime<Utc>, Option<&'a str>)>,
}

fn org_of(vessel: &str) -> &'static str {
    VESSELS
        .iter()
        .find(|v| v.1 == vessel)
        .map(|v| v.0)
        .expect("a demo vessel")
}

fn write_job(sql: &mut String, job: &DemoJob<'_>) {
    let id = demo_id(&job.key);
    let (quote_amount, quote_currency) = job
        .quote
        .map_or(("NULL".to_owned(), "NULL".to_owned()), |(a, c)| {
            (a.to_owned(), q(c))
        });
    let (planned_start, planned_end) = job
        .planned
        .map_or(("NULL".to_owned(), "NULL".to_owned()), |(s, e)| {
            (ts(s), ts(e))
        });
    let (invoiced_amount, invoiced_currency, closed_at) = match (job.closed_at, job.quote) {
        (Some(at), Some((a, c))) => (a.to_owned(), q(c), ts(at)),
        _ => ("NULL".to_owned(), "NULL".to_owned(), "NULL".to_owned()),
    };
    let last = job.path.last().map_or(job.created_at, |p| p.1);
    let _ = writeln!(
        sql,
        "INSERT INTO jobs (id, number, vessel_id, organization_id, title, description, priority, status, \
         quote_amount, quote_currency, planned_start, planned_end, invoiced_amount, invoiced_currency, closed_at, \
         created_by, created_at, updated_at, version) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {quote_amount}, \
         {quote_currency}, {planned_start}, {planned_end}, {invoiced_amount}, {invoiced_currency}, {closed_at}, {}, {}, {}, {});",
        q(&id.to_string()),
        q(&job.number),
        q(&demo_id(&format!("vessel:{}", job.vessel)).to_string()),
        q(&demo_id(&format!("org:{}", job.org)).to_string()),
        q(job.title),
        q(job.description),
        q(job.priority),
        q(job.status),
        q(&demo_id(&format!("client:{}", job.org)).to_string()),
        ts(job.created_at),
        ts(last),
        1 + job.path.len(),
    );
    let manager = demo_id("manager");
    let client = demo_id(&format!("client:{}", job.org));
    let _ = writeln!(
        sql,
        "INSERT INTO job_events (job_id, at, kind, from_status, to_status, actor_id, actor_role) \
         VALUES ({}, {}, 'created', NULL, 'requested', {}, 'client');",
        q(&id.to_string()),
        ts(job.created_at),
        q(&client.to_string())
    );
    let mut from = "requested";
    for (to, at, note) in &job.path {
        let (kind, actor, role) = match *to {
            "quoted" => ("quoted", manager, "manager"),
            "approved" => ("status_changed", client, "client"),
            _ => ("status_changed", manager, "manager"),
        };
        let _ = writeln!(
            sql,
            "INSERT INTO job_events (job_id, at, kind, from_status, to_status, actor_id, actor_role, note) \
             VALUES ({}, {}, {}, {}, {}, {}, {}, {});",
            q(&id.to_string()),
            ts(*at),
            q(kind),
            q(from),
            q(to),
            q(&actor.to_string()),
            q(role),
            opt(*note)
        );
        from = to;
    }
}

/// The whole demo as one SQL script, its current work placed around `today`.
fn build_sql(password_hash: &str, today: NaiveDate) -> String {
    let shift = today - day(ANCHOR_DAY.0, ANCHOR_DAY.1, ANCHOR_DAY.2);
    let mut sql = String::new();
    let uid = |name: &str| q(&demo_id(name).to_string());

    // Organisations and users.
    let _ = writeln!(
        sql,
        "INSERT INTO users (id, email, full_name, password_hash, role) VALUES ({}, {}, 'Zhang Wei', {}, 'manager');",
        uid("manager"),
        q(&format!("harbour.master@{DOMAIN}")),
        q(password_hash)
    );
    for (key, name, country, person) in ORGS {
        let _ = writeln!(
            sql,
            "INSERT INTO organizations (id, name, country, created_at) VALUES ({}, {}, {}, '2019-01-02T00:00:00Z');",
            uid(&format!("org:{key}")),
            q(name),
            q(country)
        );
        let _ = writeln!(
            sql,
            "INSERT INTO users (id, email, full_name, password_hash, role, organization_id) \
             VALUES ({}, {}, {}, {}, 'client', {});",
            uid(&format!("client:{key}")),
            q(&format!("client.{key}@{DOMAIN}")),
            q(person),
            q(password_hash),
            uid(&format!("org:{key}"))
        );
    }

    // Certification types, technicians and their certificates.
    for (code, name) in CERT_TYPES {
        let _ = writeln!(
            sql,
            "INSERT INTO certification_types (code, name) VALUES ({}, {});",
            q(code),
            q(name)
        );
    }
    for (n, (key, name, trade, certs)) in TECHNICIANS.iter().enumerate() {
        let _ = writeln!(
            sql,
            "INSERT INTO users (id, email, full_name, password_hash, role) VALUES ({}, {}, {}, {}, 'technician');",
            uid(&format!("user:{key}")),
            q(&format!("{key}@{DOMAIN}")),
            q(name),
            q(password_hash)
        );
        let _ = writeln!(
            sql,
            "INSERT INTO technicians (id, user_id, trade, employee_number) VALUES ({}, {}, {}, {});",
            uid(&format!("tech:{key}")),
            uid(&format!("user:{key}")),
            q(trade),
            q(&format!("WH-{:04}", 101 + n))
        );
        for (code, issued, expires) in *certs {
            let _ = writeln!(
                sql,
                "INSERT INTO technician_certifications (technician_id, certification_type, certificate_number, \
                 issued_by, issued_on, expires_on) VALUES ({}, {}, {}, 'China Classification Society', {}, {});",
                uid(&format!("tech:{key}")),
                q(code),
                q(&format!("CCS-{code}-{:05}", 20_000 + n * 37)),
                q(&(day(issued.0, issued.1, issued.2) + shift).to_string()),
                q(&(day(expires.0, expires.1, expires.2) + shift).to_string())
            );
        }
    }

    // Docks.
    for (name, kind, l, b, d, lift) in [
        ("Dry Dock No. 1", "graving_dock", 320.0, 55.0, 14.0, None),
        ("Dry Dock No. 2", "graving_dock", 250.0, 42.0, 13.0, None),
        (
            "Floating Dock Weihai 8",
            "floating_dock",
            210.0,
            36.0,
            9.0,
            Some(18_000.0),
        ),
        ("Slipway A", "slipway", 90.0, 18.0, 5.0, Some(2_500.0)),
        ("Repair Berth 3", "repair_berth", 350.0, 60.0, 16.0, None),
    ] {
        let _ = writeln!(
            sql,
            "INSERT INTO docks (id, name, kind, max_length_m, max_beam_m, max_draft_m, lifting_capacity_t) \
             VALUES ({}, {}, {}, {l}, {b}, {d}, {});",
            uid(&format!("dock:{name}")),
            q(name),
            q(kind),
            lift.map_or("NULL".to_owned(), |x: f64| x.to_string())
        );
    }

    // Vessels.
    for (n, (owner, name, kind, flag, has_imo)) in VESSELS.iter().enumerate() {
        let (gt, loa, beam, draft, lightweight) = dimensions(kind);
        let stretch = (n % 5) as f64;
        // One small trawler has no recorded lightweight: no lifting dock will take it.
        let lightweight = if *name == "Galle Fisher 7" {
            "NULL".to_owned()
        } else {
            (lightweight + stretch * 40.0).to_string()
        };
        let imo_number = has_imo.then(|| imo(930_101 + n as u32 * 173));
        let _ = writeln!(
            sql,
            "INSERT INTO vessels (id, imo_number, name, vessel_type, flag, owner_organization_id, gross_tonnage, \
             length_overall_m, beam_m, draft_m, lightweight_t, year_built, class_society, created_at) \
             VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {beam}, {draft}, {lightweight}, {}, {}, '2019-01-03T00:00:00Z');",
            uid(&format!("vessel:{name}")),
            opt(imo_number.as_deref()),
            q(name),
            q(kind),
            q(flag),
            uid(&format!("org:{owner}")),
            gt + stretch * 150.0,
            loa + stretch * 1.5,
            1995 + (n as i32 * 7) % 28,
            q(["DNV", "LR", "BV", "RINA", "CCS", "RS", "ABS"][n % 7])
        );
    }

    // Exchange rates.
    for (currency, from, rate) in [
        ("EUR", day(2019, 1, 1), "1.1200"),
        ("EUR", day(2020, 1, 1), "1.1400"),
        ("EUR", day(2021, 1, 1), "1.1800"),
        ("EUR", day(2022, 1, 1), "1.0500"),
        ("EUR", day(2026, 1, 1), "1.0850"),
        ("CNY", day(2019, 1, 1), "0.1450"),
        ("CNY", day(2020, 7, 1), "0.1500"),
        ("CNY", day(2021, 1, 1), "0.1550"),
        ("CNY", day(2026, 1, 1), "0.1390"),
        ("RUB", day(2026, 1, 1), "0.0125"),
        ("EGP", day(2026, 1, 1), "0.0205"),
        ("LKR", day(2026, 1, 1), "0.0033"),
    ] {
        let _ = writeln!(
            sql,
            "INSERT INTO fx_rates (currency, valid_from, usd_per_unit) VALUES ({}, {}, {rate});",
            q(currency),
            q(&from.to_string())
        );
    }

    write_history(&mut sql);
    write_current(&mut sql, shift, today.year());
    sql
}

/// A foreign-currency job of the history: currency, amount, month, day, owner key.
type ForeignJob = (&'static str, i64, u32, u32, &'static str);
/// A year of history: year, USD revenue, its foreign-currency jobs, how many USD jobs.
type HistoryYear = (i32, i64, &'static [ForeignJob], usize);
/// A task: key, job, title, hours, certification, status, progress.
type DemoTask = (
    &'static str,
    Uuid,
    &'static str,
    f64,
    Option<&'static str>,
    &'static str,
    i32,
);
/// An assignment: technician, task, job key, first (month, day), end (month, day).
type DemoAssignment = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
);

/// Closed jobs of 2019-2021: revenue 69.6, 123.0 and 131.25 million USD.
fn write_history(sql: &mut String) {
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

/// This year's jobs, one or more in every status, with tasks, bookings, assignments and
/// work logs for the ones under way.
/// The jobs under way, with their docks, people and findings: written around
/// [`ANCHOR_DAY`], moved by `shift`, numbered in `year`.
fn write_current(sql: &mut String, shift: Duration, year: i32) {
    let at = |m: u32, d: u32, h: u32| weihai(2026, m, d, h, 0) + shift;
    let mut n = 0;
    let mut job = |sql: &mut String,
                   vessel: &'static str,
                   title: &'static str,
                   status: &'static str,
                   quote: Option<(&'static str, &'static str)>,
                   planned: Option<(DateTime<Utc>, DateTime<Utc>)>,
                   path: Vec<(&'static str, DateTime<Utc>, Option<&'static str>)>|
     -> Uuid {
        n += 1;
        let key = format!("job:{year}:{n}");
        let created_at = path
            .first()
            .map_or(at(11, 20, 9), |p| p.1 - Duration::days(6));
        write_job(
            sql,
            &DemoJob {
                key: key.clone(),
                number: format!("J-{year}-{n:04}"),
                vessel,
                org: org_of(vessel),
                title,
                description: "See the attached repair specification.",
                priority: if status == "in_progress" {
                    "high"
                } else {
                    "normal"
                },
                status,
                quote,
                planned,
                closed_at: (status == "closed").then(|| path.last().expect("a closed path").1),
                created_at,
                path,
            },
        );
        demo_id(&key)
    };
    let uid = |name: &str| q(&demo_id(name).to_string());

    job(
        sql,
        "Nile Star",
        "Boiler survey and tube renewal",
        "requested",
        None,
        None,
        vec![],
    );
    job(
        sql,
        "Galle Fisher 7",
        "Propeller and stern tube inspection",
        "quoted",
        Some(("86500.00", "USD")),
        None,
        vec![(
            "quoted",
            at(11, 25, 11),
            Some("Slipway A, five days; includes new stern tube seals."),
        )],
    );
    job(
        sql,
        "Stella di Genova",
        "Annual survey and lifeboat davit overhaul",
        "quoted",
        Some(("480000.00", "EUR")),
        None,
        vec![(
            "quoted",
            at(11, 24, 10),
            Some("Valid for 30 days; davit parts from the maker."),
        )],
    );
    let approved = job(
        sql,
        "Akademik Ioffe",
        "Ice belt steel renewal",
        "approved",
        Some(("1250000.00", "USD")),
        None,
        vec![
            ("quoted", at(11, 10, 10), None),
            ("approved", at(11, 14, 16), None),
        ],
    );
    let scheduled = job(
        sql,
        "Aegean Glory",
        "Special survey, hull coating and sea valves",
        "scheduled",
        Some(("2100000.00", "USD")),
        Some((at(12, 1, 8), at(12, 21, 17))),
        vec![
            ("quoted", at(10, 20, 10), None),
            ("approved", at(10, 27, 15), None),
            ("scheduled", at(11, 2, 9), None),
        ],
    );
    let hellas = job(
        sql,
        "Hellas Trader",
        "Docking: blasting, coating, shell plating and tailshaft",
        "in_progress",
        Some(("1850000.00", "USD")),
        Some((at(11, 15, 8), at(12, 5, 17))),
        vec![
            ("quoted", at(10, 5, 10), None),
            ("approved", at(10, 9, 15), None),
            ("scheduled", at(10, 20, 9), None),
            ("in_progress", at(11, 15, 8), None),
        ],
    );
    let explorer = job(
        sql,
        "Shandong Explorer",
        "Main switchboard overhaul and ballast piping",
        "in_progress",
        Some(("6800000.00", "CNY")),
        Some((at(11, 18, 8), at(12, 10, 17))),
        vec![
            ("quoted", at(10, 12, 10), None),
            ("approved", at(10, 15, 11), None),
            ("scheduled", at(11, 1, 9), None),
            ("in_progress", at(11, 18, 8), None),
        ],
    );
    let held = job(
        sql,
        "Alexandria Pride",
        "Hold frames and tank top renewal",
        "on_hold",
        Some(("950000.00", "USD")),
        Some((at(11, 1, 8), at(11, 20, 17))),
        vec![
            ("quoted", at(9, 20, 10), None),
            ("approved", at(9, 25, 15), None),
            ("scheduled", at(10, 10, 9), None),
            ("in_progress", at(11, 1, 8), None),
            (
                "on_hold",
                at(11, 12, 14),
                Some("Waiting for class approval of the steel renewal plan."),
            ),
        ],
    );
    let completed = job(
        sql,
        "Murmansk Trader",
        "Rudder stock and bearing renewal",
        "completed",
        Some(("720000.00", "USD")),
        Some((at(10, 1, 8), at(10, 25, 17))),
        vec![
            ("quoted", at(8, 25, 10), None),
            ("approved", at(8, 29, 15), None),
            ("scheduled", at(9, 10, 9), None),
            ("in_progress", at(10, 1, 8), None),
            ("completed", at(10, 24, 16), None),
        ],
    );
    job(
        sql,
        "Laguna Veneta",
        "Cargo tank coating repairs",
        "closed",
        Some(("610000.00", "EUR")),
        Some((at(8, 20, 8), at(9, 25, 17))),
        vec![
            ("quoted", at(7, 10, 10), None),
            ("approved", at(7, 16, 15), None),
            ("scheduled", at(8, 1, 9), None),
            ("in_progress", at(8, 20, 8), None),
            ("completed", at(9, 25, 16), None),
            ("closed", at(9, 30, 11), None),
        ],
    );
    job(
        sql,
        "Colombo Trader",
        "Bow thruster overhaul",
        "cancelled",
        None,
        None,
        vec![(
            "cancelled",
            at(11, 3, 10),
            Some("The owner sold the vessel."),
        )],
    );
    job(
        sql,
        "Piraeus Star",
        "Cargo pump overhaul and deck piping renewal",
        "quoted",
        Some(("642000.00", "USD")),
        None,
        vec![(
            "quoted",
            at(11, 24, 15),
            Some("Valid 30 days; 18 days in Repair Berth 3."),
        )],
    );
    let _ = writeln!(
        sql,
        "INSERT INTO job_number_counters (year, last_value) VALUES ({year}, {n});"
    );

    // Dock bookings of the jobs that have a dock.
    for (name, dock, vessel, job_id, (s, e)) in [
        (
            "aegean",
            "Dry Dock No. 2",
            "Aegean Glory",
            scheduled,
            (at(12, 1, 8), at(12, 21, 17)),
        ),
        (
            "hellas",
            "Dry Dock No. 1",
            "Hellas Trader",
            hellas,
            (at(11, 15, 8), at(12, 5, 17)),
        ),
        (
            "explorer",
            "Floating Dock Weihai 8",
            "Shandong Explorer",
            explorer,
            (at(11, 18, 8), at(12, 10, 17)),
        ),
        (
            "alexandria",
            "Repair Berth 3",
            "Alexandria Pride",
            held,
            (at(11, 1, 8), at(11, 20, 17)),
        ),
        (
            "murmansk",
            "Dry Dock No. 2",
            "Murmansk Trader",
            completed,
            (at(10, 1, 8), at(10, 25, 17)),
        ),
    ] {
        let _ = writeln!(
            sql,
            "INSERT INTO dock_bookings (id, dock_id, vessel_id, job_id, starts_at, ends_at, created_by) \
             VALUES ({}, {}, {}, {}, {}, {}, {});",
            uid(&format!("booking:{name}")),
            uid(&format!("dock:{dock}")),
            uid(&format!("vessel:{vessel}")),
            q(&job_id.to_string()),
            ts(s),
            ts(e),
            uid("manager")
        );
    }
    // A vessel waiting for its turn, without a job yet.
    let _ = writeln!(
        sql,
        "INSERT INTO dock_bookings (id, dock_id, vessel_id, starts_at, ends_at, notes, created_by) \
         VALUES ({}, {}, {}, {}, {}, 'Provisional: owner to confirm the repair list.', {});",
        uid("booking:lu-rong-yu"),
        uid("dock:Slipway A"),
        uid("vessel:Lu Rong Yu 6011"),
        ts(at(12, 8, 8)),
        ts(at(12, 14, 17)),
        uid("manager")
    );

    // Tasks: (key, job, title, hours, certification, status, progress)
    let tasks: [DemoTask; 12] = [
        (
            "hellas-blast",
            hellas,
            "Grit blasting and hull coating",
            400.0,
            Some("COAT-INSP"),
            "in_progress",
            60,
        ),
        (
            "hellas-plate",
            hellas,
            "Shell plating renewal, bilge strake",
            300.0,
            Some("WELD-3G"),
            "in_progress",
            35,
        ),
        (
            "hellas-ut",
            hellas,
            "UT thickness gauging",
            80.0,
            Some("NDT-UT2"),
            "done",
            100,
        ),
        (
            "hellas-shaft",
            hellas,
            "Tailshaft withdrawal and survey",
            120.0,
            None,
            "in_progress",
            20,
        ),
        (
            "explorer-switchboard",
            explorer,
            "Main switchboard overhaul",
            160.0,
            Some("ELEC-HV"),
            "in_progress",
            45,
        ),
        (
            "explorer-piping",
            explorer,
            "Renew ballast piping, port side",
            200.0,
            None,
            "in_progress",
            30,
        ),
        (
            "alexandria-frames",
            held,
            "Hold frames renewal",
            350.0,
            Some("WELD-3G"),
            "in_progress",
            25,
        ),
        (
            "alexandria-tanktop",
            held,
            "Tank top plating",
            250.0,
            Some("WELD-3G"),
            "open",
            0,
        ),
        (
            "murmansk-rudder",
            completed,
            "Rudder stock renewal",
            220.0,
            Some("WELD-6G"),
            "done",
            100,
        ),
        (
            "murmansk-bearing",
            completed,
            "Rudder carrier bearing",
            90.0,
            None,
            "done",
            100,
        ),
        (
            "aegean-coating",
            scheduled,
            "Underwater hull coating",
            380.0,
            Some("COAT-INSP"),
            "open",
            0,
        ),
        (
            "aegean-valves",
            scheduled,
            "Overhaul sea valves",
            140.0,
            None,
            "open",
            0,
        ),
    ];
    for (key, job_id, title, hours, cert, status, progress) in tasks {
        let _ = writeln!(
            sql,
            "INSERT INTO tasks (id, job_id, title, estimated_hours, required_certification, status, progress_percent, created_at) \
             VALUES ({}, {}, {}, {hours}, {}, {}, {progress}, {});",
            uid(&format!("task:{key}")),
            q(&job_id.to_string()),
            q(title),
            opt(cert),
            q(status),
            ts(at(10, 1, 8))
        );
    }

    // Assignments and the work logged under them (08:00-12:00 and 13:00-17:00 Weihai).
    let assignments: [DemoAssignment; 6] = [
        ("zhou", "hellas-blast", "hellas", (11, 16), (12, 5)),
        ("liu", "hellas-plate", "hellas", (11, 16), (12, 5)),
        ("chen", "hellas-ut", "hellas", (11, 16), (11, 22)),
        ("wu", "hellas-shaft", "hellas", (11, 17), (12, 5)),
        (
            "zhao",
            "explorer-switchboard",
            "explorer",
            (11, 18),
            (12, 10),
        ),
        ("sun", "explorer-piping", "explorer", (11, 18), (12, 10)),
    ];
    for (tech, task, job_key, (m1, d1), (m2, d2)) in assignments {
        let assignment = format!("assignment:{tech}");
        let job_id = if job_key == "hellas" {
            hellas
        } else {
            explorer
        };
        let _ = writeln!(
            sql,
            "INSERT INTO assignments (id, task_id, technician_id, starts_at, ends_at, created_by) \
             VALUES ({}, {}, {}, {}, {}, {});",
            uid(&assignment),
            uid(&format!("task:{task}")),
            uid(&format!("tech:{tech}")),
            ts(at(m1, d1, 0)),
            ts(at(m2, d2, 0)),
            uid("manager")
        );
        let last_day = if (m2, d2) < (11, 26) { d2 - 1 } else { 25 };
        for d in d1..=last_day {
            for (from, to) in [(8, 12), (13, 17)] {
                let _ = writeln!(
                    sql,
                    "INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, started_at, ended_at, description) \
                     VALUES ({}, {}, {}, {}, {}, {}, {});",
                    uid(&assignment),
                    uid(&format!("tech:{tech}")),
                    uid(&format!("task:{task}")),
                    q(&job_id.to_string()),
                    ts(at(11, d, from)),
                    ts(at(11, d, to)),
                    q(&format!(
                        "Shift work on {}, day {}.",
                        task.replace('-', " "),
                        d - d1 + 1
                    ))
                );
            }
        }
    }

    // Additional work found under way.
    for (key, job_id, description, amount, currency, status) in [
        (
            "hellas-bilge",
            hellas,
            "Renew 14 m2 of shell plating at the bilge strake",
            "38500.00",
            "USD",
            "pending",
        ),
        (
            "hellas-grating",
            hellas,
            "Replace sea chest grating",
            "6200.00",
            "USD",
            "approved",
        ),
        (
            "explorer-cable",
            explorer,
            "Renew 120 m of damaged HV cable",
            "185000.00",
            "CNY",
            "pending",
        ),
        (
            "murmansk-pintle",
            completed,
            "Renew rudder pintle bush",
            "14800.00",
            "USD",
            "approved",
        ),
        (
            "ioffe-knife",
            approved,
            "Renew the ice knife plating found cracked at survey",
            "42000.00",
            "USD",
            "pending",
        ),
        (
            "alexandria-frames",
            held,
            "Class asks for 6 more hold frames in No. 4 hold",
            "61500.00",
            "USD",
            "pending",
        ),
    ] {
        let decided = if status == "pending" {
            "NULL, NULL".to_owned()
        } else {
            format!(
                "{}, {}",
                ts(at(11, 20, 10)),
                uid(&format!(
                    "client:{}",
                    if job_id == completed { "ru" } else { "gr" }
                ))
            )
        };
        let _ = writeln!(
            sql,
            "INSERT INTO additional_work (id, job_id, description, amount, currency, status, decided_at, decided_by, created_at) \
             VALUES ({}, {}, {}, {amount}, {}, {}, {decided}, {});",
            uid(&format!("additional:{key}")),
            q(&job_id.to_string()),
            q(description),
            q(currency),
            q(status),
            ts(at(11, 19, 15))
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_imo_numbers_are_valid_and_distinct() {
        let numbers: Vec<String> = (0..33u32).map(|n| imo(930_101 + n * 173)).collect();
        for n in &numbers {
            assert!(normalize_imo(n).is_ok(), "{n}");
        }
        let mut unique = numbers.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), numbers.len());
    }

    #[test]
    fn the_script_is_the_same_every_time() {
        let today = day(2026, 12, 1);
        assert_eq!(build_sql("hash", today), build_sql("hash", today));
        assert!(VESSELS.len() >= 30);
    }
}
