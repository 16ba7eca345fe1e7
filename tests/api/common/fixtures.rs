//! Fixtures: users signed in by role, and the yard's things (organisations, vessels,
//! jobs at any status, docks, bookings, technicians, tasks, assignments, work logs) made
//! through the API as a manager would.

use reqwest::Method;
use serde_json::{Value, json};
use slipway::{
    AppState,
    auth::Role,
    users::{models::NewUserRow, queries as users},
};
use uuid::Uuid;

use super::{PASSWORD, Reply, Session, TestApp, app::password_hash};

impl TestApp {
    /// Inserts a user straight into the database (password [`PASSWORD`]).
    pub async fn insert_user(&self, role: Role, organization_id: Option<Uuid>) -> (Uuid, String) {
        let email = format!("{}-{}@test.slipway.example", role, Uuid::new_v4().simple());
        let mut conn = self.db.get().await.expect("connection");
        let row = NewUserRow {
            email: email.clone(),
            full_name: format!("Test {role}"),
            password_hash: password_hash().to_owned(),
            role,
            organization_id,
        };
        let user = users::insert(&mut conn, row).await.expect("insert user");
        (user.id, email)
    }

    /// Inserts a user and logs in as them.
    pub async fn session(&self, role: Role, organization_id: Option<Uuid>) -> Session {
        let (user_id, email) = self.insert_user(role, organization_id).await;
        let reply = self.login(&email, PASSWORD).await.expect(200);
        Session {
            user_id,
            email,
            token: reply.body["access_token"]
                .as_str()
                .expect("access token")
                .to_owned(),
            refresh: reply.body["refresh_token"]
                .as_str()
                .expect("refresh token")
                .to_owned(),
        }
    }

    /// A logged-in yard manager.
    pub async fn manager(&self) -> Session {
        self.session(Role::Manager, None).await
    }

    /// A logged-in technician.
    pub async fn technician(&self) -> Session {
        self.session(Role::Technician, None).await
    }

    /// A logged-in user of a client organisation.
    pub async fn client(&self, organization_id: Uuid) -> Session {
        self.session(Role::Client, Some(organization_id)).await
    }

    /// Creates a client organisation through the API.
    pub async fn organization(&self, manager: &Session, name: &str, country: &str) -> Uuid {
        self.post(
            "/api/v1/organizations",
            &manager.token,
            json!({"name": name, "country": country}),
        )
        .await
        .expect(201)
        .id()
    }
}

/// A valid IMO number made from six digits (the seventh is their check digit).
pub fn valid_imo(six: u32) -> String {
    let digits = format!("{:06}", six % 1_000_000);
    let sum: u32 = digits
        .bytes()
        .zip([7, 6, 5, 4, 3, 2])
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    format!("{digits}{}", sum % 10)
}

/// A vessel body with sensible dimensions.
pub fn vessel_body(owner: Uuid, name: &str, imo: Option<&str>) -> Value {
    json!({
        "imo_number": imo, "name": name, "vessel_type": "bulk_carrier", "flag": "LK",
        "owner_organization_id": owner, "gross_tonnage": 32000.0, "length_overall_m": 190.0,
        "beam_m": 32.2, "draft_m": 12.5, "lightweight_t": 9800.0, "year_built": 2009,
        "class_society": "DNV",
    })
}

impl TestApp {
    /// Registers a vessel (without IMO number) for `owner` through the API.
    pub async fn vessel(&self, manager: &Session, owner: Uuid) -> Uuid {
        let name = format!("MV Test {}", &Uuid::new_v4().simple().to_string()[..6]);
        self.post(
            "/api/v1/vessels",
            &manager.token,
            vessel_body(owner, &name, None),
        )
        .await
        .expect(201)
        .id()
    }

    /// Requests a repair job on `vessel` as `session`.
    pub async fn job(&self, session: &Session, vessel: Uuid) -> Uuid {
        self.post(
            "/api/v1/jobs",
            &session.token,
            json!({"vessel_id": vessel, "title": "Hull blasting and painting", "description": "Blast to Sa 2.5, two coats", "priority": "normal"}),
        )
        .await
        .expect(201)
        .id()
    }

