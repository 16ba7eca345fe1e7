//! Kept pages are never stale: for each page a client's reads are served from (a job, a
//! page of the job list, a daily report), every column the page shows is changed past
//! the API with plain SQL, and the next read from the instance that keeps pages must be
//! what an instance that keeps none answers. A column shown without a trigger that
//! bumps its page's version fails here.

use crate::common::{Session, TestApp};
use chrono::{Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// One instance keeping pages and one keeping none, on one database, with a client's job
/// in progress: a task, a technician's log on it, pending additional work, a photo.
struct Yard {
    kept: TestApp,
    fresh: TestApp,
    client: Session,
    job: Uuid,
    vessel: Uuid,
    /// The yard day of the log.
    day: String,
}

async fn yard() -> Yard {
    let kept = TestApp::spawn().await;
    let fresh = kept.second_instance_with(|s| s.with_page_cache(0)).await;
    let manager = kept.manager().await;
    let org = kept.organization(&manager, "Aegean Bulk", "GR").await;
    let vessel = kept.vessel(&manager, org).await;
    let client = kept.client(org).await;
    let job = kept.job(&client, vessel).await;
    kept.request(
        reqwest::Method::PUT,
        &format!("/api/v1/jobs/{job}/contract-terms"),
        Some(&manager.token),
        Some(json!({"redelivery_date": "2027-01-31"})),
    )
    .await
    .expect(200);
    kept.advance(&manager, job, "in_progress").await;
    let task = kept.task(&manager, job, 20.0, None).await;
    let (tech, tech_id) = kept.technician_profile(&manager, "welder").await;
    let now = Utc::now();
    let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339();
    let assignment = kept
        .assign(
            &manager,
            task,
            tech_id,
            &iso(now - Duration::days(3)),
            &iso(now + Duration::days(3)),
        )
        .await
        .expect(201)
        .id();
    let log = kept
        .log_work(
            &tech,
            assignment,
            &iso(now - Duration::hours(30)),
            &iso(now - Duration::hours(27)),
            Some(30),
        )
        .await
        .expect(201);
    let day = log.body["date"].as_str().unwrap().to_owned();
    kept.post(
        &format!("/api/v1/jobs/{job}/additional-work"),
        &manager.token,
        json!({"description": "Renew 12 m2 of shell plating", "amount": "8400.50", "currency": "USD"}),
    )
    .await
    .expect(201);
    kept.attach(&manager, job, png(), "plate.png")
        .await
        .expect(201);
    // The photo of the logged day.
    kept.execute_sql(
        "UPDATE attachments SET uploaded_at = \
           (SELECT started_at FROM work_logs WHERE job_id = $1) + interval '1 hour' \
         WHERE job_id = $1",
        job,
    )
    .await;
    Yard {
        kept,
        fresh,
        client,
        job,
        vessel,
        day,
    }
}

fn png() -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(32, 24, |x, y| image::Rgb([x as u8, y as u8, 90]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

impl Yard {
    async fn read(&self, app: &TestApp, path: &str) -> Value {
        app.get(path, &self.client.token).await.expect(200).body
    }

    /// Reads `path` twice (the second read is the kept page), runs `sql` with `$1` =
    /// `id`, and reads again: the page must show the change, as one never kept does.
    async fn change(&self, path: &str, sql: &str, id: Uuid) {
        let before = self.read(&self.kept, path).await;
        assert_eq!(self.read(&self.kept, path).await, before);
        self.kept.execute_sql(sql, id).await;
        let after = self.read(&self.kept, path).await;
        let truth = self.read(&self.fresh, path).await;
        assert_eq!(after, truth, "stale after `{sql}`");
        assert_ne!(after, before, "`{sql}` changed nothing the page shows");
    }

    /// Runs `sql` and reads `path` again: whether or not the page shows what changed, it
    /// must be what an instance keeping nothing answers.
    async fn still_fresh(&self, path: &str, sql: &str, id: Uuid) {
        let before = self.read(&self.kept, path).await;
        assert_eq!(self.read(&self.kept, path).await, before);
        self.kept.execute_sql(sql, id).await;
        let after = self.read(&self.kept, path).await;
        assert_eq!(
            after,
            self.read(&self.fresh, path).await,
            "stale after `{sql}`"
        );
    }

    fn job_path(&self) -> String {
        format!("/api/v1/jobs/{}", self.job)
    }
}

/// The changes of a job's own columns and its vessel's that a job (alone or in the
/// list) shows, in an order the table's checks allow; `None` for the vessel's.
const JOB_CHANGES: &[(&str, &str)] = &[
    (
        "number",
        "UPDATE jobs SET number = number || '7' WHERE id = $1",
    ),
    (
        "title",
        "UPDATE jobs SET title = title || ' (aft)' WHERE id = $1",
    ),
    (
        "description",
        "UPDATE jobs SET description = description || '.' WHERE id = $1",
    ),
    (
        "priority",
        "UPDATE jobs SET priority = CASE WHEN priority = 'urgent' THEN 'low' ELSE 'urgent' END WHERE id = $1",
    ),
    ("status", "UPDATE jobs SET status = 'on_hold' WHERE id = $1"),
    (
        "requested_start",
        "UPDATE jobs SET requested_start = coalesce(requested_start, now()) - interval '1 day' WHERE id = $1",
    ),
    // The contractual redelivery moves only by the ledger's entries (the database keeps
    // the column as their sum), while the job is awarded.
    (
        "contract_redelivery",
        "INSERT INTO redelivery_entries (job_id, days, cause, note, by_role) VALUES ($1, 2, 'weather', 'Gale', 'manager')",
    ),
    // The quote and the contract change only before the award (the database holds it):
    // back to quoted first.
    (
        "status",
        "UPDATE jobs SET status = 'quoted', awarded_at = NULL WHERE id = $1",
    ),
    (
        "quote_amount",
        "UPDATE jobs SET quote_amount = quote_amount + 1 WHERE id = $1",
    ),
    (
        "quote_currency",
        "UPDATE jobs SET quote_currency = CASE WHEN quote_currency = 'EUR' THEN 'USD' ELSE 'EUR' END, \
         currency = CASE WHEN currency = 'EUR' THEN 'USD' ELSE 'EUR' END WHERE id = $1",
    ),
    (
        "currency",
        "UPDATE jobs SET quote_currency = 'CNY', currency = 'CNY' WHERE id = $1",
    ),
    (
        "quote_discount_percent",
        "UPDATE jobs SET quote_discount_percent = coalesce(quote_discount_percent, 0) + 1 WHERE id = $1",
    ),
    (
        "quote_valid_until",
        "UPDATE jobs SET quote_valid_until = coalesce(quote_valid_until, now()) + interval '1 day' WHERE id = $1",
    ),
    (
        "quote_note",
        "UPDATE jobs SET quote_note = coalesce(quote_note, '') || ' incl. VAT' WHERE id = $1",
    ),
    (
        "planned_start",
        "UPDATE jobs SET planned_start = planned_start - interval '1 day' WHERE id = $1",
    ),
    (
        "planned_end",
        "UPDATE jobs SET planned_end = planned_end + interval '1 day' WHERE id = $1",
    ),
    (
        "additional_work_approved",
        "UPDATE jobs SET additional_work_approved = additional_work_approved + 10 WHERE id = $1",
    ),
    (
        "progress_percent",
        "UPDATE jobs SET progress_percent = 37.5 WHERE id = $1",
    ),
    (
        "created_at",
        "UPDATE jobs SET created_at = created_at - interval '1 hour' WHERE id = $1",
    ),
    (
        "updated_at",
        "UPDATE jobs SET updated_at = updated_at + interval '1 hour' WHERE id = $1",
    ),
    (
        "version",
        "UPDATE jobs SET version = version + 1 WHERE id = $1",
    ),
    (
        "invoiced_amount",
        "UPDATE jobs SET status = 'closed', awarded_at = now(), invoiced_amount = 1000, invoiced_currency = 'USD', closed_at = now() WHERE id = $1",
    ),
    (
        "invoiced_amount",
        "UPDATE jobs SET invoiced_amount = invoiced_amount + 1 WHERE id = $1",
    ),
    (
        "invoiced_currency",
        "UPDATE jobs SET invoiced_currency = 'EUR' WHERE id = $1",
    ),
];

/// Columns of `jobs` no job view shows, or that no change here can move.
const JOB_COLUMNS_NOT_CHANGED: &[(&str, &str)] = &[
    ("id", "the key"),
    ("closed_at", "not shown"),
    ("created_by", "not shown"),
    (
        "organization_id",
        "moving a job to another owner takes it out of the client's scope",
    ),
    ("vessel_id", "changed below, with the vessel's columns"),
    ("awarded_at", "not shown (the contract shows it)"),
    ("award_fx_usd_per_unit", "not shown (the contract shows it)"),
    (
        "completed_at",
        "not shown (the redelivery position shows it)",
    ),
    ("redelivery_at_risk_at", "not shown"),
];

/// A change of every column of `vessels`, shown by a job or not: a column added to the
/// job's vessel summary without its trigger is then a stale read here.
const VESSEL_CHANGES: &[(&str, &str)] = &[
    (
        "name",
        "UPDATE vessels SET name = name || ' II' WHERE id = $1",
    ),
    (
        "imo_number",
        "UPDATE vessels SET imo_number = CASE WHEN imo_number IS NULL THEN '9074729' END WHERE id = $1",
    ),
    (
        "vessel_type",
        "UPDATE vessels SET vessel_type = CASE WHEN vessel_type = 'tanker' THEN 'tug' ELSE 'tanker' END WHERE id = $1",
    ),
    (
        "flag",
        "UPDATE vessels SET flag = CASE WHEN flag = 'MT' THEN 'PA' ELSE 'MT' END WHERE id = $1",
    ),
    (
        "gross_tonnage",
        "UPDATE vessels SET gross_tonnage = gross_tonnage + 1 WHERE id = $1",
    ),
    (
        "length_overall_m",
        "UPDATE vessels SET length_overall_m = length_overall_m + 1 WHERE id = $1",
    ),
    (
        "beam_m",
        "UPDATE vessels SET beam_m = beam_m + 1 WHERE id = $1",
    ),
    (
        "draft_m",
        "UPDATE vessels SET draft_m = draft_m + 1 WHERE id = $1",
    ),
    (
        "lightweight_t",
        "UPDATE vessels SET lightweight_t = coalesce(lightweight_t, 1000) + 1 WHERE id = $1",
    ),
    (
        "year_built",
        "UPDATE vessels SET year_built = coalesce(year_built, 2000) + 1 WHERE id = $1",
    ),
    (
        "class_society",
        "UPDATE vessels SET class_society = coalesce(class_society, '') || 'DNV' WHERE id = $1",
    ),
    (
        "created_at",
        "UPDATE vessels SET created_at = created_at - interval '1 hour' WHERE id = $1",
    ),
    (
        "updated_at",
        "UPDATE vessels SET updated_at = updated_at + interval '1 hour' WHERE id = $1",
    ),
];

/// A change of every column of `tasks` that a change can move, shown by a report or not.
const TASK_CHANGES: &[(&str, &str)] = &[
    (
        "title",
        "UPDATE tasks SET title = title || ' (port side)' WHERE job_id = $1",
    ),
    (
        "description",
        "UPDATE tasks SET description = coalesce(description, '') || ' frame 112' WHERE job_id = $1",
    ),
    (
        "estimated_hours",
        "UPDATE tasks SET estimated_hours = estimated_hours + 5 WHERE job_id = $1",
    ),
    (
        "required_certification",
        "WITH t AS (INSERT INTO certification_types (code, name) VALUES ('KEPT-1', 'Kept') \
           RETURNING code) \
         UPDATE tasks SET required_certification = (SELECT code FROM t) WHERE job_id = $1",
    ),
    (
        "progress_percent",
        "UPDATE tasks SET progress_percent = 55 WHERE job_id = $1",
    ),
    (
        "created_at",
        "UPDATE tasks SET created_at = created_at - interval '1 hour' WHERE job_id = $1",
    ),
    (
        "updated_at",
        "UPDATE tasks SET updated_at = updated_at + interval '1 hour' WHERE job_id = $1",
    ),
    (
        "status",
        "UPDATE tasks SET status = 'done' WHERE job_id = $1",
    ),
    (
        "item_number",
        "UPDATE tasks SET item_number = '2.14' WHERE job_id = $1",
    ),
    (
        "sfi_code",
        "UPDATE tasks SET sfi_code = '201' WHERE job_id = $1",
    ),
];

/// Columns of `tasks` that no change here can move.
const TASK_COLUMNS_NOT_CHANGED: &[(&str, &str)] = &[
    (
        "price",
        "fixed at the award (the job here is under way); no kept page shows it",
    ),
    ("price_amount", "derived from the price"),
    ("supplied_by", "fixed at the award; no kept page shows it"),
];

async fn every_job_column_changes(y: &Yard, path: &str) {
    for (_, sql) in VESSEL_CHANGES {
        y.still_fresh(path, sql, y.vessel).await;
    }
    for (_, sql) in &VESSEL_CHANGES[..2] {
        // The name and IMO number are shown.
        y.change(path, sql, y.vessel).await;
    }
    for (_, sql) in JOB_CHANGES {
        y.change(path, sql, y.job).await;
    }
}

#[tokio::test]
async fn every_column_of_the_tables_kept_pages_show_is_covered_here() {
    use diesel_async::{AsyncConnection, AsyncPgConnection};
    let app = TestApp::spawn().await;
    let mut conn = AsyncPgConnection::establish(&app.database_url())
        .await
        .unwrap();
    #[derive(diesel::QueryableByName)]
    struct Column {
        #[diesel(sql_type = diesel::sql_types::Text)]
        table_name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        column_name: String,
    }
    let columns: Vec<Column> = diesel_async::RunQueryDsl::load(
        diesel::sql_query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name IN ('jobs', 'vessels', 'tasks') \
             ORDER BY table_name, column_name",
        ),
        &mut conn,
    )
    .await
    .unwrap();
    let keys = ["id", "job_id", "owner_organization_id"];
    for Column {
        table_name,
        column_name,
    } in columns
    {
        let covered = match table_name.as_str() {
            "jobs" => JOB_CHANGES
                .iter()
                .chain(JOB_COLUMNS_NOT_CHANGED)
                .any(|(c, _)| *c == column_name),
            "vessels" => VESSEL_CHANGES.iter().any(|(c, _)| *c == column_name),
            _ => TASK_CHANGES
                .iter()
                .chain(TASK_COLUMNS_NOT_CHANGED)
                .any(|(c, _)| *c == column_name),
        };
        assert!(
            covered || keys.contains(&column_name.as_str()),
            "{table_name}.{column_name} is neither changed by this test nor said to be unshown"
        );
    }
}

#[tokio::test]
async fn a_kept_job_shows_every_change_of_its_columns() {
    let y = yard().await;
    every_job_column_changes(&y, &y.job_path()).await;
}

#[tokio::test]
async fn a_kept_page_of_the_job_list_shows_every_change_of_its_rows() {
    let y = yard().await;
    every_job_column_changes(&y, "/api/v1/jobs?limit=50").await;
    // A job added to, and a job taken from, the organisation's list.
    let list = "/api/v1/jobs?limit=50";
    y.change(
        list,
        "INSERT INTO jobs (number, vessel_id, organization_id, title, description, priority, \
                           created_by, currency) \
         SELECT number || '2', vessel_id, organization_id, title, description, priority, created_by, \
                currency \
         FROM jobs WHERE id = $1",
        y.job,
    )
    .await;
    y.change(
        list,
        "DELETE FROM jobs WHERE id <> $1 \
         AND organization_id = (SELECT organization_id FROM jobs WHERE id = $1)",
        y.job,
    )
    .await;
}

#[tokio::test]
async fn a_kept_daily_report_shows_every_change_of_its_parts() {
    let y = yard().await;
    let report = format!("/api/v1/jobs/{}/daily-report?date={}", y.job, y.day);
    let read = y.read(&y.kept, &report).await;
    assert_eq!(read["tasks"].as_array().unwrap().len(), 1);
    assert_eq!(read["pending_additional_work"].as_array().unwrap().len(), 1);
    assert_eq!(read["attachments"].as_array().unwrap().len(), 1);
    // Every column of the tasks; the title, the progress and the status are shown (the
    // hours weigh the job's progress, which one task alone does not move).
    for (column, sql) in TASK_CHANGES {
        if ["title", "progress_percent", "status"].contains(column) {
            y.change(&report, sql, y.job).await;
        } else {
            y.still_fresh(&report, sql, y.job).await;
        }
    }
    for sql in [
        "UPDATE jobs SET progress_percent = 12.5 WHERE id = $1",
        // The day's work logs.
        "UPDATE work_logs SET started_at = started_at - interval '1 hour' WHERE job_id = $1",
        "UPDATE work_logs SET ended_at = ended_at - interval '30 minutes' WHERE job_id = $1",
        // The day's status changes.
        "INSERT INTO job_events (job_id, at, kind, from_status, to_status, actor_id, actor_role) \
         SELECT w.job_id, w.started_at, 'status_changed', 'in_progress', 'on_hold', j.created_by, 'manager' \
         FROM work_logs w JOIN jobs j ON j.id = w.job_id WHERE w.job_id = $1",
        "UPDATE job_events SET to_status = 'in_progress', from_status = 'on_hold' \
         WHERE job_id = $1 AND kind = 'status_changed' AND from_status = 'in_progress' AND to_status = 'on_hold'",
        "UPDATE job_events SET at = at + interval '1 minute' WHERE job_id = $1",
        // The additional work awaiting a decision.
        "UPDATE additional_work SET description = description || ', frame 112' WHERE job_id = $1",
        "UPDATE additional_work SET amount = amount + 100 WHERE job_id = $1",
        "UPDATE additional_work SET currency = 'EUR' WHERE job_id = $1",
        // The day's photos.
        "UPDATE attachments SET caption = 'Pitting, frame 112' WHERE job_id = $1",
        "UPDATE attachments SET has_thumbnail = NOT has_thumbnail WHERE job_id = $1",
        "UPDATE attachments SET task_id = (SELECT id FROM tasks WHERE job_id = $1) WHERE job_id = $1",
        "UPDATE attachments SET uploaded_at = uploaded_at + interval '10 days' WHERE job_id = $1",
        // Decided, the additional work leaves the report; the logs go too.
        "UPDATE additional_work SET status = 'approved', decided_at = now() WHERE job_id = $1",
        "DELETE FROM work_logs WHERE job_id = $1",
    ] {
        y.change(&report, sql, y.job).await;
    }
}
