//! Per-module migrations: versioned, named, checksummed, recorded in one
//! table (`daz_schema_migrations`) and applied in a transaction.

pub(crate) mod names;

use std::time::{SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::database::{Backend, Database, Pool};
use crate::error::{Error, Result, query};

/// A migration's SQL: the same for both databases, or one each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sql {
    /// For both.
    Both(&'static str),
    /// Per database.
    Split {
        /// For PostgreSQL.
        postgres: &'static str,
        /// For SQLite.
        sqlite: &'static str,
    },
}

/// One migration of a module.
///
/// ```
/// use daz_sql::Migration;
///
/// const MIGRATIONS: &[Migration] = &[
///     Migration::new(1, "balances", "CREATE TABLE daz_economy_balances (user_name TEXT PRIMARY KEY, coins BIGINT NOT NULL)"),
///     Migration::split(2, "history",
///         "CREATE TABLE daz_economy_history (id BIGSERIAL PRIMARY KEY, note TEXT)",
///         "CREATE TABLE daz_economy_history (id INTEGER PRIMARY KEY AUTOINCREMENT, note TEXT)"),
/// ];
/// assert_eq!(MIGRATIONS[1].version, 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Migration {
    /// Its version: 1, 2, 3… with no gaps.
    pub version: i64,
    /// A short name.
    pub name: &'static str,
    /// What it does.
    pub sql: Sql,
}

impl Migration {
    /// A migration with the same SQL for both databases.
    #[must_use]
    pub const fn new(version: i64, name: &'static str, sql: &'static str) -> Self {
        Self {
            version,
            name,
            sql: Sql::Both(sql),
        }
    }

    /// A migration with SQL per database.
    #[must_use]
    pub const fn split(
        version: i64,
        name: &'static str,
        postgres: &'static str,
        sqlite: &'static str,
    ) -> Self {
        Self {
            version,
            name,
            sql: Sql::Split { postgres, sqlite },
        }
    }

    /// The SQL for `backend`.
    #[must_use]
    pub fn sql_for(&self, backend: Backend) -> &'static str {
        match (self.sql, backend) {
            (Sql::Both(sql), _) | (Sql::Split { postgres: sql, .. }, Backend::Postgres) => sql,
            (Sql::Split { sqlite, .. }, _) => sqlite,
        }
    }

    /// The checksum recorded when it is applied (over every variant, so
    /// editing either is noticed).
    #[must_use]
    pub fn checksum(&self) -> String {
        let mut hash = Sha256::new();
        match self.sql {
            Sql::Both(sql) => hash.update(sql.as_bytes()),
            Sql::Split { postgres, sqlite } => {
                hash.update(postgres.as_bytes());
                hash.update([0]);
                hash.update(sqlite.as_bytes());
            }
        }
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

const TRACKING: &str = "CREATE TABLE IF NOT EXISTS daz_schema_migrations (\
    module TEXT NOT NULL, version BIGINT NOT NULL, name TEXT NOT NULL, \
    checksum TEXT NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (module, version))";

/// Who owns each table: what a module may use over the bus.
const OWNERS: &str = "CREATE TABLE IF NOT EXISTS daz_schema_tables (\
    name TEXT PRIMARY KEY, module TEXT NOT NULL)";

/// The tables `module` owns (its migrations created them), by name.
///
/// # Errors
///
/// [`Error::Query`] if the register cannot be read.
pub async fn owned_tables(db: &Database, module: &str) -> Result<Vec<String>> {
    let read = "SELECT name FROM daz_schema_tables WHERE module = $1 ORDER BY name";
    let tables = match db.pool() {
        Pool::Postgres(p) => sqlx::query_scalar(read).bind(module).fetch_all(p).await,
        Pool::Sqlite(p) => sqlx::query_scalar(read).bind(module).fetch_all(p).await,
    };
    tables.map_err(query(format!("reading the tables of module {module:?}")))
}

/// Creates the ownership register if no migration has yet.
pub(crate) async fn ensure_register(db: &Database) -> Result<()> {
    let what = "creating daz_schema_tables";
    match db.pool() {
        Pool::Postgres(p) => sqlx::Executor::execute(p, OWNERS).await.map(|_| ()),
        Pool::Sqlite(p) => sqlx::Executor::execute(p, OWNERS).await.map(|_| ()),
    }
    .map_err(query(what))?;
    Ok(())
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Checks `migrations` of `module` before touching the database.
fn check_declared(module: &str, migrations: &[Migration]) -> Result<()> {
    for (i, m) in migrations.iter().enumerate() {
        let expected = i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1);
        let fail = |reason: String| Error::Migration {
            module: module.to_owned(),
            version: m.version,
            reason,
        };
        if m.version != expected {
            return Err(fail(format!(
                "versions must count up from 1 without gaps; expected {expected} here"
            )));
        }
        let variants: &[&str] = match m.sql {
            Sql::Both(sql) => &[sql],
            Sql::Split { postgres, sqlite } => &[postgres, sqlite],
        };
        for sql in variants {
            if let Some(table) = names::foreign_table(module, sql) {
                return Err(fail(format!(
                    "it touches table {table:?}; module {module:?} may only use tables named {}<table>",
                    names::prefix(module)
                )));
            }
        }
    }
    Ok(())
}

/// Applies `module`'s pending `migrations` to `db`, in one transaction, and
/// returns the versions applied now. The tables they create are registered
/// as the module's in `daz_schema_tables`: the `sql` module lets a module
/// use those and no others.
///
/// # Errors
///
/// [`Error::Migration`] naming the module and version: versions that do
/// not count up from 1, a table not named `daz_<module>_…`, an applied
/// migration whose SQL changed (checksum) or that is no longer declared, a
/// gap in what was applied, a table another module created first, or a
/// statement that fails (nothing of this run is kept).
pub fn migrate<'a>(
    db: &'a Database,
    module: &'a str,
    migrations: &'a [Migration],
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<i64>>> + Send + 'a>> {
    // Boxed here, where the lifetimes are concrete, so callers in `Send`
    // contexts (module hooks) compile.
    Box::pin(run_migrations(db, module, migrations))
}

