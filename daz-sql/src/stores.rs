//! The core tables, and the database-backed stores of the scheduler
//! ([`SqlTaskStore`]), of the runtime's choices ([`SqlRuntimeStore`]) and of
//! CyTube reconnect cycles ([`SqlReconnectStore`]).

use chrono::{DateTime, Utc};
use daz_core::{DurableTask, Missed, RuntimeStore, TaskStore};
use sqlx::Row;

use crate::database::{Database, each_pool};
use crate::error::{Error, Result, query};
use crate::migrate::{Migration, migrate};

/// The tables daz itself keeps, under the module name `core`.
pub const CORE_MIGRATIONS: &[Migration] = &[
    Migration::new(
        1,
        "core tables",
    "CREATE TABLE daz_core_state (module TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, \
        updated_at BIGINT NOT NULL, PRIMARY KEY (module, key));
     CREATE TABLE daz_core_tasks (owner TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, \
        due_ms BIGINT NOT NULL, missed TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (owner, key));
     CREATE TABLE daz_core_reconnect (room TEXT PRIMARY KEY, attempts BIGINT NOT NULL, \
        cycles BIGINT NOT NULL, updated_at BIGINT NOT NULL);",
    ),
    Migration::new(
        2,
        "reconnect waits",
        "ALTER TABLE daz_core_reconnect ADD COLUMN next_attempt_ms BIGINT",
    ),
    Migration::new(
        3,
        "module choices",
        "CREATE TABLE daz_core_modules (module TEXT PRIMARY KEY, enabled BOOLEAN NOT NULL, \
            updated_at BIGINT NOT NULL)",
    ),
];

impl Database {
    /// Creates (or updates) daz's own tables: module state, durable tasks,
    /// reconnect cycles, which modules are enabled. Run once at start,
    /// before the modules.
    ///
    /// # Errors
    ///
    /// As [`migrate`].
    pub async fn prepare(&self) -> Result<()> {
        migrate(self, "core", CORE_MIGRATIONS).await.map(|_| ())
    }
}

/// Durable one-shots (reminders) in `daz_core_tasks`.
#[derive(Debug, Clone)]
pub struct SqlTaskStore {
    db: Database,
}

impl SqlTaskStore {
    /// The store on `db` (after [`Database::prepare`]).
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }
}

fn missed_text(missed: Missed) -> String {
    serde_json::to_value(missed)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| "skip".to_owned())
}

fn task_from(owner: &str, row: (String, String, i64, String, String)) -> Result<DurableTask> {
    let (key, name, due_ms, missed, data) = row;
    let bad = |reason: String| Error::Value {
        module: owner.to_owned(),
        key: key.clone(),
        reason,
    };
    let due: DateTime<Utc> = DateTime::from_timestamp_millis(due_ms)
        .ok_or_else(|| bad(format!("due time {due_ms} is out of range")))?;
    let missed: Missed = serde_json::from_value(serde_json::Value::String(missed))
        .map_err(|e| bad(e.to_string()))?;
    let data = serde_json::from_str(&data).map_err(|e| bad(e.to_string()))?;
    Ok(DurableTask::new(&key, owner, &name, due, missed, data))
}

#[async_trait::async_trait]
impl TaskStore for SqlTaskStore {
    async fn save(&self, task: &DurableTask) -> daz_core::Result<()> {
        const SQL: &str = "INSERT INTO daz_core_tasks (owner, key, name, due_ms, missed, data) VALUES ($1, $2, $3, $4, $5, $6) \
                           ON CONFLICT (owner, key) DO UPDATE SET name = excluded.name, due_ms = excluded.due_ms, \
                           missed = excluded.missed, data = excluded.data";
        let data = task.data.to_string();
        let missed = missed_text(task.missed);
        let due = task.due.timestamp_millis();
        let what = || format!("saving task {:?} of {:?}", task.key, task.owner);
        each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(&task.owner)
                .bind(&task.key)
                .bind(&task.name)
                .bind(due)
                .bind(&missed)
                .bind(&data)
                .execute(p)
                .await
                .map(|_| ()))
        .map_err(query(what()))?;
        Ok(())
    }

    async fn remove(&self, owner: &str, key: &str) -> daz_core::Result<()> {
        const SQL: &str = "DELETE FROM daz_core_tasks WHERE owner = $1 AND key = $2";
        let what = || format!("removing task {key:?} of {owner:?}");
        each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(owner)
                .bind(key)
                .execute(p)
                .await
                .map(|_| ()))
        .map_err(query(what()))?;
        Ok(())
    }

    async fn load(&self, owner: &str) -> daz_core::Result<Vec<DurableTask>> {
        const SQL: &str = "SELECT key, name, due_ms, missed, data FROM daz_core_tasks WHERE owner = $1 ORDER BY due_ms, key";
        let what = || format!("loading the tasks of {owner:?}");
        let rows: Vec<(String, String, i64, String, String)> = each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(owner)
                .fetch_all(p)
                .await
                .map_err(query(what()))?
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
                .collect());
        let tasks = rows
            .into_iter()
            .map(|row| task_from(owner, row))
            .collect::<Result<Vec<_>>>()?;
        Ok(tasks)
    }
}

