//! The logger's series reach the `metrics` recorder: rows written, the
//! batch time, and what waits.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::chat::{ChatMessage, Rank};
use daz_core::{Bot, Config, Event, EventBus, Format};
use daz_sql::{Database, Logger};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

#[test]
fn written_rows_and_batch_times_are_recorded() {
    let recorder = DebuggingRecorder::new();
    let snapshot = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    metrics::with_local_recorder(&recorder, || {
        runtime.block_on(async {
            let db = Database::connect("sqlite::memory:").await.unwrap();
            let config = Config::parse("[logger]\nchat = true\n", Format::Toml).unwrap();
            let bus = EventBus::new();
            let bot = Bot::builder()
                .bus(bus.clone())
                .config(config)
                .module(Logger::new(&db))
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
            for i in 0..3 {
                let line = ChatMessage::new("lobby", "ann", Rank::REGISTERED, &format!("line {i}"));
                bus.publish(Event::builder(line.topic()).payload(line));
            }
            handle.stop();
            task.await.unwrap().unwrap();
        });
    });
    let rows = snapshot.snapshot().into_vec();
    let value = |name: &str| {
        rows.iter()
            .find(|(key, _, _, _)| key.key().name() == name)
            .map(|(_, _, _, v)| v)
    };
    assert_eq!(
        value("daz_sql_logger_rows_written_total"),
        Some(&DebugValue::Counter(3))
    );
    assert_eq!(
        value("daz_sql_logger_rows_buffered"),
        Some(&DebugValue::Gauge(0.0.into()))
    );
    match value("daz_sql_logger_batch_seconds") {
        Some(DebugValue::Histogram(samples)) => assert!(!samples.is_empty()),
        other => panic!("batch time: {other:?}"),
    }
    assert_eq!(
        value("daz_sql_logger_failures_total"),
        Some(&DebugValue::Counter(0)),
        "nothing failed"
    );
}