    /// Puts a quote on a job as `manager`.
    pub async fn quote(&self, manager: &Session, job: Uuid, amount: &str, currency: &str) -> Reply {
        // A quote is in the job's contract currency: set it first when it differs.
        let current = self
            .get(&format!("/api/v1/jobs/{job}"), &manager.token)
            .await;
        if current.body["currency"]
            .as_str()
            .is_some_and(|c| c != currency)
        {
            // A currency the API refuses is refused again by the quote itself.
            self.patch(
                &format!("/api/v1/jobs/{job}"),
                &manager.token,
                json!({"currency": currency}),
            )
            .await;
        }
        self.request(
            Method::PUT,
            &format!("/api/v1/jobs/{job}/quote"),
            Some(&manager.token),
            Some(json!({"amount": amount, "currency": currency})),
        )
        .await
    }

    /// `POST /jobs/{id}/transitions`.
    pub async fn transition(
        &self,
        session: &Session,
        job: Uuid,
        to: &str,
        note: Option<&str>,
    ) -> Reply {
        self.post(
            &format!("/api/v1/jobs/{job}/transitions"),
            &session.token,
            json!({"to": to, "note": note}),
        )
        .await
    }

    /// Takes a fresh job along the happy path to `status` as `manager` (quote in USD).
    pub async fn advance(&self, manager: &Session, job: Uuid, status: &str) {
        let path = [
            "quoted",
            "approved",
            "scheduled",
            "in_progress",
            "completed",
            "closed",
        ];
        for step in path {
            match step {
                "quoted" => {
                    self.quote(manager, job, "100000.00", "USD")
                        .await
                        .expect(200);
                }
                "scheduled" => {
                    self.patch(
                        &format!("/api/v1/jobs/{job}"),
                        &manager.token,
                        json!({"planned_start": "2026-03-01T08:00:00Z", "planned_end": "2026-03-20T17:00:00Z"}),
                    )
                    .await
                    .expect(200);
                    self.transition(manager, job, "scheduled", None)
                        .await
                        .expect(200);
                }
                other => {
                    self.transition(manager, job, other, None).await.expect(200);
                }
            }
            if step == status {
                return;
            }
        }
        panic!("unknown status {status}");
    }
}

impl TestApp {
    /// Registers a dock through the API.
    pub async fn dock(
        &self,
        manager: &Session,
        name: &str,
        limits: (f64, f64, f64),
        lift: Option<f64>,
    ) -> Uuid {
        self.post(
            "/api/v1/docks",
            &manager.token,
            json!({"name": name, "kind": "graving_dock", "max_length_m": limits.0, "max_beam_m": limits.1,
                   "max_draft_m": limits.2, "lifting_capacity_t": lift}),
        )
        .await
        .expect(201)
        .id()
    }

    /// `POST /dock-bookings` as `session`.
    pub async fn book(
        &self,
        session: &Session,
        dock: Uuid,
        vessel: Uuid,
        starts: &str,
        ends: &str,
    ) -> Reply {
        self.post(
            "/api/v1/dock-bookings",
            &session.token,
            json!({"dock_id": dock, "vessel_id": vessel, "starts_at": starts, "ends_at": ends}),
        )
        .await
    }
}

impl TestApp {
    /// Defines a certification type.
    pub async fn certification_type(&self, manager: &Session, code: &str) {
        self.post(
            "/api/v1/certification-types",
            &manager.token,
            json!({"code": code, "name": format!("{code} qualification")}),
        )
        .await
        .expect(201);
    }

    /// A logged-in technician with a profile of `trade`: (session, technician id).
    pub async fn technician_profile(&self, manager: &Session, trade: &str) -> (Session, Uuid) {
        let session = self.technician().await;
        let id = self
            .post(
                "/api/v1/technicians",
                &manager.token,
                json!({"user_id": session.user_id, "trade": trade}),
            )
            .await
            .expect(201)
            .id();
        (session, id)
    }

