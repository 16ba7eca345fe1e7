//! The black-box test harness: `TestApp::spawn()` starts the real server on port 0 against
//! a fresh database cloned from a migrated template, and tests talk HTTP to it.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

pub mod sinks;

use std::{net::TcpListener, sync::OnceLock};

use actix_web::dev::ServerHandle;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};
use slipway::{
    AppState,
    auth::{Role, password, tokens::TokenKeys},
    db::{self, Db},
    users::{models::NewUserRow, queries as users},
};
use uuid::Uuid;

/// The secret the test server signs tokens with (tests craft their own tokens with it).
pub const JWT_SECRET: &[u8] = b"slipway-test-secret-of-forty-bytes-long!";
/// The password of every user the fixtures create.
pub const PASSWORD: &str = "correct-horse-battery";

fn base_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

async fn admin() -> AsyncPgConnection {
    let (admin_url, _) = db::split_database_url(&base_url()).expect("DATABASE_URL");
    AsyncPgConnection::establish(&admin_url)
        .await
        .expect("connect to PostgreSQL")
}

async fn execute(conn: &mut AsyncPgConnection, sql: &str) {
    diesel::sql_query(sql)
        .execute(conn)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Builds the template database once per migrations fingerprint. An advisory lock keeps
/// concurrent test processes from building it twice; it is built under a temporary name
/// and renamed when complete, so a crashed build never leaves a half-migrated template.
fn template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        std::thread::spawn(|| {
            block_on(async {
                let name = format!("slipway_tpl_{}", db::MIGRATIONS_FINGERPRINT);
                let mut conn = admin().await;
                execute(&mut conn, "SELECT pg_advisory_lock(7215001)").await;
                #[derive(diesel::QueryableByName)]
                struct Found {
                    #[diesel(sql_type = diesel::sql_types::BigInt)]
                    n: i64,
                }
                let found: Found =
                    diesel::sql_query("SELECT count(*) AS n FROM pg_database WHERE datname = $1")
                        .bind::<diesel::sql_types::Text, _>(&name)
                        .get_result(&mut conn)
                        .await
                        .expect("look up template");
                if found.n == 0 {
                    let building = format!("{name}_building");
                    execute(
                        &mut conn,
                        &format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"),
                    )
                    .await;
                    execute(&mut conn, &format!("CREATE DATABASE {building}")).await;
                    let url = db::with_database_name(&base_url(), &building).expect("url");
                    db::run_migrations(&url)
                        .await
                        .expect("migrate the template");
                    execute(
                        &mut conn,
                        &format!("ALTER DATABASE {building} RENAME TO {name}"),
                    )
                    .await;
                }
                execute(&mut conn, "SELECT pg_advisory_unlock(7215001)").await;
                name
            })
        })
        .join()
        .expect("template thread")
    })
}

fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash_blocking(PASSWORD).expect("hash"))
}

/// An answer from the server.
#[derive(Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The body parsed as JSON (`Null` when empty or not JSON).
    pub body: Value,
}

impl Reply {
    /// The problem `type` of an error body.
    pub fn problem_type(&self) -> &str {
        self.body["type"].as_str().unwrap_or_default()
    }

    /// The `Content-Type` header.
    pub fn content_type(&self) -> &str {
        self.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// Asserts the status, printing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected answer: {:#}",
            self.body
        );
        self
    }

    /// Asserts an error status and problem type, and that the body is problem+json.
    #[track_caller]
    pub fn expect_problem(self, status: u16, code: &str) -> Self {
        let reply = self.expect(status);
        assert_eq!(
            reply.problem_type(),
            format!("/problems/{code}"),
            "{:#}",
            reply.body
        );
        assert_eq!(reply.content_type(), "application/problem+json");
        assert_eq!(reply.body["status"], status);
        reply
    }

    /// The `id` field as a UUID.
    pub fn id(&self) -> Uuid {
        self.body["id"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .expect("an id in the body")
    }
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user's id.
    pub user_id: Uuid,
    /// Login email.
    pub email: String,
    /// Access token.
    pub token: String,
    /// Refresh token.
    pub refresh: String,
}

