//! Technicians, certificates, the certification gate, assignments without double-booking,
//! and what a technician may see and change.

use crate::common::{Session, TestApp};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

struct Shop {
    app: TestApp,
    manager: Session,
    client: Session,
    vessel: Uuid,
    job: Uuid,
}

/// A job in progress on a client's vessel.
async fn shop() -> Shop {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Hellas Reefers", "GR").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let job = app.job(&client, vessel).await;
    app.advance(&manager, job, "in_progress").await;
    Shop {
        app,
        manager,
        client,
        vessel,
        job,
    }
}

#[tokio::test]
async fn the_certification_gate_covers_the_whole_assignment() {
    let s = shop().await;
    s.app.certification_type(&s.manager, "WELD-3G").await;
    let task = s.app.task(&s.manager, s.job, 40.0, Some("WELD-3G")).await;
    let window = ("2026-06-01T00:00:00Z", "2026-06-10T08:00:00Z");

    let (_, uncertified) = s.app.technician_profile(&s.manager, "welder").await;
    let reply = s
        .app
        .assign(&s.manager, task, uncertified, window.0, window.1)
        .await
        .expect_problem(422, "validation-failed");
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("WELD-3G") && message.contains("no"),
        "{message}"
    );

    let (_, expiring) = s.app.technician_profile(&s.manager, "welder").await;
    s.app
        .certify(&s.manager, expiring, "WELD-3G", "2024-01-01", "2026-06-05")
        .await;
    let reply = s
        .app
        .assign(&s.manager, task, expiring, window.0, window.1)
        .await
        .expect_problem(422, "validation-failed");
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("WELD-3G") && message.contains("expires on 2026-06-05"),
        "{message}"
    );

    let (_, too_new) = s.app.technician_profile(&s.manager, "welder").await;
    s.app
        .certify(&s.manager, too_new, "WELD-3G", "2026-06-03", "2029-01-01")
        .await;
    let reply = s
        .app
        .assign(&s.manager, task, too_new, window.0, window.1)
        .await
        .expect_problem(422, "validation-failed");
    let message = reply.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("WELD-3G") && message.contains("not valid until 2026-06-03"),
        "{message}"
    );

    let (_, certified) = s.app.technician_profile(&s.manager, "welder").await;
    s.app
        .certify(&s.manager, certified, "WELD-3G", "2025-01-01", "2026-06-10")
        .await;
    let ok = s
        .app
        .assign(&s.manager, task, certified, window.0, window.1)
        .await
        .expect(201);
    assert_eq!(ok.body["technician_id"], certified.to_string());
    assert_eq!(ok.body["job_id"], s.job.to_string());

    // A task without a required certification takes anyone.
    let plain = s.app.task(&s.manager, s.job, 8.0, None).await;
    s.app
        .assign(&s.manager, plain, uncertified, window.0, window.1)
        .await
        .expect(201);
}

