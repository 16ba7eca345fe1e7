//! Work logs and the daily report: every rule of a log, overlap under replay, progress
//! reaching the job, the client's redacted view, and a day's report number by number.

use crate::common::{Session, TestApp};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::json;
use uuid::Uuid;

struct Floor {
    app: TestApp,
    manager: Session,
    client: Session,
    other_client: Session,
    job: Uuid,
    task: Uuid,
    tech: Session,
    tech_id: Uuid,
    assignment: Uuid,
}

impl Floor {
    /// The yard manager's 200 reply to `GET path`.
    async fn manager_reads(&self, path: &str) -> crate::common::Reply {
        self.app.get(path, &self.manager.token).await.expect(200)
    }

    /// The floor's technician logs `[started, ended)` on their assignment.
    async fn log_between(
        &self,
        started: DateTime<Utc>,
        ended: DateTime<Utc>,
        progress: Option<i32>,
    ) -> crate::common::Reply {
        self.app
            .log_work(
                &self.tech,
                self.assignment,
                &iso(started),
                &iso(ended),
                progress,
            )
            .await
    }
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Assigns the technician to the task from `days` ago until tomorrow.
async fn assign_since(
    app: &TestApp,
    manager: &Session,
    task: Uuid,
    technician: Uuid,
    days: i64,
) -> Uuid {
    let now = Utc::now();
    app.assign(
        manager,
        task,
        technician,
        &iso(now - Duration::days(days)),
        &iso(now + Duration::days(1)),
    )
    .await
    .expect(201)
    .id()
}

/// A job in progress with one task and one technician assigned for the past three days.
async fn floor() -> Floor {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org = app.organization(&manager, "Tirreno Lines", "IT").await;
    let other_org = app.organization(&manager, "Nile Lines", "EG").await;
    let vessel = app.vessel(&manager, org).await;
    let client = app.client(org).await;
    let other_client = app.client(other_org).await;
    let job = app.job(&client, vessel).await;
    app.advance(&manager, job, "in_progress").await;
    let task = app.task(&manager, job, 20.0, None).await;
    let (tech, tech_id) = app.technician_profile(&manager, "welder").await;
    let assignment = assign_since(&app, &manager, task, tech_id, 3).await;
    Floor {
        app,
        manager,
        client,
        other_client,
        job,
        task,
        tech,
        tech_id,
        assignment,
    }
}

#[tokio::test]
async fn a_technician_logs_work_and_the_progress_reaches_the_job() {
    let f = floor().await;
    let now = Utc::now();
    let log = f
        .log_between(now - Duration::hours(6), now - Duration::hours(2), Some(40))
        .await
        .expect(201);
    assert_eq!(log.body["hours"], 4.0);
    assert_eq!(log.body["task_id"], f.task.to_string());
    let job = f
        .app
        .get(&format!("/api/v1/jobs/{}", f.job), &f.client.token)
        .await
        .expect(200);
    assert_eq!(job.body["progress_percent"], 40.0);
    let tasks = f
        .app
        .get(&format!("/api/v1/jobs/{}/tasks", f.job), &f.manager.token)
        .await
        .expect(200);
    assert_eq!(tasks.body["items"][0]["progress_percent"], 40);
    assert_eq!(tasks.body["items"][0]["status"], "in_progress");
}

#[tokio::test]
async fn each_work_log_rule_is_enforced() {
    let f = floor().await;
    let now = Utc::now();
    let (a, b) = (iso(now - Duration::hours(5)), iso(now - Duration::hours(3)));
    let bad = |started: DateTime<Utc>, ended: DateTime<Utc>| (iso(started), iso(ended));
    for (started, ended) in [
        bad(now - Duration::hours(2), now - Duration::hours(3)),
        bad(now - Duration::hours(2), now - Duration::hours(2)),
        bad(now - Duration::hours(20), now - Duration::hours(3)),
        bad(now, now + Duration::minutes(30)),
    ] {
        let reply = f
            .app
            .log_work(&f.tech, f.assignment, &started, &ended, None)
            .await
            .expect_problem(422, "validation-failed");
        assert_eq!(reply.body["errors"][0]["field"], "ended_at");
    }
    // Within the 5 minutes' skew is fine; exactly 16 hours is fine.
    f.log_between(
        now - Duration::minutes(20),
        now + Duration::minutes(4),
        None,
    )
    .await
    .expect(201);
    f.log_between(now - Duration::hours(40), now - Duration::hours(24), None)
        .await
        .expect(201);
    f.app
        .log_work(&f.tech, f.assignment, &a, &b, Some(101))
        .await
        .expect_problem(422, "validation-failed");

    let first = f
        .app
        .log_work(&f.tech, f.assignment, &a, &b, None)
        .await
        .expect(201);
    // A retried request on a bad connection cannot count the hours twice.
    let replay = f
        .app
        .log_work(&f.tech, f.assignment, &a, &b, None)
        .await
        .expect_problem(409, "work-log-overlap");
    assert_eq!(replay.body["conflicting_id"], first.body["id"]);
    f.log_between(now - Duration::hours(4), now - Duration::hours(2), None)
        .await
        .expect_problem(409, "work-log-overlap");
    // Back to back is fine.
    f.app
        .log_work(
            &f.tech,
            f.assignment,
            &b,
            &iso(now - Duration::hours(2)),
            None,
        )
        .await
        .expect(201);
}

#[tokio::test]
async fn only_the_assigned_technician_logs_on_an_assignment() {
    let f = floor().await;
    let now = Utc::now();
    let (a, b) = (iso(now - Duration::hours(5)), iso(now - Duration::hours(3)));
    let (stranger, _) = f.app.technician_profile(&f.manager, "welder").await;
    f.app
        .log_work(&stranger, f.assignment, &a, &b, None)
        .await
        .expect_problem(404, "not-found");
    f.app
        .log_work(&f.tech, Uuid::new_v4(), &a, &b, None)
        .await
        .expect_problem(404, "not-found");
    f.app
        .log_work(&f.manager, f.assignment, &a, &b, None)
        .await
        .expect_problem(403, "forbidden");
    f.app
        .log_work(&f.client, f.assignment, &a, &b, None)
        .await
        .expect_problem(403, "forbidden");
    let logs = f
        .app
        .get(
            &format!("/api/v1/jobs/{}/work-logs", f.job),
            &f.manager.token,
        )
        .await
        .expect(200);
    assert_eq!(logs.body["items"], json!([]));
}

#[tokio::test]
async fn work_is_logged_only_while_the_job_is_in_progress() {
    let f = floor().await;
    let now = Utc::now();
    let (a, b) = (iso(now - Duration::hours(5)), iso(now - Duration::hours(3)));
    f.app
        .transition(
            &f.manager,
            f.job,
            "on_hold",
            Some("waiting for class surveyor"),
        )
        .await
        .expect(200);
    f.app
        .log_work(&f.tech, f.assignment, &a, &b, None)
        .await
        .expect_problem(409, "job-not-active");
    f.app
        .transition(&f.manager, f.job, "in_progress", None)
        .await
        .expect(200);
    f.app
        .log_work(&f.tech, f.assignment, &a, &b, None)
        .await
        .expect(201);
    f.app
        .transition(&f.manager, f.job, "completed", None)
        .await
        .expect(200);
    f.log_between(now - Duration::hours(2), now - Duration::hours(1), None)
        .await
        .expect_problem(409, "job-not-active");
}

#[tokio::test]
async fn clients_read_work_logs_without_the_technicians_identity() {
    let f = floor().await;
    let now = Utc::now();
    f.log_between(now - Duration::hours(5), now - Duration::hours(3), None)
        .await
        .expect(201);
    let path = format!("/api/v1/jobs/{}/work-logs", f.job);
    let for_client = f.app.get(&path, &f.client.token).await.expect(200);
    let entry = &for_client.body["items"][0];
    assert_eq!(entry["hours"], 2.0);
    assert!(
        entry["date"].is_string()
            && entry["description"].is_string()
            && entry["task_title"].is_string()
    );
    for hidden in [
        "technician_id",
        "technician_name",
        "assignment_id",
        "started_at",
        "ended_at",
    ] {
        assert!(entry.get(hidden).is_none(), "{hidden} shown to a client");
    }
    assert!(
        !for_client
            .body
            .to_string()
            .contains(&f.tech.user_id.to_string())
    );
    let for_manager = f.app.get(&path, &f.manager.token).await.expect(200);
    assert_eq!(
        for_manager.body["items"][0]["technician_name"],
        "Test technician"
    );
    f.app
        .get(&path, &f.other_client.token)
        .await
        .expect_problem(404, "not-found");
}

#[tokio::test]
async fn the_daily_report_adds_up_the_day_in_the_yards_time_zone() {
    let f = floor().await;
    let weihai = chrono_tz::Asia::Shanghai;
    let day: NaiveDate = Utc::now().with_timezone(&weihai).date_naive() - Duration::days(1);
    let at = |d: NaiveDate, h: u32, m: u32| {
        weihai
            .from_local_datetime(&d.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let before = day - Duration::days(1);

    // A second task and technician; the first task weighs 20 h, the second 60 h.
    let task_b = f.app.task(&f.manager, f.job, 60.0, None).await;
    let (tech_b, tech_b_id) = f.app.technician_profile(&f.manager, "fitter").await;
    let assignment_b = f
        .app
        .assign(
            &f.manager,
            task_b,
            tech_b_id,
            &iso(at(before, 0, 0)),
            &iso(at(day, 23, 0)),
        )
        .await
        .expect(201)
        .id();

    f.log_between(at(day, 8, 0), at(day, 10, 0), None)
        .await
        .expect(201);
    f.log_between(at(day, 13, 0), at(day, 14, 30), Some(40))
        .await
        .expect(201);
    f.app
        .log_work(
            &tech_b,
            assignment_b,
            &iso(at(day, 9, 0)),
            &iso(at(day, 12, 0)),
            None,
        )
        .await
        .expect(201);
    // A night shift across midnight: only its hour after midnight belongs to the day.
    f.app
        .log_work(
            &tech_b,
            assignment_b,
            &iso(at(before, 23, 0)),
            &iso(at(day, 1, 0)),
            Some(100),
        )
        .await
        .expect(201);
    // The day before and the day after do not count.
    f.log_between(at(before, 8, 0), at(before, 9, 0), None)
        .await
        .expect(201);

    // Additional work: one pending, one approved (not listed).
    let add = |desc: &'static str, amount: &'static str| {
        let (app, token, job) = (&f.app, f.manager.token.clone(), f.job);
        async move {
            app.post(
                &format!("/api/v1/jobs/{job}/additional-work"),
                &token,
                json!({"description": desc, "amount": amount, "currency": "USD"}),
            )
            .await
            .expect(201)
            .id()
        }
    };
    let pending = add("Renew sea chest gratings", "3200.00").await;
    let approved = add("Extra blasting", "500.00").await;
    f.app
        .post(
            &format!("/api/v1/additional-work/{approved}/decision"),
            &f.client.token,
            json!({"decision": "approved"}),
        )
        .await
        .expect(200);

    // A status change on that day: hold and resume, recorded in the timeline at 15:00 and
    // 16:30 of the day (the test moves the events there; the API always records "now").
    f.app
        .transition(&f.manager, f.job, "on_hold", Some("crane breakdown"))
        .await
        .expect(200);
    f.app
        .transition(&f.manager, f.job, "in_progress", None)
        .await
        .expect(200);
    {
        use diesel_async::RunQueryDsl;
        let mut conn = f.app.db.get().await.unwrap();
        for (from, to, h, m) in [
            ("in_progress", "on_hold", 15, 0),
            ("on_hold", "in_progress", 16, 30),
        ] {
            diesel::sql_query(format!(
                "UPDATE job_events SET at = '{}' WHERE job_id = '{}' AND kind = 'status_changed' \
                 AND from_status = '{from}' AND to_status = '{to}'",
                iso(at(day, h, m)),
                f.job
            ))
            .execute(&mut conn)
            .await
            .unwrap();
        }
    }

    let report = f
        .app
        .get(
            &format!("/api/v1/jobs/{}/daily-report?date={day}", f.job),
            &f.client.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(report["job_id"], f.job.to_string());
    assert_eq!(report["date"], day.to_string());
    // 2 + 1.5 on task A, 3 + 1 on task B.
    assert_eq!(report["hours_total"], 7.5);
    let tasks = report["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["task_id"], f.task.to_string());
    assert_eq!(tasks[0]["hours"], 3.5);
    assert_eq!(tasks[0]["progress_percent"], 40);
    assert_eq!(tasks[1]["task_id"], task_b.to_string());
    assert_eq!(tasks[1]["hours"], 4.0);
    assert_eq!(tasks[1]["progress_percent"], 100);
    let changes = report["status_changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    assert_eq!(changes[0]["at"], iso(at(day, 15, 0)));
    assert_eq!(changes[1]["at"], iso(at(day, 16, 30)));
    assert_eq!(
        (
            changes[0]["from_status"].as_str(),
            changes[0]["to_status"].as_str()
        ),
        (Some("in_progress"), Some("on_hold"))
    );
    assert_eq!(
        (
            changes[1]["from_status"].as_str(),
            changes[1]["to_status"].as_str()
        ),
        (Some("on_hold"), Some("in_progress"))
    );
    assert_eq!(
        report["pending_additional_work"],
        json!([{"id": pending, "description": "Renew sea chest gratings", "amount": "3200.00", "currency": "USD"}])
    );
    // (20 x 40 + 60 x 100) / 80 = 85
    assert_eq!(report["progress_percent"], 85.0);

    // The day before: one hour of task A, two of the night shift before midnight.
    let earlier = f
        .app
        .get(
            &format!("/api/v1/jobs/{}/daily-report?date={before}", f.job),
            &f.manager.token,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(earlier["hours_total"], 2.0);
    assert_eq!(earlier["status_changes"], json!([]));

    f.app
        .get(
            &format!("/api/v1/jobs/{}/daily-report?date={day}", f.job),
            &f.other_client.token,
        )
        .await
        .expect_problem(404, "not-found");
    f.app
        .get(
            &format!("/api/v1/jobs/{}/daily-report?date=yesterday", f.job),
            &f.client.token,
        )
        .await
        .expect_problem(400, "malformed-request");
    // The assigned technicians read it too.
    f.app
        .get(
            &format!("/api/v1/jobs/{}/daily-report?date={day}", f.job),
            &tech_b.token,
        )
        .await
        .expect(200);
}

#[tokio::test]
async fn overlapping_logs_sent_at_once_record_one_and_name_it() {
    let f = floor().await;
    let job_before = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    let now = Utc::now();
    // Ten shifts of one technician, each overlapping all the others, sent together.
    let calls = (0..10).map(|i| {
        let started = iso(now - Duration::hours(6) + Duration::minutes(i));
        let ended = iso(now - Duration::hours(4) + Duration::minutes(i));
        let (app, tech, assignment) = (&f.app, &f.tech, f.assignment);
        async move {
            app.log_work(tech, assignment, &started, &ended, Some(30))
                .await
        }
    });
    let replies = futures_util::future::join_all(calls).await;
    let created: Vec<_> = replies.iter().filter(|r| r.status == 201).collect();
    assert_eq!(
        created.len(),
        1,
        "exactly one of the overlapping logs is recorded"
    );
    for reply in replies.iter().filter(|r| r.status != 201) {
        assert_eq!(reply.status, 409);
        assert_eq!(reply.body["type"], "/problems/work-log-overlap");
        assert_eq!(reply.body["conflicting_id"], created[0].body["id"]);
    }
    let logs = f
        .manager_reads(&format!("/api/v1/jobs/{}/work-logs", f.job))
        .await;
    assert_eq!(logs.body["items"].as_array().unwrap().len(), 1);
    // The one log moved the task's progress and the job's version once.
    let job_after = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    assert_eq!(job_after.body["progress_percent"], 30.0);
    assert_eq!(
        job_after.body["version"].as_i64().unwrap(),
        job_before.body["version"].as_i64().unwrap() + 1
    );
}

#[tokio::test]
async fn reporting_full_progress_marks_the_task_done() {
    let f = floor().await;
    let now = Utc::now();
    f.log_between(
        now - Duration::hours(3),
        now - Duration::hours(1),
        Some(100),
    )
    .await
    .expect(201);
    let tasks = f
        .manager_reads(&format!("/api/v1/jobs/{}/tasks", f.job))
        .await;
    assert_eq!(tasks.body["items"][0]["id"], json!(f.task));
    assert_eq!(tasks.body["items"][0]["status"], "done");
    let job = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    assert_eq!(job.body["progress_percent"], 100.0);
}

#[tokio::test]
async fn the_work_log_statement_locks_the_same_slot_as_the_rest_of_the_api() {
    use diesel::sql_types::{BigInt, Uuid as SqlUuid};
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};

    #[derive(diesel::QueryableByName)]
    struct Key {
        #[diesel(sql_type = BigInt)]
        key: i64,
    }

    let app = TestApp::spawn().await;
    let mut conn = AsyncPgConnection::establish(&app.database_url())
        .await
        .unwrap();
    for _ in 0..20 {
        let id = Uuid::new_v4();
        // The key `log_work` computes in SQL, against `lock_slots`' key in Rust.
        let found: Key = diesel::sql_query(format!(
            "SELECT {} AS key",
            slipway::docks::queries::slot_key_sql("$1")
        ))
        .bind::<SqlUuid, _>(id)
        .get_result(&mut conn)
        .await
        .unwrap();
        assert_eq!(found.key, slipway::docks::queries::slot_key(&id), "{id}");
    }
}

#[tokio::test]
async fn the_database_refuses_a_log_that_disagrees_with_its_assignment() {
    // Straight SQL, past the API: a log's technician and task are its assignment's, and its
    // job is its task's.
    use diesel_async::RunQueryDsl;
    let f = floor().await;
    let org = f
        .app
        .organization(&f.manager, "Ceylon Shipping", "LK")
        .await;
    let vessel = f.app.vessel(&f.manager, org).await;
    let other_job = f.app.job(&f.manager, vessel).await;
    let other_task = f.app.task(&f.manager, other_job, 5.0, None).await;
    let (_, other_tech) = f.app.technician_profile(&f.manager, "fitter").await;
    let tech = f.tech_id;
    let mut conn = f.app.db.get().await.unwrap();
    let insert = |technician: Uuid, task: Uuid, job: Uuid, hour: u32| {
        format!(
            "INSERT INTO work_logs (assignment_id, technician_id, task_id, job_id, started_at, \
             ended_at, description) VALUES ('{}', '{technician}', '{task}', '{job}', \
             '2026-01-01T{hour:02}:00:00Z', '2026-01-01T{hour:02}:30:00Z', 'welding')",
            f.assignment
        )
    };
    for (sql, constraint) in [
        (
            insert(other_tech, f.task, f.job, 1),
            "work_logs_assignment_fkey",
        ),
        (
            insert(tech, other_task, other_job, 2),
            "work_logs_assignment_fkey",
        ),
        (insert(tech, f.task, other_job, 3), "work_logs_task_fkey"),
    ] {
        let err = diesel::sql_query(sql)
            .execute(&mut conn)
            .await
            .expect_err("a log at odds with its assignment must be refused");
        assert!(err.to_string().contains(constraint), "{err}");
    }
    diesel::sql_query(insert(tech, f.task, f.job, 4))
        .execute(&mut conn)
        .await
        .expect("the assignment's own technician, task and job");
}

#[tokio::test]
async fn progress_changed_at_once_on_many_tasks_adds_up_on_the_job() {
    // The job's progress is kept on its row by the database. Twenty tasks of one job
    // reach 100 % at the same instant, each from its own connection, past the API (which
    // would queue them on the job lock itself): the job must end at 100, not miss one.
    use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
    let f = floor().await;
    let mut tasks = vec![f.task];
    for _ in 0..19 {
        tasks.push(f.app.task(&f.manager, f.job, 3.0, None).await);
    }
    let url = f.app.database_url();
    let mut conns = Vec::new();
    for _ in &tasks {
        conns.push(AsyncPgConnection::establish(&url).await.unwrap());
    }
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(tasks.len()));
    let mut handles = Vec::new();
    for (task, mut conn) in tasks.iter().copied().zip(conns) {
        let barrier = barrier.clone();
        handles.push(tokio::spawn(async move {
            barrier.wait().await;
            diesel::sql_query(format!(
                "UPDATE tasks SET progress_percent = 100 WHERE id = '{task}'"
            ))
            .execute(&mut conn)
            .await
            .unwrap();
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let job = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    assert_eq!(job.body["progress_percent"], 100.0, "{}", job.body);

    // Half the hours back to 0 (the first task is 20 of the 77 hours; five more are 15).
    let mut conn = f.app.db.get().await.unwrap();
    let ids = tasks[..6]
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(",");
    diesel::sql_query(format!(
        "UPDATE tasks SET progress_percent = 0 WHERE id IN ({ids})"
    ))
    .execute(&mut conn)
    .await
    .unwrap();
    let job = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    assert_eq!(job.body["progress_percent"], 54.5, "{}", job.body);
}

#[tokio::test]
async fn a_work_log_shows_in_the_clients_job_list_at_once() {
    // The client's list page is kept between reads; a technician's log moves the job's
    // progress and version, and the very next read must show both.
    let f = floor().await;
    async fn list(f: &Floor) -> serde_json::Value {
        f.app
            .get("/api/v1/jobs?limit=50", &f.client.token)
            .await
            .expect(200)
            .body["items"][0]
            .clone()
    }
    let before = list(&f).await;
    assert_eq!(before["id"], f.job.to_string());
    assert_eq!(list(&f).await, before);
    let now = Utc::now();
    f.log_between(now - Duration::hours(3), now - Duration::hours(1), Some(40))
        .await
        .expect(201);
    let after = list(&f).await;
    assert_eq!(after["progress_percent"], 40.0);
    assert_eq!(
        after["version"].as_i64().unwrap(),
        before["version"].as_i64().unwrap() + 1
    );
}

#[tokio::test]
async fn a_clients_daily_report_shows_every_change_the_moment_it_commits() {
    // Reports read by clients are kept between reads; each change to what a report shows
    // must show on the very next read, and keeping one must not open it to anyone else.
    let f = floor().await;
    let yard = chrono_tz::Asia::Shanghai;
    let today = Utc::now().with_timezone(&yard).date_naive();
    let day = today - Duration::days(1);
    let at = |h: u32| {
        yard.from_local_datetime(&day.and_hms_opt(h, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    };
    let dated = format!("/api/v1/jobs/{}/daily-report?date={day}", f.job);
    let current = format!("/api/v1/jobs/{}/daily-report", f.job);
    let read = async |path: &str| f.app.get(path, &f.client.token).await.expect(200).body;

    let empty = read(&dated).await;
    assert_eq!(empty["hours_total"], 0.0);
    assert_eq!(read(&dated).await, empty, "read twice");
    let this_morning = read(&current).await;
    assert_eq!(this_morning["date"], today.to_string());
    let moves = this_morning["status_changes"].as_array().unwrap().len();
    // Kept for the job's own client: still 404 for another organisation's.
    f.app
        .get(&dated, &f.other_client.token)
        .await
        .expect_problem(404, "not-found");

    // A technician's log.
    f.log_between(at(8), at(10), None).await.expect(201);
    let report = read(&dated).await;
    assert_eq!(report["hours_total"], 2.0);
    assert_eq!(report["tasks"][0]["task_id"], f.task.to_string());

    // The task renamed and its progress set by the manager.
    f.app
        .patch(
            &format!("/api/v1/tasks/{}", f.task),
            &f.manager.token,
            json!({"title": "Blast and coat the ballast tanks", "progress_percent": 30, "status": "in_progress"}),
        )
        .await
        .expect(200);
    let report = read(&dated).await;
    assert_eq!(
        report["tasks"][0]["title"],
        "Blast and coat the ballast tanks"
    );
    assert_eq!(report["tasks"][0]["progress_percent"], 30);
    assert_eq!(report["progress_percent"], 30.0);

    // Plain SQL past the API, committed by another connection.
    f.app
        .execute_sql(
            "UPDATE work_logs SET ended_at = ended_at + interval '1 hour' WHERE job_id = $1",
            f.job,
        )
        .await;
    assert_eq!(read(&dated).await["hours_total"], 3.0);
    // And removed, past the API (logs are append-only in it).
    f.app
        .execute_sql("DELETE FROM work_logs WHERE job_id = $1", f.job)
        .await;
    assert_eq!(read(&dated).await["hours_total"], 0.0);

    // Extra work priced, then approved by the client.
    let currency = f
        .manager_reads(&format!("/api/v1/jobs/{}", f.job))
        .await
        .body["quote"]["currency"]
        .as_str()
        .unwrap()
        .to_owned();
    let item = f
        .app
        .post(
            &format!("/api/v1/jobs/{}/additional-work", f.job),
            &f.manager.token,
            json!({"description": "Renew zinc anodes", "amount": "1800.00", "currency": currency}),
        )
        .await
        .expect(201)
        .id();
    let pending = read(&dated).await["pending_additional_work"].clone();
    assert_eq!(pending[0]["id"], item.to_string());
    f.app
        .post(
            &format!("/api/v1/additional-work/{item}/decision"),
            &f.client.token,
            json!({"decision": "approved"}),
        )
        .await
        .expect(200);
    assert_eq!(read(&dated).await["pending_additional_work"], json!([]));

    // A status change today.
    f.app
        .transition(
            &f.manager,
            f.job,
            "on_hold",
            Some("Waiting for class surveyor"),
        )
        .await
        .expect(200);
    let changes = read(&current).await["status_changes"].clone();
    let changes = changes.as_array().unwrap();
    assert_eq!(changes.len(), moves + 1, "{changes:?}");
    assert_eq!(changes[moves]["to_status"], "on_hold");
}

#[tokio::test]
async fn logs_sent_at_once_by_a_shift_are_each_answered_with_their_own() {
    // Logs arriving together are written together (one statement); every technician must
    // still get back their own log, and the ones that may not be logged their own error.
    let f = floor().await;
    let now = Utc::now();
    let mut crew = Vec::new();
    for i in 0..12 {
        let (tech, tech_id) = f.app.technician_profile(&f.manager, "fitter").await;
        let assignment = assign_since(&f.app, &f.manager, f.task, tech_id, 2).await;
        crew.push((tech, assignment, i));
    }
    // A job on hold, with a technician assigned to it.
    let org = f.app.organization(&f.manager, "Volga Tankers", "RU").await;
    let vessel = f.app.vessel(&f.manager, org).await;
    let idle_job = f.app.job(&f.manager, vessel).await;
    f.app.advance(&f.manager, idle_job, "in_progress").await;
    let idle_task = f.app.task(&f.manager, idle_job, 4.0, None).await;
    let (idle_tech, idle_tech_id) = f.app.technician_profile(&f.manager, "rigger").await;
    let idle_assignment = assign_since(&f.app, &f.manager, idle_task, idle_tech_id, 2).await;
    f.app
        .transition(&f.manager, idle_job, "on_hold", Some("waiting for spares"))
        .await
        .expect(200);
    let job_before = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;

    let post = |tech: &Session, assignment: Uuid, i: i64, description: String| {
        let body = json!({
            "started_at": iso(now - Duration::hours(8) + Duration::minutes(i)),
            "ended_at": iso(now - Duration::hours(2) + Duration::minutes(i)),
            "description": description,
        });
        let (app, token) = (&f.app, tech.token.clone());
        async move {
            app.post(
                &format!("/api/v1/assignments/{assignment}/work-logs"),
                &token,
                body,
            )
            .await
        }
    };
    let mut calls = Vec::new();
    for (tech, assignment, i) in &crew {
        calls.push(post(tech, *assignment, *i, format!("Seam {i} rewelded")));
    }
    // Someone else's assignment, and a job not in progress, in the same moment.
    let (_, stranger_assignment, _) = &crew[0];
    let stranger = f.app.technician().await;
    let wrong = post(&stranger, *stranger_assignment, 100, "Not mine".to_owned());
    let idle = post(&idle_tech, idle_assignment, 101, "On hold".to_owned());
    let (replies, wrong, idle) = tokio::join!(futures_util::future::join_all(calls), wrong, idle);

    for ((_, _, i), reply) in crew.iter().zip(replies) {
        let reply = reply.expect(201);
        assert_eq!(reply.body["description"], format!("Seam {i} rewelded"));
        assert_eq!(
            reply.body["started_at"],
            iso(now - Duration::hours(8) + Duration::minutes(*i))
        );
        assert_eq!(reply.body["hours"], 6.0);
    }
    wrong.expect_problem(404, "not-found");
    idle.expect_problem(409, "job-not-active");

    // All twelve are recorded once; none reported progress, so the job (which shows
    // nothing a log changes) keeps its version and its updated_at.
    let mut listed = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/jobs/{}/work-logs?limit=5&cursor={c}", f.job),
            None => format!("/api/v1/jobs/{}/work-logs?limit=5", f.job),
        };
        let page = f.manager_reads(&path).await;
        for item in page.body["items"].as_array().unwrap() {
            listed.push(item["description"].as_str().unwrap().to_owned());
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    listed.sort();
    let mut sent: Vec<String> = (0..12).map(|i| format!("Seam {i} rewelded")).collect();
    sent.sort();
    assert_eq!(listed, sent);
    let job_after = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    assert_eq!(job_after.body["version"], job_before.body["version"]);
    assert_eq!(job_after.body["updated_at"], job_before.body["updated_at"]);
    let idle_logs = f
        .manager_reads(&format!("/api/v1/jobs/{idle_job}/work-logs"))
        .await;
    assert_eq!(idle_logs.body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_batch_of_logs_is_written_whole_or_not_at_all() {
    // The batch statement itself, past the HTTP layer: logs that may be written are, in
    // one transaction, answered by their place; one overlap (even inside the batch)
    // writes none; a task's progress is the batch's last report of it.
    use slipway::work_logs::queries::{NewWorkLog, log_work};
    let f = floor().await;
    let now = Utc::now();
    let tech_user = f.tech.user_id;
    let log = |hours_ago: i64, progress: Option<i32>, description: &str| NewWorkLog {
        assignment_id: f.assignment,
        user_id: tech_user,
        started_at: now - Duration::hours(hours_ago),
        ended_at: now - Duration::hours(hours_ago - 1),
        description: description.to_owned(),
        progress_percent: progress,
    };
    let stranger = NewWorkLog {
        user_id: Uuid::new_v4(),
        ..log(20, Some(90), "not mine")
    };
    let mut conn = f.app.db.get().await.unwrap();

    // The third overlaps the first: nothing of the batch is written.
    let (a, b, c) = (
        log(10, Some(20), "a"),
        log(8, None, "b"),
        log(10, Some(30), "c"),
    );
    let err = log_work(&mut conn, &[&a, &b, &c])
        .await
        .err()
        .expect("an overlap inside the batch fails it");
    assert!(err.to_string().contains("work_logs_no_overlap"), "{err}");
    let logs = f
        .manager_reads(&format!("/api/v1/jobs/{}/work-logs", f.job))
        .await;
    assert_eq!(logs.body["items"].as_array().unwrap().len(), 0);

    let job_before = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    let (d, e) = (log(6, Some(70), "d"), log(4, Some(45), "e"));
    let written = log_work(&mut conn, &[&a, &stranger, &d, &e]).await.unwrap();
    let mut places: Vec<(usize, String)> = written
        .iter()
        .map(|(i, w)| (*i, w.log.description.clone()))
        .collect();
    places.sort();
    assert_eq!(
        places,
        vec![
            (0, "a".to_owned()),
            (2, "d".to_owned()),
            (3, "e".to_owned())
        ]
    );
    let tasks = f
        .manager_reads(&format!("/api/v1/jobs/{}/tasks", f.job))
        .await;
    assert_eq!(tasks.body["items"][0]["progress_percent"], 45);
    let job_after = f.manager_reads(&format!("/api/v1/jobs/{}", f.job)).await;
    assert_eq!(job_after.body["progress_percent"], 45.0);
    assert!(job_after.body["version"].as_i64() > job_before.body["version"].as_i64());
}

#[tokio::test]
async fn the_writers_answer_each_log_with_its_own_fate() {
    // One writer task, many logs handed over at once: each waiting request gets its own.
    use slipway::{
        error::{ApiError, ConflictKind},
        group_commit::GroupWriter,
        work_logs::queries::{NewWorkLog, WorkLogBatch},
    };
    let f = floor().await;
    let now = Utc::now();
    // PostgreSQL keeps microseconds.
    let now = chrono::SubsecRound::trunc_subsecs(now, 6);
    let writer = GroupWriter::<WorkLogBatch>::start(f.app.db.clone(), 1);
    let logs: Vec<NewWorkLog> = (0..20)
        .map(|i| NewWorkLog {
            assignment_id: f.assignment,
            // Every fifth is someone else's.
            user_id: if i % 5 == 4 {
                Uuid::new_v4()
            } else {
                f.tech.user_id
            },
            started_at: now - Duration::hours(30) + Duration::hours(i),
            ended_at: now - Duration::hours(30) + Duration::hours(i) + Duration::minutes(30),
            description: format!("log {i}"),
            progress_percent: None,
        })
        .collect();
    let answers =
        futures_util::future::join_all(logs.iter().map(|log| writer.write(log.clone()))).await;
    for (i, answer) in answers.into_iter().enumerate() {
        match answer {
            Ok(work) if i % 5 != 4 => {
                assert_eq!(work.log.description, format!("log {i}"));
                assert_eq!(work.log.started_at, logs[i].started_at);
            }
            Err(ApiError::NotFound) if i % 5 == 4 => {}
            Ok(_) => panic!("log {i} is someone else's, yet was written"),
            Err(e) => panic!("log {i} was not written: {e}"),
        }
    }
    // A log overlapping one written fails its batch, and is written again alone: its
    // own answer is the overlap.
    let again = writer.write(logs[0].clone()).await;
    assert!(
        matches!(
            again,
            Err(ApiError::Conflict {
                kind: ConflictKind::WorkLogOverlap,
                ..
            })
        ),
        "{:?}",
        again.err()
    );
}