/// Connections in a test server's pool, unless a test asks for another size.
const POOL_SIZE: usize = 8;
/// Password hashing threads of a test server, likewise.
const HASHERS: usize = 2;

/// A running server on its own database.
pub struct TestApp {
    /// `http://127.0.0.1:<port>`.
    pub address: String,
    /// The HTTP client.
    pub http: reqwest::Client,
    /// A pool on the test database, for fixtures and for checking what was stored.
    pub db: Db,
    /// The server's password hashers.
    pub passwords: password::Passwords,
    database: Option<String>,
    url: String,
    storage: std::sync::Arc<tempfile::TempDir>,
    server: ServerHandle,
}

impl TestApp {
    /// Starts the server on a new database cloned from the migrated template.
    pub async fn spawn() -> Self {
        Self::spawn_sized(POOL_SIZE, HASHERS).await
    }

    /// Starts the server on a new database, with its state changed by `configure`.
    pub async fn spawn_with(configure: impl FnOnce(AppState) -> AppState) -> Self {
        let (url, database) = Self::fresh_database().await;
        Self::start(&url, Some(database), POOL_SIZE, HASHERS, configure).await
    }

    /// Starts the server on a new database with `pool_size` connections and `hashers`
    /// password hashing threads.
    pub async fn spawn_sized(pool_size: usize, hashers: usize) -> Self {
        let (url, database) = Self::fresh_database().await;
        Self::start(&url, Some(database), pool_size, hashers, |s| s).await
    }

    /// Starts the server on a new database reached through `127.0.0.1:<port>` (a proxy a
    /// test controls), waiting on it no longer than `timeouts` allow, and for bodies no
    /// longer than `body`.
    pub async fn spawn_via(port: u16, timeouts: db::Timeouts, body: std::time::Duration) -> Self {
        let (url, database) = Self::fresh_database().await;
        let mut via = url::Url::parse(&url).expect("a database URL");
        via.set_port(Some(port)).expect("a port");
        let storage = std::sync::Arc::new(tempfile::tempdir().expect("a folder for attachments"));
        Self::start_pool(
            db::pool_with(via.as_str(), POOL_SIZE, timeouts).expect("pool"),
            &url,
            Some(database),
            HASHERS,
            storage,
            |s| s.with_timeouts(timeouts, body),
        )
        .await
    }

    /// A new database cloned from the migrated template: its URL and name.
    async fn fresh_database() -> (String, String) {
        let template = template();
        let database = format!("slipway_test_{}", Uuid::new_v4().simple());
        let mut conn = admin().await;
        execute(
            &mut conn,
            &format!("CREATE DATABASE {database} TEMPLATE {template}"),
        )
        .await;
        let url = db::with_database_name(&base_url(), &database).expect("url");
        (url, database)
    }

    /// Starts the server against a database URL nothing listens on.
    pub async fn spawn_without_database() -> Self {
        Self::start(
            "postgres://postgres@127.0.0.1:1/nowhere",
            None,
            POOL_SIZE,
            HASHERS,
            |s| s,
        )
        .await
    }

    async fn start(
        url: &str,
        database: Option<String>,
        pool_size: usize,
        hashers: usize,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let storage = std::sync::Arc::new(tempfile::tempdir().expect("a folder for attachments"));
        Self::start_with_storage(url, database, pool_size, hashers, storage, configure).await
    }

    /// The server stopped and started again on the same database and attachments folder,
    /// as after a restart of the service.
    pub async fn restarted(mut self) -> Self {
        self.server.stop(true).await;
        let database = self.database.take();
        let (url, storage) = (self.url.clone(), self.storage.clone());
        drop(self);
        Self::start_with_storage(&url, database, POOL_SIZE, HASHERS, storage, |s| s).await
    }

