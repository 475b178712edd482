//! Durable one-shots survive a restart through the task store, and follow
//! their missed-run policy when they fell due while the bot was down.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use daz_core::testing::Harness;
use daz_core::{
    Clock, Context, Event, MemoryTaskStore, Missed, Module, ModuleResult, TaskStore, Tick,
};
use serde_json::json;

type Said = Arc<Mutex<Vec<String>>>;

/// Schedules reminders on request (in `init`, when `plan` says so) and
/// records what its ticks carry.
#[derive(daz_core::Module)]
#[module(name = "reminders")]
struct Reminders {
    plan: Vec<(DateTime<Utc>, &'static str, Missed)>,
    said: Said,
}

#[daz_core::async_trait]
impl Module for Reminders {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        for (due, text, missed) in std::mem::take(&mut self.plan) {
            ctx.schedule_durable("remind", due, json!({ "text": text }), missed)
                .await?;
        }
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        let tick = event.payload::<Tick>()?;
        let text = tick
            .data
            .as_ref()
            .and_then(|d| d["text"].as_str())
            .unwrap_or("?");
        self.said.lock().unwrap().push(text.to_owned());
        Ok(())
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

async fn bot(
    store: &MemoryTaskStore,
    at: DateTime<Utc>,
    plan: Vec<(DateTime<Utc>, &'static str, Missed)>,
) -> (Harness, Said) {
    let said = Said::default();
    let room = Harness::builder()
        .clock(Clock::starting_at(at))
        .task_store(store.clone())
        .module(Reminders {
            plan,
            said: Arc::clone(&said),
        })
        .build()
        .await
        .unwrap();
    (room, said)
}

#[tokio::test(start_paused = true)]
async fn a_pending_reminder_survives_a_restart_and_fires_once() {
    let store = MemoryTaskStore::new();
    let due = t0() + chrono::Duration::minutes(10);
    let (first, said) = bot(&store, t0(), vec![(due, "stretch", Missed::RunOnce)]).await;
    assert_eq!(store.len(), 1);
    first.advance(Duration::from_secs(60)).await;
    assert!(said.lock().unwrap().is_empty());
    first.shutdown().await;
    assert_eq!(store.len(), 1, "kept across the stop");

    // The bot comes back a minute later, with nothing planned.
    let (second, said) = bot(&store, t0() + chrono::Duration::minutes(2), vec![]).await;
    second.advance(Duration::from_secs(7 * 60 + 59)).await;
    assert!(said.lock().unwrap().is_empty(), "not before its time");
    second.advance(Duration::from_secs(2)).await;
    assert_eq!(*said.lock().unwrap(), ["stretch"]);
    second.advance(Duration::from_secs(600)).await;
    assert_eq!(said.lock().unwrap().len(), 1, "once");
    assert!(store.is_empty(), "forgotten once delivered");
    second.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn reminders_missed_while_down_follow_their_policy() {
    let store = MemoryTaskStore::new();
    let due = t0() + chrono::Duration::minutes(5);
    let plan = vec![
        (due, "run me", Missed::RunOnce),
        (due, "skip me", Missed::Skip),
    ];
    let (first, _) = bot(&store, t0(), plan).await;
    first.shutdown().await;
    assert_eq!(store.len(), 2);

    // Down for an hour: past both due times.
    let (second, said) = bot(&store, t0() + chrono::Duration::hours(1), vec![]).await;
    second.advance(Duration::from_secs(1)).await;
    assert_eq!(*said.lock().unwrap(), ["run me"]);
    assert!(store.load("reminders").await.unwrap().is_empty());
    second.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn cancelling_a_durable_task_removes_it_from_the_store() {
    let store = MemoryTaskStore::new();
    let due = t0() + chrono::Duration::minutes(5);
    let (room, said) = bot(&store, t0(), vec![(due, "never", Missed::RunOnce)]).await;
    let task = room.scheduler().list(Some("reminders"))[0].id;
    assert!(room.scheduler().cancel(task));
    room.advance(Duration::from_secs(600)).await;
    assert!(said.lock().unwrap().is_empty());
    assert!(store.is_empty());
    room.shutdown().await;
}
