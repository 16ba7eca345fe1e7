//! Redelivery and delays (SPEC section 9): the contractual redelivery moves only by the
//! ledger's entries (kept so by PostgreSQL), automatic ones from the variations'
//! decisions and a manager's with a cause; days late against the forecast or the
//! completion, damages with their cap; the owner's disputes; the events.

use diesel::QueryableByName;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::common::{Reply, Session, TestApp, fast_dispatch};

struct Yard {
    app: TestApp,
    manager: Session,
    client: Session,
    other_client: Session,
    technician: Session,
    vessel: Uuid,
}

async fn yard_on(app: TestApp) -> Yard {
    let manager = app.manager().await;
    let org = app
        .organization(&manager, "Piraeus Bulk Carriers", "GR")
        .await;
    let other = app.organization(&manager, "Nile Tankers", "EG").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let other_client = app.client(other).await;
    let technician = app.technician().await;
    Yard {
        app,
        manager,
        client,
        other_client,
        technician,
        vessel,
    }
}

async fn yard() -> Yard {
    yard_on(TestApp::spawn().await).await
}

impl Yard {
    /// A job of the client with terms (redelivery 31 January 2027, USD 1 000 a day up to
    /// USD 5 000), taken to `in_progress` through its award, planned to end on
    /// `planned_end` (yard time is UTC+8).
    async fn awarded(&self, planned_end: &str) -> Uuid {
        let job = self.app.job(&self.client, self.vessel).await;
        self.terms(
            job,
            json!({"redelivery_date": "2027-01-31",
            "delay_damages_per_day": {"amount": "1000.00", "currency": "USD"},
            "delay_damages_max": {"amount": "5000.00", "currency": "USD"}}),
        )
        .await
        .expect(200);
        self.app.advance(&self.manager, job, "in_progress").await;
        self.plan(job, planned_end).await;
        job
    }

    async fn terms(&self, job: Uuid, body: Value) -> Reply {
        self.app
            .request(
                Method::PUT,
                &format!("/api/v1/jobs/{job}/contract-terms"),
                Some(&self.manager.token),
                Some(body),
            )
            .await
    }

    async fn plan(&self, job: Uuid, planned_end: &str) {
        self.app
            .patch(
                &format!("/api/v1/jobs/{job}"),
                &self.manager.token,
                json!({"planned_end": planned_end}),
            )
            .await
            .expect(200);
    }

    async fn position(&self, job: Uuid) -> Value {
        self.app
            .get(
                &format!("/api/v1/jobs/{job}/redelivery"),
                &self.client.token,
            )
            .await
            .expect(200)
            .body
    }

    async fn record(&self, job: Uuid, body: Value) -> Reply {
        self.app
            .post(
                &format!("/api/v1/jobs/{job}/redelivery-entries"),
                &self.manager.token,
                body,
            )
            .await
    }

    /// A variation proposed by the manager and decided by the client.
    async fn variation(&self, job: Uuid, body: Value, decision: &str) -> Uuid {
        let id = self
            .app
            .post(
                &format!("/api/v1/jobs/{job}/additional-work"),
                &self.manager.token,
                body,
            )
            .await
            .expect(201)
            .id();
        if decision != "pending" {
            self.decide(id, decision).await;
        }
        id
    }

    async fn decide(&self, id: Uuid, decision: &str) {
        self.app
            .post(
                &format!("/api/v1/additional-work/{id}/decision"),
                &self.client.token,
                json!({"decision": decision}),
            )
            .await
            .expect(200);
    }

    async fn withdraw(&self, entry: impl std::fmt::Display) -> Reply {
        self.app
            .request(
                Method::DELETE,
                &format!("/api/v1/redelivery-entries/{entry}"),
                Some(&self.manager.token),
                None,
            )
            .await
    }

    async fn sql(&self) -> AsyncPgConnection {
        AsyncPgConnection::establish(&self.app.database_url())
            .await
            .unwrap()
    }

    async fn kinds_heard(&self, who: &Session, kind: &str) -> Vec<Value> {
        let list = self
            .app
            .get("/api/v1/me/notifications?limit=100", &who.token)
            .await
            .expect(200);
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["event"]["kind"] == kind)
            .map(|n| n["event"].clone())
            .collect()
    }
}

