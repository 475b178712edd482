//! Running a checked statement with the database enforcing the same rules:
//! a read-only transaction (PostgreSQL) or connection (SQLite) for
//! queries, a statement timeout, rows streamed and capped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqlitePool, SqlitePoolOptions};
use sqlx::{Column, Row};
use tokio::sync::{AcquireError, OwnedSemaphorePermit, Semaphore};

use super::{SqlDone, SqlRequest, SqlRows, SqlSettings};
use crate::database::{Database, Pool};
use crate::guard::{Kind, refusal};
use crate::migrate::{ensure_register, owned_tables};
use daz_core::Event;

/// Binds JSON values as parameters.
macro_rules! bind_all {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Value::Null => q.bind(None::<String>),
                Value::Bool(b) => q.bind(*b),
                Value::Number(n) => match n.as_i64() {
                    Some(i) => q.bind(i),
                    None => q.bind(n.as_f64().unwrap_or(0.0)),
                },
                Value::String(s) => q.bind(s.clone()),
                other => q.bind(other.to_string()),
            };
        }
        q
    }};
}

/// One cell as JSON, read as the first of the types that fits.
macro_rules! cell {
    ($row:expr, $i:expr, [$($t:ty),*]) => {{
        let mut value = Value::Null;
        $(
            if value.is_null() {
                if let Ok(Some(v)) = $row.try_get::<Option<$t>, _>($i) {
                    value = serde_json::to_value(v).unwrap_or(Value::Null);
                }
            }
        )*
        value
    }};
}

/// Streams the rows of `$query` on `$conn` into [`SqlRows`], at most
/// `$max` of them.
macro_rules! stream_rows {
    ($query:expr, $conn:expr, $max:expr, [$($t:ty),*]) => {{
        let mut out = SqlRows::default();
        let mut rows = $query.fetch($conn);
        while let Some(row) = rows.try_next().await? {
            if out.columns.is_empty() {
                out.columns = row.columns().iter().map(|c| c.name().to_owned()).collect();
            }
            if out.rows.len() == $max {
                out.truncated = true;
                break;
            }
            out.rows.push((0..row.len()).map(|i| cell!(row, i, [$($t),*])).collect());
        }
        Ok::<SqlRows, sqlx::Error>(out)
    }};
}

/// Runs statements for the `sql` module.
#[derive(Debug)]
pub(super) struct Runner {
    db: Database,
    /// SQLite: read-only connections for queries.
    reader: Option<SqlitePool>,
    timeout: Duration,
    max_rows: usize,
    /// One per statement running at once (`[sql] max_concurrent`).
    permits: Arc<Semaphore>,
}

impl Runner {
    /// The runner on `db` with `settings`' limits; opens the read-only
    /// connections on SQLite.
    pub(super) async fn open(db: &Database, settings: &SqlSettings) -> crate::Result<Self> {
        ensure_register(db).await?;
        let reader = match db.pool() {
            Pool::Sqlite(pool) => {
                let options = (*pool.connect_options())
                    .clone()
                    .read_only(true)
                    // An in-memory database's shared cache ignores the
                    // read-only open flag; query_only holds there too.
                    .pragma("query_only", "ON")
                    .create_if_missing(false);
                let max = u32::try_from(settings.max_concurrent).unwrap_or(u32::MAX);
                let reader = SqlitePoolOptions::new()
                    .max_connections(max.max(1))
                    .acquire_timeout(settings.pool.acquire_timeout)
                    .connect_with(options)
                    .await
                    .map_err(|e| crate::Error::Connect {
                        url: db.url().to_owned(),
                        reason: format!("the sql module's read-only connection: {e}"),
                    })?;
                Some(reader)
            }
            Pool::Postgres(_) => None,
        };
        Ok(Self {
            db: db.clone(),
            reader,
            timeout: settings.statement_timeout,
            max_rows: settings.max_rows,
            permits: Arc::new(Semaphore::new(settings.max_concurrent.max(1))),
        })
    }

    /// A slot to run one statement in; waits while `max_concurrent` run.
    pub(super) async fn permit(&self) -> Result<OwnedSemaphorePermit, AcquireError> {
        Arc::clone(&self.permits).acquire_owned().await
    }

