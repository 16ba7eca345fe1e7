//! The connection pool (diesel-async over deadpool) and the embedded migrations.

use anyhow::Context;
use diesel::prelude::*;
use diesel_async::{
    AsyncConnection, AsyncPgConnection, RunQueryDsl,
    async_connection_wrapper::AsyncConnectionWrapper,
    pooled_connection::{AsyncDieselConnectionManager, deadpool::Pool},
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A fingerprint of the migrations directory this binary was built from.
pub const MIGRATIONS_FINGERPRINT: &str = env!("SLIPWAY_MIGRATIONS_FINGERPRINT");

/// The pool every handler takes its connection from.
pub type Db = Pool<AsyncPgConnection>;

/// Builds the pool; connections are opened lazily, on first use.
pub fn pool(database_url: &str, size: usize) -> anyhow::Result<Db> {
    let manager = AsyncDieselConnectionManager::<AsyncPgConnection>::new(database_url);
    Pool::builder(manager)
        .max_size(size.max(1))
        .build()
        .context("building the database pool")
}

/// Splits a URL into what comes before the database name, the name, and the query.
fn url_parts(url: &str) -> anyhow::Result<(&str, &str, &str)> {
    let scheme_end = url.find("://").context("DATABASE_URL has no scheme")? + 3;
    let (base, query) = url.split_at(url.find('?').unwrap_or(url.len()));
    let slash = base[scheme_end..]
        .rfind('/')
        .map(|i| i + scheme_end)
        .context("DATABASE_URL names no database")?;
    let name = &base[slash + 1..];
    anyhow::ensure!(!name.is_empty(), "DATABASE_URL names no database");
    Ok((&base[..=slash], name, query))
}

/// The same server and options as `url`, but the database `name`.
pub fn with_database_name(url: &str, name: &str) -> anyhow::Result<String> {
    let (prefix, _, query) = url_parts(url)?;
    Ok(format!("{prefix}{name}{query}"))
}

/// Splits `postgres://host/db?x` into the URL of the server's `postgres` database and `db`.
pub fn split_database_url(url: &str) -> anyhow::Result<(String, String)> {
    Ok((
        with_database_name(url, "postgres")?,
        url_parts(url)?.1.to_owned(),
    ))
}

#[derive(QueryableByName)]
struct Exists {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    exists: bool,
}

/// Creates the database named in `database_url` when it does not exist yet.
pub async fn create_database_if_missing(database_url: &str) -> anyhow::Result<()> {
    let (admin_url, name) = split_database_url(database_url)?;
    let mut conn = AsyncPgConnection::establish(&admin_url)
        .await
        .context("connecting to the PostgreSQL server")?;
    let found: Exists =
        diesel::sql_query("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS exists")
            .bind::<diesel::sql_types::Text, _>(&name)
            .get_result(&mut conn)
            .await?;
    if !found.exists {
        let quoted = name.replace('"', "\"\"");
        match diesel::sql_query(format!("CREATE DATABASE \"{quoted}\""))
            .execute(&mut conn)
            .await
        {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another instance created it at the same moment: that is what we wanted.
            Err(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("already exists") => {}
            Err(e) => return Err(e).context("creating the database"),
        }
    }
    Ok(())
}

/// Applies pending migrations. Runs on a thread of its own because diesel's migration
/// harness is synchronous.
pub async fn run_migrations(database_url: &str) -> anyhow::Result<()> {
    let url = database_url.to_owned();
    let outcome = tokio::task::spawn_blocking(move || {
        std::thread::spawn(move || -> anyhow::Result<usize> {
            let mut conn =
                <AsyncConnectionWrapper<AsyncPgConnection> as diesel::Connection>::establish(&url)
                    .context("connecting to run migrations")?;
            let applied = conn
                .run_pending_migrations(MIGRATIONS)
                .map_err(|e| anyhow::anyhow!("running migrations: {e}"))?;
            Ok(applied.len())
        })
        .join()
        .map_err(|_| anyhow::anyhow!("the migration thread panicked"))?
    })
    .await??;
    if outcome > 0 {
        tracing::info!(applied = outcome, "applied migrations");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::split_database_url;

    #[test]
    fn database_url_is_split_into_admin_url_and_name() {
        let (admin, name) =
            split_database_url("postgres://u:p@h:5432/slipway?sslmode=disable").expect("valid url");
        assert_eq!(admin, "postgres://u:p@h:5432/postgres?sslmode=disable");
        assert_eq!(name, "slipway");
        assert!(split_database_url("postgres://h:5432/").is_err());
    }
}
