//! Notifications (SPEC section 7): each event written with its change and heard by its
//! recipients only, the in-app list, mail through a real SMTP server, and the morning
//! report sent once however many instances run.

use crate::common::{Session, TestApp, fast_dispatch, fast_dispatch_at, sinks::SmtpSink};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// The kinds of the caller's notifications about `job`, oldest first.
async fn kinds_about(app: &TestApp, session: &Session, job: Uuid) -> Vec<String> {
    let page = app
        .get("/api/v1/me/notifications?limit=200", &session.token)
        .await
        .expect(200);
    let mut kinds: Vec<String> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"]["job"]["id"] == json!(job))
        .map(|n| n["event"]["kind"].as_str().unwrap().to_owned())
        .collect();
    kinds.reverse();
    kinds
}

/// The newest notification of `kind` the caller has.
async fn newest(app: &TestApp, session: &Session, kind: &str) -> Value {
    let page = app
        .get("/api/v1/me/notifications", &session.token)
        .await
        .expect(200);
    page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["event"]["kind"] == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} in {:#}", page.body))
}

#[tokio::test]
async fn each_change_is_heard_by_its_recipients_and_by_no_other_organisation() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let tech = app.technician().await;
    let org = app.organization(&manager, "Aegean Bulk", "GR").await;
    let other_org = app.organization(&manager, "Nile Lines", "EG").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let colleague = app.client(org).await;
    let other_client = app.client(other_org).await;

    // A client's request: managers hear it, its own organisation does not need to.
    let job = app.job(&client, vessel).await;
    assert_eq!(kinds_about(&app, &manager, job).await, ["job.requested"]);
    assert!(kinds_about(&app, &client, job).await.is_empty());

    // A quote: the organisation hears it, with the amount.
    app.quote(&manager, job, "125000.00", "EUR")
        .await
        .expect(200);
    let quoted = newest(&app, &colleague, "job.quoted").await;
    assert_eq!(quoted["event"]["data"]["amount"], "125000.00");
    assert_eq!(quoted["event"]["data"]["currency"], "EUR");
    assert_eq!(quoted["event"]["job"]["status"], "quoted");
    assert!(quoted["read_at"].is_null());

    // The client approves: its organisation and the managers hear it.
    app.transition(&client, job, "approved", Some("Go ahead"))
        .await
        .expect(200);
    let approved = newest(&app, &manager, "job.status_changed").await;
    assert_eq!(approved["event"]["data"]["from"], "quoted");
    assert_eq!(approved["event"]["data"]["to"], "approved");
    assert_eq!(approved["event"]["data"]["note"], "Go ahead");
    assert_eq!(approved["event"]["data"]["by_role"], "client");

    // A manager's move and new planned dates: the organisation only.
    app.patch(
        &format!("/api/v1/jobs/{job}"),
        &manager.token,
        json!({"planned_start": "2027-03-01T00:00:00Z", "planned_end": "2027-03-10T00:00:00Z"}),
    )
    .await
    .expect(200);
    let moved = newest(&app, &client, "job.schedule_changed").await;
    assert_eq!(
        moved["event"]["data"]["planned_start"],
        "2027-03-01T00:00:00.000000Z"
    );
    assert!(moved["event"]["data"]["previous_planned_start"].is_null());
    app.transition(&manager, job, "scheduled", None)
        .await
        .expect(200);

    // A booking that moves the job's dates is a schedule change too.
    let dock = app
        .dock(&manager, "Graving Dock 1", (400.0, 70.0, 25.0), None)
        .await;
    app.post(
        "/api/v1/dock-bookings",
        &manager.token,
        json!({"dock_id": dock, "vessel_id": vessel, "job_id": job,
               "starts_at": "2027-03-02T00:00:00Z", "ends_at": "2027-03-12T00:00:00Z"}),
    )
    .await
    .expect(201);
    let followed = newest(&app, &client, "job.schedule_changed").await;
    assert_eq!(
        followed["event"]["data"]["planned_start"],
        "2027-03-02T00:00:00.000000Z"
    );
    assert_eq!(
        followed["event"]["data"]["previous_planned_start"],
        "2027-03-01T00:00:00.000000Z"
    );

    // Additional work: proposed to the organisation, its decision to both sides.
    let extra = app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &manager.token,
            json!({"description": "Renew 12 m2 of shell plating", "amount": "8400.50", "currency": "EUR"}),
        )
        .await
        .expect(201)
        .id();
    let proposed = newest(&app, &client, "additional_work.proposed").await;
    assert_eq!(proposed["event"]["data"]["id"], json!(extra));
    assert_eq!(proposed["event"]["data"]["amount"], "8400.50");
    app.post(
        &format!("/api/v1/additional-work/{extra}/decision"),
        &client.token,
        json!({"decision": "rejected", "note": "Too dear"}),
    )
    .await
    .expect(200);
    for side in [&manager, &colleague] {
        let decided = newest(&app, side, "additional_work.decided").await;
        assert_eq!(decided["event"]["data"]["decision"], "rejected");
        assert_eq!(decided["event"]["data"]["note"], "Too dear");
    }

    assert_eq!(
        kinds_about(&app, &client, job).await,
        [
            "job.quoted",
            "job.status_changed",
            "job.schedule_changed",
            "job.status_changed",
            "job.schedule_changed",
            "additional_work.proposed",
            "additional_work.decided"
        ]
    );
    assert_eq!(
        kinds_about(&app, &manager, job).await,
        [
            "job.requested",
            "job.status_changed",
            "additional_work.decided"
        ]
    );
    // The other organisation and the technician hear nothing of it.
    assert!(kinds_about(&app, &other_client, job).await.is_empty());
    assert!(kinds_about(&app, &tech, job).await.is_empty());
    let theirs = app
        .get("/api/v1/me/notifications", &other_client.token)
        .await
        .expect(200);
    assert_eq!(theirs.body["items"], json!([]));
    assert_eq!(theirs.body["unread_count"], 0);

    // No payload names a member of the yard's staff.
    let all = app
        .get("/api/v1/me/notifications?limit=200", &client.token)
        .await
        .expect(200);
    let text = all.body.to_string();
    for staff in [&manager.email, &tech.email] {
        assert!(!text.contains(staff.as_str()), "{staff} in {text}");
    }
    assert!(!text.contains(&manager.user_id.to_string()));
}

