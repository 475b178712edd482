//! Storage for daz on sqlx.
//!
//! Not yet implemented: this crate reserves its place in the workspace. It
//! will hold the PostgreSQL and SQLite `Database`, per-module migrations, the
//! module state store, and the `sql` and `logger` modules.
//!
//! Module tables are named with [`TABLE_PREFIX`]:
//!
//! ```
//! assert_eq!(daz_sql::TABLE_PREFIX, "daz_");
//! ```

/// Prefix of every table daz creates (`daz_<module>_<table>`).
pub const TABLE_PREFIX: &str = "daz_";
