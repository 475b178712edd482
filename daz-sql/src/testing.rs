//! Databases for tests (feature `testing`): SQLite in memory, and
//! PostgreSQL in a fresh schema of its own, so tests run in parallel.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> daz_sql::Result<()> {
//! // SQLite always; PostgreSQL too when DAZ_TEST_POSTGRES_URL is set.
//! for db in daz_sql::testing::test_databases().await? {
//!     db.prepare().await?;
//!     // ... the same assertions on each backend ...
//! }
//! # Ok(()) }
//! ```

use std::sync::atomic::{AtomicU32, Ordering};

use crate::Database;
use crate::database::Pool;
use crate::error::{Error, Result, query};

/// The variable naming the PostgreSQL server tests use.
pub const POSTGRES_URL_VAR: &str = "DAZ_TEST_POSTGRES_URL";

/// Prefix of the schemas [`scratch_postgres`] creates.
const PREFIX: &str = "daz_test_";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh SQLite database in memory, and a fresh PostgreSQL schema when
/// [`POSTGRES_URL_VAR`] is set.
///
/// # Errors
///
/// When a database cannot be reached.
///
/// # Panics
///
/// When `CI` is set but [`POSTGRES_URL_VAR`] is not: a service test must
/// not pass by skipping in CI.
pub async fn test_databases() -> Result<Vec<Database>> {
    let mut dbs = vec![Database::connect("sqlite::memory:").await?];
    // In CI a missing server fails; elsewhere one line says it is skipped.
    if let Some(url) = daz_core::testing::service(POSTGRES_URL_VAR) {
        dbs.push(scratch_postgres(&url).await?);
    }
    Ok(dbs)
}

/// A database on the PostgreSQL server at `url`, in a schema of its own
/// (`daz_test_<micros>_<pid>_<n>`). Schemas such tests left more than an
/// hour ago are dropped first.
///
/// # Errors
///
/// When the server cannot be reached or the schema cannot be created.
pub async fn scratch_postgres(url: &str) -> Result<Database> {
    let admin = Database::connect(url).await?;
    let Pool::Postgres(pool) = admin.pool() else {
        return Err(Error::Url {
            url: crate::error::redact(url),
            reason: "expected a postgres:// URL".to_owned(),
        });
    };
    let now = chrono::Utc::now().timestamp_micros();
    let schema = format!(
        "{PREFIX}{now}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let old: Vec<(String,)> =
        sqlx::query_as("SELECT nspname::TEXT FROM pg_namespace WHERE nspname LIKE 'daz_test_%'")
            .fetch_all(pool)
            .await
            .map_err(query("listing test schemas"))?;
    for (name,) in old {
        let born = name
            .strip_prefix(PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|t| t.parse::<i64>().ok());
        if born.is_some_and(|born| now - born > 3_600_000_000) {
            // Another run may drop it at the same moment: not an error.
            let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE"))
                .execute(pool)
                .await;
        }
    }
    sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
        .execute(pool)
        .await
        .map_err(query(format!("creating schema {schema}")))?;
    admin.close().await;
    let sep = if url.contains('?') { '&' } else { '?' };
    Database::connect(&format!("{url}{sep}options=-csearch_path%3D{schema}")).await
}

/// A fresh SQLite database in a file under the system's temporary
/// directory (`daz_test_<micros>_<pid>_<n>.db`), for what an in-memory
/// database cannot show: WAL, read-only connections, statements running
/// side by side. Files such tests left more than an hour ago are removed.
///
/// # Errors
///
/// When the file cannot be created.
pub async fn sqlite_file() -> Result<Database> {
    let dir = std::env::temp_dir();
    let now = chrono::Utc::now().timestamp_micros();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let born = name
                .strip_prefix(PREFIX)
                .and_then(|rest| rest.split('_').next())
                .and_then(|t| t.parse::<i64>().ok());
            if born.is_some_and(|born| now - born > 3_600_000_000) {
                // Another run may remove it at the same moment.
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
    let file = dir.join(format!(
        "{PREFIX}{now}_{}_{}.db",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    Database::connect(&format!("sqlite://{}", file.display())).await
}
