//! Slipway: the work-order system of a ship-repair yard.
//!
//! Yard managers schedule docks and certified technicians; shipowners follow their
//! vessels' repairs and approve quotes from abroad; technicians log their shifts. This
//! crate is the REST API; `main.rs` is only its command line.

pub mod attachments;
pub mod auth;
pub mod calendar;
pub mod config;
pub mod contracts;
pub mod db;
pub mod demo;
pub mod docks;
pub mod error;
pub mod group_commit;
pub mod health;
pub mod http;
pub mod jobs;
pub mod kept_pages;
pub mod metrics;
pub mod money;
pub mod notifications;
pub mod openapi;
pub mod organizations;
pub mod pagination;
pub mod rate_limit;
pub mod redelivery;
pub mod reports;
pub mod role;
pub mod schema;
pub mod sql_enum;
pub mod tariff;
pub(crate) use sql_enum::text_enum;
pub mod tasks;
pub mod technicians;
pub mod users;
pub mod validation;
pub mod vessels;
pub mod web_app;
pub mod webhooks;
pub mod work_logs;
pub mod yard;

use std::net::TcpListener;

use actix_web::{
    App, HttpServer,
    body::MessageBody,
    dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse},
    middleware::from_fn,
    web,
};

use auth::{password::Passwords, tokens::TokenKeys};
use db::Db;
use docks::queries::BookingBatch;
use group_commit::GroupWriter;
use kept_pages::{KeptJobs, KeptPages, ListKey, ReportKey};
use openapi::OpenApiJson;
use work_logs::queries::WorkLogBatch;

/// Everything the handlers share. Cloning is cheap (all `Arc`s); nothing here is state
/// of a user or request, so any number of instances can run behind a load balancer.
#[derive(Clone)]
pub struct AppState {
    /// The PostgreSQL pool.
    pub db: web::Data<Db>,
    /// Access-token keys.
    pub keys: web::Data<TokenKeys>,
    /// The password hasher.
    pub passwords: web::Data<Passwords>,
    /// The rendered OpenAPI document.
    pub openapi: web::Data<OpenApiJson>,
    /// The yard's name, currency and calendar.
    pub yard: web::Data<yard::Yard>,
    /// How browser sessions' cookies are set and whose requests they accept.
    pub sessions: web::Data<auth::session::SessionPolicy>,
    /// The web app's files.
    pub web_app: web::Data<crate::web_app::WebApp>,
    /// Where attachments' bytes live.
    pub storage: web::Data<attachments::storage::Storage>,
    /// The largest file an upload may carry.
    pub upload_limit: web::Data<attachments::handlers::UploadLimit>,
    /// How long a request may wait on the database before its 503.
    pub deadline: web::Data<http::RequestDeadline>,
    /// How long a request body may take to arrive.
    pub body_timeout: web::Data<http::BodyTimeout>,
    /// Every user's standing (active, tokens revoked before when), for the token check.
    pub standings: web::Data<auth::standing::Standings>,
    /// Failed sign-ins per client address (off unless configured).
    pub address_limit: web::Data<auth::throttle::AddressLimit>,
    /// The balancers whose `X-Forwarded-For` names the client.
    pub proxies: web::Data<http::TrustedProxies>,
    /// Request counts and latencies, for `/metrics`.
    pub metrics: web::Data<metrics::Metrics>,
    /// Who may read `/metrics`.
    pub metrics_access: web::Data<metrics::MetricsAccess>,
    /// Set while the instance shuts down (`/readyz` answers 503).
    pub draining: web::Data<health::Draining>,
    /// Requests per caller and minute (none counted unless configured).
    pub rate_limiter: Option<web::Data<rate_limit::RateLimiter>>,
    /// Methods per route, for `Allow` headers.
    pub allowed: web::Data<http::AllowedMethods>,
    /// Clients' job-list pages, served again while their organisation's list is unchanged.
    pub job_pages: web::Data<KeptPages<ListKey>>,
    /// Daily reports read by clients, served again while their job is unchanged.
    pub day_reports: web::Data<KeptPages<ReportKey>>,
    /// Jobs read by clients, served again while their organisation's list is unchanged.
    pub job_views: web::Data<KeptJobs>,
    /// Writes work logs sent at the same moment together (once serving).
    pub work_log_writer: web::Data<GroupWriter<WorkLogBatch>>,
    /// Makes bookings requested at the same moment together (once serving).
    pub booking_writer: web::Data<GroupWriter<BookingBatch>>,
    /// Writer tasks per kind of batched write, started by [`serve`].
    pub batch_writers: usize,
    /// Whether webhooks may call private addresses.
    pub webhook_policy: web::Data<webhooks::WebhookPolicy>,
    /// The dispatcher `serve` starts; `None`: none (tests that do not need one).
    pub dispatch: Option<notifications::dispatch::DispatchConfig>,
    /// What this instance's dispatcher did, for `/metrics`.
    pub outbox: web::Data<notifications::dispatch::Counters>,
}