    /// Another instance of the service on the same database and attachments folder, as a
    /// second server behind a balancer (it leaves the database to this one).
    pub async fn second_instance(&self) -> Self {
        self.second_instance_with(|s| s).await
    }

    /// [`Self::second_instance`] with its state changed by `configure`.
    pub async fn second_instance_with(&self, configure: impl FnOnce(AppState) -> AppState) -> Self {
        Self::start_with_storage(
            &self.url,
            None,
            POOL_SIZE,
            HASHERS,
            self.storage.clone(),
            configure,
        )
        .await
    }

    /// The folder the server keeps attachments in.
    pub fn storage_path(&self) -> &std::path::Path {
        self.storage.path()
    }

    async fn start_with_storage(
        url: &str,
        database: Option<String>,
        pool_size: usize,
        hashers: usize,
        storage: std::sync::Arc<tempfile::TempDir>,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let db = db::pool(url, pool_size).expect("pool");
        Self::start_pool(db, url, database, hashers, storage, configure).await
    }

    async fn start_pool(
        db: Db,
        url: &str,
        database: Option<String>,
        hashers: usize,
        storage: std::sync::Arc<tempfile::TempDir>,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let keys = TokenKeys::new(JWT_SECRET, 900, 30).expect("keys");
        let passwords = password::Passwords::new(hashers).expect("hasher");
        let yard = slipway::yard::Yard::in_zone(chrono_tz::Asia::Shanghai);
        let files = slipway::attachments::storage::Storage::from_url(&format!(
            "file://{}",
            storage.path().display()
        ))
        .expect("storage");
        let base = AppState::new(db.clone(), keys, passwords.clone(), yard)
            .expect("state")
            .with_attachments(files, slipway::DEFAULT_MAX_UPLOAD_MB << 20);
        let state = configure(base.following_standings(url).await);
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("address"));
        let server = slipway::serve(listener, state, 2).expect("server");
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            address,
            http: reqwest::Client::new(),
            db,
            passwords,
            database,
            url: url.to_owned(),
            storage,
            server: handle,
        }
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        Self::read(req.send().await.expect("request sent")).await
    }

    /// Reads a response into a [`Reply`].
    pub async fn read(resp: reqwest::Response) -> Reply {
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    /// `GET` with a token.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.request(Method::GET, path, Some(token), None).await
    }

    /// `POST` JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::POST, path, Some(token), Some(body))
            .await
    }

    /// `PATCH` JSON with a token.
    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Reply {
        self.request(Method::PATCH, path, Some(token), Some(body))
            .await
    }

    /// `POST /api/v1/auth/login`.
    pub async fn login(&self, email: &str, password: &str) -> Reply {
        self.request(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": email, "password": password})),
        )
        .await
    }

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

    /// The database URL of this app's database.
    pub fn database_url(&self) -> String {
        db::with_database_name(&base_url(), self.database.as_deref().expect("a database"))
            .expect("url")
    }

    /// Runs one statement with `$1 = id` on a connection of its own, past the API, and
    /// commits it: what plain SQL or another program does to the data.
    pub async fn execute_sql(&self, sql: &str, id: Uuid) {
        let mut direct = AsyncPgConnection::establish(&self.database_url())
            .await
            .expect("connect to the app's database");
        diesel::sql_query(sql)
            .bind::<diesel::sql_types::Uuid, _>(id)
            .execute(&mut direct)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Asks the server to stop without waiting: its command loop runs on the test's
        // runtime, which is busy right here. FORCE ends whatever connections remain.
        drop(self.server.stop(false));
        let database = self.database.take();
        std::thread::spawn(move || {
            block_on(async move {
                if let Some(database) = database {
                    let mut conn = admin().await;
                    execute(
                        &mut conn,
                        &format!("DROP DATABASE IF EXISTS {database} WITH (FORCE)"),
                    )
                    .await;
                }
            });
        })
        .join()
        .ok();
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
