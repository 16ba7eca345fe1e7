//! The connection pool (diesel-async over deadpool) and the embedded migrations.

use anyhow::Context;
use diesel::prelude::*;
use diesel::{
    pg::Pg,
    query_builder::{AstPass, Query, QueryFragment, QueryId},
};
use diesel_async::{
    AsyncConnection, AsyncPgConnection, RunQueryDsl,
    async_connection_wrapper::AsyncConnectionWrapper,
    pooled_connection::{
        AsyncDieselConnectionManager, ManagerConfig, RecyclingMethod, deadpool::Pool,
    },
};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// Every migration in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// A fingerprint of the migrations directory this binary was built from.
pub const MIGRATIONS_FINGERPRINT: &str = env!("SLIPWAY_MIGRATIONS_FINGERPRINT");

/// The pool every handler takes its connection from.
pub type Db = Pool<AsyncPgConnection>;

/// How long the service waits on PostgreSQL before it answers 503: for a connection of
/// the pool, to open one, and for one statement (set on every connection).
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Waiting for a pooled connection (`SLIPWAY_DB_ACQUIRE_TIMEOUT_MS`).
    pub acquire: std::time::Duration,
    /// Opening a connection (`SLIPWAY_DB_CONNECT_TIMEOUT_MS`).
    pub connect: std::time::Duration,
    /// One statement (`SLIPWAY_DB_STATEMENT_TIMEOUT_MS`), as PostgreSQL's
    /// `statement_timeout`.
    pub statement: std::time::Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            acquire: std::time::Duration::from_millis(2000),
            connect: std::time::Duration::from_millis(2000),
            statement: std::time::Duration::from_millis(5000),
        }
    }
}

impl Timeouts {
    /// The longest a request can wait on the database before its 503: a connection and
    /// one statement's worth, and a second more (8 s by default, so no request waits 10).
    /// A request still running past it is stuck on a database that does not answer at
    /// all (a frozen backend, a partition), which no server-side timeout ends.
    pub fn request_deadline(&self) -> std::time::Duration {
        self.acquire + self.statement + std::time::Duration::from_secs(1)
    }
}

/// Builds the pool with the default [`Timeouts`]; connections are opened lazily.
pub fn pool(database_url: &str, size: usize) -> anyhow::Result<Db> {
    pool_with(database_url, size, Timeouts::default())
}

/// Builds the pool; connections are opened lazily, on first use.
///
/// A connection handed back to the pool is reused without a test query (`Fast`): the
/// default (`Verified`) sends `SELECT 1` before every checkout, one more round trip on
/// every request. A connection that broke (the server restarted) is marked broken by the
/// failing query and dropped at its return, so one request sees a 503 and the next gets a
/// fresh connection.
///
/// Every wait is bounded: for a connection of the pool, to open one (the attempt is
/// abandoned), and for each statement (`statement_timeout`, set when the connection is
/// opened), so a sick database is a quick 503, never a hang.
pub fn pool_with(database_url: &str, size: usize, timeouts: Timeouts) -> anyhow::Result<Db> {
    let mut config = ManagerConfig::default();
    config.recycling_method = RecyclingMethod::Fast;
    let statement_ms = timeouts.statement.as_millis();
    let connect = timeouts.connect;
    config.custom_setup = Box::new(move |url| {
        let url = url.to_owned();
        Box::pin(async move {
            let opened = tokio::time::timeout(connect, AsyncPgConnection::establish(&url)).await;
            let mut conn = opened.map_err(|_| {
                diesel::ConnectionError::BadConnection("opening the connection timed out".into())
            })??;
            diesel_async::SimpleAsyncConnection::batch_execute(
                &mut conn,
                &format!("SET statement_timeout = {statement_ms}"),
            )
            .await
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
            Ok(conn)
        })
    });
    let manager =
        AsyncDieselConnectionManager::<AsyncPgConnection>::new_with_config(database_url, config);
    Pool::builder(manager)
        .max_size(size.max(1))
        .runtime(deadpool::Runtime::Tokio1)
        .wait_timeout(Some(timeouts.acquire))
        .create_timeout(Some(
            timeouts.connect + std::time::Duration::from_millis(500),
        ))
        .recycle_timeout(Some(timeouts.connect))
        .build()
        .context("building the database pool")
}