fn extra(days: i32) -> Value {
    json!({"description": "Renew 12 m2 of shell plating", "amount": "8400.50", "currency": "USD",
           "time_impact_days": days})
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    holds: bool,
}

#[tokio::test]
async fn the_redelivery_moves_by_the_ledger_and_by_nothing_else() {
    let y = yard().await;
    let job = y.awarded("2027-01-20T09:00:00Z").await;
    let start = y.position(job).await;
    assert_eq!(start["original"], "2027-01-31");
    assert_eq!(start["current"], "2027-01-31");
    assert_eq!(start["forecast"], "2027-01-20");
    assert_eq!(start["days_late"], 0);
    assert_eq!(start["entries"], json!([]));

    // An approved variation with three days: an automatic entry of the owner's.
    let v = y.variation(job, extra(3), "approved").await;
    // One without days and one rejected move nothing.
    y.variation(job, extra(0), "approved").await;
    y.variation(job, extra(5), "rejected").await;
    let after = y.position(job).await;
    assert_eq!(after["current"], "2027-02-03");
    let entries = after["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{after:#}");
    assert_eq!(entries[0]["cause"], "variation");
    assert_eq!(entries[0]["party"], "owner");
    assert_eq!(entries[0]["by_role"], "system");
    assert_eq!(entries[0]["days"], 3);
    assert_eq!(entries[0]["additional_work_id"], v.to_string());
    assert_eq!(entries[0]["additional_work_number"], "V-001");

    // A gale day (neutral) and a class requirement, then two days won back (other).
    let gale = y
        .record(
            job,
            json!({"days": 1, "cause": "weather", "note": "Gale, no crane lifts"}),
        )
        .await
        .expect(201);
    assert_eq!(gale.body["party"], "neutral");
    assert_eq!(gale.body["status"], "recorded");
    assert_eq!(gale.body["by_role"], "manager");
    y.record(job, json!({"days": 4, "cause": "class_requirement", "note": "Class asked for a tailshaft survey"}))
        .await
        .expect(201);
    y.record(
        job,
        json!({"days": -2, "cause": "other", "note": "Owner released two items"}),
    )
    .await
    .expect(201);
    let moved = y.position(job).await;
    assert_eq!(moved["current"], "2027-02-06");
    assert_eq!(
        moved["by_party"],
        json!({"owner": 3, "class": 4, "neutral": -1})
    );
    let job_view = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.client.token)
        .await
        .expect(200);
    assert_eq!(job_view.body["contract_redelivery"], "2027-02-06");

    // The yard's own forecast moves; the contractual date does not.
    y.plan(job, "2027-02-09T09:00:00Z").await;
    let late = y.position(job).await;
    assert_eq!(late["current"], "2027-02-06");
    assert_eq!(late["forecast"], "2027-02-09");
    assert_eq!(late["days_late"], 3);

    // Nor does any direct write: PostgreSQL puts the ledger's sum back.
    y.app
        .execute_sql(
            "UPDATE jobs SET contract_redelivery = '2030-01-01' WHERE id = $1",
            job,
        )
        .await;
    assert_eq!(y.position(job).await["current"], "2027-02-06");
    let mut conn = y.sql().await;
    let check: Check = diesel::sql_query(
        "SELECT j.contract_redelivery = t.redelivery_date + (SELECT sum(days)::int FROM redelivery_entries e \
         WHERE e.job_id = j.id AND e.status <> 'withdrawn') AS holds \
         FROM jobs j JOIN contract_terms t ON t.job_id = j.id WHERE j.id = $1",
    )
    .bind::<diesel::sql_types::Uuid, _>(job)
    .get_result(&mut conn)
    .await
    .unwrap();
    assert!(check.holds);

    // Withdrawing the gale moves the date back; the entry stays, marked.
    y.withdraw(gale.id()).await.expect(204);
    let back = y.position(job).await;
    assert_eq!(back["current"], "2027-02-05");
    assert_eq!(back["by_party"]["neutral"], -2);
    let withdrawn = back["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == gale.id().to_string())
        .unwrap();
    assert_eq!(withdrawn["status"], "withdrawn");
    // Twice, or an automatic entry: 409.
    y.withdraw(gale.id())
        .await
        .expect_problem(409, "illegal-transition");
    let automatic = back["entries"][0]["id"].as_str().unwrap().to_owned();
    y.withdraw(automatic)
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(y.position(job).await["current"], "2027-02-05");
}