#[tokio::test]
async fn a_job_created_by_a_manager_is_no_request_to_the_managers() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Colombo Marine", "LK").await;
    let vessel = app.vessel(&manager, org).await;
    let job = app.job(&manager, vessel).await;
    assert!(kinds_about(&app, &manager, job).await.is_empty());
}

#[tokio::test]
async fn a_change_that_rolls_back_leaves_no_event() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Volga Shipping", "RU").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let job = app.job(&client, vessel).await;
    app.quote(&manager, job, "5000.00", "USD").await.expect(200);
    // A failure after the event is written: the transaction of the move rolls back.
    app.execute_sql(
        "CREATE FUNCTION fail_after_event() RETURNS trigger LANGUAGE plpgsql AS $$ \
         BEGIN IF NEW.payload->'data'->>'note' = 'boom' THEN RAISE EXCEPTION 'forced'; END IF; \
         RETURN NULL; END $$",
        Uuid::nil(),
    )
    .await;
    app.execute_sql(
        "CREATE TRIGGER fail_after_event AFTER INSERT ON events \
         FOR EACH ROW EXECUTE FUNCTION fail_after_event()",
        Uuid::nil(),
    )
    .await;
    let before = kinds_about(&app, &client, job).await;
    app.transition(&client, job, "approved", Some("boom"))
        .await
        .expect_problem(500, "internal");
    let job_now = app
        .get(&format!("/api/v1/jobs/{job}"), &manager.token)
        .await
        .expect(200);
    assert_eq!(job_now.body["status"], "quoted");
    assert_eq!(kinds_about(&app, &client, job).await, before);
    assert_eq!(kinds_about(&app, &manager, job).await, ["job.requested"]);
    // Without the failure, the same move is told.
    app.transition(&client, job, "approved", Some("fine"))
        .await
        .expect(200);
    assert_eq!(
        kinds_about(&app, &manager, job).await,
        ["job.requested", "job.status_changed"]
    );
}

