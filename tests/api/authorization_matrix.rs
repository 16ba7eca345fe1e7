//! The authorisation matrix: every endpoint, called by every kind of caller, with the
//! status each must get. Read it against SPEC section 2: managers do everything; clients
//! see their organisation's vessels, jobs and bookings and may request jobs and decide
//! quotes and additional work; technicians see the jobs of their assignments, move their
//! tasks and log their work; out of scope is 404, a role with no use for an endpoint 403.

use crate::common::{Session, TestApp, vessel_body};
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

/// Columns of the table, in the order of its status arrays.
const CALLERS: [&str; 6] = [
    "anonymous",
    "manager",
    "technician (assigned)",
    "technician (not assigned)",
    "client (own org)",
    "client (other org)",
];
/// The order the cells of a row run in, least privileged first, so a caller allowed to
/// change something does so after the refusals have been checked.
const RUN_ORDER: [usize; 6] = [0, 5, 3, 2, 4, 1];

struct Row {
    method: Method,
    path: String,
    body: Option<Value>,
    expected: [u16; 6],
}

fn row(method: Method, path: impl Into<String>, body: Option<Value>, expected: [u16; 6]) -> Row {
    Row {
        method,
        path: path.into(),
        body,
        expected,
    }
}

#[tokio::test]
async fn every_endpoint_answers_every_caller_as_spec_section_2_says() {
    let app = TestApp::spawn().await;
    let manager = app.manager().await;
    let org_a = app.organization(&manager, "Piraeus Bulk", "GR").await;
    let org_b = app.organization(&manager, "Nile Carriers", "EG").await;
    let client_own = app.client(org_a).await;
    let client_other = app.client(org_b).await;
    let vessel = app.vessel(&manager, org_a).await;
    let job = app.job(&client_own, vessel).await;
    app.advance(&manager, job, "in_progress").await;
    app.certification_type(&manager, "WELD-3G").await;
    let task = app.task(&manager, job, 40.0, None).await;
    let spare_task = app.task(&manager, job, 10.0, None).await;
    let (tech_assigned, tech_assigned_id) = app.technician_profile(&manager, "welder").await;
    let (tech_other, _) = app.technician_profile(&manager, "fitter").await;
    let (_, tech_spare_id) = app.technician_profile(&manager, "rigger").await;
    let now = Utc::now();
    let iso = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let assignment = app
        .assign(
            &manager,
            task,
            tech_assigned_id,
            &iso(now - Duration::days(2)),
            &iso(now + Duration::days(2)),
        )
        .await
        .expect(201)
        .id();
    let removable = app
        .assign(
            &manager,
            spare_task,
            tech_spare_id,
            &iso(now + Duration::days(10)),
            &iso(now + Duration::days(11)),
        )
        .await
        .expect(201)
        .id();
    let dock = app
        .dock(&manager, "Dry Dock No. 1", (250.0, 40.0, 14.0), None)
        .await;
    let booking = app
        .post(
            "/api/v1/dock-bookings",
            &manager.token,
            json!({"dock_id": dock, "vessel_id": vessel, "job_id": job, "starts_at": "2026-03-01T08:00:00Z", "ends_at": "2026-03-20T17:00:00Z"}),
        )
        .await
        .expect(201)
        .id();
    let extra = app
        .post(
            &format!("/api/v1/jobs/{job}/additional-work"),
            &manager.token,
            json!({"description": "Renew anode", "amount": "900.00", "currency": "USD"}),
        )
        .await
        .expect(201)
        .id();
    let png = {
        let mut out = std::io::Cursor::new(Vec::new());
        image::DynamicImage::new_rgb8(40, 30)
            .write_to(&mut out, image::ImageFormat::Png)
            .unwrap();
        out.into_inner()
    };
    let photo = app
        .attach(&manager, job, png, "hull.png")
        .await
        .expect(201)
        .id();
    let (fresh_tech_user, _) = app.insert_user(slipway::auth::Role::Technician, None).await;
    let client_user = client_own.user_id;
    // The quote of `advance` told the client's organisation: a notification of its own.
    let notice = app
        .get("/api/v1/me/notifications", &client_own.token)
        .await
        .expect(200)
        .body["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let hook_body = json!({"url": "https://93.184.215.14/slipway"});
    let hook = app
        .post("/api/v1/webhooks", &client_own.token, hook_body.clone())
        .await
        .expect(201)
        .id();
    let doomed_hook = app
        .post("/api/v1/webhooks", &client_own.token, hook_body.clone())
        .await
        .expect(201)
        .id();
    let tech_other_user = tech_other.user_id;
    let tariff_item = app
        .post(
            "/api/v1/tariff-items",
            &manager.token,
            json!({"code": "STAGING", "description": "Staging, erect and dismantle", "unit": "m2", "unit_price": {"amount": "12.50", "currency": "USD"}}),
        )
        .await
        .expect(201)
        .id();
    let delay = |note: &str| json!({"days": 1, "cause": "weather", "note": note});
    let disputed_entry = app
        .post(
            &format!("/api/v1/jobs/{job}/redelivery-entries"),
            &manager.token,
            delay("Gale"),
        )
        .await
        .expect(201)
        .id();
    let withdrawn_entry = app
        .post(
            &format!("/api/v1/jobs/{job}/redelivery-entries"),
            &manager.token,
            delay("Fog"),
        )
        .await
        .expect(201)
        .id();

    use Method as M;
    let j = format!("/api/v1/jobs/{job}");
    let log = json!({"started_at": iso(now - Duration::hours(5)), "ended_at": iso(now - Duration::hours(3)), "description": "Welded seam"});
    #[rustfmt::skip]
    let table: Vec<Row> = vec![
        //                                                                         anon mgr  techA techO clOwn clOth
        row(M::GET,   "/healthz", None,                                            [200, 200, 200, 200, 200, 200]),
        row(M::GET,   "/readyz", None,                                             [200, 200, 200, 200, 200, 200]),
        row(M::GET,   "/api/v1/openapi.json", None,                                [200, 200, 200, 200, 200, 200]),
        // Public; the same wrong login six times: the manager's cell runs last and is the sixth.
        row(M::POST,  "/api/v1/auth/login", Some(json!({"email": "nobody@x.example", "password": "wrong-password"})), [401, 429, 401, 401, 401, 401]),
        row(M::POST,  "/api/v1/auth/refresh", Some(json!({"refresh_token": "not-a-token"})), [401, 401, 401, 401, 401, 401]),
        row(M::POST,  "/api/v1/auth/logout", Some(json!({"refresh_token": "not-a-token"})), [204, 204, 204, 204, 204, 204]),
        // Browser sessions: a wrong password for another email, six times; the cookie
        // endpoints refuse a request without the CSRF header, whoever sends it.
        row(M::POST,  "/api/v1/auth/session", Some(json!({"email": "nobody.else@x.example", "password": "wrong-password"})), [401, 429, 401, 401, 401, 401]),
        row(M::POST,  "/api/v1/auth/session/refresh", None,                        [403, 403, 403, 403, 403, 403]),
        row(M::DELETE, "/api/v1/auth/session", None,                               [403, 403, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/yard", None,                                        [401, 200, 200, 200, 200, 200]),
        row(M::GET,   "/api/v1/me", None,                                          [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/me/password", Some(json!({"current_password": "x", "new_password": "short"})), [401, 422, 422, 422, 422, 422]),
        row(M::GET,   "/api/v1/users", None,                                       [401, 200, 403, 403, 403, 403]),
        row(M::POST,  "/api/v1/users", Some(json!({"email": "new.welder@yard.example", "full_name": "New Welder", "password": "long-enough-password", "role": "technician"})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/users/{client_user}"), None,                [401, 200, 403, 403, 403, 403]),
        row(M::PATCH, format!("/api/v1/users/{tech_other_user}"), Some(json!({"full_name": "Renamed"})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/organizations", None,                               [401, 200, 403, 403, 200, 200]),
        row(M::POST,  "/api/v1/organizations", Some(json!({"name": "Lanka Lines", "country": "LK"})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/organizations/{org_a}"), None,              [401, 200, 403, 403, 200, 404]),
        row(M::PATCH, format!("/api/v1/organizations/{org_a}"), Some(json!({"name": "Piraeus Bulk S.A."})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/vessels", None,                                     [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/vessels", Some(vessel_body(org_a, "MV Matrix", None)), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/vessels/{vessel}"), None,                   [401, 200, 200, 404, 200, 404]),
        row(M::PATCH, format!("/api/v1/vessels/{vessel}"), Some(json!({"class_society": "LR"})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/jobs", None,                                        [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/jobs", Some(json!({"vessel_id": vessel, "title": "Survey", "description": "", "priority": "low"})), [401, 201, 403, 403, 201, 404]),
        row(M::GET,   j.clone(), None,                                             [401, 200, 200, 404, 200, 404]),
        row(M::PATCH, j.clone(), Some(json!({"priority": "urgent"})),              [401, 200, 403, 403, 403, 403]),
        // In progress: past quoting for everyone allowed to quote.
        row(M::PUT,   format!("{j}/quote"), Some(json!({"amount": "1.00", "currency": "USD"})), [401, 409, 403, 403, 403, 403]),
        // In progress -> scheduled is no row of the table; the client may see the job (409), not move it.
        row(M::POST,  format!("{j}/transitions"), Some(json!({"to": "scheduled"})), [401, 409, 403, 403, 409, 404]),
        row(M::GET,   format!("{j}/transitions"), None,                            [401, 200, 403, 403, 200, 404]),
        row(M::GET,   format!("{j}/events"), None,                                 [401, 200, 200, 404, 200, 404]),
        row(M::POST,  format!("{j}/additional-work"), Some(json!({"description": "Extra", "amount": "10.00", "currency": "USD"})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("{j}/additional-work"), None,                        [401, 200, 200, 404, 200, 404]),
        // Decided once: the owner's client decides first, the manager then finds it decided.
        row(M::POST,  format!("/api/v1/additional-work/{extra}/decision"), Some(json!({"decision": "approved"})), [401, 409, 403, 403, 200, 404]),
        row(M::GET,   format!("{j}/tasks"), None,                                  [401, 200, 200, 404, 200, 404]),
        row(M::POST,  format!("{j}/tasks"), Some(json!({"title": "Extra task", "estimated_hours": 2})), [401, 201, 403, 403, 403, 403]),
        row(M::PATCH, format!("/api/v1/tasks/{task}"), Some(json!({"status": "in_progress"})), [401, 200, 200, 404, 403, 403]),
        row(M::GET,   format!("{j}/assignments"), None,                            [401, 200, 200, 404, 403, 403]),
        row(M::GET,   format!("{j}/work-logs"), None,                              [401, 200, 200, 404, 200, 404]),
        row(M::GET,   format!("{j}/daily-report"), None,                           [401, 200, 200, 404, 200, 404]),
        row(M::POST,  format!("/api/v1/tasks/{spare_task}/assignments"), Some(json!({"technician_id": tech_spare_id, "starts_at": iso(now + Duration::days(20)), "ends_at": iso(now + Duration::days(21))})), [401, 201, 403, 403, 403, 403]),
        row(M::DELETE, format!("/api/v1/assignments/{removable}"), None,           [401, 204, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/me/assignments", None,                              [401, 403, 200, 200, 403, 403]),
        row(M::POST,  format!("/api/v1/assignments/{assignment}/work-logs"), Some(log), [401, 403, 201, 404, 403, 403]),
        // A JSON body is no upload form: those who may upload are told so (400), strangers 404.
        row(M::POST,  format!("{j}/attachments"), Some(json!({"file": "x"})),        [401, 400, 400, 404, 400, 404]),
        row(M::GET,   format!("{j}/attachments"), None,                            [401, 200, 200, 404, 200, 404]),
        row(M::GET,   format!("/api/v1/attachments/{photo}"), None,                [401, 200, 200, 404, 200, 404]),
        row(M::GET,   format!("/api/v1/attachments/{photo}/content"), None,        [401, 200, 200, 404, 200, 404]),
        row(M::GET,   format!("/api/v1/attachments/{photo}/thumbnail"), None,      [401, 200, 200, 404, 200, 404]),
        // Only its uploader (within a day) or a manager removes a file.
        row(M::DELETE, format!("/api/v1/attachments/{photo}"), None,               [401, 204, 403, 404, 403, 404]),
        row(M::GET,   "/api/v1/docks", None,                                       [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/docks", Some(json!({"name": "Slipway B", "kind": "slipway", "max_length_m": 90, "max_beam_m": 18, "max_draft_m": 5})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/docks/{dock}"), None,                       [401, 200, 200, 200, 200, 200]),
        row(M::PATCH, format!("/api/v1/docks/{dock}"), Some(json!({"name": "Dry Dock No. 1"})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/docks/availability?vessel_id={vessel}&duration_hours=24&from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z"), None, [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/dock-bookings", None,                               [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/dock-bookings", Some(json!({"dock_id": dock, "vessel_id": vessel, "starts_at": "2026-06-01T00:00:00Z", "ends_at": "2026-06-05T00:00:00Z"})), [401, 201, 403, 403, 403, 404]),
        row(M::GET,   format!("/api/v1/dock-bookings/{booking}"), None,            [401, 200, 200, 404, 200, 404]),
        row(M::PATCH, format!("/api/v1/dock-bookings/{booking}"), Some(json!({"notes": "tug at 06:00"})), [401, 200, 403, 403, 403, 404]),
        row(M::POST,  format!("/api/v1/dock-bookings/{booking}/cancel"), None,     [401, 200, 403, 403, 403, 404]),
        row(M::GET,   "/api/v1/technicians", None,                                 [401, 200, 403, 403, 403, 403]),
        row(M::POST,  "/api/v1/technicians", Some(json!({"user_id": fresh_tech_user, "trade": "painter"})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/technicians/{tech_assigned_id}"), None,     [401, 200, 200, 404, 403, 403]),
        row(M::PATCH, format!("/api/v1/technicians/{tech_assigned_id}"), Some(json!({"trade": "welder"})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/certification-types", None,                         [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/certification-types", Some(json!({"code": "NDT-UT2", "name": "Ultrasonic testing level 2"})), [401, 201, 403, 403, 403, 403]),
        row(M::POST,  format!("/api/v1/technicians/{tech_assigned_id}/certifications"), Some(json!({"certification_type": "WELD-3G", "certificate_number": "C-1", "issued_by": "CCS", "issued_on": "2025-01-01", "expires_on": "2028-01-01"})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/technicians/{tech_assigned_id}/certifications"), None, [401, 200, 200, 404, 403, 403]),
        row(M::GET,   "/api/v1/fx-rates", None,                                    [401, 200, 403, 403, 403, 403]),
        row(M::PUT,   "/api/v1/fx-rates/EUR", Some(json!({"usd_per_unit": "1.0850", "valid_from": "2026-01-01"})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/reports/trade-volume", None,                        [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/reports/dock-utilization?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z", None, [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/reports/certifications-expiring", None,             [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/reports/backlog", None,                             [401, 200, 403, 403, 403, 403]),
        // The tariff: every signed-in user reads it, managers write it.
        row(M::GET,   "/api/v1/tariff-items", None,                                [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/tariff-items", Some(json!({"code": "HULL-PLATE", "description": "Shell plate renewal", "unit": "t", "unit_price": {"amount": "3800.00", "currency": "USD"}})), [401, 201, 403, 403, 403, 403]),
        row(M::GET,   format!("/api/v1/tariff-items/{tariff_item}"), None,         [401, 200, 200, 200, 200, 200]),
        row(M::PATCH, format!("/api/v1/tariff-items/{tariff_item}"), Some(json!({"unit_price": {"amount": "13.00", "currency": "USD"}})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/tariff-modifiers", None,                            [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/tariff-modifiers", Some(json!({"code": "DC", "description": "Double curvature", "percent": "20"})), [401, 201, 403, 403, 403, 403]),
        // The contract: the job is awarded, so its terms are fixed; money is not for technicians.
        row(M::PUT,   format!("{j}/contract-terms"), Some(json!({"redelivery_date": "2026-04-01"})), [401, 409, 403, 403, 403, 403]),
        row(M::GET,   format!("{j}/contract-terms"), None,                         [401, 200, 403, 403, 200, 404]),
        row(M::GET,   format!("{j}/contract"), None,                               [401, 200, 403, 403, 200, 404]),
        row(M::GET,   format!("{j}/cost"), None,                                   [401, 200, 403, 403, 200, 404]),
        row(M::POST,  format!("{j}/priced-lines"), Some(json!({"price": {"basis": "lump_sum", "amount": "10.00"}})), [401, 200, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/reports/cost-overview", None,                       [401, 200, 403, 403, 200, 200]),
        // The redelivery ledger: managers write it, the job's client reads and disputes it.
        row(M::GET,   format!("{j}/redelivery"), None,                             [401, 200, 403, 403, 200, 404]),
        row(M::POST,  format!("{j}/redelivery-entries"), Some(delay("Rain on a paint day")), [401, 201, 403, 403, 403, 403]),
        row(M::POST,  format!("/api/v1/redelivery-entries/{disputed_entry}/dispute"), Some(json!({"note": "Not our delay"})), [401, 403, 403, 403, 200, 404]),
        row(M::DELETE, format!("/api/v1/redelivery-entries/{withdrawn_entry}"), None, [401, 204, 403, 403, 403, 403]),
        row(M::GET,   "/api/v1/me/calendar-feed", None,                            [401, 200, 200, 200, 200, 200]),
        row(M::POST,  "/api/v1/me/calendar-feed/rotate", None,                     [401, 200, 200, 200, 200, 200]),
        row(M::GET,   "/api/v1/me/notifications", None,                            [401, 200, 200, 200, 200, 200]),
        row(M::POST,  format!("/api/v1/me/notifications/{notice}/read"), None,     [401, 404, 404, 404, 200, 404]),
        row(M::POST,  "/api/v1/me/notifications/read-all", None,                   [401, 200, 200, 200, 200, 200]),
        row(M::GET,   "/api/v1/me/notification-settings", None,                    [401, 200, 200, 200, 200, 200]),
        row(M::PUT,   "/api/v1/me/notification-settings", Some(json!({"email": true})), [401, 200, 200, 200, 200, 200]),
        // A client makes webhooks for its own organisation; technicians have none.
        row(M::POST,  "/api/v1/webhooks", Some(hook_body),                         [401, 201, 403, 403, 201, 201]),
        row(M::GET,   "/api/v1/webhooks", None,                                    [401, 200, 403, 403, 200, 200]),
        row(M::GET,   format!("/api/v1/webhooks/{hook}"), None,                    [401, 200, 403, 403, 200, 404]),
        row(M::PATCH, format!("/api/v1/webhooks/{hook}"), Some(json!({"kinds": ["job.quoted"]})), [401, 200, 403, 403, 200, 404]),
        row(M::POST,  format!("/api/v1/webhooks/{hook}/test"), None,               [401, 202, 403, 403, 202, 404]),
        row(M::GET,   format!("/api/v1/webhooks/{hook}/deliveries"), None,         [401, 200, 403, 403, 200, 404]),
        // Deleted once: its organisation's client first, the manager then finds it gone.
        row(M::DELETE, format!("/api/v1/webhooks/{doomed_hook}"), None,            [401, 404, 403, 403, 204, 404]),
        row(M::POST,  format!("/api/v1/users/{fresh_tech_user}/sessions/revoke"), None, [401, 204, 403, 403, 403, 403]),
        // Last: each caller signs itself out everywhere, and its token ends with it.
        row(M::POST,  "/api/v1/me/sessions/revoke", None,                          [401, 204, 204, 204, 204, 204]),
    ];

    let sessions: [Option<&Session>; 6] = [
        None,
        Some(&manager),
        Some(&tech_assigned),
        Some(&tech_other),
        Some(&client_own),
        Some(&client_other),
    ];
    let mut wrong = Vec::new();
    let mut cells = 0;
    for r in &table {
        for &caller in &RUN_ORDER {
            let reply = app
                .request(
                    r.method.clone(),
                    &r.path,
                    sessions[caller].map(|s| s.token.as_str()),
                    r.body.clone(),
                )
                .await;
            cells += 1;
            if reply.status.as_u16() != r.expected[caller] {
                wrong.push(format!(
                    "{} {} as {}: expected {}, got {} {}",
                    r.method,
                    r.path,
                    CALLERS[caller],
                    r.expected[caller],
                    reply.status.as_u16(),
                    reply.body
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // Every documented operation has a row (the document lists 88 operations; /docs and
    // the probes are outside it).
    let doc = app
        .request(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .body;
    let documented: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|item| item.as_object().unwrap().len())
        .sum();
    let covered: std::collections::HashSet<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), template(&r.path, &doc)))
        .collect();
    assert_eq!(
        covered.len() - 1,
        documented,
        "rows must cover every documented operation once (+ openapi.json)"
    );
}

/// The documented path template a concrete path matches.
fn template(path: &str, doc: &Value) -> String {
    let path = path.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    for candidate in doc["paths"].as_object().unwrap().keys() {
        let pattern: Vec<&str> = candidate.split('/').collect();
        if pattern.len() == segments.len()
            && pattern.iter().zip(&segments).all(|(p, s)| {
                p == s || (p.starts_with('{') && !s.is_empty() && *s != "availability")
            })
        {
            return candidate.clone();
        }
    }
    path.to_owned()
}