#[tokio::test]
async fn days_late_count_from_the_forecast_then_the_completion_and_damages_stop_at_the_cap() {
    let y = yard().await;
    let job = y.awarded("2027-02-03T09:00:00Z").await;
    let two = y.position(job).await;
    assert_eq!(two["days_late"], 3);
    assert_eq!(
        two["damages_accrued"],
        json!({"amount": "3000.00", "currency": "USD"})
    );
    y.plan(job, "2027-02-20T09:00:00Z").await;
    let capped = y.position(job).await;
    assert_eq!(capped["days_late"], 20);
    assert_eq!(
        capped["damages_accrued"],
        json!({"amount": "5000.00", "currency": "USD"})
    );
    // Late at 01:00 yard time on 1 February is the 1st in the yard (UTC+8), not 31 January.
    y.plan(job, "2027-01-31T17:30:00Z").await;
    let day = y.position(job).await;
    assert_eq!(day["forecast"], "2027-02-01");
    assert_eq!(day["days_late"], 1);
    // Completed today (before the redelivery): the completion day counts, not the forecast.
    y.plan(job, "2027-02-20T09:00:00Z").await;
    y.app
        .transition(&y.manager, job, "completed", None)
        .await
        .expect(200);
    let done = y.position(job).await;
    assert!(done["completed_on"].is_string(), "{done:#}");
    assert_eq!(done["days_late"], 0);
    assert_eq!(done["damages_accrued"]["amount"], "0.00");
    // Without damages terms: none accrue.
    let plain = y.app.job(&y.client, y.vessel).await;
    y.terms(plain, json!({"redelivery_date": "2027-01-31"}))
        .await
        .expect(200);
    y.app.advance(&y.manager, plain, "in_progress").await;
    y.plan(plain, "2027-02-10T09:00:00Z").await;
    let none = y.position(plain).await;
    assert_eq!(none["days_late"], 10);
    assert_eq!(none["damages_accrued"], Value::Null);
    // The cost overview tells the same days.
    let overview = y
        .app
        .get("/api/v1/reports/cost-overview", &y.client.token)
        .await
        .expect(200);
    let row = overview.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["job_id"] == plain.to_string())
        .unwrap()
        .clone();
    assert_eq!(row["days_late"], 10);
}

#[tokio::test]
async fn a_blocking_variation_decided_late_adds_the_days_late_rounded_up() {
    let y = yard().await;
    let job = y.awarded("2027-01-20T09:00:00Z").await;
    let blocking = json!({"description": "Renew the bilge strake", "amount": "9000.00", "currency": "USD",
                          "blocking": true, "time_impact_days": 2});
    let approved = y.variation(job, blocking.clone(), "pending").await;
    let rejected = y.variation(job, blocking.clone(), "pending").await;
    let in_time = y.variation(job, blocking, "pending").await;
    // Answered 30 hours and 5 minutes after their respond-by: two days late.
    for id in [approved, rejected] {
        y.app
            .execute_sql(
                "UPDATE additional_work SET respond_by = now() - interval '30 hours 5 minutes' WHERE id = $1",
                id,
            )
            .await;
    }
    y.decide(approved, "approved").await;
    y.decide(rejected, "rejected").await;
    y.decide(in_time, "rejected").await;
    let position = y.position(job).await;
    let entries: Vec<(String, String, i64)> = position["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["additional_work_number"].as_str().unwrap().to_owned(),
                e["cause"].as_str().unwrap().to_owned(),
                e["days"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("V-001".to_owned(), "variation".to_owned(), 2),
            ("V-001".to_owned(), "late_decision".to_owned(), 2),
            ("V-002".to_owned(), "late_decision".to_owned(), 2),
        ]
    );
    assert_eq!(position["current"], "2027-02-06");
    assert_eq!(position["by_party"]["owner"], 6);
}

