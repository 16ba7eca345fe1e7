//! Repair jobs over HTTP: creation and numbering, the status machine with every role,
//! quotes, `If-Match`, the timeline, additional work, tasks and progress, and tenant
//! isolation from the wrong side.

use crate::common::{Session, TestApp};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// A yard with two client organisations, A and B, each with a vessel and a user.
struct Yard {
    app: TestApp,
    manager: Session,
    client_a: Session,
    client_b: Session,
    technician: Session,
    vessel_a: Uuid,
    vessel_b: Uuid,
    org_a: Uuid,
}

async fn yard() -> Yard {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org_a = app.organization(&manager, "Piraeus Bulk", "GR").await;
    let org_b = app.organization(&manager, "Black Sea Tankers", "RU").await;
    let vessel_a = app.vessel(&manager, org_a).await;
    let vessel_b = app.vessel(&manager, org_b).await;
    let client_a = app.client(org_a).await;
    let client_b = app.client(org_b).await;
    let technician = app.technician().await;
    Yard {
        app,
        manager,
        client_a,
        client_b,
        technician,
        vessel_a,
        vessel_b,
        org_a,
    }
}

fn status(reply: &crate::common::Reply) -> &str {
    reply.body["status"].as_str().unwrap_or_default()
}

async fn job_status(y: &Yard, job: Uuid) -> String {
    y.app
        .get(&format!("/api/v1/jobs/{job}"), &y.manager.token)
        .await
        .expect(200)
        .body["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_client_requests_a_job_for_its_vessel_and_gets_a_numbered_work_order() {
    let y = yard().await;
    let reply = y
        .app
        .post(
            "/api/v1/jobs",
            &y.client_a.token,
            json!({"vessel_id": y.vessel_a, "title": "Propeller polishing", "description": "Polish blades", "priority": "high", "requested_start": "2026-04-01T00:00:00Z"}),
        )
        .await
        .expect(201);
    let body = &reply.body;
    let number = body["number"].as_str().unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert!(
        number.starts_with(&format!("J-{year}-")) && number.len() >= 11,
        "{number}"
    );
    assert_eq!(body["status"], "requested");
    assert_eq!(body["vessel"]["id"], y.vessel_a.to_string());
    assert!(body["vessel"]["name"].is_string());
    assert_eq!(body["organization_id"], y.org_a.to_string());
    assert_eq!(body["quote"], Value::Null);
    assert_eq!(body["invoiced_total"], Value::Null);
    assert_eq!(body["progress_percent"], 0.0);
    assert_eq!(body["requested_start"], "2026-04-01T00:00:00Z");
    assert_eq!(reply.headers["etag"], format!("\"{}\"", body["version"]));
}

#[tokio::test]
async fn technicians_cannot_request_jobs_quote_or_move_them() {
    let y = yard().await;
    let job = y.app.job(&y.manager, y.vessel_a).await;
    y.app
        .post(
            "/api/v1/jobs",
            &y.technician.token,
            json!({"vessel_id": y.vessel_a, "title": "X", "description": "", "priority": "low"}),
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .request(
            Method::PUT,
            &format!("/api/v1/jobs/{job}/quote"),
            Some(&y.technician.token),
            Some(json!({"amount": "1.00", "currency": "USD"})),
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .transition(&y.technician, job, "cancelled", None)
        .await
        .expect_problem(403, "forbidden");
    assert_eq!(job_status(&y, job).await, "requested");
}

#[tokio::test]
async fn twenty_concurrent_creations_get_twenty_distinct_numbers() {
    let y = yard().await;
    let creations = (0..20).map(|_| {
        let (app, token, vessel) = (&y.app, y.manager.token.clone(), y.vessel_a);
        async move {
            app.post("/api/v1/jobs", &token, json!({"vessel_id": vessel, "title": "Survey", "description": "", "priority": "normal"}))
                .await
                .expect(201)
                .body["number"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    });
    let mut numbers = futures_util::future::join_all(creations).await;
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 20);
}

#[tokio::test]
async fn the_whole_life_of_a_job_from_request_to_closed_invoice() {
    let y = yard().await;
    let (app, manager, client) = (&y.app, &y.manager, &y.client_a);
    let job = app.job(client, y.vessel_a).await;
    let quoted = app
        .quote(manager, job, "125000.00", "USD")
        .await
        .expect(200);
    assert_eq!(quoted.body["quote"]["amount"], "125000.00");
    assert_eq!(quoted.body["quote"]["currency"], "USD");
    assert_eq!(
        status(
            &app.transition(client, job, "approved", None)
                .await
                .expect(200)
        ),
        "approved"
    );

    app.transition(manager, job, "scheduled", None)
        .await
        .expect_problem(422, "validation-failed");
    app.patch(
        &format!("/api/v1/jobs/{job}"),
        &manager.token,
        json!({"planned_start": "2026-05-01T00:00:00Z", "planned_end": "2026-05-20T00:00:00Z"}),
    )
    .await
    .expect(200);
    assert_eq!(
        status(
            &app.transition(manager, job, "scheduled", None)
                .await
                .expect(200)
        ),
        "scheduled"
    );
    assert_eq!(
        status(
            &app.transition(manager, job, "in_progress", None)
                .await
                .expect(200)
        ),
        "in_progress"
    );
    app.transition(manager, job, "on_hold", None)
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(
        status(
            &app.transition(manager, job, "on_hold", Some("waiting for steel plates"))
                .await
                .expect(200)
        ),
        "on_hold"
    );
    assert_eq!(
        status(
            &app.transition(manager, job, "in_progress", None)
                .await
                .expect(200)
        ),
        "in_progress"
    );

    let extra = app
        .post(&format!("/api/v1/jobs/{job}/additional-work"), &manager.token, json!({"description": "Renew 12 m2 of shell plating", "amount": "8400.50", "currency": "USD"}))
        .await
        .expect(201);
    assert_eq!(extra.body["status"], "pending");
    let rejected = app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &manager.token,
            json!({"description": "Repaint funnel", "amount": "999.00", "currency": "USD"}),
        )
        .await
        .expect(201);
    app.post(
        &format!("/api/v1/additional-work/{}/decision", extra.id()),
        &client.token,
        json!({"decision": "approved"}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/additional-work/{}/decision", rejected.id()),
        &client.token,
        json!({"decision": "rejected", "note": "next docking"}),
    )
    .await
    .expect(200);
    let current = app
        .get(&format!("/api/v1/jobs/{job}"), &client.token)
        .await
        .expect(200);
    assert_eq!(
        current.body["additional_work_total"],
        json!({"amount": "8400.50", "currency": "USD"})
    );
    assert_eq!(current.body["invoiced_total"], Value::Null);

    assert_eq!(
        status(
            &app.transition(manager, job, "completed", None)
                .await
                .expect(200)
        ),
        "completed"
    );
    let closed = app
        .transition(manager, job, "closed", None)
        .await
        .expect(200);
    assert_eq!(
        closed.body["invoiced_total"],
        json!({"amount": "133400.50", "currency": "USD"})
    );

    // Closed is final.
    let refused = app
        .transition(manager, job, "cancelled", Some("too late"))
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(refused.body["allowed_targets"], json!([]));

    let events = app
        .get(&format!("/api/v1/jobs/{job}/events"), &client.token)
        .await
        .expect(200);
    let moves: Vec<(Value, Value)> = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| {
            e["kind"] == "status_changed" || e["kind"] == "quoted" || e["kind"] == "created"
        })
        .map(|e| (e["from_status"].clone(), e["to_status"].clone()))
        .collect();
    let expected: Vec<(Value, Value)> = [
        (None, "requested"),
        (Some("requested"), "quoted"),
        (Some("quoted"), "approved"),
        (Some("approved"), "scheduled"),
        (Some("scheduled"), "in_progress"),
        (Some("in_progress"), "on_hold"),
        (Some("on_hold"), "in_progress"),
        (Some("in_progress"), "completed"),
        (Some("completed"), "closed"),
    ]
    .iter()
    .map(|(f, t)| (f.map_or(Value::Null, |f| json!(f)), json!(t)))
    .collect();
    assert_eq!(moves, expected);
    let hold = events.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["to_status"] == "on_hold")
        .unwrap();
    assert_eq!(hold["note"], "waiting for steel plates");
    assert_eq!(hold["actor_role"], "manager");
}

#[tokio::test]
async fn the_invoice_is_fixed_at_close() {
    let y = yard().await;
    let job = y.app.job(&y.manager, y.vessel_a).await;
    y.app.advance(&y.manager, job, "closed").await;
    let closed = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.client_a.token)
        .await
        .expect(200);
    assert_eq!(
        closed.body["invoiced_total"],
        json!({"amount": "100000.00", "currency": "USD"})
    );
    // Nothing can be added to a closed job.
    y.app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &y.manager.token,
            json!({"description": "Late find", "amount": "5.00", "currency": "USD"}),
        )
        .await
        .expect_problem(409, "job-not-active");
    y.app
        .post(
            &format!("/api/v1/jobs/{job}/tasks"),
            &y.manager.token,
            json!({"title": "Late task", "estimated_hours": 2}),
        )
        .await
        .expect_problem(409, "job-not-active");
}

