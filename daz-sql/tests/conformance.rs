//! One suite, every backend: migrations, module state, the stores.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/db.rs"]
mod support;

use chrono::{TimeZone, Utc};
use daz_core::{DurableTask, Missed, TaskStore};
use daz_cytube::reconnect::{CycleState, ReconnectStore};
use daz_sql::{
    Backend, Error, Migration, SqlReconnectStore, SqlRuntimeStore, SqlTaskStore, StateStore,
    migrate,
};
use serde_json::json;

const SHOP: &[Migration] = &[
    Migration::new(
        1,
        "items",
        "CREATE TABLE daz_shop_items (id BIGINT PRIMARY KEY, name TEXT NOT NULL)",
    ),
    Migration::split(
        2,
        "orders",
        "CREATE TABLE daz_shop_orders (id BIGSERIAL PRIMARY KEY, item BIGINT NOT NULL)",
        "CREATE TABLE daz_shop_orders (id INTEGER PRIMARY KEY AUTOINCREMENT, item BIGINT NOT NULL)",
    ),
];

#[tokio::test]
async fn migrations_apply_fresh_then_incrementally_then_not_again() {
    for db in support::databases().await {
        let name = format!("{:?}", db.backend());
        assert_eq!(
            migrate(&db, "shop", &SHOP[..1]).await.unwrap(),
            [1],
            "{name}"
        );
        assert_eq!(migrate(&db, "shop", SHOP).await.unwrap(), [2], "{name}");
        assert!(
            migrate(&db, "shop", SHOP).await.unwrap().is_empty(),
            "{name}"
        );
        // The tables exist: insert through them.
        let daz_sql::Pool::Sqlite(_) = db.pool() else {
            let daz_sql::Pool::Postgres(p) = db.pool() else {
                unreachable!()
            };
            sqlx::query("INSERT INTO daz_shop_orders (item) VALUES (1)")
                .execute(p)
                .await
                .unwrap();
            continue;
        };
        let daz_sql::Pool::Sqlite(p) = db.pool() else {
            unreachable!()
        };
        sqlx::query("INSERT INTO daz_shop_orders (item) VALUES (1)")
            .execute(p)
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn an_edited_migration_or_a_gap_fails_naming_module_and_version() {
    for db in support::databases().await {
        migrate(&db, "shop", SHOP).await.unwrap();
        let edited = [
            SHOP[0],
            Migration::new(2, "orders", "CREATE TABLE daz_shop_orders (id BIGINT)"),
        ];
        let err = migrate(&db, "shop", &edited).await.unwrap_err();
        assert!(
            matches!(&err, Error::Migration { module, version: 2, .. } if module == "shop"),
            "{err}"
        );
        assert!(
            err.to_string().contains("changed after it was applied"),
            "{err}"
        );
        let forgotten = &SHOP[..1];
        let err = migrate(&db, "shop", forgotten).await.unwrap_err();
        assert!(err.to_string().contains("no longer declares"), "{err}");
    }
}

#[tokio::test]
async fn a_failing_migration_leaves_nothing_behind() {
    for db in support::databases().await {
        let broken = [
            Migration::new(1, "ok", "CREATE TABLE daz_broken_a (x BIGINT)"),
            Migration::new(2, "bad", "CREATE TABLE daz_broken_b (x NOSUCHTYPE(("),
        ];
        let err = migrate(&db, "broken", &broken).await.unwrap_err();
        assert!(matches!(err, Error::Migration { version: 2, .. }), "{err}");
        // Migration 1 was rolled back with it: applying a fixed list applies both.
        let fixed = [
            broken[0],
            Migration::new(2, "bad", "CREATE TABLE daz_broken_b (x BIGINT)"),
        ];
        assert_eq!(migrate(&db, "broken", &fixed).await.unwrap(), [1, 2]);
    }
}

#[tokio::test]
async fn a_foreign_table_is_refused_before_anything_runs() {
    for db in support::databases().await {
        let sneaky = [Migration::new(
            1,
            "sneaky",
            "CREATE TABLE daz_core_state (x INT)",
        )];
        let err = migrate(&db, "shop", &sneaky).await.unwrap_err();
        assert!(err.to_string().contains("daz_shop_<table>"), "{err}");
    }
}

#[tokio::test]
async fn module_state_is_kept_per_module() {
    for db in support::databases().await {
        db.prepare().await.unwrap();
        let greeter = StateStore::new(&db, "greeter");
        let other = StateStore::new(&db, "other");
        assert_eq!(greeter.get::<u32>("count").await.unwrap(), None);
        greeter.set("count", &1_u32).await.unwrap();
        greeter.set("count", &2_u32).await.unwrap();
        greeter.set("seen:ann", &json!({"at": 5})).await.unwrap();
        greeter.set("seen:bob", &json!({"at": 6})).await.unwrap();
        other.set("count", &99_u32).await.unwrap();
        assert_eq!(greeter.get::<u32>("count").await.unwrap(), Some(2));
        assert_eq!(other.get::<u32>("count").await.unwrap(), Some(99));
        assert_eq!(
            greeter.keys("seen:").await.unwrap(),
            ["seen:ann", "seen:bob"]
        );
        assert!(greeter.delete("seen:ann").await.unwrap());
        assert!(!greeter.delete("seen:ann").await.unwrap());
        let err = greeter.get::<u32>("seen:bob").await.unwrap_err();
        assert!(matches!(err, Error::Value { .. }), "{err}");
    }
}

#[tokio::test]
async fn durable_tasks_survive_in_the_database() {
    for db in support::databases().await {
        db.prepare().await.unwrap();
        let store = SqlTaskStore::new(&db);
        let due = Utc.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap();
        let task = DurableTask::new(
            "r1",
            "reminders",
            "remind ann",
            due,
            Missed::RunOnce,
            json!({"text": "tea"}),
        );
        store.save(&task).await.unwrap();
        let mut later = task.clone();
        later.data = json!({"text": "coffee"});
        store.save(&later).await.unwrap();
        store
            .save(&DurableTask::new(
                "x",
                "other",
                "x",
                due,
                Missed::Skip,
                json!(null),
            ))
            .await
            .unwrap();
        let loaded = SqlTaskStore::new(&db).load("reminders").await.unwrap();
        assert_eq!(loaded, [later]);
        store.remove("reminders", "r1").await.unwrap();
        assert!(store.load("reminders").await.unwrap().is_empty());
        assert_eq!(store.load("other").await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn reconnect_cycles_survive_in_the_database() {
    for db in support::databases().await {
        db.prepare().await.unwrap();
        let store = SqlReconnectStore::new(&db);
        assert_eq!(store.load("lobby").await.unwrap(), None);
        store.save("lobby", CycleState::new(3, 1)).await.unwrap();
        store.save("lobby", CycleState::new(4, 1)).await.unwrap();
        assert_eq!(
            store.load("lobby").await.unwrap(),
            Some(CycleState::new(4, 1))
        );
        // When the next attempt is due survives too, and clears on join.
        let waiting = CycleState::new(0, 2).with_next_attempt(Some(1_800_000_000_123));
        store.save("lobby", waiting).await.unwrap();
        assert_eq!(store.load("lobby").await.unwrap(), Some(waiting));
        store.save("lobby", CycleState::default()).await.unwrap();
        assert_eq!(
            store.load("lobby").await.unwrap(),
            Some(CycleState::default())
        );
    }
}

#[tokio::test]
async fn which_modules_are_enabled_survives_in_the_database() {
    use daz_core::RuntimeStore;
    for db in support::databases().await {
        db.prepare().await.unwrap();
        let store = SqlRuntimeStore::new(&db);
        assert!(store.load_enabled().await.unwrap().is_empty());
        store.save_enabled("greeting", false).await.unwrap();
        store.save_enabled("economy", false).await.unwrap();
        store.save_enabled("economy", true).await.unwrap();
        let again = SqlRuntimeStore::new(&db);
        assert_eq!(
            again.load_enabled().await.unwrap(),
            std::collections::BTreeMap::from([
                ("economy".to_owned(), true),
                ("greeting".to_owned(), false)
            ])
        );
    }
}

#[tokio::test]
async fn connect_errors_name_the_cause_and_hide_the_password() {
    let err = daz_sql::Database::connect("mysql://root:hunter2@localhost/x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Url { .. }) && !err.to_string().contains("hunter2"),
        "{err}"
    );
    let mut quick = daz_sql::PoolSettings::default();
    quick.acquire_timeout = std::time::Duration::from_secs(1);
    let err = daz_sql::Database::connect_with("postgres://bob:hunter2@127.0.0.1:1/x", &quick)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    assert!(
        err.to_string().contains("bob:***@") && !err.to_string().contains("hunter2"),
        "{err}"
    );
    let err = daz_sql::Database::connect("sqlite:///proc/no/such/dir/x.db")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    if let Ok(url) = std::env::var("DAZ_TEST_POSTGRES_URL") {
        let wrong = url.replacen("postgres://postgres", "postgres://nosuchuser", 1);
        if wrong != url {
            let err = daz_sql::Database::connect_with(&wrong, &quick)
                .await
                .unwrap_err();
            assert!(matches!(err, Error::Connect { .. }), "{err}");
        }
    }
    let db = daz_sql::Database::connect("sqlite::memory:").await.unwrap();
    assert_eq!(db.backend(), Backend::Sqlite);
}

#[tokio::test]
async fn a_password_in_the_url_shows_nowhere() {
    let settings: daz_sql::SqlSettings = daz_core::Config::parse(
        "[sql]\nurl = \"postgres://bob:hunter2@db/x?password=hunter2\"\n",
        daz_core::Format::Toml,
    )
    .unwrap()
    .section("sql")
    .unwrap();
    assert!(!format!("{settings:?}").contains("hunter2"));
    assert_eq!(
        settings.url.expose(),
        "postgres://bob:hunter2@db/x?password=hunter2"
    );
    // The server trusts local connections, so any password connects.
    let Some(url) = daz_core::testing::service("DAZ_TEST_POSTGRES_URL") else {
        return;
    };
    let Some(rest) = url.strip_prefix("postgres://postgres@") else {
        panic!("expected postgres://postgres@…, got {url}")
    };
    let sep = if rest.contains('?') { '&' } else { '?' };
    let secret = format!("postgres://postgres:hun@ter2@{rest}{sep}password=hunter2");
    let db = daz_sql::Database::connect(&secret).await.unwrap();
    let shown = format!("{db:?} {}", db.url());
    assert!(
        !shown.contains("hunter2") && !shown.contains("ter2"),
        "{shown}"
    );
    assert!(db.url().contains("postgres:***@"), "{}", db.url());
    // A failed query's error names neither.
    let err = db.ping().await.map(|()| "ok".to_owned());
    assert_eq!(err.unwrap(), "ok");
    let wrong = secret.replacen("/test", "/no_such_database", 1);
    let err = daz_sql::Database::connect(&wrong).await.unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(
        !shown.contains("hunter2") && !shown.contains("ter2"),
        "{shown}"
    );
}

mod bus {
    use std::time::Duration;

    use daz_core::{Bot, Event, EventBus};
    use daz_sql::{EXEC, QUERY, SqlDone, SqlModule, SqlRequest, SqlRows, migrate};
    use serde_json::{Value, json};

    use super::SHOP;

    async fn ask(
        bus: &EventBus,
        topic: daz_core::Topic,
        from: &str,
        sql: &str,
        params: Vec<Value>,
    ) -> Result<Event, String> {
        let event = Event::builder(topic)
            .source(from)
            .payload(SqlRequest::new(sql, params));
        bus.request("sql", event, Duration::from_secs(5))
            .await
            .map_err(|e| e.to_string())
    }

    #[tokio::test]
    async fn modules_query_and_change_their_own_tables_over_the_bus() {
        for db in super::support::databases().await {
            migrate(&db, "shop", SHOP).await.unwrap();
            let bus = EventBus::new();
            let bot = Bot::builder()
                .bus(bus.clone())
                .module(SqlModule::new(&db))
                .build()
                .unwrap();
            let handle = bot.handle();
            let running = tokio::spawn(bot.run_until(std::future::pending()));
            handle.modules().await.unwrap();
            let insert = "INSERT INTO daz_shop_items (id, name) VALUES ($1, $2)";
            for (id, name) in [(1, "tea"), (2, "it's \"quoted\"; DROP TABLE x")] {
                let done = ask(&bus, EXEC, "shop", insert, vec![json!(id), json!(name)])
                    .await
                    .unwrap();
                assert_eq!(done.payload::<SqlDone>().unwrap().rows_affected, 1);
            }
            let rows = ask(
                &bus,
                QUERY,
                "shop",
                "SELECT id, name FROM daz_shop_items WHERE id >= $1 ORDER BY id",
                vec![json!(1)],
            )
            .await
            .unwrap();
            let rows = rows.payload::<SqlRows>().unwrap();
            assert_eq!(rows.columns, ["id", "name"]);
            assert_eq!(
                rows.rows,
                [
                    vec![json!(1), json!("tea")],
                    vec![json!(2), json!("it's \"quoted\"; DROP TABLE x")]
                ]
            );

            for (from, topic, sql) in [
                ("other", QUERY, "SELECT * FROM daz_shop_items"),
                ("shop", QUERY, "SELECT * FROM daz_core_state"),
                (
                    "shop",
                    QUERY,
                    "SELECT * FROM daz_shop_items WHERE name = 'tea'",
                ),
                (
                    "shop",
                    EXEC,
                    "DELETE FROM daz_shop_items; DELETE FROM daz_shop_orders",
                ),
                ("shop", EXEC, "DROP TABLE daz_shop_items"),
                ("shop", QUERY, "DELETE FROM daz_shop_items"),
                ("shop", EXEC, "SELECT 1"),
                ("shop", QUERY, "SELECT * FROM sqlite_master"),
                ("shop", QUERY, "SELECT * FROM pg_catalog.pg_tables"),
            ] {
                let err = ask(&bus, topic.clone(), from, sql, vec![])
                    .await
                    .unwrap_err();
                assert!(err.contains("refused"), "{sql}: {err}");
            }
            // Nothing was changed by the refused requests.
            let count = ask(
                &bus,
                QUERY,
                "shop",
                "SELECT COUNT(*) AS n FROM daz_shop_items",
                vec![],
            )
            .await
            .unwrap();
            assert_eq!(count.payload::<SqlRows>().unwrap().rows, [vec![json!(2)]]);
            let err = ask(
                &bus,
                QUERY,
                "shop",
                "SELECT nope FROM daz_shop_items",
                vec![],
            )
            .await
            .unwrap_err();
            assert!(err.contains("the statement failed"), "{err}");
            handle.stop();
            running.await.unwrap().unwrap();
        }
    }

    #[tokio::test]
    async fn a_slow_statement_does_not_hold_up_the_next_request() {
        // Not SQLite in memory: its shared cache runs one statement at a
        // time, whatever the connections.
        let mut dbs = super::support::databases().await;
        dbs[0] = daz_sql::testing::sqlite_file().await.unwrap();
        for db in dbs {
            migrate(&db, "shop", SHOP).await.unwrap();
            let bus = EventBus::new();
            let config = daz_core::Config::parse(
                "[sql]\nstatement_timeout = \"2s\"\nmax_concurrent = 2\n",
                daz_core::Format::Toml,
            )
            .unwrap();
            let bot = Bot::builder()
                .bus(bus.clone())
                .config(config)
                .module(SqlModule::new(&db))
                .build()
                .unwrap();
            let handle = bot.handle();
            let running = tokio::spawn(bot.run_until(std::future::pending()));
            handle.modules().await.unwrap();
            let insert = "INSERT INTO daz_shop_items (id, name) VALUES ($1, $2)";
            for id in 1..=40 {
                ask(&bus, EXEC, "shop", insert, vec![json!(id), json!("x")])
                    .await
                    .unwrap();
            }
            // 40^5 combinations: stopped by the timeout, seconds from now.
            let slow = ask(
                &bus,
                QUERY,
                "shop",
                "SELECT COUNT(*) FROM daz_shop_items a, daz_shop_items b, daz_shop_items c, \
                 daz_shop_items d, daz_shop_items e",
                vec![],
            );
            let fast = ask(
                &bus,
                QUERY,
                "shop",
                "SELECT COUNT(*) FROM daz_shop_items",
                vec![],
            );
            tokio::pin!(slow);
            // Biased: the slow request is sent first, the mailbox takes
            // them in order, and the quick one must still answer first.
            let quick = tokio::select! {
                biased;
                early = &mut slow => panic!("{:?}: the slow statement answered first: {early:?}", db.backend()),
                quick = fast => quick.unwrap(),
            };
            assert_eq!(quick.payload::<SqlRows>().unwrap().rows, [vec![json!(40)]]);
            let err = slow.await.unwrap_err();
            assert!(
                err.contains("ran longer than 2s"),
                "{:?}: {err}",
                db.backend()
            );
            handle.stop();
            running.await.unwrap().unwrap();
        }
    }
}