impl AppState {
    /// Assembles the state from its parts.
    pub fn new(
        db: Db,
        keys: TokenKeys,
        passwords: Passwords,
        yard: yard::Yard,
    ) -> anyhow::Result<Self> {
        Ok(Self {
            yard: web::Data::new(yard),
            sessions: web::Data::new(auth::session::SessionPolicy::default()),
            web_app: web::Data::new(crate::web_app::WebApp::load()),
            storage: web::Data::new(attachments::storage::Storage::from_url(&format!(
                "file://{}",
                std::env::temp_dir()
                    .join(format!("slipway-attachments-{}", std::process::id()))
                    .display()
            ))?),
            upload_limit: web::Data::new(attachments::handlers::UploadLimit::new(
                DEFAULT_MAX_UPLOAD_MB << 20,
                attachments::images::DEFAULT_MAX_PIXELS,
            )),
            deadline: web::Data::new(http::RequestDeadline(
                db::Timeouts::default().request_deadline(),
            )),
            body_timeout: web::Data::new(http::BodyTimeout::default()),
            standings: web::Data::new(auth::standing::Standings::default()),
            address_limit: web::Data::new(auth::throttle::AddressLimit::new(0)),
            proxies: web::Data::new(http::TrustedProxies::default()),
            rate_limiter: None,
            draining: web::Data::new(health::Draining::default()),
            metrics: web::Data::new(metrics::Metrics::default()),
            metrics_access: web::Data::new(metrics::MetricsAccess::default()),
            allowed: web::Data::new(openapi::allowed_methods()),
            keys: web::Data::new(keys),
            passwords: web::Data::new(passwords),
            openapi: web::Data::new(OpenApiJson::render()?),
            job_pages: web::Data::new(KeptPages::new(DEFAULT_PAGE_CACHE_BYTES)),
            day_reports: web::Data::new(KeptPages::new(DEFAULT_PAGE_CACHE_BYTES)),
            job_views: web::Data::new(KeptPages::new(DEFAULT_PAGE_CACHE_BYTES)),
            work_log_writer: web::Data::new(GroupWriter::off(db.clone())),
            booking_writer: web::Data::new(GroupWriter::off(db.clone())),
            batch_writers: DEFAULT_BATCH_WRITERS,
            webhook_policy: web::Data::new(webhooks::WebhookPolicy::default()),
            dispatch: None,
            outbox: web::Data::new(notifications::dispatch::Counters::default()),
            db: web::Data::new(db),
        })
    }

    /// Does each kind of batched write (work logs, bookings) with `writers` writer tasks
    /// once serving (0: each request writes alone).
    /// Runs a dispatcher with `config` in `serve` (its `allow_private` is also the rule of
    /// the webhook endpoints).
    pub fn with_dispatcher(mut self, config: notifications::dispatch::DispatchConfig) -> Self {
        self.webhook_policy = web::Data::new(webhooks::WebhookPolicy {
            allow_private: config.allow_private,
        });
        self.dispatch = Some(config);
        self
    }

    fn start_dispatcher(&self) -> std::io::Result<Option<notifications::dispatch::Dispatcher>> {
        self.dispatch
            .clone()
            .map(|config| {
                notifications::dispatch::Dispatcher::start(
                    self.db.get_ref().clone(),
                    config,
                    self.outbox.clone().into_inner(),
                )
            })
            .transpose()
            .map_err(std::io::Error::other)
    }

    pub fn with_batch_writers(mut self, writers: usize) -> Self {
        self.batch_writers = writers;
        self
    }

    /// Starts the writer tasks of the batched writes (on the current Tokio runtime).
    fn start_writers(mut self) -> Self {
        let db = self.db.get_ref();
        self.work_log_writer = web::Data::new(GroupWriter::start(db.clone(), self.batch_writers));
        self.booking_writer = web::Data::new(GroupWriter::start(db.clone(), self.batch_writers));
        self
    }

