//! The logger on every backend: N events in, N rows out; batching by size
//! and time; the generic event log; an outage with exact counts.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/proxy.rs"]
mod proxy;
#[path = "support/db.rs"]
mod support;

use std::time::Duration;

use daz_core::chat::{ChatMessage, MediaChanged, Rank, UserJoined, UserLeft};
use daz_core::{Bot, BotHandle, Config, Event, EventBus, EventPayload, Format, ShutdownReport};
use daz_sql::{Database, Logger, LoggerStatsHandle, Pool};

async fn count(db: &Database, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match db.pool() {
        Pool::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
        Pool::Sqlite(p) => sqlx::query_scalar(&sql).fetch_one(p).await.unwrap(),
        _ => unreachable!(),
    }
}

struct Running {
    bus: EventBus,
    handle: BotHandle,
    stats: LoggerStatsHandle,
    task: tokio::task::JoinHandle<daz_core::Result<ShutdownReport>>,
}

async fn start(db: &Database, settings: &str) -> Running {
    let config = Config::parse(&format!("[logger]\n{settings}"), Format::Toml).unwrap();
    let bus = EventBus::new();
    let logger = Logger::new(db);
    let stats = logger.stats_handle();
    let bot = Bot::builder()
        .bus(bus.clone())
        .config(config)
        .module(logger)
        .build()
        .unwrap();
    let handle = bot.handle();
    let task = tokio::spawn(bot.run_until(std::future::pending()));
    for _ in 0..500 {
        let list = handle.modules().await.unwrap();
        if list
            .get("logger")
            .is_some_and(|m| m.state == daz_core::ModuleState::Running)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Running {
        bus,
        handle,
        stats,
        task,
    }
}

impl Running {
    /// Publishes `n` chat lines, yielding now and then as a real source
    /// does (a bounded mailbox is not meant to hold a whole burst).
    async fn chat(&self, n: usize) {
        for i in 0..n {
            let m = ChatMessage::new(
                "lobby",
                &format!("user{}", i % 7),
                Rank::REGISTERED,
                &format!("line {i}"),
            );
            self.bus
                .publish(Event::builder(ChatMessage::TOPIC).payload(m));
            if i % 200 == 199 {
                tokio::task::yield_now().await;
            }
        }
    }

    async fn stop(self) -> ShutdownReport {
        self.handle.stop();
        self.task.await.unwrap().unwrap()
    }

    async fn written(&self, rows: u64) {
        for _ in 0..500 {
            if self.stats.get().written >= rows {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("only {:?} after waiting for {rows} rows", self.stats.get());
    }
}

#[tokio::test]
async fn every_event_in_is_a_row_out_after_a_graceful_stop() {
    for db in support::databases().await {
        let bot = start(&db, "flush_every = \"1h\"\nbatch_size = 1000").await;
        bot.chat(2345).await;
        let mut backlog = ChatMessage::new("lobby", "old", Rank::GUEST, "history");
        backlog.backlog = true;
        bot.bus
            .publish(Event::builder(ChatMessage::TOPIC).payload(backlog));
        let mut pm = ChatMessage::new("lobby", "ann", Rank::GUEST, "psst").private();
        pm.html = Some("psst".into());
        bot.bus.publish(Event::builder(pm.topic()).payload(pm));
        bot.bus
            .publish(Event::builder(UserJoined::TOPIC).payload(UserJoined::new(
                "lobby",
                "ann",
                Rank::REGISTERED,
            )));
        bot.bus
            .publish(Event::builder(UserLeft::TOPIC).payload(UserLeft::new("lobby", "ann")));
        bot.bus.publish(
            Event::builder(MediaChanged::TOPIC).payload(MediaChanged::new(
                "lobby",
                "Song",
                Duration::from_secs(200),
            )),
        );
        let stats = bot.stats.clone();
        let report = bot.stop().await;
        assert!(report.abandoned.is_empty());
        assert_eq!(count(&db, "daz_chat_log").await, 2346, "{:?}", db.backend());
        assert_eq!(count(&db, "daz_user_activity").await, 2);
        assert_eq!(count(&db, "daz_media_history").await, 1);
        let s = stats.get();
        assert_eq!((s.written, s.dropped, s.buffered), (2349, 0, 0));
    }
}

#[tokio::test]
async fn rows_are_written_at_the_batch_size_or_after_the_interval() {
    for db in support::databases().await {
        let bot = start(&db, "flush_every = \"1h\"\nbatch_size = 100").await;
        bot.chat(250).await;
        bot.written(200).await;
        // All 250 taken in: the last 50 are buffered, not written, until
        // the interval.
        for _ in 0..500 {
            if bot.stats.get().buffered == 50 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let stats = bot.stats.get();
        assert_eq!(
            (stats.written, stats.buffered),
            (200, 50),
            "the last 50 wait for the interval"
        );
        assert_eq!(count(&db, "daz_chat_log").await, 200);
        bot.stop().await;
        assert_eq!(count(&db, "daz_chat_log").await, 250);

        let bot = start(&db, "flush_every = \"100ms\"\nbatch_size = 1000").await;
        bot.chat(10).await;
        bot.written(10).await;
        bot.stop().await;
    }
}

#[tokio::test]
async fn chosen_events_go_to_the_generic_log_as_json() {
    #[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
    #[event(topic = "demo.transfer")]
    struct Transfer {
        from: String,
        amount: u64,
    }
    for db in support::databases().await {
        let bot = start(&db, "events = [\"demo.>\"]\nchat = false").await;
        let event = Event::builder(Transfer::TOPIC)
            .source("bank")
            .room("lobby")
            .tag("kind", "test")
            .payload(Transfer {
                from: "ann".into(),
                amount: 5,
            });
        bot.bus.publish(event);
        bot.chat(3).await;
        bot.stop().await;
        let sql = "SELECT topic, source, room, tags, payload FROM daz_sql_event_log";
        let row: (String, Option<String>, Option<String>, String, String) = match db.pool() {
            Pool::Postgres(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
            Pool::Sqlite(p) => sqlx::query_as(sql).fetch_one(p).await.unwrap(),
            _ => unreachable!(),
        };
        assert_eq!(
            (row.0.as_str(), row.1.as_deref(), row.2.as_deref()),
            ("demo.transfer", Some("bank"), Some("lobby"))
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&row.3).unwrap(),
            serde_json::json!({"kind": "test"})
        );
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&row.4).unwrap(),
            serde_json::json!({"from": "ann", "amount": 5})
        );
        assert_eq!(
            count(&db, "daz_chat_log").await,
            0,
            "chat logging was turned off"
        );
    }
}

#[tokio::test]
async fn an_outage_keeps_rows_up_to_the_buffer_and_counts_the_rest() {
    let Some(url) = daz_core::testing::service("DAZ_TEST_POSTGRES_URL") else {
        return;
    };
    // The database, reached through a proxy the test can cut.
    let direct = support::databases().await.pop().unwrap();
    let daz_sql::Pool::Postgres(pool) = direct.pool() else {
        unreachable!()
    };
    let schema: String = sqlx::query_scalar("SELECT current_schema()::TEXT")
        .fetch_one(pool)
        .await
        .unwrap();
    let host = url
        .split('@')
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let proxy = proxy::Proxy::start(&host).await;
    let through = url.replacen(&host, &format!("127.0.0.1:{}", proxy.port), 1);
    let sep = if through.contains('?') { '&' } else { '?' };
    let mut quick = daz_sql::PoolSettings::default();
    quick.acquire_timeout = Duration::from_millis(300);
    let db = Database::connect_with(
        &format!("{through}{sep}options=-csearch_path%3D{schema}"),
        &quick,
    )
    .await
    .unwrap();

    let bot = start(
        &db,
        "flush_every = \"50ms\"\nbatch_size = 1000\nbuffer = 100\nretry_max = \"200ms\"",
    )
    .await;
    bot.chat(10).await;
    bot.written(10).await;
    proxy.cut();
    bot.chat(150).await;
    // While the database is away: 100 rows are kept, the 50 beyond dropped.
    for _ in 0..500 {
        let s = bot.stats.get();
        if s.dropped == 50 && s.failures > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let during = bot.stats.get();
    assert_eq!(
        (during.written, during.dropped, during.buffered),
        (10, 50, 100),
        "{during:?}"
    );
    proxy.restore().await;
    bot.written(110).await;
    bot.stop().await;
    assert_eq!(count(&direct, "daz_chat_log").await, 110);
    let lines: Vec<String> = sqlx::query_scalar("SELECT text FROM daz_chat_log ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap();
    assert_eq!(
        (lines[10].as_str(), lines[109].as_str()),
        ("line 0", "line 99"),
        "the first rows were kept"
    );
}

#[tokio::test]
async fn rules_write_events_into_tables_of_your_own() {
    #[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
    #[event(topic = "economy.transfer")]
    struct Transfer {
        from: String,
        to: String,
        amount: i64,
        note: Option<String>,
    }
    const TABLE: &[daz_sql::Migration] = &[daz_sql::Migration::new(
        1,
        "transfers",
        "CREATE TABLE daz_economy_transfers (at_ms BIGINT, from_user TEXT, to_user TEXT, amount BIGINT, note TEXT, room TEXT)",
    )];
    for db in support::databases().await {
        daz_sql::migrate(&db, "economy", TABLE).await.unwrap();
        let bot = start(
            &db,
            "chat = false\n[[logger.rules]]\npattern = \"economy.*\"\ntable = \"daz_economy_transfers\"\n\
             columns = { at_ms = \"@time\", from_user = \"from\", to_user = \"to\", amount = \"amount\", note = \"note\", room = \"@room\" }",
        )
        .await;
        for (i, note) in [Some("thanks"), None].into_iter().enumerate() {
            let transfer = Transfer {
                from: "ann".into(),
                to: "bob".into(),
                amount: 10 + i64::try_from(i).unwrap(),
                note: note.map(Into::into),
            };
            bot.bus.publish(
                Event::builder(Transfer::TOPIC)
                    .room("lobby")
                    .payload(transfer),
            );
        }
        bot.stop().await;
        let sql = "SELECT from_user, to_user, amount, note, room FROM daz_economy_transfers ORDER BY amount";
        let rows: Vec<(String, String, i64, Option<String>, String)> = match db.pool() {
            Pool::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
            Pool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
            _ => unreachable!(),
        };
        assert_eq!(
            rows,
            [
                (
                    "ann".into(),
                    "bob".into(),
                    10,
                    Some("thanks".into()),
                    "lobby".into()
                ),
                ("ann".into(), "bob".into(), 11, None, "lobby".into())
            ]
        );
    }
}

#[tokio::test]
async fn bad_rules_and_retention_fail_the_start_naming_the_problem() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    for (settings, needle) in [
        (
            "[[logger.rules]]\npattern = \"a.b\"\ntable = \"users; DROP TABLE x\"\ncolumns = { a = \"b\" }",
            "daz_<module>_<table>",
        ),
        (
            "[[logger.rules]]\npattern = \"a.b\"\ntable = \"daz_x_t\"\ncolumns = { \"a b\" = \"b\" }",
            "column",
        ),
        (
            "[[logger.rules]]\npattern = \"a..b\"\ntable = \"daz_x_t\"\ncolumns = { a = \"b\" }",
            "a..b",
        ),
        (
            "[logger.retention]\ndaz_other = 5",
            "not a table the logger prunes",
        ),
    ] {
        let config = Config::parse(&format!("[logger]\n{settings}"), Format::Toml).unwrap();
        let bot = Bot::builder()
            .config(config)
            .module(Logger::new(&db))
            .build()
            .unwrap();
        let handle = bot.handle();
        let running = tokio::spawn(bot.run_until(std::future::pending()));
        let mut reason = String::new();
        for _ in 0..300 {
            let list = handle.modules().await.unwrap();
            let status = list.get("logger").unwrap();
            if let Some(r) = &status.reason {
                reason.clone_from(r);
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(reason.contains(needle), "{settings}: {reason}");
        handle.stop();
        running.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn retention_prunes_rows_older_than_the_days_kept() {
    for db in support::databases().await {
        let bot = start(
            &db,
            "prune_every = \"100ms\"\n[logger.retention]\ndaz_chat_log = 7",
        )
        .await;
        let old = std::time::SystemTime::now() - Duration::from_secs(8 * 86_400);
        let recent = std::time::SystemTime::now() - Duration::from_secs(6 * 86_400);
        for (when, text) in [(old, "old"), (recent, "recent")] {
            let m = ChatMessage::new("lobby", "ann", Rank::GUEST, text);
            bot.bus
                .publish(Event::builder_at(ChatMessage::TOPIC, when).payload(m));
        }
        bot.written(2).await;
        for _ in 0..300 {
            if count(&db, "daz_chat_log").await == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(count(&db, "daz_chat_log").await, 1);
        bot.stop().await;
    }
}

#[tokio::test]
async fn awkward_text_is_stored_exactly() {
    let awkward = [
        "tab\there",
        "new\nline",
        "back\\slash \\N",
        "carriage\rreturn",
        "emoji 😀 and 'quotes' \"double\"",
        "",
    ];
    for db in support::databases().await {
        let bot = start(&db, "events = [\"demo.>\"]").await;
        for text in awkward {
            let mut m = ChatMessage::new("lobby", "ann", Rank::GUEST, text);
            m.html = (!text.is_empty()).then(|| format!("<em>{text}</em>"));
            bot.bus
                .publish(Event::builder(ChatMessage::TOPIC).payload(m));
        }
        bot.stop().await;
        let sql = "SELECT text, html FROM daz_chat_log ORDER BY id";
        let rows: Vec<(String, Option<String>)> = match db.pool() {
            Pool::Postgres(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
            Pool::Sqlite(p) => sqlx::query_as(sql).fetch_all(p).await.unwrap(),
            _ => unreachable!(),
        };
        let texts: Vec<&str> = rows.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, awkward, "{:?}", db.backend());
        assert_eq!(rows[0].1.as_deref(), Some("<em>tab\there</em>"));
        assert_eq!(rows[5].1, None);
    }
}

#[tokio::test]
async fn events_marked_not_loggable_are_never_written() {
    #[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
    #[event(topic = "demo.note")]
    struct Note {
        text: String,
    }
    const TABLE: &[daz_sql::Migration] = &[daz_sql::Migration::new(
        1,
        "notes",
        "CREATE TABLE daz_demo_notes (text TEXT)",
    )];
    for db in support::databases().await {
        daz_sql::migrate(&db, "demo", TABLE).await.unwrap();
        let rule = "[[logger.rules]]\npattern = \"demo.*\"\ntable = \"daz_demo_notes\"\ncolumns = { text = \"text\" }";
        let bot = start(&db, &format!("events = [\"demo.>\"]\n{rule}")).await;
        for loggable in [false, true] {
            let text = format!("loggable {loggable}");
            let chat = ChatMessage::new("lobby", "ann", Rank::GUEST, &text);
            let note = Note { text: text.clone() };
            for event in [
                Event::builder(ChatMessage::TOPIC)
                    .loggable(loggable)
                    .payload(chat),
                Event::builder(Note::TOPIC).loggable(loggable).payload(note),
            ] {
                bot.bus.publish(event);
            }
        }
        // A graceful stop writes everything the logger took in.
        bot.stop().await;
        for (table, rows) in [
            ("daz_chat_log", 1),
            ("daz_sql_event_log", 1),
            ("daz_demo_notes", 1),
        ] {
            assert_eq!(count(&db, table).await, rows, "{table}");
        }
        let sql = "SELECT text FROM daz_demo_notes";
        let kept: String = match db.pool() {
            Pool::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            Pool::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
            _ => unreachable!(),
        };
        assert_eq!(kept, "loggable true");
    }
}