#[tokio::test]
async fn a_client_rejects_a_quote_with_a_note_and_the_yard_quotes_again() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    y.app
        .quote(&y.manager, job, "90000", "EUR")
        .await
        .expect(200);
    y.app
        .transition(&y.client_a, job, "requested", None)
        .await
        .expect_problem(422, "validation-failed");
    let back = y
        .app
        .transition(&y.client_a, job, "requested", Some("too expensive"))
        .await
        .expect(200);
    assert_eq!(status(&back), "requested");
    let again = y
        .app
        .quote(&y.manager, job, "82000.00", "EUR")
        .await
        .expect(200);
    assert_eq!(again.body["quote"]["amount"], "82000.00");
    // Replacing a quote while quoted is allowed too.
    let replaced = y
        .app
        .quote(&y.manager, job, "81000.00", "EUR")
        .await
        .expect(200);
    assert_eq!(replaced.body["quote"]["amount"], "81000.00");
    // The manager may reject on the owner's behalf, also with a note.
    y.app
        .transition(&y.manager, job, "requested", Some("owner asked by phone"))
        .await
        .expect(200);
}

#[tokio::test]
async fn cancellation_rules_differ_before_and_after_approval() {
    let y = yard().await;
    let early = y.app.job(&y.client_a, y.vessel_a).await;
    assert_eq!(
        status(
            &y.app
                .transition(&y.client_a, early, "cancelled", None)
                .await
                .expect(200)
        ),
        "cancelled"
    );
    let quoted = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, quoted, "quoted").await;
    y.app
        .transition(&y.client_a, quoted, "cancelled", None)
        .await
        .expect(200);
    let by_manager = y.app.job(&y.client_a, y.vessel_a).await;
    y.app
        .transition(&y.manager, by_manager, "cancelled", None)
        .await
        .expect(200);

    for stage in ["approved", "scheduled", "in_progress"] {
        let job = y.app.job(&y.client_a, y.vessel_a).await;
        y.app.advance(&y.manager, job, stage).await;
        let refused = y
            .app
            .transition(&y.client_a, job, "cancelled", Some("changed our mind"))
            .await
            .expect_problem(409, "illegal-transition");
        assert_eq!(refused.body["allowed_targets"], json!([]), "{stage}");
        y.app
            .transition(&y.manager, job, "cancelled", None)
            .await
            .expect_problem(422, "validation-failed");
        y.app
            .transition(&y.manager, job, "cancelled", Some("owner sold the ship"))
            .await
            .expect(200);
    }
    let held = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, held, "in_progress").await;
    y.app
        .transition(&y.manager, held, "on_hold", Some("typhoon"))
        .await
        .expect(200);
    y.app
        .transition(&y.manager, held, "cancelled", Some("owner sold the ship"))
        .await
        .expect(200);
}