async fn run_migrations(db: &Database, module: &str, migrations: &[Migration]) -> Result<Vec<i64>> {
    check_declared(module, migrations)?;
    // The same steps on either pool; only the types differ.
    macro_rules! run {
        ($pool:expr, $backend:expr, $lock:expr) => {{
            let mut tx = $pool.begin().await.map_err(query("starting the migrations"))?;
            if let Some(lock) = $lock {
                sqlx::query(lock).execute(tx.as_mut()).await.map_err(query("locking the migrations"))?;
            }
            sqlx::Executor::execute(tx.as_mut(), TRACKING).await.map_err(query("creating daz_schema_migrations"))?;
            sqlx::Executor::execute(tx.as_mut(), OWNERS).await.map_err(query("creating daz_schema_tables"))?;
            let rows = sqlx::query("SELECT version, checksum FROM daz_schema_migrations WHERE module = $1 ORDER BY version")
                .bind(module)
                .fetch_all(tx.as_mut())
                .await
                .map_err(query("reading daz_schema_migrations"))?;
            let applied: Vec<(i64, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
            let pending = pending(module, migrations, &applied)?;
            for m in &pending {
                sqlx::Executor::execute(tx.as_mut(), m.sql_for($backend)).await.map_err(|e| failed(module, m, &e))?;
                sqlx::query("INSERT INTO daz_schema_migrations (module, version, name, checksum, applied_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(module)
                    .bind(m.version)
                    .bind(m.name)
                    .bind(m.checksum())
                    .bind(now_ms())
                    .execute(tx.as_mut())
                    .await
                    .map_err(query("recording a migration"))?;
            }
            // Every declared migration, applied now or before: a database
            // migrated before the register existed is registered too.
            for m in migrations {
                let (created, dropped) = names::created_and_dropped(m.sql_for($backend));
                for table in created {
                    sqlx::query("INSERT INTO daz_schema_tables (name, module) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
                        .bind(&table)
                        .bind(module)
                        .execute(tx.as_mut())
                        .await
                        .map_err(query("registering a table's owner"))?;
                    let owner: String = sqlx::query_scalar("SELECT module FROM daz_schema_tables WHERE name = $1")
                        .bind(&table)
                        .fetch_one(tx.as_mut())
                        .await
                        .map_err(query("reading a table's owner"))?;
                    if owner != module {
                        return Err(Error::Migration {
                            module: module.to_owned(),
                            version: m.version,
                            reason: format!("table {table:?} belongs to module {owner:?}; name it after this module"),
                        });
                    }
                }
                for table in dropped {
                    sqlx::query("DELETE FROM daz_schema_tables WHERE name = $1 AND module = $2")
                        .bind(&table)
                        .bind(module)
                        .execute(tx.as_mut())
                        .await
                        .map_err(query("unregistering a dropped table"))?;
                }
            }
            tx.commit().await.map_err(query("committing the migrations"))?;
            Ok(pending.iter().map(|m| m.version).collect())
        }};
    }
    match db.pool() {
        // One migrator at a time across processes.
        Pool::Postgres(pool) => run!(
            pool,
            Backend::Postgres,
            Some("SELECT pg_advisory_xact_lock(7418329)")
        ),
        Pool::Sqlite(pool) => run!(pool, Backend::Sqlite, None::<&str>),
    }
}

fn failed(module: &str, m: &Migration, e: &sqlx::Error) -> Error {
    Error::Migration {
        module: module.to_owned(),
        version: m.version,
        reason: format!("{} failed: {e}; nothing of this run was applied", m.name),
    }
}

/// What to apply, after checking what was applied against what is declared.
fn pending<'m>(
    module: &str,
    migrations: &'m [Migration],
    applied: &[(i64, String)],
) -> Result<Vec<&'m Migration>> {
    for (i, (version, checksum)) in applied.iter().enumerate() {
        let fail = |reason: String| Error::Migration {
            module: module.to_owned(),
            version: *version,
            reason,
        };
        let expected = i64::try_from(i).unwrap_or(i64::MAX).saturating_add(1);
        if *version != expected {
            return Err(fail(format!(
                "the database has a gap: migration {expected} was never applied"
            )));
        }
        let Some(declared) = migrations.iter().find(|m| m.version == *version) else {
            return Err(fail(
                "it was applied but the module no longer declares it; a newer build ran here?"
                    .to_owned(),
            ));
        };
        if declared.checksum() != *checksum {
            return Err(fail(format!(
                "{:?} changed after it was applied (checksum {} in the database, {} now); add a new migration instead of editing this one",
                declared.name,
                short(checksum),
                short(&declared.checksum())
            )));
        }
    }
    Ok(migrations.iter().skip(applied.len()).collect())
}

fn short(checksum: &str) -> &str {
    checksum.get(..12).unwrap_or(checksum)
}

#[cfg(test)]
mod tests;
