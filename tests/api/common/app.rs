//! The server under test: a template database migrated once, a database cloned from it
//! per test, the real server on port 0 (one or more instances), and plain HTTP to it.

use std::{net::TcpListener, sync::OnceLock};

use actix_web::dev::ServerHandle;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use reqwest::Method;
use serde_json::{Value, json};
use slipway::{
    AppState,
    auth::{password, tokens::TokenKeys},
    db::{self, Db},
};
use uuid::Uuid;

use super::{JWT_SECRET, PASSWORD, Reply};

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

pub(super) fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash_blocking(PASSWORD).expect("hash"))
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
            .with_attachments(
                files,
                slipway::DEFAULT_MAX_UPLOAD_MB << 20,
                slipway::attachments::images::DEFAULT_MAX_PIXELS,
            );
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

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `slipway serve` as a process of its own on `app`'s database and attachments folder,
/// listening on `port`, with `env` set beside the defaults (tokens signed with
/// [`JWT_SECRET`], no rate limit): for what only a whole process shows (its memory, its
/// shutdown). Wait for it with [`wait_ready`].
pub fn serve_process(app: &TestApp, port: u16, env: &[(&str, &str)]) -> std::process::Child {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_slipway"));
    command
        .arg("serve")
        .env("DATABASE_URL", app.database_url())
        .env("SLIPWAY_BIND", format!("127.0.0.1:{port}"))
        .env(
            "SLIPWAY_JWT_SECRET",
            std::str::from_utf8(JWT_SECRET).unwrap(),
        )
        .env(
            "SLIPWAY_STORAGE_URL",
            format!("file://{}", app.storage_path().display()),
        )
        .env("SLIPWAY_RATE_LIMIT_PER_MIN", "0")
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    command.spawn().expect("start slipway serve")
}

/// Waits until the process on `port` answers `/readyz` (at most 20 s).
pub async fn wait_ready(port: u16) {
    let started = std::time::Instant::now();
    let http = reqwest::Client::new();
    while http
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "the server did not start"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A memory figure of the process `pid` (`VmRSS`: now; `VmHWM`: its peak), in bytes.
pub fn memory_of(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("a process status");
    let line = status
        .lines()
        .find(|l| l.starts_with(field))
        .expect("a memory line");
    let kib: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kib * 1024
}