#[tokio::test]
async fn moves_the_table_does_not_allow_are_409_with_the_allowed_targets() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let refused = y
        .app
        .transition(&y.manager, job, "completed", None)
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(refused.body["allowed_targets"], json!(["cancelled"]));
    let refused = y
        .app
        .transition(&y.client_a, job, "approved", None)
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(refused.body["allowed_targets"], json!(["cancelled"]));
    // `quoted` is reached through PUT /quote only.
    y.app
        .transition(&y.manager, job, "quoted", None)
        .await
        .expect_problem(409, "illegal-transition");

    y.app.advance(&y.manager, job, "quoted").await;
    let refused = y
        .app
        .transition(&y.client_a, job, "in_progress", None)
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(
        refused.body["allowed_targets"],
        json!(["approved", "requested", "cancelled"])
    );

    y.app
        .transition(&y.manager, job, "approved", None)
        .await
        .expect(200);
    // The client appears in no row for `approved`: 409 with no targets.
    let refused = y
        .app
        .transition(&y.client_a, job, "scheduled", None)
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(refused.body["allowed_targets"], json!([]));
    let refused = y
        .app
        .transition(&y.manager, job, "completed", None)
        .await
        .expect_problem(409, "illegal-transition");
    assert_eq!(
        refused.body["allowed_targets"],
        json!(["scheduled", "cancelled"])
    );
    // Quoting is over once approved.
    y.app
        .quote(&y.manager, job, "1.00", "USD")
        .await
        .expect_problem(409, "illegal-transition");
    y.app
        .transition(&y.manager, job, "bogus", None)
        .await
        .expect_problem(400, "malformed-request");
    assert_eq!(job_status(&y, job).await, "approved");
}

