//! The databases every conformance test runs on: SQLite in memory, and
//! PostgreSQL from `DAZ_TEST_POSTGRES_URL` in a schema of its own.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use daz_sql::Database;

/// A fresh database of each kind (PostgreSQL only when configured; `.ci/run`
/// always configures it, so CI never skips it).
pub(crate) async fn databases() -> Vec<Database> {
    daz_sql::testing::test_databases().await.unwrap()
}