#[tokio::test]
async fn notifications_are_paged_filtered_and_marked_read_by_their_owner_only() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Tirreno Lines", "IT").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let other = app.client(org).await;
    for _ in 0..3 {
        let job = app.job(&client, vessel).await;
        app.quote(&manager, job, "100.00", "EUR").await.expect(200);
    }
    let first = app
        .get("/api/v1/me/notifications?limit=2", &client.token)
        .await
        .expect(200);
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(first.body["unread_count"], 3);
    let cursor = first.body["next_cursor"].as_str().unwrap().to_owned();
    let second = app
        .get(
            &format!("/api/v1/me/notifications?limit=2&cursor={cursor}"),
            &client.token,
        )
        .await
        .expect(200);
    assert_eq!(second.body["items"].as_array().unwrap().len(), 1);
    assert!(second.body["next_cursor"].is_null());

    let id = first.body["items"][0]["id"].as_str().unwrap().to_owned();
    // Someone else's notification is not found, and stays unread.
    app.post(
        &format!("/api/v1/me/notifications/{id}/read"),
        &other.token,
        json!({}),
    )
    .await
    .expect_problem(404, "not-found");
    let read = app
        .post(
            &format!("/api/v1/me/notifications/{id}/read"),
            &client.token,
            json!({}),
        )
        .await
        .expect(200);
    let read_at = read.body["read_at"].clone();
    assert!(read_at.is_string());
    // Reading it again keeps the first reading.
    let again = app
        .post(
            &format!("/api/v1/me/notifications/{id}/read"),
            &client.token,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(again.body["read_at"], read_at);

    let unread = app
        .get("/api/v1/me/notifications?unread=true", &client.token)
        .await
        .expect(200);
    assert_eq!(unread.body["items"].as_array().unwrap().len(), 2);
    assert_eq!(unread.body["unread_count"], 2);
    let read_only = app
        .get("/api/v1/me/notifications?unread=false", &client.token)
        .await
        .expect(200);
    assert_eq!(read_only.body["items"][0]["id"], id.as_str());

    let all = app
        .post(
            "/api/v1/me/notifications/read-all",
            &client.token,
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(all.body["marked"], 2);
    let none = app
        .get("/api/v1/me/notifications?unread=true", &client.token)
        .await
        .expect(200);
    assert_eq!(none.body["items"], json!([]));
    // The colleague's own are untouched.
    let theirs = app
        .get("/api/v1/me/notifications", &other.token)
        .await
        .expect(200);
    assert_eq!(theirs.body["unread_count"], 3);

    app.get("/api/v1/me/notifications?unread=maybe", &client.token)
        .await
        .expect(400);
    app.post(
        &format!("/api/v1/me/notifications/{}/read", Uuid::new_v4()),
        &client.token,
        json!({}),
    )
    .await
    .expect_problem(404, "not-found");
}

#[tokio::test]
async fn mail_settings_default_by_role_and_refuse_unknown_kinds() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Aegean Bulk", "GR").await;
    let client = app.client(org).await;
    let mine = app
        .get("/api/v1/me/notification-settings", &client.token)
        .await
        .expect(200);
    assert_eq!(mine.body["email"], true);
    assert_eq!(mine.body["kinds"].as_array().unwrap().len(), 9);
    let staff = app
        .get("/api/v1/me/notification-settings", &manager.token)
        .await
        .expect(200);
    assert_eq!(staff.body["email"], false);

    let put = |body: Value| {
        app.request(
            reqwest::Method::PUT,
            "/api/v1/me/notification-settings",
            Some(&client.token),
            Some(body),
        )
    };
    put(json!({"email": true, "kinds": ["webhook.test"]}))
        .await
        .expect_problem(422, "validation-failed");
    put(json!({"email": true, "kinds": ["job.exploded"]}))
        .await
        .expect(400);
    put(json!({"email": "yes"})).await.expect(400);
    let changed = put(json!({"email": true, "kinds": ["job.quoted", "daily_report.ready"]}))
        .await
        .expect(200);
    assert_eq!(
        changed.body["kinds"],
        json!(["job.quoted", "daily_report.ready"])
    );
    let back = app
        .get("/api/v1/me/notification-settings", &client.token)
        .await
        .expect(200);
    assert_eq!(back.body, changed.body);
}