#[tokio::test]
async fn a_manager_walks_every_manager_row_of_the_table() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, job, "quoted").await;
    y.app
        .transition(&y.manager, job, "approved", None)
        .await
        .expect(200);
    let other = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, other, "closed").await;
    assert_eq!(job_status(&y, other).await, "closed");
}

#[tokio::test]
async fn a_stale_if_match_is_412_and_changes_nothing() {
    let y = yard().await;
    let job = y.app.job(&y.manager, y.vessel_a).await;
    let read = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.manager.token)
        .await
        .expect(200);
    let etag = read.headers["etag"].to_str().unwrap().to_owned();
    let patch = |tag: String, title: &'static str| {
        let (app, token) = (&y.app, y.manager.token.clone());
        async move {
            let resp = app
                .http
                .patch(format!("{}/api/v1/jobs/{job}", app.address))
                .bearer_auth(token)
                .header("if-match", tag)
                .json(&json!({"title": title}))
                .send()
                .await
                .unwrap();
            TestApp::read(resp).await
        }
    };
    let first = patch(etag.clone(), "Renamed once").await.expect(200);
    assert_ne!(first.headers["etag"].to_str().unwrap(), etag);
    patch(etag.clone(), "Renamed twice")
        .await
        .expect_problem(412, "precondition-failed");
    let now = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.manager.token)
        .await
        .expect(200);
    assert_eq!(now.body["title"], "Renamed once");

    let resp = y
        .app
        .http
        .post(format!("{}/api/v1/jobs/{job}/transitions", y.app.address))
        .bearer_auth(&y.manager.token)
        .header("if-match", etag)
        .json(&json!({"to": "cancelled"}))
        .send()
        .await
        .unwrap();
    TestApp::read(resp)
        .await
        .expect_problem(412, "precondition-failed");
    assert_eq!(job_status(&y, job).await, "requested");
}

