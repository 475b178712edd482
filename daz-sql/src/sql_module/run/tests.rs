//! The database's own limits, on both backends: what a parser gap would
//! let through is still stopped by the database.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::{Duration, Instant};

use serde_json::json;

use super::{Runner, SqlRequest, SqlRows, SqlSettings};
use crate::database::{Database, Pool};
use crate::guard::Kind;
use crate::migrate::{Migration, migrate};

const ITEMS: &[Migration] = &[Migration::new(
    1,
    "items",
    "CREATE TABLE daz_shop_items (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
)];

/// Every test database with `daz_shop_items` holding ids `1..=rows`.
async fn shops(rows: u32) -> Vec<Database> {
    let mut dbs = crate::testing::test_databases().await.unwrap();
    // A file too: WAL and a read-only open, not a shared in-memory cache.
    dbs.push(crate::testing::sqlite_file().await.unwrap());
    for db in &dbs {
        migrate(db, "shop", ITEMS).await.unwrap();
        let values: Vec<String> = (1..=rows).map(|i| format!("({i}, 'item {i}')")).collect();
        let insert = format!(
            "INSERT INTO daz_shop_items (id, name) VALUES {}",
            values.join(", ")
        );
        match db.pool() {
            Pool::Postgres(p) => sqlx::query(&insert).execute(p).await.map(drop),
            Pool::Sqlite(p) => sqlx::query(&insert).execute(p).await.map(drop),
        }
        .unwrap();
    }
    dbs
}

fn settings(timeout: Duration, max_rows: usize, max_concurrent: usize) -> SqlSettings {
    SqlSettings {
        statement_timeout: timeout,
        max_rows,
        max_concurrent,
        ..SqlSettings::default()
    }
}

async fn count(runner: &Runner) -> serde_json::Value {
    let rows = runner
        .run(
            "shop",
            Kind::Query,
            &request("SELECT COUNT(*) FROM daz_shop_items"),
        )
        .await
        .unwrap();
    rows.payload::<SqlRows>().unwrap().rows[0][0].clone()
}

fn request(sql: &str) -> SqlRequest {
    SqlRequest::new(sql, vec![])
}

const CROSS_5: &str = "SELECT a.id, b.id, c.id, d.id, e.id FROM daz_shop_items a, \
     daz_shop_items b, daz_shop_items c, daz_shop_items d, daz_shop_items e";

#[tokio::test]
async fn a_five_way_cross_join_comes_back_cut_at_max_rows() {
    for db in shops(30).await {
        let runner = Runner::open(&db, &settings(Duration::from_secs(5), 100, 1))
            .await
            .unwrap();
        // 30^5 = 24.3 million rows: streamed, the first 100 kept.
        let answer = runner.run("shop", Kind::Query, &request(CROSS_5)).await;
        let rows = answer.unwrap_or_else(|e| panic!("{:?}: {e}", db.backend()));
        let rows = rows.payload::<SqlRows>().unwrap();
        assert_eq!(rows.rows.len(), 100, "{:?}", db.backend());
        assert!(rows.truncated);
        assert_eq!(rows.columns.len(), 5);
    }
}

#[tokio::test]
async fn exactly_max_rows_is_not_cut() {
    for db in shops(40).await {
        let runner = Runner::open(&db, &settings(Duration::from_secs(5), 40, 1))
            .await
            .unwrap();
        let all = request("SELECT id FROM daz_shop_items ORDER BY id");
        let rows = runner.run("shop", Kind::Query, &all).await.unwrap();
        let rows = rows.payload::<SqlRows>().unwrap();
        assert_eq!(rows.rows.len(), 40);
        assert_eq!(rows.rows[39], [json!(40)]);
        assert!(!rows.truncated, "{:?}", db.backend());
    }
}

