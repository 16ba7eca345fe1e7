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

mod contracts;
mod current;
mod data;
mod history;

use current::*;
use data::*;
use history::*;

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

/// `ALTER TABLE ... <verb> TRIGGER` for the triggers that freeze an awarded contract.
fn freeze_triggers(verb: &str) -> String {
    [
        ("jobs", "jobs_quote_frozen"),
        ("jobs", "jobs_currency_frozen"),
        ("tasks", "tasks_contract_frozen"),
        ("contract_terms", "contract_terms_frozen"),
    ]
    .iter()
    .map(|(table, trigger)| format!("ALTER TABLE {table} {verb} TRIGGER {trigger};"))
    .collect()
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
        // The contracts are loaded as they stand after their awards, not replayed through
        // them: the rules that freeze an awarded contract are off while it loads (and on
        // again before the transaction ends).
        conn.batch_execute(&freeze_triggers("DISABLE")).await?;
        conn.batch_execute(&sql).await?;
        // (The deferred triggers the load queued run first: a table with pending trigger
        // events cannot be altered.)
        conn.batch_execute(&format!(
            "SET CONSTRAINTS ALL IMMEDIATE; {}",
            freeze_triggers("ENABLE")
        ))
        .await?;
        // Its years of history are loaded in one go: history, not news. The events the
        // loading wrote (each stamped now) are dropped, so nobody is told of 2019 today.
        conn.batch_execute(
            "DELETE FROM webhook_deliveries; DELETE FROM notifications; DELETE FROM events;",
        )
        .await?;
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
    // The contract's currency is the quote's (the yard's, USD, before a quote); the award
    // is the owner's approval, its rate read once the rates are in (`build_sql`).
    let currency = q(job.quote.map_or("USD", |(_, c)| c));
    let awarded_at = job
        .path
        .iter()
        .find(|(to, ..)| *to == "approved")
        .map_or("NULL".to_owned(), |(_, at, _)| ts(*at));
    let _ = writeln!(
        sql,
        "INSERT INTO jobs (id, number, vessel_id, organization_id, title, description, priority, status, \
         quote_amount, quote_currency, planned_start, planned_end, invoiced_amount, invoiced_currency, closed_at, \
         created_by, created_at, updated_at, version, currency, awarded_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {quote_amount}, \
         {quote_currency}, {planned_start}, {planned_end}, {invoiced_amount}, {invoiced_currency}, {closed_at}, {}, {}, {}, {}, \
         {currency}, {awarded_at});",
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

    contracts::write_tariff(&mut sql);
    write_history(&mut sql);
    write_current(&mut sql, shift, today.year());
    // Each award fixed the rate of its day (in the yard's zone).
    let _ = writeln!(
        sql,
        "UPDATE jobs SET award_fx_usd_per_unit = \
             usd_per_unit(currency, (awarded_at AT TIME ZONE 'Asia/Shanghai')::date) \
         WHERE awarded_at IS NOT NULL;"
    );
    contracts::write_default_terms(&mut sql);
    sql
}