#[tokio::test]
async fn planned_dates_must_be_in_order_and_only_managers_patch() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let path = format!("/api/v1/jobs/{job}");
    y.app
        .patch(
            &path,
            &y.manager.token,
            json!({"planned_start": "2026-05-20T00:00:00Z", "planned_end": "2026-05-01T00:00:00Z"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .patch(&path, &y.client_a.token, json!({"title": "Mine now"}))
        .await
        .expect_problem(403, "forbidden");
    y.app
        .patch(&path, &y.manager.token, json!({"status": "closed"}))
        .await
        .expect_problem(400, "malformed-request");
    assert_eq!(job_status(&y, job).await, "requested");
}

#[tokio::test]
async fn additional_work_is_decided_once_even_under_concurrent_decisions() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, job, "in_progress").await;
    let add = |desc: &'static str| {
        let (app, token) = (&y.app, y.manager.token.clone());
        async move {
            app.post(
                &format!("/api/v1/jobs/{job}/additional-work"),
                &token,
                json!({"description": desc, "amount": "1200.00", "currency": "USD"}),
            )
            .await
            .expect(201)
            .id()
        }
    };
    let item = add("Replace anode").await;
    let decision = format!("/api/v1/additional-work/{item}/decision");
    y.app
        .post(
            &decision,
            &y.client_a.token,
            json!({"decision": "approved"}),
        )
        .await
        .expect(200);
    let again = y
        .app
        .post(&decision, &y.manager.token, json!({"decision": "rejected"}))
        .await
        .expect(409);
    assert_eq!(again.body["conflicting_id"], item.to_string());

    let racing = add("Replace sea chest grating").await;
    let path = format!("/api/v1/additional-work/{racing}/decision");
    let (a, b) = tokio::join!(
        y.app
            .post(&path, &y.client_a.token, json!({"decision": "approved"})),
        y.app
            .post(&path, &y.manager.token, json!({"decision": "rejected"})),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);

    let list = y
        .app
        .get(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &y.client_a.token,
        )
        .await
        .expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
    y.app
        .post(
            &decision,
            &y.technician.token,
            json!({"decision": "approved"}),
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .post(&decision, &y.client_a.token, json!({"decision": "maybe"}))
        .await
        .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn additional_work_must_be_in_the_quotes_currency_on_an_active_job() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let path = format!("/api/v1/jobs/{job}/additional-work");
    let body = json!({"description": "Extra", "amount": "10.00", "currency": "USD"});
    y.app
        .post(&path, &y.manager.token, body.clone())
        .await
        .expect_problem(409, "job-not-active");
    y.app.advance(&y.manager, job, "approved").await;
    let reply = y
        .app
        .post(
            &path,
            &y.manager.token,
            json!({"description": "Extra", "amount": "10.00", "currency": "EUR"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "currency");
    y.app
        .post(
            &path,
            &y.manager.token,
            json!({"description": "Extra", "amount": "10.001", "currency": "USD"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .post(
            &path,
            &y.manager.token,
            json!({"description": "Extra", "amount": 10, "currency": "USD"}),
        )
        .await
        .expect_problem(400, "malformed-request");
    y.app
        .post(&path, &y.client_a.token, body.clone())
        .await
        .expect_problem(403, "forbidden");
    y.app.post(&path, &y.manager.token, body).await.expect(201);
    let job_view = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.manager.token)
        .await
        .expect(200);
    assert_eq!(
        job_view.body["additional_work_total"],
        json!({"amount": "0.00", "currency": "USD"})
    );
}

#[tokio::test]
async fn job_progress_is_weighted_by_estimated_hours_and_done_counts_as_100() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let tasks = format!("/api/v1/jobs/{job}/tasks");
    // A task may only require a certification type the yard knows.
    let reply = y
        .app
        .post(
            &tasks,
            &y.manager.token,
            json!({"title": "Weld", "estimated_hours": 30, "required_certification": "WELD-3G"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "required_certification");
    y.app
        .post(
            "/api/v1/certification-types",
            &y.manager.token,
            json!({"code": "WELD-3G", "name": "Welder 3G (ISO 9606-1)"}),
        )
        .await
        .expect(201);
    let weld = y.app
        .post(&tasks, &y.manager.token, json!({"title": "Weld shell plating", "estimated_hours": 30, "required_certification": "WELD-3G"}))
        .await
        .expect(201);
    assert_eq!(weld.body["status"], "open");
    assert_eq!(weld.body["progress_percent"], 0);
    assert_eq!(weld.body["required_certification"], "WELD-3G");
    let paint = y
        .app
        .post(
            &tasks,
            &y.manager.token,
            json!({"title": "Paint", "estimated_hours": 10}),
        )
        .await
        .expect(201);
    y.app
        .patch(
            &format!("/api/v1/tasks/{}", weld.id()),
            &y.manager.token,
            json!({"progress_percent": 50, "status": "in_progress"}),
        )
        .await
        .expect(200);
    y.app
        .patch(
            &format!("/api/v1/tasks/{}", paint.id()),
            &y.manager.token,
            json!({"status": "done"}),
        )
        .await
        .expect(200);
    // (30 x 50 + 10 x 100) / 40 = 62.5
    let view = y
        .app
        .get(&format!("/api/v1/jobs/{job}"), &y.client_a.token)
        .await
        .expect(200);
    assert_eq!(view.body["progress_percent"], 62.5);
    let list = y.app.get(&tasks, &y.client_a.token).await.expect(200);
    assert_eq!(list.body["items"].as_array().unwrap().len(), 2);

    y.app
        .post(
            &tasks,
            &y.manager.token,
            json!({"title": "Bad", "estimated_hours": 0}),
        )
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .patch(
            &format!("/api/v1/tasks/{}", paint.id()),
            &y.manager.token,
            json!({"progress_percent": 101}),
        )
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .post(
            &tasks,
            &y.client_a.token,
            json!({"title": "Mine", "estimated_hours": 1}),
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .post(
            &tasks,
            &y.technician.token,
            json!({"title": "Mine", "estimated_hours": 1}),
        )
        .await
        .expect_problem(403, "forbidden");
    y.app
        .patch(
            &format!("/api/v1/tasks/{}", paint.id()),
            &y.client_a.token,
            json!({"status": "open"}),
        )
        .await
        .expect_problem(403, "forbidden");
    // A technician not assigned to the task does not see it.
    y.app
        .patch(
            &format!("/api/v1/tasks/{}", paint.id()),
            &y.technician.token,
            json!({"status": "open"}),
        )
        .await
        .expect_problem(404, "not-found");
}

#[tokio::test]
async fn clients_do_not_see_the_names_of_yard_staff_in_the_timeline() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, job, "quoted").await;
    let for_client = y
        .app
        .get(&format!("/api/v1/jobs/{job}/events"), &y.client_a.token)
        .await
        .expect(200);
    assert!(
        for_client.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e.get("actor_name").is_none())
    );
    assert!(!for_client.body.to_string().contains("Test manager"));
    let for_manager = y
        .app
        .get(&format!("/api/v1/jobs/{job}/events"), &y.manager.token)
        .await
        .expect(200);
    let quoted = for_manager.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "quoted")
        .unwrap();
    assert_eq!(quoted["actor_name"], "Test manager");
}

#[tokio::test]
async fn a_client_of_another_organization_gets_404_everywhere() {
    let y = yard().await;
    let (app, b) = (&y.app, &y.client_b);
    let job = app.job(&y.client_a, y.vessel_a).await;
    app.advance(&y.manager, job, "quoted").await;
    let task = app
        .post(
            &format!("/api/v1/jobs/{job}/tasks"),
            &y.manager.token,
            json!({"title": "Survey", "estimated_hours": 4}),
        )
        .await
        .expect(201)
        .id();

    app.get(&format!("/api/v1/jobs/{job}"), &b.token)
        .await
        .expect_problem(404, "not-found");
    app.get(&format!("/api/v1/jobs/{job}/events"), &b.token)
        .await
        .expect_problem(404, "not-found");
    app.get(&format!("/api/v1/jobs/{job}/tasks"), &b.token)
        .await
        .expect_problem(404, "not-found");
    app.get(&format!("/api/v1/jobs/{job}/additional-work"), &b.token)
        .await
        .expect_problem(404, "not-found");
    app.transition(b, job, "approved", None)
        .await
        .expect_problem(404, "not-found");
    app.transition(b, job, "cancelled", None)
        .await
        .expect_problem(404, "not-found");
    app.patch(
        &format!("/api/v1/tasks/{task}"),
        &b.token,
        json!({"status": "done"}),
    )
    .await
    .expect_problem(403, "forbidden");
    let list = app.get("/api/v1/jobs", &b.token).await.expect(200);
    assert_eq!(list.body["items"], json!([]));
    let filtered = app
        .get(
            &format!("/api/v1/jobs?organization_id={}", y.org_a),
            &b.token,
        )
        .await
        .expect(200);
    assert_eq!(filtered.body["items"], json!([]));
    app.post(
        "/api/v1/jobs",
        &b.token,
        json!({"vessel_id": y.vessel_a, "title": "Hijack", "description": "", "priority": "low"}),
    )
    .await
    .expect_problem(404, "not-found");

    app.transition(&y.client_a, job, "approved", None)
        .await
        .expect(200);
    let item = app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &y.manager.token,
            json!({"description": "Extra", "amount": "10.00", "currency": "USD"}),
        )
        .await
        .expect(201)
        .id();
    app.post(
        &format!("/api/v1/additional-work/{item}/decision"),
        &b.token,
        json!({"decision": "approved"}),
    )
    .await
    .expect_problem(404, "not-found");
    assert_eq!(job_status(&y, job).await, "approved");
    let own = app
        .get(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &y.client_a.token,
        )
        .await
        .expect(200);
    assert_eq!(own.body["items"][0]["status"], "pending");
    // B's own job is of course visible to B.
    let b_job = app.job(b, y.vessel_b).await;
    app.get(&format!("/api/v1/jobs/{b_job}"), &b.token)
        .await
        .expect(200);
}

#[tokio::test]
async fn the_job_list_is_scoped_filtered_and_paged() {
    let y = yard().await;
    for _ in 0..3 {
        y.app.job(&y.client_a, y.vessel_a).await;
    }
    let b_job = y.app.job(&y.client_b, y.vessel_b).await;
    y.app
        .transition(&y.client_b, b_job, "cancelled", None)
        .await
        .expect(200);

    let all = y
        .app
        .get("/api/v1/jobs", &y.manager.token)
        .await
        .expect(200);
    assert_eq!(all.body["items"].as_array().unwrap().len(), 4);
    let mine = y
        .app
        .get("/api/v1/jobs", &y.client_a.token)
        .await
        .expect(200);
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 3);
    let cancelled = y
        .app
        .get("/api/v1/jobs?status=cancelled", &y.manager.token)
        .await
        .expect(200);
    assert_eq!(cancelled.body["items"][0]["id"], b_job.to_string());
    let by_vessel = y
        .app
        .get(
            &format!("/api/v1/jobs?vessel_id={}", y.vessel_b),
            &y.manager.token,
        )
        .await
        .expect(200);
    assert_eq!(by_vessel.body["items"].as_array().unwrap().len(), 1);
    let number = all.body["items"][0]["number"].as_str().unwrap().to_owned();
    let by_number = y
        .app
        .get(&format!("/api/v1/jobs?q={number}"), &y.manager.token)
        .await
        .expect(200);
    assert_eq!(by_number.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        y.app
            .get("/api/v1/jobs", &y.technician.token)
            .await
            .expect(200)
            .body["items"],
        json!([])
    );

    let first = y
        .app
        .get("/api/v1/jobs?limit=3", &y.manager.token)
        .await
        .expect(200);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = y
        .app
        .get(
            &format!("/api/v1/jobs?limit=3&cursor={cursor}"),
            &y.manager.token,
        )
        .await
        .expect(200);
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(second.body["next_cursor"], Value::Null);
    // Newest first.
    assert_eq!(first.body["items"][0]["id"], b_job.to_string());
    y.app
        .get("/api/v1/jobs?limit=201", &y.manager.token)
        .await
        .expect_problem(422, "validation-failed");
    y.app
        .get("/api/v1/jobs?status=sunk", &y.manager.token)
        .await
        .expect_problem(400, "malformed-request");
}

