//! Reports and exchange rates, recomputed by hand from the rows the tests create, and the
//! demo yard's figures.

use crate::common::{Session, TestApp};
use diesel_async::RunQueryDsl;
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

async fn put_rate(
    app: &TestApp,
    manager: &Session,
    currency: &str,
    rate: &str,
    from: &str,
) -> crate::common::Reply {
    app.request(
        Method::PUT,
        &format!("/api/v1/fx-rates/{currency}"),
        Some(&manager.token),
        Some(json!({"usd_per_unit": rate, "valid_from": from})),
    )
    .await
}

/// A job of `vessel` closed through the API for `amount currency`, then dated `closed_at`
/// (the API always closes "now"; the report is about the past).
async fn closed_job(
    app: &TestApp,
    manager: &Session,
    vessel: Uuid,
    amount: &str,
    currency: &str,
    closed_at: &str,
) -> Uuid {
    let job = app.job(manager, vessel).await;
    app.quote(manager, job, amount, currency).await.expect(200);
    app.transition(manager, job, "approved", None)
        .await
        .expect(200);
    app.patch(
        &format!("/api/v1/jobs/{job}"),
        &manager.token,
        json!({"planned_start": "2020-01-01T00:00:00Z", "planned_end": "2020-01-02T00:00:00Z"}),
    )
    .await
    .expect(200);
    for step in ["scheduled", "in_progress", "completed", "closed"] {
        app.transition(manager, job, step, None).await.expect(200);
    }
    let mut conn = app.db.get().await.unwrap();
    diesel::sql_query(format!(
        "UPDATE jobs SET closed_at = '{closed_at}' WHERE id = '{job}'"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    job
}

#[tokio::test]
async fn exchange_rates_are_set_replaced_and_listed_by_managers() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let created = put_rate(&app, &manager, "EUR", "1.0850", "2026-01-01")
        .await
        .expect(201);
    assert_eq!(created.body["usd_per_unit"], "1.085");
    let replaced = put_rate(&app, &manager, "EUR", "1.0900", "2026-01-01")
        .await
        .expect(200);
    assert_eq!(replaced.body["usd_per_unit"], "1.09");
    put_rate(&app, &manager, "EUR", "1.1000", "2026-07-01")
        .await
        .expect(201);
    let list = app
        .get("/api/v1/fx-rates?currency=EUR", &manager.token)
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    for (currency, rate) in [
        ("USD", "1"),
        ("XXX", "1"),
        ("EUR", "0"),
        ("EUR", "-1"),
        ("EUR", "1.5e2"),
    ] {
        put_rate(&app, &manager, currency, rate, "2026-01-01")
            .await
            .expect_problem(422, "validation-failed");
    }
    app.request(
        Method::PUT,
        "/api/v1/fx-rates/EUR",
        Some(&manager.token),
        Some(json!({"usd_per_unit": 1.09, "valid_from": "2026-01-01"})),
    )
    .await
    .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn trade_volume_converts_each_job_at_the_rate_of_its_close_date() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let gr = app.organization(&manager, "Aegean Carriers", "GR").await;
    let it = app.organization(&manager, "Tirrenia Tankers", "IT").await;
    let cn = app.organization(&manager, "Yantai Fishing", "CN").await;
    let (gr_vessel, it_vessel, cn_vessel) = (
        app.vessel(&manager, gr).await,
        app.vessel(&manager, it).await,
        app.vessel(&manager, cn).await,
    );
    put_rate(&app, &manager, "EUR", "1.10", "2023-01-01")
        .await
        .expect(201);
    put_rate(&app, &manager, "EUR", "1.20", "2023-07-01")
        .await
        .expect(201);
    put_rate(&app, &manager, "CNY", "0.14", "2024-01-01")
        .await
        .expect(201);

    closed_job(
        &app,
        &manager,
        gr_vessel,
        "100000.00",
        "USD",
        "2023-03-01T04:00:00Z",
    )
    .await;
    closed_job(
        &app,
        &manager,
        it_vessel,
        "50000.00",
        "EUR",
        "2023-06-30T04:00:00Z",
    )
    .await;
    // 17:00 UTC on 30 June is 01:00 on 1 July in Weihai: the day the new rate starts.
    closed_job(
        &app,
        &manager,
        it_vessel,
        "10000.00",
        "EUR",
        "2023-06-30T17:00:00Z",
    )
    .await;
    closed_job(
        &app,
        &manager,
        cn_vessel,
        "700000.00",
        "CNY",
        "2024-02-10T04:00:00Z",
    )
    .await;
    closed_job(
        &app,
        &manager,
        gr_vessel,
        "200000.00",
        "USD",
        "2024-05-05T04:00:00Z",
    )
    .await;
    let pounds = closed_job(
        &app,
        &manager,
        gr_vessel,
        "5000.00",
        "GBP",
        "2024-03-03T04:00:00Z",
    )
    .await;
    // Not closed: not counted anywhere.
    let open = app.job(&manager, gr_vessel).await;
    app.quote(&manager, open, "999999.00", "USD")
        .await
        .expect(200);

    let report = app
        .get(
            "/api/v1/reports/trade-volume?from_year=2022&to_year=2024",
            &manager.token,
        )
        .await
        .expect(200)
        .body;
    let years = report["years"].as_array().unwrap();
    assert_eq!(years.len(), 3);
    assert_eq!(
        years[0],
        json!({"year": 2022, "jobs_closed": 0, "revenue_usd": "0.00", "yoy_growth_percent": null, "client_countries": 0, "by_country": []})
    );
    // 100000 + 50000 x 1.10 + 10000 x 1.20
    assert_eq!(years[1]["revenue_usd"], "167000.00");
    assert_eq!(years[1]["jobs_closed"], 3);
    assert_eq!(
        years[1]["yoy_growth_percent"],
        Value::Null,
        "the previous year had no revenue"
    );
    assert_eq!(years[1]["client_countries"], 2);
    assert_eq!(
        years[1]["by_country"],
        json!([{"country": "GR", "jobs_closed": 1, "revenue_usd": "100000.00"}, {"country": "IT", "jobs_closed": 2, "revenue_usd": "67000.00"}])
    );
    // 700000 x 0.14 + 200000 = 298000; (298000 - 167000) / 167000 = 78.44 %
    assert_eq!(years[2]["revenue_usd"], "298000.00");
    assert_eq!(years[2]["jobs_closed"], 2);
    assert_eq!(years[2]["yoy_growth_percent"], 78.4);
    assert_eq!(years[2]["client_countries"], 2);
    assert_eq!(
        report["unconverted"],
        json!([{"job_id": pounds, "number": report["unconverted"][0]["number"], "amount": "5000.00", "currency": "GBP", "closed_at": "2024-03-03T04:00:00Z"}])
    );
    // The first year of a range has no growth, whatever came before it.
    let alone = app
        .get(
            "/api/v1/reports/trade-volume?from_year=2024&to_year=2024",
            &manager.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(alone["years"][0]["yoy_growth_percent"], Value::Null);
    app.get(
        "/api/v1/reports/trade-volume?from_year=2025&to_year=2024",
        &manager.token,
    )
    .await
    .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn dock_utilization_clips_bookings_to_the_window_and_skips_cancelled_ones() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Fleet", "GR").await;
    let (a, b, c) = (
        app.vessel(&manager, org).await,
        app.vessel(&manager, org).await,
        app.vessel(&manager, org).await,
    );
    let busy = app
        .dock(&manager, "Dry Dock No. 1", (250.0, 40.0, 14.0), None)
        .await;
    let idle = app
        .dock(&manager, "Dry Dock No. 2", (250.0, 40.0, 14.0), None)
        .await;
    app.book(
        &manager,
        busy,
        a,
        "2026-06-01T00:00:00Z",
        "2026-06-11T00:00:00Z",
    )
    .await
    .expect(201);
    app.book(
        &manager,
        busy,
        b,
        "2026-06-14T00:00:00Z",
        "2026-06-20T00:00:00Z",
    )
    .await
    .expect(201);
    let cancelled = app
        .book(
            &manager,
            busy,
            c,
            "2026-06-11T00:00:00Z",
            "2026-06-13T00:00:00Z",
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/dock-bookings/{}/cancel", cancelled.id()),
        &manager.token,
        json!({}),
    )
    .await
    .expect(200);

    let report = app
        .get(
            "/api/v1/reports/dock-utilization?from=2026-06-05T00:00:00Z&to=2026-06-15T00:00:00Z",
            &manager.token,
        )
        .await
        .expect(200)
        .body;
    let items = report["items"].as_array().unwrap();
    let of = |dock: Uuid| {
        items
            .iter()
            .find(|i| i["dock_id"] == dock.to_string())
            .unwrap()
            .clone()
    };
    // 6 days of the first booking and 1 of the second inside 10 days.
    assert_eq!(of(busy)["booked_hours"], 168.0);
    assert_eq!(of(busy)["window_hours"], 240.0);
    assert_eq!(of(busy)["utilization_percent"], 70.0);
    assert_eq!(of(idle)["booked_hours"], 0.0);
    assert_eq!(of(idle)["utilization_percent"], 0.0);
    app.get(
        "/api/v1/reports/dock-utilization?from=2026-06-15T00:00:00Z&to=2026-06-05T00:00:00Z",
        &manager.token,
    )
    .await
    .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn expiring_certificates_come_soonest_first_within_the_window() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    app.certification_type(&manager, "WELD-3G").await;
    let (_, t1) = app.technician_profile(&manager, "welder").await;
    let (_, t2) = app.technician_profile(&manager, "welder").await;
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Shanghai)
        .date_naive();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    app.certify(&manager, t1, "WELD-3G", "2020-01-01", &day(30))
        .await;
    app.certify(&manager, t2, "WELD-3G", "2020-01-01", &day(-10))
        .await;
    app.certify(&manager, t2, "WELD-3G", "2020-01-01", &day(10))
        .await;
    app.certify(&manager, t1, "WELD-3G", "2020-01-01", &day(90))
        .await;

    let report = app
        .get(
            "/api/v1/reports/certifications-expiring?within_days=60",
            &manager.token,
        )
        .await
        .expect(200)
        .body;
    let items = report["items"].as_array().unwrap();
    let dates: Vec<&str> = items
        .iter()
        .map(|i| i["expires_on"].as_str().unwrap())
        .collect();
    assert_eq!(dates, [day(-10), day(10), day(30)]);
    let expired: Vec<bool> = items
        .iter()
        .map(|i| i["expired"].as_bool().unwrap())
        .collect();
    assert_eq!(expired, [true, false, false]);
    assert_eq!(items[0]["technician_id"], t2.to_string());
    assert_eq!(items[0]["full_name"], "Test technician");
    assert_eq!(items[0]["certification_type"], "WELD-3G");
    let default = app
        .get("/api/v1/reports/certifications-expiring", &manager.token)
        .await
        .expect(200)
        .body;
    assert_eq!(
        default["items"].as_array().unwrap().len(),
        3,
        "60 days by default"
    );
    let narrow = app
        .get(
            "/api/v1/reports/certifications-expiring?within_days=5",
            &manager.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(narrow["items"].as_array().unwrap().len(), 1);
    app.get(
        "/api/v1/reports/certifications-expiring?within_days=-1",
        &manager.token,
    )
    .await
    .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn the_backlog_counts_every_status_and_lists_overdue_unfinished_jobs() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Fleet", "GR").await;
    let vessel = app.vessel(&manager, org).await;
    let late = app.job(&manager, vessel).await;
    app.advance(&manager, late, "in_progress").await; // planned to end 2026-03-20: past
    let done = app.job(&manager, vessel).await;
    app.advance(&manager, done, "completed").await; // past too, but finished
    let future = app.job(&manager, vessel).await;
    app.advance(&manager, future, "approved").await;
    app.patch(
        &format!("/api/v1/jobs/{future}"),
        &manager.token,
        json!({"planned_start": "2099-01-01T00:00:00Z", "planned_end": "2099-02-01T00:00:00Z"}),
    )
    .await
    .expect(200);
    app.job(&manager, vessel).await;

    let backlog = app
        .get("/api/v1/reports/backlog", &manager.token)
        .await
        .expect(200)
        .body;
    assert_eq!(
        backlog["by_status"],
        json!({"requested": 1, "quoted": 0, "approved": 1, "scheduled": 0, "in_progress": 1, "on_hold": 0, "completed": 1, "closed": 0, "cancelled": 0})
    );
    let overdue = backlog["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["job_id"], late.to_string());
    assert_eq!(overdue[0]["status"], "in_progress");
    assert_eq!(overdue[0]["planned_end"], "2026-03-20T17:00:00Z");
    assert!(
        overdue[0]["vessel_name"]
            .as_str()
            .unwrap()
            .starts_with("MV Test")
    );
}

#[tokio::test]
async fn non_managers_get_403_on_every_report_and_rate() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Fleet", "GR").await;
    let client = app.client(org).await;
    let technician = app.technician().await;
    for session in [&client, &technician] {
        for path in [
            "/api/v1/reports/trade-volume?from_year=2020&to_year=2021",
            "/api/v1/reports/dock-utilization?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
            "/api/v1/reports/certifications-expiring",
            "/api/v1/reports/backlog",
            "/api/v1/fx-rates",
        ] {
            app.get(path, &session.token)
                .await
                .expect_problem(403, "forbidden");
        }
        put_rate(&app, session, "EUR", "1.1", "2026-01-01")
            .await
            .expect_problem(403, "forbidden");
    }
    app.request(Method::GET, "/api/v1/reports/backlog", None, None)
        .await
        .expect_problem(401, "unauthorized");
}

fn seed(app: &TestApp) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .arg("seed-demo")
        .env("DATABASE_URL", app.database_url())
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run slipway")
}

#[tokio::test]
async fn the_demo_yard_loads_once_and_shows_the_2020_figures() {
    let app = TestApp::spawn().await;
    let first = seed(&app);
    let printed = String::from_utf8_lossy(&first.stdout);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    for login in [
        "harbour.master@",
        "client.ru@",
        "client.eg@",
        "client.it@",
        "client.gr@",
        "client.lk@",
        "client.cn@",
        "liu@",
    ] {
        assert!(printed.contains(login), "{login} missing from:\n{printed}");
    }
    let again = seed(&app);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    let login = app
        .login(
            "harbour.master@demo.slipway.example",
            slipway::demo::DEMO_PASSWORD,
        )
        .await
        .expect(200);
    let token = login.body["access_token"].as_str().unwrap().to_owned();
    let report = app
        .get(
            "/api/v1/reports/trade-volume?from_year=2019&to_year=2021",
            &token,
        )
        .await
        .expect(200)
        .body;
    let y2020 = &report["years"][1];
    assert_eq!(y2020["year"], 2020);
    assert_eq!(y2020["revenue_usd"], "123000000.00");
    assert_eq!(y2020["yoy_growth_percent"], 76.7);
    assert_eq!(report["years"][0]["revenue_usd"], "69600000.00");
    assert_eq!(report["unconverted"], json!([]));
    let countries: Vec<&str> = y2020["by_country"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["country"].as_str().unwrap())
        .collect();
    for c in ["RU", "EG", "IT", "GR", "LK", "CN"] {
        assert!(countries.contains(&c), "{c} missing in 2020");
    }

    let backlog = app
        .get("/api/v1/reports/backlog", &token)
        .await
        .expect(200)
        .body;
    for (status, n) in backlog["by_status"].as_object().unwrap() {
        assert!(n.as_i64().unwrap() > 0, "no demo job is {status}");
    }
    let vessels = app
        .get("/api/v1/vessels?limit=200", &token)
        .await
        .expect(200)
        .body;
    let vessels = vessels["items"].as_array().unwrap();
    assert!(vessels.len() >= 30);
    assert!(
        vessels
            .iter()
            .any(|v| v["vessel_type"] == "fishing" && v["imo_number"].is_null())
    );
    assert!(vessels.iter().any(|v| v["vessel_type"] == "research"));
    let docks = app.get("/api/v1/docks", &token).await.expect(200).body;
    let kinds: std::collections::HashSet<&str> = docks["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.len(), 4);

    // A client sees its own organisation's jobs only; a technician its assignments.
    let client = app
        .login(
            "client.gr@demo.slipway.example",
            slipway::demo::DEMO_PASSWORD,
        )
        .await
        .expect(200);
    let client_token = client.body["access_token"].as_str().unwrap();
    let org = client.body["user"]["organization_id"].clone();
    let jobs = app
        .get("/api/v1/jobs?limit=200", client_token)
        .await
        .expect(200)
        .body;
    assert!(!jobs["items"].as_array().unwrap().is_empty());
    assert!(
        jobs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|j| j["organization_id"] == org)
    );
    let tech = app
        .login("liu@demo.slipway.example", slipway::demo::DEMO_PASSWORD)
        .await
        .expect(200);
    let mine = app
        .get(
            "/api/v1/me/assignments",
            tech.body["access_token"].as_str().unwrap(),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(mine["items"][0]["dock"]["name"], "Dry Dock No. 1");
}

#[tokio::test]
async fn the_demo_yard_lives_around_the_day_it_is_loaded() {
    let app = TestApp::spawn().await;
    let seeded = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"))
        .args(["seed-demo", "--today", "2027-03-10"])
        .env("DATABASE_URL", app.database_url())
        .output()
        .expect("run slipway");
    assert!(
        seeded.status.success(),
        "{}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let token = |email: &'static str| {
        let app = &app;
        async move {
            app.login(email, slipway::demo::DEMO_PASSWORD)
                .await
                .expect(200)
                .body["access_token"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    // The shipowner in Piraeus finds this morning's work: yesterday's report is filled,
    // a quote and additional work wait for a decision.
    let gr = token("client.gr@demo.slipway.example").await;
    let jobs = app
        .get("/api/v1/jobs?limit=200", &gr)
        .await
        .expect(200)
        .body;
    let jobs = jobs["items"].as_array().unwrap();
    let hellas = jobs
        .iter()
        .find(|j| j["vessel"]["name"] == "Hellas Trader")
        .expect("the Hellas Trader's docking");
    assert_eq!(hellas["number"], "J-2027-0006");
    assert_eq!(hellas["status"], "in_progress");
    assert!(
        jobs.iter().any(|j| j["status"] == "quoted"),
        "a quote to decide"
    );
    let id = hellas["id"].as_str().unwrap();
    let yesterday = app
        .get(
            &format!("/api/v1/jobs/{id}/daily-report?date=2027-03-09"),
            &gr,
        )
        .await
        .expect(200)
        .body;
    assert!(
        yesterday["hours_total"].as_f64().unwrap() > 0.0,
        "{yesterday}"
    );
    assert!(
        !yesterday["pending_additional_work"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let today = app
        .get(
            &format!("/api/v1/jobs/{id}/daily-report?date=2027-03-10"),
            &gr,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(today["hours_total"], 0.0, "nothing logged yet today");
    // Another owner has something to decide too.
    let it = token("client.it@demo.slipway.example").await;
    let it_jobs = app
        .get("/api/v1/jobs?status=quoted", &it)
        .await
        .expect(200)
        .body;
    assert!(!it_jobs["items"].as_array().unwrap().is_empty());
    // The welder's assignment runs today; the board's coming weeks hold bookings.
    let liu = token("liu@demo.slipway.example").await;
    let mine = app
        .get("/api/v1/me/assignments", &liu)
        .await
        .expect(200)
        .body;
    let first = &mine["items"][0];
    assert!(first["starts_at"].as_str().unwrap() < "2027-03-10T00:00:00Z");
    assert!(first["ends_at"].as_str().unwrap() > "2027-03-11T00:00:00Z");
    let manager = token("harbour.master@demo.slipway.example").await;
    let coming = app
        .get(
            "/api/v1/dock-bookings?from=2027-03-10T00:00:00Z&to=2027-04-20T00:00:00Z",
            &manager,
        )
        .await
        .expect(200)
        .body;
    assert!(coming["items"].as_array().unwrap().len() >= 4, "{coming}");
    // The closed history stays where it was.
    let volume = app
        .get(
            "/api/v1/reports/trade-volume?from_year=2019&to_year=2021",
            &manager,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(volume["years"][1]["revenue_usd"], "123000000.00");
}
