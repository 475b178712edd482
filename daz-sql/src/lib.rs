//! Storage for daz on sqlx: PostgreSQL for production, SQLite embedded.
//!
//! A [`Database`] connects from a URL; [`migrate`] applies a module's
//! versioned, checksummed [`Migration`]s (a module keeps to tables named
//! `daz_<module>_<table>`); [`StateStore`] keeps a module's keys and JSON
//! values; [`SqlTaskStore`] keeps the scheduler's durable one-shots.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> daz_sql::Result<()> {
//! use daz_sql::{Database, Migration, migrate};
//!
//! const ECONOMY: &[Migration] = &[Migration::new(
//!     1,
//!     "balances",
//!     "CREATE TABLE daz_economy_balances (user_name TEXT PRIMARY KEY, coins BIGINT NOT NULL)",
//! )];
//!
//! let db = Database::connect("sqlite::memory:").await?;
//! assert_eq!(migrate(&db, "economy", ECONOMY).await?, [1]);
//! assert!(migrate(&db, "economy", ECONOMY).await?.is_empty(), "applied once");
//! # Ok(()) }
//! ```

mod database;
mod error;
mod guard;
mod logger;
mod migrate;
mod sql_module;
mod state;
mod stores;
#[cfg(feature = "testing")]
pub mod testing;

pub use database::{Backend, Database, Pool, PoolSettings};
pub use error::{Error, Result};
pub use logger::{Logger, LoggerSettings, LoggerStats, LoggerStatsHandle, Rule};
pub use migrate::{Migration, Sql, migrate, owned_tables};
pub use sql_module::{EXEC, QUERY, SqlDone, SqlModule, SqlRequest, SqlRows, SqlSettings};
pub use state::StateStore;
#[cfg(feature = "cytube")]
pub use stores::SqlReconnectStore;
pub use stores::{CORE_MIGRATIONS, SqlRuntimeStore, SqlTaskStore};

/// Prefix of every table daz creates (`daz_<module>_<table>`).
pub const TABLE_PREFIX: &str = "daz_";
