//! Runtime configuration: one struct, read from the environment, overridable by flags.

use clap::Args;

/// How to reach PostgreSQL and how big the pool is.
#[derive(Debug, Clone, Args)]
pub struct DbConfig {
    /// PostgreSQL URL; `serve` creates the database if it does not exist.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/slipway",
        hide_env_values = true
    )]
    pub database_url: String,

    /// Connections in the pool shared by all workers.
    #[arg(long, env = "SLIPWAY_DB_POOL_SIZE", default_value_t = 8)]
    pub db_pool_size: usize,

    /// The longest a request waits for a pooled connection before its 503, in ms.
    #[arg(long, env = "SLIPWAY_DB_ACQUIRE_TIMEOUT_MS", default_value_t = 2000)]
    pub db_acquire_timeout_ms: u64,

    /// The longest an attempt to open a connection to PostgreSQL may take, in ms.
    #[arg(long, env = "SLIPWAY_DB_CONNECT_TIMEOUT_MS", default_value_t = 2000)]
    pub db_connect_timeout_ms: u64,

    /// The longest one statement may run (PostgreSQL's `statement_timeout`, set on every
    /// connection), in ms.
    #[arg(long, env = "SLIPWAY_DB_STATEMENT_TIMEOUT_MS", default_value_t = 5000)]
    pub db_statement_timeout_ms: u64,
}

impl DbConfig {
    /// The waits on PostgreSQL this configuration allows.
    pub fn timeouts(&self) -> crate::db::Timeouts {
        use std::time::Duration;
        crate::db::Timeouts {
            acquire: Duration::from_millis(self.db_acquire_timeout_ms),
            connect: Duration::from_millis(self.db_connect_timeout_ms),
            statement: Duration::from_millis(self.db_statement_timeout_ms),
        }
    }
}