#[tokio::test]
async fn quotes_are_validated() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    for (amount, currency, field) in [
        ("-1", "USD", "amount"),
        ("12.345", "USD", "amount"),
        ("0", "USD", "amount"),
        ("100", "usd", "currency"),
        ("100", "ABC", "currency"),
    ] {
        let reply = y
            .app
            .quote(&y.manager, job, amount, currency)
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], field);
    }
    let reply = y
        .app
        .request(
            Method::PUT,
            &format!("/api/v1/jobs/{job}/quote"),
            Some(&y.manager.token),
            Some(json!({"amount": "10.00", "currency": "USD", "valid_until": "2001-01-01"})),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "valid_until");
    y.app
        .request(
            Method::PUT,
            &format!("/api/v1/jobs/{job}/quote"),
            Some(&y.client_a.token),
            Some(json!({"amount": "1.00", "currency": "USD"})),
        )
        .await
        .expect_problem(403, "forbidden");
    assert_eq!(job_status(&y, job).await, "requested");
}

/// The first item of `session`'s job list.
async fn first_listed(y: &Yard, session: &Session) -> Value {
    y.app
        .get("/api/v1/jobs?limit=50", &session.token)
        .await
        .expect(200)
        .body["items"][0]
        .clone()
}

#[tokio::test]
async fn a_clients_job_list_shows_every_change_the_moment_it_commits() {
    // The service keeps the pages it served a client; each of these changes must still
    // show on the very next read.
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let listed = first_listed(&y, &y.client_a).await;
    assert_eq!(listed["id"], job.to_string());
    assert_eq!(first_listed(&y, &y.client_a).await, listed, "read twice");

    // Another organisation asking the same thing gets its own list.
    let b_job = y.app.job(&y.client_b, y.vessel_b).await;
    assert_eq!(first_listed(&y, &y.client_b).await["id"], b_job.to_string());

    // A manager's change through the API.
    y.app
        .patch(
            &format!("/api/v1/jobs/{job}"),
            &y.manager.token,
            json!({"title": "Renew stern tube seals"}),
        )
        .await
        .expect(200);
    let listed = first_listed(&y, &y.client_a).await;
    assert_eq!(listed["title"], "Renew stern tube seals");
    // A quote, and the client's own approval.
    y.app
        .quote(&y.manager, job, "48000.00", "EUR")
        .await
        .expect(200);
    assert_eq!(first_listed(&y, &y.client_a).await["status"], "quoted");
    y.app
        .transition(&y.client_a, job, "approved", None)
        .await
        .expect(200);
    assert_eq!(first_listed(&y, &y.client_a).await["status"], "approved");

    // The vessel renamed: the list shows each job's vessel by name.
    y.app
        .patch(
            &format!("/api/v1/vessels/{}", y.vessel_a),
            &y.manager.token,
            json!({"name": "Aegean Star"}),
        )
        .await
        .expect(200);
    assert_eq!(
        first_listed(&y, &y.client_a).await["vessel"]["name"],
        "Aegean Star"
    );

    // A new job on top.
    let newer = y.app.job(&y.client_a, y.vessel_a).await;
    assert_eq!(first_listed(&y, &y.client_a).await["id"], newer.to_string());

    // Plain SQL past the API, committed by another connection.
    y.app
        .execute_sql("UPDATE jobs SET priority = 'urgent' WHERE id = $1", newer)
        .await;
    assert_eq!(first_listed(&y, &y.client_a).await["priority"], "urgent");

    // Organisation B's list was not touched by any of A's changes.
    assert_eq!(first_listed(&y, &y.client_b).await["id"], b_job.to_string());
    let b_page = y
        .app
        .get("/api/v1/jobs?limit=50", &y.client_b.token)
        .await
        .expect(200);
    assert_eq!(b_page.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_change_to_one_organisations_jobs_moves_only_its_own_list_version() {
    // The version a kept page is checked against; bumping every organisation's would
    // make every client's next read miss, and lock one row for all writes of the yard.
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

    #[derive(diesel::QueryableByName)]
    struct Version {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        version: i64,
    }

    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let b_job = y.app.job(&y.client_b, y.vessel_b).await;
    let org_b: Uuid = first_listed(&y, &y.client_b).await["organization_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(first_listed(&y, &y.client_b).await["id"], b_job.to_string());
    let mut direct = AsyncPgConnection::establish(&y.app.database_url())
        .await
        .unwrap();
    let mut versions = async || -> Vec<i64> {
        let mut found = Vec::new();
        for org in [y.org_a, org_b] {
            let row: Version = diesel::sql_query(
                "SELECT coalesce(max(version), 0) AS version FROM job_list_versions \
                 WHERE organization_id = $1",
            )
            .bind::<diesel::sql_types::Uuid, _>(org)
            .get_result(&mut direct)
            .await
            .unwrap();
            found.push(row.version);
        }
        found
    };
    let before = versions().await;
    assert!(before.iter().all(|v| *v > 0), "{before:?}");
    y.app
        .patch(
            &format!("/api/v1/jobs/{job}"),
            &y.manager.token,
            json!({"title": "Overhaul the rudder carrier"}),
        )
        .await
        .expect(200);
    let after = versions().await;
    assert!(after[0] > before[0], "{before:?} -> {after:?}");
    assert_eq!(after[1], before[1], "the other organisation's version");
}

#[tokio::test]
async fn a_job_a_client_reads_shows_every_change_the_moment_it_commits() {
    // A job read by a client is kept under its organisation's list version; each change
    // must show on the next read, with its ETag, and keeping it opens it to no one else.
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    let path = format!("/api/v1/jobs/{job}");
    let read = async || {
        let reply = y.app.get(&path, &y.client_a.token).await.expect(200);
        let tag = reply.headers["etag"].to_str().unwrap().to_owned();
        (tag, reply.body)
    };
    let (tag, first) = read().await;
    assert_eq!(tag, format!("\"{}\"", first["version"]));
    assert_eq!(read().await, (tag.clone(), first.clone()), "read twice");
    y.app
        .get(&path, &y.client_b.token)
        .await
        .expect_problem(404, "not-found");

    y.app
        .patch(&path, &y.manager.token, json!({"priority": "urgent"}))
        .await
        .expect(200);
    let (new_tag, body) = read().await;
    assert_eq!(body["priority"], "urgent");
    assert_ne!(new_tag, tag);
    assert_eq!(new_tag, format!("\"{}\"", body["version"]));

    y.app
        .patch(
            &format!("/api/v1/vessels/{}", y.vessel_a),
            &y.manager.token,
            json!({"name": "Nile Breeze"}),
        )
        .await
        .expect(200);
    assert_eq!(read().await.1["vessel"]["name"], "Nile Breeze");

    y.app
        .execute_sql(
            "UPDATE jobs SET title = 'Straighten the bilge keel' WHERE id = $1",
            job,
        )
        .await;
    assert_eq!(read().await.1["title"], "Straighten the bilge keel");
    y.app
        .get(&path, &y.client_b.token)
        .await
        .expect_problem(404, "not-found");
}

#[tokio::test]
async fn the_moves_open_now_are_listed_for_each_caller_with_what_they_need() {
    let y = yard().await;
    let job = y.app.job(&y.client_a, y.vessel_a).await;
    y.app.advance(&y.manager, job, "quoted").await;
    let path = format!("/api/v1/jobs/{job}/transitions");
    let client = y.app.get(&path, &y.client_a.token).await.expect(200).body;
    assert_eq!(client["status"], "quoted");
    assert_eq!(client["may_quote"], false);
    let manager = y.app.get(&path, &y.manager.token).await.expect(200).body;
    assert_eq!(manager["may_quote"], true);
    assert_eq!(
        client["moves"],
        json!([
            {"to": "approved", "needs_note": false, "needs_planned_dates": false},
            {"to": "requested", "needs_note": true, "needs_planned_dates": false},
            {"to": "cancelled", "needs_note": false, "needs_planned_dates": false},
        ])
    );
    y.app
        .transition(&y.client_a, job, "approved", None)
        .await
        .expect(200);
    // Approved: nothing left for the client; the manager may schedule (with dates) or
    // cancel (with a reason).
    let client = y.app.get(&path, &y.client_a.token).await.expect(200).body;
    assert_eq!(client["moves"], json!([]));
    let manager = y.app.get(&path, &y.manager.token).await.expect(200).body;
    assert_eq!(manager["may_quote"], false);
    assert_eq!(
        manager["moves"],
        json!([
            {"to": "scheduled", "needs_note": false, "needs_planned_dates": true},
            {"to": "cancelled", "needs_note": true, "needs_planned_dates": false},
        ])
    );
    // Another organisation's job does not exist for them; technicians never move jobs.
    y.app
        .get(&path, &y.client_b.token)
        .await
        .expect_problem(404, "not-found");
    y.app
        .get(&path, &y.technician.token)
        .await
        .expect_problem(403, "forbidden");
}
