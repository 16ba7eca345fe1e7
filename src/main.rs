//! The `slipway` command line: `serve`, `migrate`, `create-manager`, `seed-demo`.

use slipway::notifications::{dispatch::DispatchConfig, mail::Mailer};
use std::{io::Read, net::TcpListener};

use anyhow::Context;
use clap::{Parser, Subcommand};
use slipway::{
    AppState,
    auth::{Role, password, tokens::TokenKeys},
    config::{Config, DbConfig, cores},
    db,
    users::{models::NewUserRow, queries, rules},
};
use tracing_subscriber::EnvFilter;

/// Slipway: work orders for a ship-repair yard.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[expect(
    clippy::large_enum_variant,
    reason = "parsed once at start; boxing buys nothing"
)]
enum Command {
    /// Create the database if missing, apply migrations, and serve the API.
    Serve(Config),
    /// Create the database if missing and apply pending migrations.
    Migrate(DbConfig),
    /// Create a yard manager; the password is read from standard input.
    CreateManager {
        #[command(flatten)]
        db: DbConfig,
        /// Login email.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
    },
    /// Load the demo yard in Weihai into an empty database and print its logins.
    SeedDemo {
        #[command(flatten)]
        db: DbConfig,
        /// The day the demo's current jobs, bookings, assignments and work logs are placed
        /// around (YYYY-MM-DD); default: today in Weihai. The 2019-2021 history is fixed.
        #[arg(long)]
        today: Option<chrono::NaiveDate>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info"))
        // At debug level the PostgreSQL driver may log statements and their parameters,
        // which include password and refresh-token hashes: never let it.
        .add_directive("tokio_postgres=info".parse()?);
    // `SLIPWAY_LOG_FORMAT=json`: one JSON object per line, for a log collector.
    if std::env::var("SLIPWAY_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    match Cli::parse().command {
        Command::Serve(config) => serve(config).await,
        Command::Migrate(db) => prepare_database(&db.database_url).await,
        Command::CreateManager { db, email, name } => create_manager(&db, email, name).await,
        Command::SeedDemo { db, today } => {
            seed_demo(&db, today.unwrap_or_else(slipway::demo::today_in_weihai)).await
        }
    }
}

async fn prepare_database(url: &str) -> anyhow::Result<()> {
    db::create_database_if_missing(url).await?;
    db::run_migrations(url).await
}

/// Keeps the 19 MiB argon2 work areas from staying in glibc's heap arenas after each login.
/// glibc raises its mmap threshold when a large mmapped block is freed, so later 19 MiB
/// allocations land in per-thread arenas that are never returned: the server's RSS grew to
/// hundreds of MiB under a login storm. A fixed threshold keeps every large block mmapped
/// and returned to the system when freed.
fn keep_large_allocations_mmapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only tunes the allocator; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

async fn serve(mut config: Config) -> anyhow::Result<()> {
    // An empty variable (as compose writes an unset one) means unset.
    config.public_url = config.public_url.filter(|u| !u.trim().is_empty());
    config.smtp_url = config.smtp_url.filter(|u| !u.trim().is_empty());
    keep_large_allocations_mmapped();
    let secret = match &config.jwt_secret {
        Some(secret) => secret.as_bytes().to_vec(),
        None => {
            tracing::warn!(
                "SLIPWAY_JWT_SECRET is not set: using a random secret; every token dies with this process"
            );
            TokenKeys::random_secret()
        }
    };
    let keys = TokenKeys::new(
        &secret,
        config.access_token_ttl_secs,
        config.refresh_token_ttl_days,
    )?;
    prepare_database(&config.db.database_url).await?;
    let pool = db::pool_with(
        &config.db.database_url,
        config.db.db_pool_size,
        config.db.timeouts(),
    )?;
    let hashers = if config.hash_concurrency == 0 {
        // Half the cores: sign-ins never take every core from the other requests
        // (bench/README.md has the measurements).
        (cores() / 2).max(1)
    } else {
        config.hash_concurrency
    };
    // About a second and a half of hashing may wait (a hash of about 60 ms of a core, its
    // slot resting in proportion to the CPU share), so an admitted sign-in is answered
    // within 2 s (bench/login_storm.py checks it).
    let queue = if config.hash_queue == 0 {
        let per_hash_ms = 60 * 100 / u64::from(config.hash_cpu_percent.max(1));
        (hashers as u64 * 1500 / per_hash_ms.max(1)).max(1) as usize
    } else {
        config.hash_queue
    };
    let passwords = tokio::task::spawn_blocking(move || password::Passwords::new(hashers))
        .await??
        .with_cpu_percent(config.hash_cpu_percent)
        .with_queue(queue);
    let state = AppState::new(
        pool,
        keys,
        passwords,
        slipway::yard::Yard {
            name: config.yard_name.clone(),
            tz: config.yard_tz,
            currency: config.yard_currency.clone(),
        },
    )?
    .with_sessions(slipway::auth::session::SessionPolicy::new(
        config.cookie_secure,
        config.public_url.as_deref(),
    ))
    .with_page_cache(config.page_cache_mb << 20)
    .with_batch_writers(config.batch_writers);
    let storage = slipway::attachments::storage::Storage::from_url(&config.storage_url)?;
    // Files whose row never committed (or was deleted) go after an hour.
    storage.clone().sweep_periodically(
        state.db.get_ref().clone(),
        std::time::Duration::from_secs(3600),
        std::time::Duration::from_secs(3600),
    );
    let state = state
        .following_standings(&config.db.database_url)
        .await
        .with_attachments(storage, config.max_upload_mb << 20, config.max_image_pixels)
        .with_login_limit(config.login_limit_per_min, config.trusted_proxies.clone())
        .with_rate_limit(config.rate_limit_per_min)
        .with_metrics_token(config.metrics_token.clone())
        .with_timeouts(
            config.db.timeouts(),
            std::time::Duration::from_secs(config.body_timeout_secs),
        );
    let mut dispatch = DispatchConfig::new(state.yard.get_ref().clone());
    dispatch.daily_at = config.daily_report_at;
    dispatch.allow_private = config.webhook_allow_private;
    dispatch.retry_base = std::time::Duration::from_secs(config.webhook_retry_base_secs);
    if let Some(url) = &config.smtp_url {
        let public_url = config.public_url.clone().unwrap_or_else(|| {
            tracing::warn!("SLIPWAY_PUBLIC_URL is not set: links in mail name the bound address");
            format!("http://{}", config.bind)
        });
        dispatch.mailer = Some(
            Mailer::new(url, &config.smtp_from, &public_url)
                .context("SLIPWAY_SMTP_URL or SLIPWAY_SMTP_FROM")?,
        );
    }
    let state = state.with_dispatcher(dispatch);
    let listener =
        TcpListener::bind(&config.bind).with_context(|| format!("binding {}", config.bind))?;
    tracing::info!(address = %listener.local_addr()?, "serving");
    slipway::serve_until_signalled(
        listener,
        state,
        config.workers,
        std::time::Duration::from_secs(config.shutdown_grace_secs),
    )
    .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn create_manager(db_config: &DbConfig, email: String, name: String) -> anyhow::Result<()> {
    let email = email.trim().to_owned();
    rules::check_email(&email).map_err(|e| anyhow::anyhow!("--email {}", e.message))?;
    rules::check_name("name", &name).map_err(|e| anyhow::anyhow!("--name {}", e.message))?;
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("reading the password from stdin")?;
    let pw = input.lines().next().unwrap_or_default().to_owned();
    password::check_new_password("password", &pw)
        .map_err(|e| anyhow::anyhow!("the password {}", e.message))?;
    prepare_database(&db_config.database_url).await?;
    let password_hash = tokio::task::spawn_blocking(move || password::hash_blocking(&pw)).await??;
    let pool = db::pool(&db_config.database_url, 1)?;
    let mut conn = pool.get().await?;
    let row = NewUserRow {
        email: email.clone(),
        full_name: name.trim().to_owned(),
        password_hash,
        role: Role::Manager,
        organization_id: None,
    };
    match queries::insert(&mut conn, row).await {
        Ok(user) => {
            println!(
                "created manager {} <{}> ({})",
                user.full_name, user.email, user.id
            );
            Ok(())
        }
        Err(diesel::result::Error::DatabaseError(_, info))
            if info.constraint_name() == Some("users_email_lower_key") =>
        {
            anyhow::bail!("a user with email {email} already exists")
        }
        Err(e) => Err(e.into()),
    }
}

async fn seed_demo(db_config: &DbConfig, today: chrono::NaiveDate) -> anyhow::Result<()> {
    prepare_database(&db_config.database_url).await?;
    let hash =
        tokio::task::spawn_blocking(|| password::hash_blocking(slipway::demo::DEMO_PASSWORD))
            .await??;
    let pool = db::pool(&db_config.database_url, 1)?;
    let mut conn = pool.get().await?;
    let logins = slipway::demo::seed(&mut conn, &hash, today).await?;
    println!(
        "Loaded the demo yard (Weihai), its current work around {today}. Every login's password is: {}",
        slipway::demo::DEMO_PASSWORD
    );
    for login in logins {
        println!("  {:<55} {}", login.who, login.email);
    }
    Ok(())
}
