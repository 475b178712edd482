//! The databases every conformance test runs on: SQLite in memory, and
//! PostgreSQL from `DAZ_TEST_POSTGRES_URL` in a schema of its own.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::sync::atomic::{AtomicU32, Ordering};

use daz_sql::Database;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A fresh database of each kind (PostgreSQL only when configured; `.ci/run`
/// always configures it, so CI never skips it).
pub(crate) async fn databases() -> Vec<Database> {
    let mut dbs = vec![Database::connect("sqlite::memory:").await.unwrap()];
    if let Ok(url) = std::env::var("DAZ_TEST_POSTGRES_URL") {
        let admin = Database::connect(&url)
            .await
            .unwrap_or_else(|e| panic!("DAZ_TEST_POSTGRES_URL: {e}"));
        let now = chrono::Utc::now().timestamp_micros();
        let schema = format!(
            "daz_test_{now}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let daz_sql::Pool::Postgres(pool) = admin.pool() else {
            unreachable!()
        };
        // Schemas of earlier runs older than an hour are removed.
        let old: Vec<(String,)> = sqlx::query_as(
            "SELECT nspname::TEXT FROM pg_namespace WHERE nspname LIKE 'daz_test_%'",
        )
        .fetch_all(pool)
        .await
        .unwrap();
        for (name,) in old {
            let born: i64 = name
                .split('_')
                .nth(2)
                .and_then(|t| t.parse().ok())
                .unwrap_or(now);
            if now - born > 3_600_000_000 {
                let _ = sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(pool)
                    .await;
            }
        }
        sqlx::raw_sql(&format!("CREATE SCHEMA {schema}"))
            .execute(pool)
            .await
            .unwrap();
        admin.close().await;
        let sep = if url.contains('?') { '&' } else { '?' };
        let scoped = format!("{url}{sep}options=-csearch_path%3D{schema}");
        dbs.push(Database::connect(&scoped).await.unwrap());
    } else {
        assert!(
            std::env::var("CI").is_err(),
            "CI must set DAZ_TEST_POSTGRES_URL"
        );
    }
    dbs
}