    /// Answers 503 for a request still waiting on the database after what `timeouts`
    /// allow, and 408 for a body still arriving after `body`.
    pub fn with_timeouts(mut self, timeouts: db::Timeouts, body: std::time::Duration) -> Self {
        self.deadline = web::Data::new(http::RequestDeadline(timeouts.request_deadline()));
        self.body_timeout = web::Data::new(http::BodyTimeout(body));
        self
    }

    /// Keeps every user's standing current by listening on `database_url` (returns once
    /// it is loaded): revocations then hold at once without a read per request.
    pub async fn following_standings(self, database_url: &str) -> Self {
        self.standings
            .clone()
            .into_inner()
            .follow(database_url)
            .await;
        self
    }

    /// Refuses sign-ins from an address past `per_minute` failures a minute (0: never),
    /// the address read through `proxies`.
    pub fn with_login_limit(mut self, per_minute: u32, proxies: http::TrustedProxies) -> Self {
        self.address_limit = web::Data::new(auth::throttle::AddressLimit::new(per_minute));
        self.proxies = web::Data::new(proxies);
        self
    }

    /// Allows each caller `per_minute` API requests a minute in this instance (0: no
    /// limit, as for sign-ins).
    pub fn with_rate_limit(mut self, per_minute: u64) -> Self {
        self.rate_limiter =
            (per_minute > 0).then(|| web::Data::new(rate_limit::RateLimiter::new(per_minute)));
        self
    }

    /// Keeps attachments in `storage`, refusing files over `max_bytes` and images over
    /// `max_pixels`.
    pub fn with_attachments(
        mut self,
        storage: attachments::storage::Storage,
        max_bytes: u64,
        max_pixels: u64,
    ) -> Self {
        self.storage = web::Data::new(storage);
        self.upload_limit = web::Data::new(attachments::handlers::UploadLimit::new(
            max_bytes, max_pixels,
        ));
        self
    }

    /// Sets how browser sessions' cookies are made and which origin they accept.
    pub fn with_sessions(mut self, policy: auth::session::SessionPolicy) -> Self {
        self.sessions = web::Data::new(policy);
        self
    }

    /// Serves `/metrics` to requests bearing `token` (without one: only from this machine).
    pub fn with_metrics_token(mut self, token: Option<String>) -> Self {
        self.metrics_access = web::Data::new(metrics::MetricsAccess { token });
        self
    }

    /// The parts `/metrics` shows, each reporting its own lines.
    fn metrics_sources(&self) -> metrics::Sources {
        metrics::Sources(vec![
            self.metrics.clone().into_inner(),
            self.db.clone().into_inner(),
            self.passwords.clone().into_inner(),
            self.work_log_writer.clone().into_inner(),
            self.booking_writer.clone().into_inner(),
            self.job_pages.clone().into_inner(),
            self.day_reports.clone().into_inner(),
            self.job_views.clone().into_inner(),
            std::sync::Arc::new(notifications::dispatch::Outbox {
                counters: self.outbox.clone().into_inner(),
                db: self.db.get_ref().clone(),
            }),
        ])
    }

    /// Keeps at most `bytes` of each kind of client page, job lists, jobs and daily
    /// reports (0: none).
    pub fn with_page_cache(mut self, bytes: usize) -> Self {
        self.job_pages = web::Data::new(KeptPages::new(bytes));
        self.day_reports = web::Data::new(KeptPages::new(bytes));
        self.job_views = web::Data::new(KeptPages::new(bytes));
        self
    }
}

/// The largest upload, in MiB (`SLIPWAY_MAX_UPLOAD_MB`).
pub const DEFAULT_MAX_UPLOAD_MB: u64 = 25;

/// Writer tasks per kind of batched write: each does one batch at a time.
pub const DEFAULT_BATCH_WRITERS: usize = 2;

/// 16 MiB of each kind: the first page of 50 jobs of 300 organisations; 10 000 daily
/// reports; 20 000 jobs.
pub const DEFAULT_PAGE_CACHE_BYTES: usize = 16 << 20;

