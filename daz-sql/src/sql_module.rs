//! The `sql` module: answers `sql.query` and `sql.exec` requests from
//! modules without a pool of their own (in other processes), on their own
//! tables, parameterized only.

mod run;

use std::sync::Arc;
use std::time::Duration;

use daz_core::{Context, Event, EventPayload, Module, ModuleResult, Secret, Topic};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::database::{Database, PoolSettings};
use crate::guard::Kind;

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
    /// The query had more rows than `[sql] max_rows`; these are the first.
    #[serde(default)]
    pub truncated: bool,
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

/// The `[sql]` section: where the database is, and the limits of the
/// statements run over the bus.
///
/// ```toml
/// [sql]
/// url = "sqlite://daz.db"        # or postgres://user@host/db, sqlite::memory:
/// statement_timeout = "5s"       # a statement over the bus is stopped after this
/// max_rows = 10000               # rows in one answer; more are cut (truncated = true)
/// max_concurrent = 4             # statements over the bus at once
/// [sql.pool]
/// max_connections = 8
/// acquire_timeout = "10s"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct SqlSettings {
    /// The database URL (default `sqlite://daz.db`); it may hold a
    /// password, so it is a [`Secret`].
    pub url: Secret,
    /// Pool settings.
    pub pool: PoolSettings,
    /// How long one statement over the bus may run (default 5 s).
    #[serde(with = "daz_core::duration_serde")]
    pub statement_timeout: Duration,
    /// The most rows one `sql.query` answers with (default 10,000).
    pub max_rows: usize,
    /// How many statements over the bus run at once (default 4); more
    /// wait their turn.
    pub max_concurrent: usize,
}

impl Default for SqlSettings {
    fn default() -> Self {
        Self {
            url: Secret::new("sqlite://daz.db"),
            pool: PoolSettings::default(),
            statement_timeout: Duration::from_secs(5),
            max_rows: 10_000,
            max_concurrent: 4,
        }
    }
}

/// The `sql` module.
#[derive(Debug, daz_core::Module)]
#[module(name = "sql", config = SqlSettings, description = "Runs parameterized statements for modules over the bus")]
pub struct SqlModule {
    runner: Option<Arc<run::Runner>>,
    db: Database,
}

impl SqlModule {
    /// The module on `db`; its limits come from `[sql]` when it starts.
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self {
            runner: None,
            db: db.clone(),
        }
    }
}

#[daz_core::async_trait]
impl Module for SqlModule {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let settings: SqlSettings = ctx.config()?;
        if settings.max_rows == 0 || settings.max_concurrent == 0 {
            return Err("[sql] max_rows and max_concurrent must be at least 1".into());
        }
        if settings.statement_timeout.is_zero() {
            return Err("[sql] statement_timeout must be more than 0s".into());
        }
        self.runner = Some(Arc::new(run::Runner::open(&self.db, &settings).await?));
        Ok(())
    }

    async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
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
        if module == "sql" || daz_core::module_name_problem(&module).is_some() {
            return Err(format!("module {module:?} may not use the sql module").into());
        }
        let body = request.payload::<SqlRequest>()?.clone();
        let runner = Arc::clone(
            self.runner
                .as_ref()
                .ok_or("the sql module has not started")?,
        );
        // Waits here when every slot is busy: the mailbox holds the rest.
        let permit = runner.permit().await?;
        Ok(ctx.reply_later(&request, async move {
            let answer = runner.run(&module, kind, &body).await;
            drop(permit);
            Ok(answer?)
        }))
    }
}