    /// Records a certificate valid from `issued` to `expires` (`YYYY-MM-DD`).
    pub async fn certify(
        &self,
        manager: &Session,
        technician: Uuid,
        code: &str,
        issued: &str,
        expires: &str,
    ) {
        self.post(
            &format!("/api/v1/technicians/{technician}/certifications"),
            &manager.token,
            json!({"certification_type": code, "certificate_number": format!("CERT-{}", Uuid::new_v4().simple()),
                   "issued_by": "China Classification Society", "issued_on": issued, "expires_on": expires}),
        )
        .await
        .expect(201);
    }

    /// Adds a task to a job.
    pub async fn task(
        &self,
        manager: &Session,
        job: Uuid,
        hours: f64,
        certification: Option<&str>,
    ) -> Uuid {
        self.post(
            &format!("/api/v1/jobs/{job}/tasks"),
            &manager.token,
            json!({"title": format!("Task {}", &Uuid::new_v4().simple().to_string()[..4]), "estimated_hours": hours,
                   "required_certification": certification}),
        )
        .await
        .expect(201)
        .id()
    }

    /// `POST /tasks/{id}/assignments`.
    pub async fn assign(
        &self,
        manager: &Session,
        task: Uuid,
        technician: Uuid,
        starts: &str,
        ends: &str,
    ) -> Reply {
        self.post(
            &format!("/api/v1/tasks/{task}/assignments"),
            &manager.token,
            json!({"technician_id": technician, "starts_at": starts, "ends_at": ends}),
        )
        .await
    }

    /// `POST /jobs/{id}/attachments` of one file as `session`.
    pub async fn attach(&self, session: &Session, job: Uuid, bytes: Vec<u8>, name: &str) -> Reply {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
        let reply = self
            .http
            .post(format!("{}/api/v1/jobs/{job}/attachments", self.address))
            .bearer_auth(&session.token)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .expect("request sent");
        Self::read(reply).await
    }

    /// `POST /assignments/{id}/work-logs` as `technician`.
    pub async fn log_work(
        &self,
        technician: &Session,
        assignment: Uuid,
        started: &str,
        ended: &str,
        progress: Option<i32>,
    ) -> Reply {
        self.post(
            &format!("/api/v1/assignments/{assignment}/work-logs"),
            &technician.token,
            json!({"started_at": started, "ended_at": ended, "description": "Gouged and rewelded seam", "progress_percent": progress}),
        )
        .await
    }
}

/// A dispatcher that looks for work every 100 ms, retries after a second, sends daily
/// reports at `daily_at` (yard time, `HH:MM`), lets webhooks call this machine, and
/// mails through `smtp` (a sink's URL) when given.
pub fn fast_dispatch(
    smtp: Option<String>,
    daily_at: &str,
) -> impl FnOnce(AppState) -> AppState + use<> {
    let daily_at = slipway::notifications::rules::parse_report_at(daily_at).expect("a time");
    fast_dispatch_at(smtp, daily_at)
}

/// [`fast_dispatch`] with the report moment to the second.
pub fn fast_dispatch_at(
    smtp: Option<String>,
    daily_at: chrono::NaiveTime,
) -> impl FnOnce(AppState) -> AppState + use<> {
    move |state: AppState| {
        let mut config =
            slipway::notifications::dispatch::DispatchConfig::new(state.yard.get_ref().clone());
        config.poll = std::time::Duration::from_millis(100);
        config.watch_every = std::time::Duration::from_millis(200);
        config.daily_at = daily_at;
        config.retry_base = std::time::Duration::from_secs(1);
        config.allow_private = true;
        config.mailer = smtp.map(|url| {
            slipway::notifications::mail::Mailer::new(
                &url,
                "Slipway Yard <yard@slipway.test>",
                "https://slipway.test",
            )
            .expect("a mailer")
        });
        state.with_dispatcher(config)
    }
}