#[tokio::test]
async fn a_manager_entry_is_checked_and_a_refused_one_changes_nothing() {
    let y = yard().await;
    let job = y.awarded("2027-01-20T09:00:00Z").await;
    for (body, field) in [
        (
            json!({"days": 0, "cause": "weather", "note": "Gale"}),
            "days",
        ),
        (
            json!({"days": 366, "cause": "weather", "note": "Gale"}),
            "days",
        ),
        (
            json!({"days": -366, "cause": "weather", "note": "Gale"}),
            "days",
        ),
        (
            json!({"days": 2, "cause": "variation", "note": "By hand"}),
            "cause",
        ),
        (
            json!({"days": 2, "cause": "late_decision", "note": "By hand"}),
            "cause",
        ),
        (json!({"days": 2, "cause": "weather", "note": "  "}), "note"),
        (
            json!({"days": 2, "cause": "weather", "note": "x".repeat(2001)}),
            "note",
        ),
    ] {
        let refused = y
            .record(job, body.clone())
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(refused.body["errors"][0]["field"], field, "{body}");
    }
    // A cause not on the list, or no note at all: the body's shape is wrong (400).
    y.record(job, json!({"days": 2, "cause": "rain", "note": "Rain"}))
        .await
        .expect_problem(400, "malformed-request");
    y.record(job, json!({"days": 2, "cause": "weather"}))
        .await
        .expect_problem(400, "malformed-request");
    let position = y.position(job).await;
    assert_eq!(position["entries"], json!([]));
    assert_eq!(position["current"], "2027-01-31");

    // Before the award there is no ledger; after the close it is shut.
    let quoted = y.app.job(&y.client, y.vessel).await;
    y.app
        .get(
            &format!("/api/v1/jobs/{quoted}/redelivery"),
            &y.manager.token,
        )
        .await
        .expect_problem(404, "not-found");
    y.record(
        quoted,
        json!({"days": 1, "cause": "weather", "note": "Gale"}),
    )
    .await
    .expect_problem(409, "job-not-active");
    let entry = y
        .record(job, json!({"days": 1, "cause": "weather", "note": "Gale"}))
        .await
        .expect(201)
        .id();
    for to in ["completed", "closed"] {
        y.app
            .transition(&y.manager, job, to, None)
            .await
            .expect(200);
    }
    y.record(job, json!({"days": 1, "cause": "weather", "note": "Gale"}))
        .await
        .expect_problem(409, "job-not-active");
    y.withdraw(entry)
        .await
        .expect_problem(409, "job-not-active");
    assert_eq!(y.position(job).await["current"], "2027-02-01");
}