    /// Checks and runs `request` for `module`.
    pub(super) async fn run(
        &self,
        module: &str,
        kind: Kind,
        request: &SqlRequest,
    ) -> Result<Event, String> {
        let failed = |e: sqlx::Error| self.describe(&e);
        let owned = owned_tables(&self.db, module)
            .await
            .map_err(|e| format!("the statement failed: {e}"))?;
        let owns = |t: &str| owned.iter().any(|o| o == t);
        if let Some(why) = refusal(module, self.db.backend(), kind, &request.sql, &owns) {
            return Err(format!("refused: {why}"));
        }
        match (kind, self.db.pool(), &self.reader) {
            (Kind::Query, Pool::Postgres(p), _) => {
                Ok(Event::new(self.pg_query(p, request).await.map_err(failed)?))
            }
            (Kind::Exec, Pool::Postgres(p), _) => {
                Ok(Event::new(self.pg_exec(p, request).await.map_err(failed)?))
            }
            (Kind::Query, Pool::Sqlite(_), Some(reader)) => Ok(Event::new(
                self.sqlite_query(reader, request).await.map_err(failed)?,
            )),
            (Kind::Exec, Pool::Sqlite(p), _) => Ok(Event::new(
                self.sqlite_exec(p, request).await.map_err(failed)?,
            )),
            (Kind::Query, Pool::Sqlite(_), None) => {
                Err("the sql module has not started".to_owned())
            }
        }
    }

    fn describe(&self, e: &sqlx::Error) -> String {
        let timed_out = match e {
            sqlx::Error::Database(db) => {
                db.code().as_deref() == Some("57014") || db.message().contains("interrupted")
            }
            _ => false,
        };
        if timed_out {
            format!(
                "the statement ran longer than {:?} ([sql] statement_timeout) and was stopped",
                self.timeout
            )
        } else {
            format!("the statement failed: {e}")
        }
    }

    /// `SET LOCAL statement_timeout` for this transaction.
    fn pg_timeout(&self) -> String {
        format!(
            "SET LOCAL statement_timeout = {}",
            self.timeout.as_millis().max(1)
        )
    }

    async fn pg_query(&self, pool: &PgPool, request: &SqlRequest) -> Result<SqlRows, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION READ ONLY")
            .execute(&mut *tx)
            .await?;
        sqlx::query(&self.pg_timeout()).execute(&mut *tx).await?;
        // A cursor, so the server produces only the rows fetched: a plain
        // query would go on sending every row after the cap was reached.
        let declare = format!("DECLARE daz_sql_rows NO SCROLL CURSOR FOR {}", request.sql);
        bind_all!(sqlx::query(&declare), &request.params)
            .execute(&mut *tx)
            .await?;
        let fetch = format!(
            "FETCH FORWARD {} FROM daz_sql_rows",
            self.max_rows.saturating_add(1)
        );
        // Not a cached statement: its columns are the cursor's, which
        // differ from one request to the next under the same text.
        let rows = stream_rows!(
            sqlx::query(&fetch).persistent(false),
            &mut *tx,
            self.max_rows,
            [i64, i32, i16, f64, f32, bool, String, Value, chrono::DateTime<chrono::Utc>]
        )?;
        tx.rollback().await?;
        Ok(rows)
    }

    async fn pg_exec(&self, pool: &PgPool, request: &SqlRequest) -> Result<SqlDone, sqlx::Error> {
        let mut tx = pool.begin().await?;
        sqlx::query(&self.pg_timeout()).execute(&mut *tx).await?;
        let done = bind_all!(sqlx::query(&request.sql), &request.params)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(SqlDone {
            rows_affected: done.rows_affected(),
        })
    }

    async fn sqlite_query(
        &self,
        pool: &SqlitePool,
        request: &SqlRequest,
    ) -> Result<SqlRows, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let _deadline = Deadline::set(&mut conn, self.timeout).await?;
        stream_rows!(
            bind_all!(sqlx::query(&request.sql), &request.params),
            &mut *conn,
            self.max_rows,
            [i64, f64, bool, String]
        )
    }

    async fn sqlite_exec(
        &self,
        pool: &SqlitePool,
        request: &SqlRequest,
    ) -> Result<SqlDone, sqlx::Error> {
        let mut conn = pool.acquire().await?;
        let _deadline = Deadline::set(&mut conn, self.timeout).await?;
        let done = bind_all!(sqlx::query(&request.sql), &request.params)
            .execute(&mut *conn)
            .await?;
        Ok(SqlDone {
            rows_affected: done.rows_affected(),
        })
    }
}

/// A SQLite progress handler that interrupts the statement at a deadline.
/// Dropping it (the statement finished, or its task was aborted) turns it
/// off, so a connection going back to the pool never interrupts the next
/// user's statement.
struct Deadline(Arc<AtomicBool>);

impl Deadline {
    async fn set(conn: &mut sqlx::SqliteConnection, after: Duration) -> Result<Self, sqlx::Error> {
        let active = Arc::new(AtomicBool::new(true));
        let deadline = Instant::now() + after;
        let on = Arc::clone(&active);
        conn.lock_handle()
            .await?
            .set_progress_handler(1_000, move || {
                !on.load(Ordering::Relaxed) || Instant::now() < deadline
            });
        Ok(Self(active))
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests;