#[tokio::test]
async fn mail_reaches_those_who_want_it_with_text_html_and_a_link_to_the_job() {
    let smtp = SmtpSink::start().await;
    let app = TestApp::spawn_with(fast_dispatch(Some(smtp.url()), "23:59")).await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Aegean Bulk", "GR").await;
    let other_org = app.organization(&manager, "Nile Lines", "EG").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let quiet = app.client(org).await;
    let other_client = app.client(other_org).await;
    app.request(
        reqwest::Method::PUT,
        "/api/v1/me/notification-settings",
        Some(&quiet.token),
        Some(json!({"email": false})),
    )
    .await
    .expect(200);

    let job = app.job(&client, vessel).await;
    app.quote(&manager, job, "125000.00", "EUR")
        .await
        .expect(200);
    let mails = smtp.wait_for(20, |m| !m.is_empty()).await;
    // Give a stray second mail the time to arrive before counting.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let mails = if mails.len() == 1 {
        smtp.mails()
    } else {
        mails
    };
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let mail = &mails[0];
    assert_eq!(mail.to, [format!("<{}>", client.email)]);
    assert_eq!(mail.from, "<yard@slipway.test>");
    let subject = mail.header("Subject").unwrap();
    assert!(subject.contains("Quote for J-"), "{subject}");
    assert!(mail.header("To").unwrap().contains(&client.email));
    assert!(mail.header("From").unwrap().contains("yard@slipway.test"));
    assert_eq!(
        mail.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );
    assert_eq!(
        mail.header("X-Slipway-Event").as_deref(),
        Some("job.quoted")
    );
    assert!(
        mail.header("Content-Type")
            .unwrap()
            .starts_with("multipart/alternative")
    );
    let text = mail.text();
    assert!(text.contains("Content-Type: text/plain"), "{text}");
    assert!(text.contains("Content-Type: text/html"), "{text}");
    assert!(text.contains("125000.00 EUR"), "{text}");
    assert!(
        text.contains(&format!("https://slipway.test/app/jobs/{job}")),
        "{text}"
    );
    // Staff are not mailed by default, the quiet colleague asked not to be, and the other
    // organisation hears nothing.
    for nobody in [&manager.email, &quiet.email, &other_client.email] {
        assert!(
            mails
                .iter()
                .all(|m| !m.to.iter().any(|t| t.contains(nobody.as_str())))
        );
    }
}