#[tokio::test]
async fn a_long_statement_is_stopped_at_the_timeout_and_the_connection_stays_usable() {
    for db in shops(40).await {
        // One connection, so the next statement reuses the interrupted one.
        let runner = Runner::open(&db, &settings(Duration::from_millis(300), 100, 1))
            .await
            .unwrap();
        // 40^5 = 102 million combinations counted: many seconds unchecked.
        let slow = request(
            "SELECT COUNT(*) FROM daz_shop_items a, daz_shop_items b, daz_shop_items c, \
             daz_shop_items d, daz_shop_items e",
        );
        for kind in [Kind::Query, Kind::Exec] {
            let slow = match kind {
                Kind::Query => slow.clone(),
                Kind::Exec => request(
                    "UPDATE daz_shop_items SET name = name WHERE id IN (SELECT a.id FROM \
                     daz_shop_items a, daz_shop_items b, daz_shop_items c, daz_shop_items d, \
                     daz_shop_items e WHERE a.id + b.id + c.id + d.id + e.id < 0)",
                ),
            };
            let started = Instant::now();
            let err = runner.run("shop", kind, &slow).await.unwrap_err();
            let took = started.elapsed();
            assert!(
                err.contains("ran longer than 300ms ([sql] statement_timeout)"),
                "{:?} {kind:?}: {err}",
                db.backend()
            );
            assert!(took < Duration::from_secs(4), "{kind:?} took {took:?}");
        }
        // The deadline went with the statement: the next one runs.
        assert_eq!(count(&runner).await, json!(40), "{:?}", db.backend());
    }
}

#[tokio::test]
async fn the_database_refuses_writes_on_the_query_path_whatever_the_parser_said() {
    for db in shops(3).await {
        let runner = Runner::open(&db, &settings(Duration::from_secs(5), 100, 1))
            .await
            .unwrap();
        // Straight to the database, past the guard, as a parser gap would.
        let writes = [
            "DELETE FROM daz_shop_items",
            "INSERT INTO daz_shop_items (id, name) VALUES (99, 'x')",
            "UPDATE daz_shop_items SET name = 'gone'",
            "DROP TABLE daz_shop_items",
        ];
        for sql in writes {
            let result = match (db.pool(), &runner.reader) {
                (Pool::Postgres(p), _) => runner.pg_query(p, &request(sql)).await.map(drop),
                (Pool::Sqlite(_), Some(reader)) => {
                    runner.sqlite_query(reader, &request(sql)).await.map(drop)
                }
                (Pool::Sqlite(_), None) => panic!("no read-only pool"),
            };
            let Err(err) = result else {
                panic!("{:?}: {sql} ran on the read-only path", db.backend())
            };
            let err = err.to_string();
            // SQLite: a read-only connection. PostgreSQL: a cursor takes
            // only SELECT or VALUES, in a read-only transaction.
            assert!(
                err.contains("readonly") || err.contains("syntax error"),
                "{:?} {sql}: {err}",
                db.backend()
            );
        }
        if let Pool::Postgres(p) = db.pool() {
            let cte = "WITH d AS (DELETE FROM daz_shop_items RETURNING id) SELECT COUNT(*) FROM d";
            let err = runner.pg_query(p, &request(cte)).await.unwrap_err();
            assert!(err.to_string().contains("data-modifying"), "{err}");
        }
        assert_eq!(count(&runner).await, json!(3), "{:?}", db.backend());
        let names = runner
            .run(
                "shop",
                Kind::Query,
                &request("SELECT name FROM daz_shop_items WHERE id = 1"),
            )
            .await
            .unwrap();
        assert_eq!(
            names.payload::<SqlRows>().unwrap().rows,
            [[json!("item 1")]]
        );
    }
}

#[tokio::test]
async fn each_answer_has_its_own_columns_types_whatever_came_before() {
    for db in shops(2).await {
        let runner = Runner::open(&db, &settings(Duration::from_secs(5), 100, 1))
            .await
            .unwrap();
        let by_id = request("SELECT id, name FROM daz_shop_items WHERE id = 2");
        let by_name = request("SELECT name, id FROM daz_shop_items WHERE id = 2");
        for _ in 0..4 {
            for (req, want) in [
                (&by_id, [json!(2), json!("item 2")]),
                (&by_name, [json!("item 2"), json!(2)]),
            ] {
                let rows = runner.run("shop", Kind::Query, req).await.unwrap();
                let rows = rows.payload::<SqlRows>().unwrap();
                assert_eq!(rows.rows, [want], "{:?} {}", db.backend(), req.sql);
            }
        }
    }
}
