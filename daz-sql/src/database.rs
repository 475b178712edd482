//! [`Database`]: a pool on PostgreSQL or SQLite, from a URL.

use std::str::FromStr;
use std::time::Duration;

use serde::Deserialize;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

use crate::error::{Error, Result, query, redact};

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Backend {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// Pool settings (`[sql.pool]`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct PoolSettings {
    /// Most connections (default 8; SQLite in memory always uses 1).
    pub max_connections: u32,
    /// How long to wait for a connection (default 10 s).
    #[serde(with = "daz_core::duration_serde")]
    pub acquire_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 8,
            acquire_timeout: Duration::from_secs(10),
        }
    }
}

/// Runs the same code on whichever pool `$pool` is, with `$p` bound to
/// it (the code is typed once per database).
macro_rules! each_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::database::Pool::Postgres($p) => $body,
            $crate::database::Pool::Sqlite($p) => $body,
        }
    };
}
pub(crate) use each_pool;

/// Runs the same sqlx code on whichever pool a [`Database`] holds, with
/// `$p` bound to the typed pool (`&PgPool` or `&SqlitePool`): queries are
/// written once and compiled for each backend.
///
/// The code is the body of one `match` arm per backend, so it must have
/// one type on both (for example `.rows_affected()` rather than the
/// backend's own query result); `?` inside it
/// returns from the enclosing function. A database of another kind (a
/// future backend) returns [`Error::Unsupported`](crate::Error) from the
/// enclosing function, which must therefore return a `Result` whose error
/// converts from [`daz_sql::Error`](crate::Error).
///
/// ```
/// use daz_sql::{Database, with_pool};
///
/// async fn coins(db: &Database, user: &str) -> Result<i64, Box<dyn std::error::Error>> {
///     let coins = with_pool!(db, p => {
///         sqlx::query_scalar("SELECT coins FROM daz_economy_balances WHERE user_name = $1")
///             .bind(user)
///             .fetch_optional(p)
///             .await?
///     });
///     Ok(coins.unwrap_or(0))
/// }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let db = Database::connect("sqlite::memory:").await?;
/// # daz_sql::migrate(&db, "economy", &[daz_sql::Migration::new(1, "balances",
/// #     "CREATE TABLE daz_economy_balances (user_name TEXT PRIMARY KEY, coins BIGINT NOT NULL)")]).await?;
/// # with_pool!(db, p => sqlx::query("INSERT INTO daz_economy_balances VALUES ('ann', 5)").execute(p).await?.rows_affected());
/// assert_eq!(coins(&db, "ann").await?, 5);
/// assert_eq!(coins(&db, "bob").await?, 0);
/// # Ok(()) }
/// ```
#[macro_export]
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {{
        let db: &$crate::Database = &$db;
        #[allow(unreachable_patterns)]
        match db.pool() {
            $crate::Pool::Postgres($p) => $body,
            $crate::Pool::Sqlite($p) => $body,
            _ => {
                return ::core::result::Result::Err(
                    $crate::Error::Unsupported {
                        backend: db.backend(),
                    }
                    .into(),
                );
            }
        }
    }};
}

/// A connection pool.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Pool {
    /// PostgreSQL.
    Postgres(PgPool),
    /// SQLite.
    Sqlite(SqlitePool),
}

/// A database: PostgreSQL for production, SQLite embedded.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> daz_sql::Result<()> {
/// use daz_sql::{Backend, Database};
///
/// let db = Database::connect("sqlite::memory:").await?;
/// assert_eq!(db.backend(), Backend::Sqlite);
/// db.ping().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Database {
    pool: Pool,
    url: String,
}

impl Database {
    /// Connects to `url` with the default pool settings:
    /// `postgres://user:password@host:port/db`, `sqlite://path/to/file.db`
    /// (created if missing), or `sqlite::memory:`.
    ///
    /// # Errors
    ///
    /// [`Error::Url`] for a URL of another kind; [`Error::Connect`] for an
    /// unreachable server, bad credentials, or an unwritable SQLite path.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with(url, &PoolSettings::default()).await
    }

    /// Connects to `url` with `settings`.
    ///
    /// # Errors
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_with(url: &str, settings: &PoolSettings) -> Result<Self> {
        let shown = redact(url);
        let bad_url = |reason: String| Error::Url {
            url: shown.clone(),
            reason,
        };
        let unreachable = |e: sqlx::Error| Error::Connect {
            url: shown.clone(),
            reason: describe(&e),
        };
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).map_err(|e| bad_url(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(settings.max_connections.max(1))
                .acquire_timeout(settings.acquire_timeout)
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Pool::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:") || url.contains("mode=memory");
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| bad_url(e.to_string()))?
                .create_if_missing(true)
                .foreign_keys(true);
            let options = if memory {
                options
            } else {
                options.journal_mode(SqliteJournalMode::Wal)
            };
            // An in-memory database lives in one connection.
            let max = if memory {
                1
            } else {
                settings.max_connections.max(1)
            };
            let pool = SqlitePoolOptions::new()
                .max_connections(max)
                .min_connections(u32::from(memory))
                .idle_timeout(if memory {
                    None
                } else {
                    Some(Duration::from_secs(600))
                })
                .max_lifetime(if memory {
                    None
                } else {
                    Some(Duration::from_secs(3600))
                })
                .acquire_timeout(settings.acquire_timeout)
                .connect_with(options)
                .await
                .map_err(unreachable)?;
            Pool::Sqlite(pool)
        } else {
            return Err(bad_url(
                "use postgres://user:password@host:port/database, sqlite://path/to/file.db or sqlite::memory:"
                    .to_owned(),
            ));
        };
        Ok(Self { pool, url: shown })
    }

    /// A database on an existing pool.
    #[must_use]
    pub fn from_pool(pool: Pool) -> Self {
        Self {
            pool,
            url: "(pool)".to_owned(),
        }
    }

    /// Which database this is.
    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Postgres(_) => Backend::Postgres,
            Pool::Sqlite(_) => Backend::Sqlite,
        }
    }

    /// The pool, for queries of your own.
    #[must_use]
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The URL, password hidden.
    #[must_use]
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Checks the database answers.
    ///
    /// # Errors
    ///
    /// [`Error::Query`] when it does not.
    pub async fn ping(&self) -> Result<()> {
        let what = || format!("health check of {}", self.url);
        each_pool!(&self.pool, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))
            .map_err(query(what()))
    }

    /// Closes the pool.
    pub async fn close(&self) {
        each_pool!(&self.pool, p => p.close().await);
    }
}

/// A connect error in words an operator can act on.
fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => format!(
            "the server cannot be reached ({io}); check the host and port, and that it runs"
        ),
        sqlx::Error::Database(db)
            if db.code().as_deref() == Some("28P01") || db.code().as_deref() == Some("28000") =>
        {
            format!(
                "the server refused the credentials ({}); check the user and password",
                db.message()
            )
        }
        sqlx::Error::Database(db) if db.code().as_deref() == Some("3D000") => {
            format!("the database does not exist ({})", db.message())
        }
        sqlx::Error::PoolTimedOut => {
            "no connection within the acquire timeout; the server may be down or overloaded"
                .to_owned()
        }
        other => other.to_string(),
    }
}