/// Everything `serve` needs.
#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Database settings.
    #[command(flatten)]
    pub db: DbConfig,

    /// Address and port to listen on.
    #[arg(long, env = "SLIPWAY_BIND", default_value = "127.0.0.1:8080")]
    pub bind: String,

    /// HMAC secret for access tokens, at least 32 bytes. Without it a random one is made
    /// and every token dies with the process.
    #[arg(long, env = "SLIPWAY_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "SLIPWAY_ACCESS_TOKEN_TTL_SECS", default_value_t = 900)]
    pub access_token_ttl_secs: u64,

    /// Lifetime of a refresh token, in days.
    #[arg(long, env = "SLIPWAY_REFRESH_TOKEN_TTL_DAYS", default_value_t = 30)]
    pub refresh_token_ttl_days: u32,

    /// The yard's time zone (IANA name): calendar days of work logs, daily reports and
    /// certificate validity are days there.
    #[arg(long, env = "SLIPWAY_YARD_TZ", default_value = "Asia/Shanghai")]
    pub yard_tz: chrono_tz::Tz,

    /// The yard's name, shown in the web app.
    #[arg(long, env = "SLIPWAY_YARD_NAME", default_value = "Slipway yard")]
    pub yard_name: String,

    /// The yard's base currency (ISO 4217), in which the web app shows its totals.
    #[arg(long, env = "SLIPWAY_YARD_CURRENCY", default_value = "USD")]
    pub yard_currency: String,

    /// The address users reach the service at (`https://slipway.yard.example`): the only
    /// origin the browser-session endpoints accept, and the base of links in mail. Without
    /// it, the origin the request's `Host` header names.
    #[arg(long, env = "SLIPWAY_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// Whether the browser-session cookie is marked `Secure` (sent over HTTPS only). Turn
    /// off only to serve the web app over plain HTTP on a closed network.
    #[arg(long, env = "SLIPWAY_COOKIE_SECURE", default_value_t = true, action = clap::ArgAction::Set)]
    pub cookie_secure: bool,

    /// Where attachments' bytes are kept: `file://<folder>` (created if missing) or an
    /// S3-compatible store, `s3://bucket/prefix`, with the usual `AWS_*` variables.
    #[arg(long, env = "SLIPWAY_STORAGE_URL", default_value = crate::attachments::storage::DEFAULT_URL)]
    pub storage_url: String,

    /// The largest file an upload may carry, in MiB.
    #[arg(long, env = "SLIPWAY_MAX_UPLOAD_MB", default_value_t = crate::DEFAULT_MAX_UPLOAD_MB)]
    pub max_upload_mb: u64,

    /// The most pixels an uploaded image may have (its header is read before anything is
    /// decoded; a bigger one is refused with 422).
    #[arg(long, env = "SLIPWAY_MAX_IMAGE_PIXELS", default_value_t = crate::attachments::images::DEFAULT_MAX_PIXELS)]
    pub max_image_pixels: u64,

    /// How long a request body may take to arrive (for an upload: the longest pause in
    /// it), in seconds; a body that trickles in longer is cut off with 408.
    #[arg(long, env = "SLIPWAY_BODY_TIMEOUT_SECS", default_value_t = 30)]
    pub body_timeout_secs: u64,

    /// On SIGTERM or SIGINT, how long the requests in flight may take to finish, in
    /// seconds, before the process exits anyway.
    #[arg(long, env = "SLIPWAY_SHUTDOWN_GRACE_SECS", default_value_t = 20)]
    pub shutdown_grace_secs: u64,

    /// The bearer token `/metrics` asks for; without one, `/metrics` answers only callers
    /// on this machine (loopback).
    #[arg(long, env = "SLIPWAY_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// `text` (default) or `json`: one JSON object per log line.
    #[arg(long, env = "SLIPWAY_LOG_FORMAT", default_value = "text")]
    pub log_format: String,

    /// HTTP worker threads; 0 means one per CPU core.
    #[arg(long, env = "SLIPWAY_WORKERS", default_value_t = 0)]
    pub workers: usize,

    /// Password hashes computed at once (each takes 19 MiB and a core for tens of ms);
    /// 0 means half the CPU cores (at least one), so logins never take every core from
    /// the rest of the API.
    #[arg(long, env = "SLIPWAY_HASH_CONCURRENCY", default_value_t = 0)]
    pub hash_concurrency: usize,

    /// The share of a core (percent) each password hash slot may use: after a hash the
    /// slot rests in proportion, so logins cannot take more than this from the rest of
    /// the API, however many arrive.
    #[arg(long, env = "SLIPWAY_HASH_CPU_PERCENT", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=100))]
    pub hash_cpu_percent: u32,

    /// Password checks that may wait for a hashing slot; one more sign-in is told to come
    /// back (503, Retry-After) at once. 0: about two seconds of hashing.
    #[arg(long, env = "SLIPWAY_HASH_QUEUE", default_value_t = 0)]
    pub hash_queue: usize,

    /// Failed sign-ins per client address a minute, in this instance, before that
    /// address's next attempts are refused (429) unhashed; 0 turns it off.
    #[arg(long, env = "SLIPWAY_LOGIN_LIMIT_PER_MIN", default_value_t = 10)]
    pub login_limit_per_min: u32,

    /// The balancers in front of the service, as addresses or CIDR blocks separated by
    /// commas: only a request from one of them has its `X-Forwarded-For` read for the
    /// client's address.
    #[arg(long, env = "SLIPWAY_TRUSTED_PROXIES", default_value = "",
          value_parser = |s: &str| crate::http::TrustedProxies::parse(s))]
    pub trusted_proxies: crate::http::TrustedProxies,

    /// API requests per signed-in user (or, anonymous, per client address) and minute in
    /// each instance; past it, 429. 0 turns it off (load tests, a balancer that limits).
    #[arg(long, env = "SLIPWAY_RATE_LIMIT_PER_MIN", default_value_t = 600)]
    pub rate_limit_per_min: u64,

    /// MiB for each kind of page kept for clients (job lists, jobs, daily reports); a kept
    /// page is served again only while its version, read from PostgreSQL on every
    /// request, is unchanged. 0 turns it off.
    #[arg(long, env = "SLIPWAY_PAGE_CACHE_MB",
          default_value_t = crate::DEFAULT_PAGE_CACHE_BYTES >> 20)]
    pub page_cache_mb: usize,

    /// Writer tasks for each kind of write done in batches (work logs, bookings without a
    /// job): writes requested at the same moment are done together, one batch (of up to
    /// 32) per writer at a time; 0 means every request writes alone.
    #[arg(long, env = "SLIPWAY_BATCH_WRITERS", default_value_t = crate::DEFAULT_BATCH_WRITERS)]
    pub batch_writers: usize,
    /// The SMTP server mail is sent through: `smtp://user:pass@host:587` (STARTTLS when
    /// the server offers it; `?tls=required` to insist) or `smtps://user:pass@host:465`.
    /// Without it, no mail is sent.
    #[arg(long, env = "SLIPWAY_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of mail.
    #[arg(
        long,
        env = "SLIPWAY_SMTP_FROM",
        default_value = "Slipway <slipway@localhost>"
    )]
    pub smtp_from: String,
    /// When the daily reports of the previous yard day go out, yard time (`HH:MM`).
    #[arg(long, env = "SLIPWAY_DAILY_REPORT_AT", default_value = "07:00",
          value_parser = |s: &str| crate::notifications::rules::parse_report_at(s))]
    pub daily_report_at: chrono::NaiveTime,
    /// Let webhooks call `http` URLs and loopback, private and link-local addresses: for
    /// tests and closed networks only.
    #[arg(long, env = "SLIPWAY_WEBHOOK_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    /// Seconds before the first retry of a failed webhook delivery or mail (doubling
    /// after each further failure).
    #[arg(long, env = "SLIPWAY_WEBHOOK_RETRY_BASE_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub webhook_retry_base_secs: u64,
}

/// The number of CPU cores, for the "0 means one per core" settings.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}