/// A query whose prepared statement is kept on the connection and reused, keyed by its
/// SQL text and bind types.
///
/// diesel refuses to cache some statements it cannot key by type alone: every `INSERT`
/// (a column may be `DEFAULT`), every `UPDATE` (a changeset may skip fields) and every
/// query holding a raw `sql` fragment. Such a statement is parsed, planned and closed on
/// every execution: one more round trip and a fresh plan each time. Keyed by its text, a
/// statement is safe to reuse whatever built it, so the hot queries are wrapped in this.
/// Only queries whose SQL takes a bounded number of shapes may be wrapped (no `IN` lists
/// of varying length), since every distinct text stays prepared on the connection.
#[derive(Debug, Clone, Copy)]
pub struct Cached<Q>(pub Q);

impl<Q> QueryId for Cached<Q> {
    type QueryId = ();
    // No static id: the cache keys the statement by its SQL text and bind types.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q: Query> Query for Cached<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Cached<Q> {
    fn walk_ast<'b>(&'b self, pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

/// The SQL text of a query, built once from the diesel query itself and kept split where
/// its parameters go; run it with [`Shape::with`].
///
/// diesel-async writes the SQL of every query it runs afresh (it needs the text to find
/// the prepared statement), walking the whole query tree: for the job view, with its 27
/// quoted columns, that was the largest single cost of `GET /jobs/{id}` in the server.
/// A shape writes its text once; running it copies a few strings. Because the text is
/// built from the query (not written by hand), its columns stay in step with the structs
/// the rows load into, and `ST` is the query's own SQL type.
pub struct Shape<ST> {
    pieces: Vec<String>,
    sql_type: std::marker::PhantomData<fn() -> ST>,
}

impl<ST> Shape<ST> {
    /// The shape of `query`; the values of its parameters do not matter here.
    ///
    /// # Panics
    /// When the query cannot be written as SQL: a programming error, found by any test
    /// that runs it.
    pub fn of<Q: Query<SqlType = ST> + QueryFragment<Pg>>(query: &Q) -> Self {
        let mut builder = diesel::pg::PgQueryBuilder::default();
        query
            .to_sql(&mut builder, &Pg)
            .expect("a shape's query can be written as SQL");
        let sql = diesel::query_builder::QueryBuilder::<Pg>::finish(builder);
        Self {
            pieces: split_at_parameters(&sql),
            sql_type: std::marker::PhantomData,
        }
    }

    /// How many parameters the text takes.
    pub fn parameters(&self) -> usize {
        self.pieces.len() - 1
    }

    /// The query with these parameters, in the order the query bound them. Kept prepared
    /// on the connection like [`Cached`].
    ///
    /// # Panics
    /// When the count is not the shape's: a programming error, found by any test that
    /// runs the query.
    pub fn with(&self, ids: Vec<uuid::Uuid>) -> Prebuilt<'_, ST> {
        assert_eq!(ids.len(), self.parameters(), "one id per parameter");
        Prebuilt { shape: self, ids }
    }
}

/// `sql` cut at `$1`, `$2`, ... (in order): the parameters sit between the pieces.
fn split_at_parameters(sql: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = sql;
    for n in 1.. {
        let marker = format!("${n}");
        let found = rest
            .match_indices(&marker)
            .find(|(at, _)| !rest[at + marker.len()..].starts_with(|c: char| c.is_ascii_digit()));
        let Some((at, _)) = found else { break };
        pieces.push(rest[..at].to_owned());
        rest = &rest[at + marker.len()..];
    }
    pieces.push(rest.to_owned());
    pieces
}

/// A [`Shape`] with its parameters (ids: the only kind the shapes take so far): a query
/// diesel can run.
pub struct Prebuilt<'a, ST> {
    shape: &'a Shape<ST>,
    ids: Vec<uuid::Uuid>,
}

impl<ST> QueryId for Prebuilt<'_, ST> {
    type QueryId = ();
    // Keyed by its SQL text, like `Cached`.
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<ST> Query for Prebuilt<'_, ST> {
    type SqlType = ST;
}

impl<ST> QueryFragment<Pg> for Prebuilt<'_, ST> {
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        let (last, pieces) = self
            .shape
            .pieces
            .split_last()
            .expect("a shape has at least one piece");
        for (piece, id) in pieces.iter().zip(&self.ids) {
            pass.push_sql(piece);
            pass.push_bind_param::<diesel::sql_types::Uuid, _>(id)?;
        }
        pass.push_sql(last);
        Ok(())
    }

    fn is_safe_to_cache_prepared(&self, _backend: &Pg) -> QueryResult<bool> {
        Ok(true)
    }
}

