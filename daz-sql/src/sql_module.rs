//! The `sql` module: answers `sql.query` and `sql.exec` requests from
//! modules without a pool of their own (in other processes), on their own
//! tables, parameterized only.

use daz_core::{Context, Event, EventPayload, Module, ModuleResult, Topic};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{Column, Row};

use crate::database::{Database, Pool, PoolSettings, each_pool};
use crate::guard::{Kind, refusal};

/// A statement and its parameters (`$1`, `$2`…), sent as a request to the
/// `sql` module under `sql.query` (rows back) or `sql.exec` (a count back).
/// The requester is the event's source: it may only use its own tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SqlRequest {
    /// One statement.
    pub sql: String,
    /// Its parameters: null, booleans, numbers, strings (arrays and objects
    /// are bound as JSON text).
    #[serde(default)]
    pub params: Vec<Value>,
}

impl SqlRequest {
    /// `sql` with `params`.
    #[must_use]
    pub fn new(sql: &str, params: Vec<Value>) -> Self {
        Self {
            sql: sql.to_owned(),
            params,
        }
    }
}

impl EventPayload for SqlRequest {
    const TOPIC: Topic = Topic::from_static("sql.query");
}

/// The topic of a query request.
pub const QUERY: Topic = Topic::from_static("sql.query");
/// The topic of an exec request.
pub const EXEC: Topic = Topic::from_static("sql.exec");

/// Rows: the answer to `sql.query`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SqlRows {
    /// Column names.
    pub columns: Vec<String>,
    /// The rows, values in column order.
    pub rows: Vec<Vec<Value>>,
}

impl EventPayload for SqlRows {
    const TOPIC: Topic = Topic::from_static("sql.rows");
}

/// A count: the answer to `sql.exec`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SqlDone {
    /// Rows changed.
    pub rows_affected: u64,
}

impl EventPayload for SqlDone {
    const TOPIC: Topic = Topic::from_static("sql.done");
}

/// The `[sql]` section: where the database is.
///
/// ```toml
/// [sql]
/// url = "sqlite://daz.db"        # or postgres://user@host/db, sqlite::memory:
/// [sql.pool]
/// max_connections = 8
/// acquire_timeout = "10s"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SqlSettings {
    /// The database URL (default `sqlite://daz.db`).
    pub url: String,
    /// Pool settings.
    pub pool: PoolSettings,
}

impl Default for SqlSettings {
    fn default() -> Self {
        Self {
            url: "sqlite://daz.db".to_owned(),
            pool: PoolSettings::default(),
        }
    }
}

/// The `sql` module.
#[derive(Debug, daz_core::Module)]
#[module(name = "sql", config = SqlSettings, description = "Runs parameterized statements for modules over the bus")]
pub struct SqlModule {
    db: Database,
}

impl SqlModule {
    /// The module on `db`.
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }
}

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

/// One cell as JSON, whatever its type.
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

/// Rows as [`SqlRows`], each cell read as the first of the types that fits.
macro_rules! table {
    ($rows:expr, [$($t:ty),*]) => {{
        let mut out = SqlRows::default();
        if let Some(first) = $rows.first() {
            out.columns = first.columns().iter().map(|c| c.name().to_owned()).collect();
        }
        for row in &$rows {
            out.rows.push((0..row.len()).map(|i| cell!(row, i, [$($t),*])).collect());
        }
        out
    }};
}

impl SqlModule {
    async fn run(&self, module: &str, kind: Kind, request: &SqlRequest) -> Result<Event, String> {
        if let Some(why) = refusal(module, kind, &request.sql) {
            return Err(format!("refused: {why}"));
        }
        let failed = |e: sqlx::Error| format!("the statement failed: {e}");
        match (kind, self.db.pool()) {
            (Kind::Exec, pool) => {
                let done =
                    each_pool!(pool, p => bind_all!(sqlx::query(&request.sql), &request.params)
                    .execute(p)
                    .await
                    .map(|d| d.rows_affected()))
                    .map_err(failed)?;
                Ok(Event::new(SqlDone {
                    rows_affected: done,
                }))
            }
            (Kind::Query, Pool::Postgres(p)) => {
                let rows = bind_all!(sqlx::query(&request.sql), &request.params)
                    .fetch_all(p)
                    .await
                    .map_err(failed)?;
                Ok(Event::new(
                    table!(rows, [i64, i32, i16, f64, f32, bool, String, Value, chrono::DateTime<chrono::Utc>]),
                ))
            }
            (Kind::Query, Pool::Sqlite(p)) => {
                let rows = bind_all!(sqlx::query(&request.sql), &request.params)
                    .fetch_all(p)
                    .await
                    .map_err(failed)?;
                Ok(Event::new(table!(rows, [i64, f64, bool, String])))
            }
        }
    }
}

#[daz_core::async_trait]
impl Module for SqlModule {
    async fn handle_request(&mut self, _ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        let kind = if request.topic() == &EXEC {
            Kind::Exec
        } else if request.topic() == &QUERY {
            Kind::Query
        } else {
            return Err(format!(
                "the sql module answers sql.query and sql.exec, not {}",
                request.topic()
            )
            .into());
        };
        let module = request
            .source()
            .ok_or("a request to the sql module must name its source module")?
            .to_owned();
        let body = request.payload::<SqlRequest>()?;
        Ok(self.run(&module, kind, &body).await?)
    }
}