#[tokio::test]
async fn yard_days_decide_certificate_validity() {
    // 2026-06-10T17:00Z is already 2026-06-11 in Weihai: a certificate that expires on
    // the 10th does not cover it.
    let s = shop().await;
    s.app.certification_type(&s.manager, "NDT-UT2").await;
    let task = s.app.task(&s.manager, s.job, 8.0, Some("NDT-UT2")).await;
    let (_, inspector) = s.app.technician_profile(&s.manager, "ndt_inspector").await;
    s.app
        .certify(&s.manager, inspector, "NDT-UT2", "2025-01-01", "2026-06-10")
        .await;
    s.app
        .assign(
            &s.manager,
            task,
            inspector,
            "2026-06-10T01:00:00Z",
            "2026-06-10T17:00:00Z",
        )
        .await
        .expect_problem(422, "validation-failed");
    s.app
        .assign(
            &s.manager,
            task,
            inspector,
            "2026-06-10T01:00:00Z",
            "2026-06-10T15:00:00Z",
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn overlapping_assignments_name_the_other_and_back_to_back_is_fine() {
    let s = shop().await;
    let task = s.app.task(&s.manager, s.job, 8.0, None).await;
    let other_task = s.app.task(&s.manager, s.job, 8.0, None).await;
    let (_, tech) = s.app.technician_profile(&s.manager, "fitter").await;
    let first = s
        .app
        .assign(
            &s.manager,
            task,
            tech,
            "2026-06-01T00:00:00Z",
            "2026-06-01T08:00:00Z",
        )
        .await
        .expect(201);
    let clash = s
        .app
        .assign(
            &s.manager,
            other_task,
            tech,
            "2026-06-01T07:00:00Z",
            "2026-06-01T12:00:00Z",
        )
        .await
        .expect_problem(409, "technician-double-booked");
    assert_eq!(clash.body["conflicting_id"], first.body["id"]);
    s.app
        .assign(
            &s.manager,
            other_task,
            tech,
            "2026-06-01T08:00:00Z",
            "2026-06-01T12:00:00Z",
        )
        .await
        .expect(201);
    s.app
        .assign(
            &s.manager,
            task,
            tech,
            "2026-06-02T00:00:00Z",
            "2026-06-01T12:00:00Z",
        )
        .await
        .expect_problem(422, "validation-failed");
    // Removing an assignment frees the time.
    s.app
        .request(
            Method::DELETE,
            &format!("/api/v1/assignments/{}", first.id()),
            Some(&s.manager.token),
            None,
        )
        .await
        .expect(204);
    s.app
        .assign(
            &s.manager,
            other_task,
            tech,
            "2026-06-01T07:00:00Z",
            "2026-06-01T08:00:00Z",
        )
        .await
        .expect(201);
    s.app
        .request(
            Method::DELETE,
            &format!("/api/v1/assignments/{}", first.id()),
            Some(&s.manager.token),
            None,
        )
        .await
        .expect_problem(404, "not-found");
}

#[tokio::test]
async fn twenty_concurrent_overlapping_assignments_give_one_201() {
    let s = shop().await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        tasks.push(s.app.task(&s.manager, s.job, 4.0, None).await);
    }
    let (_, tech) = s.app.technician_profile(&s.manager, "rigger").await;
    let attempts = tasks.into_iter().enumerate().map(|(i, task)| {
        let (app, manager) = (&s.app, &s.manager);
        async move {
            let start = format!("2026-07-01T{:02}:00:00Z", i % 4);
            app.assign(manager, task, tech, &start, "2026-07-01T12:00:00Z")
                .await
                .status
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
}

#[tokio::test]
async fn assignments_need_an_active_job() {
    let s = shop().await;
    let fresh = s.app.job(&s.client, s.vessel).await;
    let task = s.app.task(&s.manager, fresh, 4.0, None).await;
    let (_, tech) = s.app.technician_profile(&s.manager, "painter").await;
    s.app
        .assign(
            &s.manager,
            task,
            tech,
            "2026-06-01T00:00:00Z",
            "2026-06-01T08:00:00Z",
        )
        .await
        .expect_problem(409, "job-not-active");
    s.app.advance(&s.manager, fresh, "approved").await;
    s.app
        .assign(
            &s.manager,
            task,
            tech,
            "2026-06-01T00:00:00Z",
            "2026-06-01T08:00:00Z",
        )
        .await
        .expect(201);
    s.app
        .assign(
            &s.manager,
            task,
            Uuid::new_v4(),
            "2026-06-02T00:00:00Z",
            "2026-06-02T08:00:00Z",
        )
        .await
        .expect_problem(422, "validation-failed");
    s.app
        .assign(
            &s.client,
            task,
            tech,
            "2026-06-03T00:00:00Z",
            "2026-06-03T08:00:00Z",
        )
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn technician_profiles_and_certificates_are_validated() {
    let s = shop().await;
    s.app
        .post(
            "/api/v1/technicians",
            &s.manager.token,
            json!({"user_id": s.client.user_id, "trade": "welder"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    let (tech_session, tech) = s.app.technician_profile(&s.manager, "welder").await;
    s.app
        .post(
            "/api/v1/technicians",
            &s.manager.token,
            json!({"user_id": tech_session.user_id, "trade": "fitter"}),
        )
        .await
        .expect_problem(422, "validation-failed");
    s.app
        .post(
            "/api/v1/technicians",
            &s.manager.token,
            json!({"user_id": tech_session.user_id, "trade": "astronaut"}),
        )
        .await
        .expect_problem(400, "malformed-request");
    s.app.certification_type(&s.manager, "WELD-6G").await;
    s.app
        .post(
            "/api/v1/certification-types",
            &s.manager.token,
            json!({"code": "WELD-6G", "name": "Again"}),
        )
        .await
        .expect_problem(409, "duplicate-code");
    let path = format!("/api/v1/technicians/{tech}/certifications");
    let cert = |issued: &str, expires: &str, code: &str| json!({"certification_type": code, "certificate_number": "X-1", "issued_by": "CCS", "issued_on": issued, "expires_on": expires});
    s.app
        .post(
            &path,
            &s.manager.token,
            cert("2026-01-01", "2026-01-01", "WELD-6G"),
        )
        .await
        .expect_problem(422, "validation-failed");
    let reply = s
        .app
        .post(
            &path,
            &s.manager.token,
            cert("2026-01-01", "2027-01-01", "NOPE"),
        )
        .await
        .expect_problem(422, "validation-failed");
    assert_eq!(reply.body["errors"][0]["field"], "certification_type");
    s.app
        .post(
            &path,
            &s.manager.token,
            cert("2026-01-01", "2027-01-01", "WELD-6G"),
        )
        .await
        .expect(201);
    s.app
        .post(
            &format!("/api/v1/technicians/{}/certifications", Uuid::new_v4()),
            &s.manager.token,
            cert("2026-01-01", "2027-01-01", "WELD-6G"),
        )
        .await
        .expect_problem(404, "not-found");
    let changed = s
        .app
        .patch(
            &format!("/api/v1/technicians/{tech}"),
            &s.manager.token,
            json!({"trade": "fitter", "employee_number": "WH-0042"}),
        )
        .await
        .expect(200);
    assert_eq!(changed.body["trade"], "fitter");
    assert_eq!(changed.body["employee_number"], "WH-0042");
}

#[tokio::test]
async fn certificates_are_read_by_managers_and_the_technician_only() {
    let s = shop().await;
    s.app.certification_type(&s.manager, "ELEC-HV").await;
    let (me, mine) = s.app.technician_profile(&s.manager, "electrician").await;
    let (other, _) = s.app.technician_profile(&s.manager, "electrician").await;
    s.app
        .certify(&s.manager, mine, "ELEC-HV", "2025-01-01", "2028-01-01")
        .await;
    let path = format!("/api/v1/technicians/{mine}/certifications");
    assert_eq!(
        s.app.get(&path, &s.manager.token).await.expect(200).body["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        s.app.get(&path, &me.token).await.expect(200).body["items"][0]["certification_type"],
        "ELEC-HV"
    );
    s.app
        .get(&path, &other.token)
        .await
        .expect_problem(404, "not-found");
    s.app
        .get(&path, &s.client.token)
        .await
        .expect_problem(403, "forbidden");
    s.app
        .get(&format!("/api/v1/technicians/{mine}"), &me.token)
        .await
        .expect(200);
    s.app
        .get(&format!("/api/v1/technicians/{mine}"), &other.token)
        .await
        .expect_problem(404, "not-found");
    s.app
        .get("/api/v1/technicians", &me.token)
        .await
        .expect_problem(403, "forbidden");
    s.app.post(&path, &me.token, json!({"certification_type": "ELEC-HV", "certificate_number": "self", "issued_by": "me", "issued_on": "2025-01-01", "expires_on": "2030-01-01"}))
        .await
        .expect_problem(403, "forbidden");
}

#[tokio::test]
async fn technicians_are_listed_by_trade_certificate_and_free_time() {
    let s = shop().await;
    s.app.certification_type(&s.manager, "WELD-3G").await;
    let task = s.app.task(&s.manager, s.job, 8.0, None).await;
    let (_, busy_welder) = s.app.technician_profile(&s.manager, "welder").await;
    let (_, free_welder) = s.app.technician_profile(&s.manager, "welder").await;
    let (_, painter) = s.app.technician_profile(&s.manager, "painter").await;
    let today = chrono::Utc::now().date_naive();
    let (from, until) = (
        (today - chrono::Days::new(400)).to_string(),
        (today + chrono::Days::new(400)).to_string(),
    );
    s.app
        .certify(&s.manager, busy_welder, "WELD-3G", &from, &until)
        .await;
    s.app
        .certify(&s.manager, free_welder, "WELD-3G", &from, &until)
        .await;
    s.app
        .assign(
            &s.manager,
            task,
            busy_welder,
            "2026-08-01T00:00:00Z",
            "2026-08-01T08:00:00Z",
        )
        .await
        .expect(201);

    let ids = |reply: crate::common::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let t = &s.manager.token;
    assert_eq!(
        ids(s
            .app
            .get("/api/v1/technicians?trade=painter", t)
            .await
            .expect(200)),
        [painter.to_string()]
    );
    let certified = ids(s
        .app
        .get("/api/v1/technicians?certified_for=WELD-3G", t)
        .await
        .expect(200));
    assert_eq!(
        certified,
        [busy_welder.to_string(), free_welder.to_string()]
    );
    let free = ids(
        s.app
            .get("/api/v1/technicians?certified_for=WELD-3G&available_from=2026-08-01T04:00:00Z&available_to=2026-08-01T06:00:00Z", t)
            .await
            .expect(200),
    );
    assert_eq!(free, [free_welder.to_string()]);
    s.app
        .get("/api/v1/technicians?available_from=2026-08-01T04:00:00Z", t)
        .await
        .expect_problem(422, "validation-failed");
}

#[tokio::test]
async fn a_technician_sees_and_moves_only_what_it_is_assigned_to() {
    let s = shop().await;
    let mine = s.app.task(&s.manager, s.job, 8.0, None).await;
    let not_mine = s.app.task(&s.manager, s.job, 8.0, None).await;
    let (tech, tech_id) = s.app.technician_profile(&s.manager, "fitter").await;
    let job_path = format!("/api/v1/jobs/{}", s.job);

    // Before any assignment: nothing.
    s.app
        .get(&job_path, &tech.token)
        .await
        .expect_problem(404, "not-found");
    assert_eq!(
        s.app
            .get("/api/v1/jobs", &tech.token)
            .await
            .expect(200)
            .body["items"],
        json!([])
    );

    let dock = s
        .app
        .dock(&s.manager, "Floating Dock No. 3", (250.0, 40.0, 14.0), None)
        .await;
    s.app
        .book(
            &s.manager,
            dock,
            s.vessel,
            "2026-06-01T00:00:00Z",
            "2026-06-20T00:00:00Z",
        )
        .await
        .expect(201);
    let assignment = s
        .app
        .assign(
            &s.manager,
            mine,
            tech_id,
            "2026-06-02T00:00:00Z",
            "2026-06-02T08:00:00Z",
        )
        .await
        .expect(201);

    let jobs = s.app.get("/api/v1/jobs", &tech.token).await.expect(200);
    assert_eq!(jobs.body["items"][0]["id"], s.job.to_string());
    s.app.get(&job_path, &tech.token).await.expect(200);
    s.app
        .get(&format!("/api/v1/vessels/{}", s.vessel), &tech.token)
        .await
        .expect(200);
    let tasks = s
        .app
        .get(&format!("{job_path}/tasks"), &tech.token)
        .await
        .expect(200);
    assert_eq!(tasks.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(tasks.body["items"][0]["id"], mine.to_string());
    let bookings = s
        .app
        .get("/api/v1/dock-bookings", &tech.token)
        .await
        .expect(200);
    assert_eq!(
        bookings.body["items"],
        json!([]),
        "the booking is not linked to the job"
    );

    let me = s
        .app
        .get("/api/v1/me/assignments", &tech.token)
        .await
        .expect(200);
    let item = &me.body["items"][0];
    assert_eq!(item["id"], assignment.body["id"]);
    assert!(item["job"]["number"].as_str().unwrap().starts_with("J-"));
    assert_eq!(item["task"]["id"], mine.to_string());
    assert!(
        item["vessel"]["name"]
            .as_str()
            .unwrap()
            .starts_with("MV Test")
    );
    assert_eq!(item["dock"]["name"], "Floating Dock No. 3");
    s.app
        .get("/api/v1/me/assignments", &s.manager.token)
        .await
        .expect_problem(403, "forbidden");

    let moved = s
        .app
        .patch(
            &format!("/api/v1/tasks/{mine}"),
            &tech.token,
            json!({"status": "in_progress"}),
        )
        .await
        .expect(200);
    assert_eq!(moved.body["status"], "in_progress");
    s.app
        .patch(
            &format!("/api/v1/tasks/{mine}"),
            &tech.token,
            json!({"title": "Easier"}),
        )
        .await
        .expect_problem(403, "forbidden");
    s.app
        .patch(
            &format!("/api/v1/tasks/{not_mine}"),
            &tech.token,
            json!({"status": "done"}),
        )
        .await
        .expect_problem(404, "not-found");
    s.app
        .transition(&tech, s.job, "completed", None)
        .await
        .expect_problem(403, "forbidden");

    let listed = s
        .app
        .get(&format!("{job_path}/assignments"), &tech.token)
        .await
        .expect(200);
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
    s.app
        .get(&format!("{job_path}/assignments"), &s.client.token)
        .await
        .expect_problem(403, "forbidden");

    // Once the assignment is removed, the job is out of sight again.
    s.app
        .request(
            Method::DELETE,
            &format!("/api/v1/assignments/{}", assignment.id()),
            Some(&s.manager.token),
            None,
        )
        .await
        .expect(204);
    s.app
        .get(&job_path, &tech.token)
        .await
        .expect_problem(404, "not-found");
}