#[tokio::test]
async fn the_owner_disputes_its_entries_and_nobody_else_reaches_them() {
    let y = yard().await;
    let job = y.awarded("2027-01-20T09:00:00Z").await;
    let entry = y
        .record(
            job,
            json!({"days": 2, "cause": "owner_supply_late", "note": "Seal kit two days late"}),
        )
        .await
        .expect(201);
    assert_eq!(entry.body["party"], "owner");
    let dispute = format!("/api/v1/redelivery-entries/{}/dispute", entry.id());
    let note = json!({"note": "The kit was at the gate on the agreed day"});
    // Another organisation's client: 404, as for everything of a job it cannot see.
    y.app
        .post(&dispute, &y.other_client.token, note.clone())
        .await
        .expect_problem(404, "not-found");
    y.app
        .get(
            &format!("/api/v1/jobs/{job}/redelivery"),
            &y.other_client.token,
        )
        .await
        .expect_problem(404, "not-found");
    // Technicians see no contract; managers do not dispute their own entries.
    y.app
        .get(
            &format!("/api/v1/jobs/{job}/redelivery"),
            &y.technician.token,
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .post(&dispute, &y.technician.token, note.clone())
        .await
        .expect_problem(403, "forbidden");
    y.app
        .post(&dispute, &y.manager.token, note.clone())
        .await
        .expect_problem(403, "forbidden");
    y.record(job, json!({"days": 1, "cause": "weather", "note": "x"}))
        .await
        .expect(201);
    y.app
        .post(
            &format!("/api/v1/jobs/{job}/redelivery-entries"),
            &y.client.token,
            json!({"days": 1, "cause": "weather", "note": "x"}),
        )
        .await
        .expect_problem(403, "forbidden");
    // Without a reason: 422, nothing changes.
    y.app
        .post(&dispute, &y.client.token, json!({"note": ""}))
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(y.position(job).await["entries"][0]["status"], "recorded");
    // The owner disputes: the date still moves, the reason is kept; once.
    let disputed = y
        .app
        .post(&dispute, &y.client.token, note.clone())
        .await
        .expect(200);
    assert_eq!(disputed.body["status"], "disputed");
    assert_eq!(
        disputed.body["dispute_note"],
        "The kit was at the gate on the agreed day"
    );
    assert!(disputed.body["disputed_at"].is_string());
    assert_eq!(y.position(job).await["current"], "2027-02-03");
    y.app
        .post(&dispute, &y.client.token, note)
        .await
        .expect_problem(409, "illegal-transition");
    // A manager may still withdraw a disputed entry.
    y.withdraw(entry.id()).await.expect(204);
    assert_eq!(y.position(job).await["current"], "2027-02-01");
}

#[tokio::test]
async fn the_owner_hears_each_move_and_both_sides_hear_once_that_the_job_runs_late() {
    let y = yard_on(TestApp::spawn_with(fast_dispatch(None, "23:59")).await).await;
    // A second instance looks for late jobs too: still one alert.
    let _second = y
        .app
        .second_instance_with(fast_dispatch(None, "23:59"))
        .await;
    let job = y.awarded("2027-01-20T09:00:00Z").await;
    y.variation(job, extra(3), "approved").await;
    y.record(job, json!({"days": 1, "cause": "weather", "note": "Gale"}))
        .await
        .expect(201);
    let moves = y.kinds_heard(&y.client, "job.redelivery_changed").await;
    assert_eq!(moves.len(), 2, "{moves:#?}");
    let data: Vec<(Value, Value, Value, Value)> = moves
        .iter()
        .map(|e| {
            let d = &e["data"];
            (
                d["from"].clone(),
                d["to"].clone(),
                d["cause"].clone(),
                d["days"].clone(),
            )
        })
        .collect();
    assert!(data.contains(&(
        json!("2027-01-31"),
        json!("2027-02-03"),
        json!("variation"),
        json!(3)
    )));
    assert!(data.contains(&(
        json!("2027-02-03"),
        json!("2027-02-04"),
        json!("weather"),
        json!(1)
    )));
    // Managers are not told of the moves they make; another owner hears nothing.
    assert!(
        y.kinds_heard(&y.manager, "job.redelivery_changed")
            .await
            .is_empty()
    );
    assert!(
        y.kinds_heard(&y.other_client, "job.redelivery_changed")
            .await
            .is_empty()
    );
    assert!(
        y.kinds_heard(&y.client, "job.redelivery_at_risk")
            .await
            .is_empty()
    );

    // The forecast passes the contractual date: both hear it once.
    y.plan(job, "2027-02-07T09:00:00Z").await;
    let mut heard = Vec::new();
    for _ in 0..50 {
        heard = y.kinds_heard(&y.client, "job.redelivery_at_risk").await;
        if !heard.is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(heard.len(), 1, "{heard:#?}");
    assert_eq!(heard[0]["data"]["days_late"], 3);
    assert_eq!(heard[0]["data"]["current"], "2027-02-04");
    // Later and later: still once.
    y.plan(job, "2027-02-12T09:00:00Z").await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    assert_eq!(
        y.kinds_heard(&y.client, "job.redelivery_at_risk")
            .await
            .len(),
        1
    );
    assert_eq!(
        y.kinds_heard(&y.manager, "job.redelivery_at_risk")
            .await
            .len(),
        1
    );
    assert!(
        y.kinds_heard(&y.other_client, "job.redelivery_at_risk")
            .await
            .is_empty()
    );
}