/// A page query with its `LIMIT` written into the SQL text instead of bound.
///
/// With `LIMIT $n` PostgreSQL cannot cost a generic plan (it guesses a tenth of all rows),
/// so it plans the statement afresh on every execution; with the number in the text it
/// settles on one generic plan per statement. The limit is rounded up to one of
/// [`PAGE_FETCH_SIZES`] so that only a handful of texts exist; the caller keeps the rows
/// it asked for. Run it as `Cached(Paged::new(..))`.
#[derive(Debug, Clone, Copy)]
pub struct Paged<Q> {
    query: Q,
    limit: i64,
}

/// The row counts a [`Paged`] query fetches (a page of 20, 50, 100 or 200, plus one row to
/// tell whether another page follows).
pub const PAGE_FETCH_SIZES: [i64; 4] = [21, 51, 101, 201];

impl<Q> Paged<Q> {
    /// `query` (which must not have a limit of its own), fetching at least `rows` rows.
    pub fn new(query: Q, rows: i64) -> Self {
        let limit = PAGE_FETCH_SIZES
            .into_iter()
            .find(|&size| size >= rows)
            .unwrap_or(rows);
        Self { query, limit }
    }
}

impl<Q: Query> Query for Paged<Q> {
    type SqlType = Q::SqlType;
}

impl<Q: QueryFragment<Pg>> QueryFragment<Pg> for Paged<Q> {
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        self.query.walk_ast(pass.reborrow())?;
        pass.push_sql(" LIMIT ");
        pass.push_sql(&self.limit.to_string());
        Ok(())
    }
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

impl crate::metrics::Report for Db {
    fn report<'a>(
        &'a self,
        out: &'a mut crate::metrics::Exposition,
    ) -> futures_util::future::BoxFuture<'a, ()> {
        let status = self.status();
        let name = "slipway_db_pool_connections";
        out.family(
            name,
            "gauge",
            "The database pool: its limit, connections open, idle, and requests waiting for one.",
        );
        for (state, n) in [
            ("max", status.max_size),
            ("open", status.size),
            ("idle", status.available),
            ("waiting", status.waiting),
        ] {
            out.sample(name, &format!("state=\"{state}\""), n);
        }
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::{Shape, split_at_parameters, split_database_url};
    use crate::schema::jobs;
    use diesel::prelude::*;

    #[test]
    fn parameters_are_found_in_order_and_not_inside_longer_numbers() {
        let sql = "SELECT a FROM t WHERE a = $1 AND b IN ($2, $3, $4, $5, $6, $7, $8, $9, $10) \
                   AND c = $11";
        let pieces = split_at_parameters(sql);
        assert_eq!(pieces.len(), 12);
        assert_eq!(pieces[0], "SELECT a FROM t WHERE a = ");
        assert_eq!(pieces[9], ", ");
        assert_eq!(pieces[10], ") AND c = ");
        assert_eq!(pieces[11], "");
        assert_eq!(split_at_parameters("SELECT 1"), vec!["SELECT 1"]);
    }

    #[test]
    fn a_shape_is_the_text_diesel_writes_for_its_query() {
        let query = jobs::table
            .filter(jobs::id.eq(uuid::Uuid::nil()))
            .filter(jobs::organization_id.eq(uuid::Uuid::nil()))
            .select(jobs::version);
        let shape = Shape::of(&query);
        assert_eq!(shape.parameters(), 2);
        let ids = [uuid::Uuid::new_v4(), uuid::Uuid::new_v4()];
        assert_eq!(
            diesel::debug_query::<diesel::pg::Pg, _>(&shape.with(ids.to_vec())).to_string(),
            format!(
                "{} -- binds: [{}, {}]",
                diesel::debug_query::<diesel::pg::Pg, _>(&query)
                    .to_string()
                    .split(" -- binds")
                    .next()
                    .unwrap(),
                ids[0],
                ids[1]
            )
        );
    }

    #[test]
    fn database_url_is_split_into_admin_url_and_name() {
        let (admin, name) =
            split_database_url("postgres://u:p@h:5432/slipway?sslmode=disable").expect("valid url");
        assert_eq!(admin, "postgres://u:p@h:5432/postgres?sslmode=disable");
        assert_eq!(name, "slipway");
        assert!(split_database_url("postgres://h:5432/").is_err());
    }
}