/// Which modules operators enabled or disabled, in `daz_core_modules`.
#[derive(Debug, Clone)]
pub struct SqlRuntimeStore {
    db: Database,
}

impl SqlRuntimeStore {
    /// The store on `db` (after [`Database::prepare`]).
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }
}

#[async_trait::async_trait]
impl RuntimeStore for SqlRuntimeStore {
    async fn load_enabled(&self) -> daz_core::Result<std::collections::BTreeMap<String, bool>> {
        const SQL: &str = "SELECT module, enabled FROM daz_core_modules";
        let rows: Vec<(String, bool)> = each_pool!(self.db.pool(), p => sqlx::query_as(SQL)
                .fetch_all(p)
                .await)
        .map_err(query("reading which modules are enabled".to_owned()))?;
        Ok(rows.into_iter().collect())
    }

    async fn save_enabled(&self, module: &str, enabled: bool) -> daz_core::Result<()> {
        const SQL: &str = "INSERT INTO daz_core_modules (module, enabled, updated_at) VALUES ($1, $2, $3) \
                           ON CONFLICT (module) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at";
        let what = || {
            format!(
                "saving that {module:?} is {}",
                if enabled { "enabled" } else { "disabled" }
            )
        };
        each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(module)
                .bind(enabled)
                .bind(Utc::now().timestamp_millis())
                .execute(p)
                .await
                .map(|_| ()))
        .map_err(query(what()))?;
        Ok(())
    }
}

/// CyTube reconnect cycles in `daz_core_reconnect` (feature `cytube`).
#[cfg(feature = "cytube")]
#[derive(Debug, Clone)]
pub struct SqlReconnectStore {
    db: Database,
}

#[cfg(feature = "cytube")]
impl SqlReconnectStore {
    /// The store on `db` (after [`Database::prepare`]).
    #[must_use]
    pub fn new(db: &Database) -> Self {
        Self { db: db.clone() }
    }
}

#[cfg(feature = "cytube")]
fn cytube_error(e: Error) -> daz_cytube::Error {
    daz_cytube::Error::Storage {
        what: "the reconnect store".to_owned(),
        source: Box::new(e),
    }
}

#[cfg(feature = "cytube")]
#[async_trait::async_trait]
impl daz_cytube::reconnect::ReconnectStore for SqlReconnectStore {
    async fn load(
        &self,
        room: &str,
    ) -> daz_cytube::Result<Option<daz_cytube::reconnect::CycleState>> {
        const SQL: &str =
            "SELECT attempts, cycles, next_attempt_ms FROM daz_core_reconnect WHERE room = $1";
        let what = || format!("reading the reconnect state of {room:?}");
        let row: Option<(i64, i64, Option<i64>)> = each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(room)
                .fetch_optional(p)
                .await
                .map(|r| r.map(|r| (r.get(0), r.get(1), r.get(2)))))
        .map_err(query(what()))
        .map_err(cytube_error)?;
        Ok(row.map(|(attempts, cycles, next)| {
            daz_cytube::reconnect::CycleState::new(
                u32::try_from(attempts).unwrap_or(0),
                u32::try_from(cycles).unwrap_or(0),
            )
            .with_next_attempt(next)
        }))
    }

    async fn save(
        &self,
        room: &str,
        state: daz_cytube::reconnect::CycleState,
    ) -> daz_cytube::Result<()> {
        const SQL: &str = "INSERT INTO daz_core_reconnect (room, attempts, cycles, updated_at, next_attempt_ms) \
                           VALUES ($1, $2, $3, $4, $5) ON CONFLICT (room) DO UPDATE SET attempts = excluded.attempts, \
                           cycles = excluded.cycles, updated_at = excluded.updated_at, next_attempt_ms = excluded.next_attempt_ms";
        let what = || format!("saving the reconnect state of {room:?}");
        let now = Utc::now().timestamp_millis();
        let (attempts, cycles) = (i64::from(state.attempts), i64::from(state.cycles));
        each_pool!(self.db.pool(), p => sqlx::query(SQL)
                .bind(room)
                .bind(attempts)
                .bind(cycles)
                .bind(now)
                .bind(state.next_attempt_ms)
                .execute(p)
                .await
                .map(|_| ()))
        .map_err(query(what()))
        .map_err(cytube_error)
    }
}