/// The application: every route, the extractor error handlers and the request log.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let limiter = state.rate_limiter.clone();
    let metrics_sources = web::Data::new(state.metrics_sources());
    App::new()
        .wrap(from_fn(http::bound_request_time))
        .wrap(from_fn(rate_limit::limit_rate))
        .wrap(from_fn(http::refuse_nul_in_query))
        .wrap(from_fn(http::log_request))
        .app_data(state.db)
        .app_data(state.keys)
        .app_data(state.passwords)
        .app_data(state.openapi)
        .app_data(state.yard)
        .app_data(state.sessions)
        .app_data(state.web_app)
        .app_data(state.storage)
        .app_data(state.upload_limit)
        .app_data(state.deadline)
        .app_data(state.body_timeout)
        .app_data(state.standings)
        .app_data(state.address_limit)
        .app_data(state.proxies)
        .app_data(state.draining)
        .app_data(state.metrics)
        .app_data(state.metrics_access)
        .app_data(metrics_sources)
        .configure(|cfg| {
            if let Some(limiter) = limiter {
                cfg.app_data(limiter);
            }
        })
        .app_data(state.allowed)
        .app_data(state.job_pages)
        .app_data(state.day_reports)
        .app_data(state.job_views)
        .app_data(state.work_log_writer)
        .app_data(state.booking_writer)
        .app_data(state.webhook_policy)
        .app_data(state.outbox)
        .configure(http::configure_extractors)
        .configure(health::routes)
        .service(http::resource("/metrics").route(web::get().to(metrics::scrape)))
        .configure(openapi::docs_routes)
        .configure(crate::web_app::routes)
        .configure(calendar::feed_routes)
        .service(
            web::scope("/api/v1")
                // Routes are matched one after another, with a regular expression for
                // each route with an `{id}`. The routes of one job (the most, and the most
                // read) sit in a `/jobs/{id}` scope: one expression finds the job's id,
                // and the rest of the path is compared as plain text.
                .service(
                    web::scope("/jobs")
                        .configure(jobs::collection_routes)
                        .service(
                            web::scope("/{id}")
                                .configure(jobs::job_routes)
                                .configure(work_logs::job_routes)
                                .configure(tasks::job_routes)
                                .configure(attachments::job_routes)
                                .configure(contracts::job_routes)
                                .configure(redelivery::job_routes),
                        ),
                )
                .configure(auth::routes)
                .configure(users::routes)
                .configure(organizations::routes)
                .configure(vessels::routes)
                .configure(jobs::routes)
                .configure(tasks::routes)
                .configure(docks::routes)
                .configure(technicians::routes)
                .configure(work_logs::routes)
                .configure(reports::routes)
                .configure(contracts::routes)
                .configure(redelivery::routes)
                .configure(tariff::routes)
                .configure(attachments::routes)
                .configure(yard::routes)
                .configure(notifications::routes)
                .configure(calendar::routes)
                .configure(webhooks::routes)
                .configure(openapi::api_routes),
        )
        .default_service(web::to(http::not_found))
}

/// Starts the HTTP server on an already bound listener.
pub fn serve(listener: TcpListener, state: AppState, workers: usize) -> std::io::Result<Server> {
    let state = state.start_writers();
    // The dispatcher runs as long as the runtime (tests stop theirs with it).
    drop(state.start_dispatcher()?);
    let server = HttpServer::new(move || app(state.clone())).listen(listener)?;
    let server = if workers > 0 {
        server.workers(workers)
    } else {
        server
    };
    Ok(server.run())
}

/// Serves until SIGTERM or SIGINT, then shuts down gracefully: `/readyz` answers 503, no
/// new connection is accepted, the requests in flight finish (for at most `grace`; the
/// batched writes they wait for are done with them), and the function returns.
pub async fn serve_until_signalled(
    listener: TcpListener,
    state: AppState,
    workers: usize,
    grace: std::time::Duration,
) -> std::io::Result<()> {
    let draining = state.draining.clone();
    let state = state.start_writers();
    let dispatcher = state.start_dispatcher()?;
    let server = HttpServer::new(move || app(state.clone()))
        .listen(listener)?
        .disable_signals()
        .shutdown_timeout(grace.as_secs().max(1));
    let server = if workers > 0 {
        server.workers(workers)
    } else {
        server
    }
    .run();
    let handle = server.handle();
    tokio::spawn(async move {
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                .expect("a SIGTERM handler");
        tokio::select! {
            _ = terminate.recv() => tracing::info!("SIGTERM: finishing the requests in flight"),
            _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: finishing the requests in flight"),
        }
        draining.set();
        let stopping = async {
            if let Some(dispatcher) = dispatcher {
                dispatcher.stop(grace).await;
            }
        };
        tokio::join!(handle.stop(true), stopping);
    });
    server.await
}