#[tokio::test]
async fn the_morning_report_is_written_at_its_moment_not_at_the_next_look() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Colombo Marine", "LK").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let job = app.job(&client, vessel).await;
    app.advance(&manager, job, "in_progress").await;
    let task = app.task(&manager, job, 20.0, None).await;
    let (tech, tech_id) = app.technician_profile(&manager, "welder").await;
    let now = Utc::now();
    let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let assignment = app
        .assign(
            &manager,
            task,
            tech_id,
            &iso(now - Duration::days(3)),
            &iso(now + Duration::days(1)),
        )
        .await
        .expect(201)
        .id();
    let yard = slipway::yard::Yard::in_zone(chrono_tz::Asia::Shanghai);
    // Not across the yard's midnight: the report moment stays on today.
    let local = Utc::now().with_timezone(&yard.tz).time();
    if local > chrono::NaiveTime::from_hms_opt(23, 59, 40).unwrap() {
        tokio::time::sleep(std::time::Duration::from_secs(25)).await;
    }
    let yesterday = yard.today().pred_opt().unwrap();
    let (start, _) = yard.day_bounds(yesterday);
    app.log_work(
        &tech,
        assignment,
        &iso(start + Duration::hours(12)),
        &iso(start + Duration::hours(14)),
        Some(40),
    )
    .await
    .expect(201);
    let ready = async || -> Vec<Value> {
        app.get("/api/v1/me/notifications?limit=200", &client.token)
            .await
            .expect(200)
            .body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["event"]["kind"] == "daily_report.ready")
            .cloned()
            .collect()
    };
    // The reports go out 4 s from now, yard time: at start nothing is due yet.
    let moment = Utc::now() + Duration::seconds(4);
    let at = moment.with_timezone(&yard.tz).time();
    let dispatching = app.second_instance_with(fast_dispatch_at(None, at)).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert!(ready().await.is_empty(), "written before its moment");
    // Within a minute of the moment (SPEC); here within 5 s of it.
    let deadline = moment + Duration::seconds(5);
    let mut found = Vec::new();
    while Utc::now() < deadline && found.is_empty() {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        found = ready().await;
    }
    assert_eq!(found.len(), 1, "no morning report within 5 s of its moment");
    assert_eq!(found[0]["event"]["data"]["date"], yesterday.to_string());
    drop(dispatching);
}

#[tokio::test]
async fn the_morning_report_is_sent_once_for_a_job_with_work_yesterday_and_none_without() {
    let smtp = SmtpSink::start().await;
    // Reports at midnight: the report of yesterday is due at once.
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Colombo Marine", "LK").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let worked = app.job(&client, vessel).await;
    let idle = app.job(&client, vessel).await;
    for job in [worked, idle] {
        app.advance(&manager, job, "in_progress").await;
    }
    let task = app.task(&manager, worked, 20.0, None).await;
    let (tech, tech_id) = app.technician_profile(&manager, "welder").await;
    let now = Utc::now();
    let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let assignment = app
        .assign(
            &manager,
            task,
            tech_id,
            &iso(now - Duration::days(3)),
            &iso(now + Duration::days(1)),
        )
        .await
        .expect(201)
        .id();
    // Noon yesterday, yard time (Asia/Shanghai).
    let yard = slipway::yard::Yard::in_zone(chrono_tz::Asia::Shanghai);
    let yesterday = yard.today().pred_opt().unwrap();
    let (start, _) = yard.day_bounds(yesterday);
    app.log_work(
        &tech,
        assignment,
        &iso(start + Duration::hours(12)),
        &iso(start + Duration::hours(14)),
        Some(40),
    )
    .await
    .expect(201);

    // Two instances, both dispatching, both past the report hour.
    let first = app
        .second_instance_with(fast_dispatch(Some(smtp.url()), "00:00"))
        .await;
    let second = app
        .second_instance_with(fast_dispatch(Some(smtp.url()), "00:00"))
        .await;
    let mails = smtp
        .wait_for(20, |m| {
            m.iter()
                .any(|m| m.header("X-Slipway-Event").as_deref() == Some("daily_report.ready"))
        })
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let reports: Vec<_> = smtp
        .mails()
        .into_iter()
        .filter(|m| m.header("X-Slipway-Event").as_deref() == Some("daily_report.ready"))
        .collect();
    assert_eq!(reports.len(), 1, "{mails:#?}");
    let text = reports[0].text();
    let subject = reports[0].header("Subject").unwrap();
    assert!(
        subject.ends_with(&format!("daily report for {yesterday}")),
        "{subject}"
    );
    assert!(text.contains("2 hours logged"), "{text}");
    assert!(text.contains("40% done"), "{text}");
    assert!(text.contains(&format!("/app/jobs/{worked}")), "{text}");

    let ready: Vec<Value> = app
        .get("/api/v1/me/notifications?limit=200", &client.token)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["event"]["kind"] == "daily_report.ready")
        .cloned()
        .collect();
    assert_eq!(ready.len(), 1);
    assert_eq!(ready[0]["event"]["job"]["id"], json!(worked));
    assert_eq!(ready[0]["event"]["data"]["date"], yesterday.to_string());
    drop((first, second, idle));
}
