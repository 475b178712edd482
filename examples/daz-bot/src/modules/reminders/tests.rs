use std::time::Duration;

use super::*;
use daz_core::testing::Harness;
use daz_core::{Clock, MemoryTaskStore};

async fn bot(store: &MemoryTaskStore, at: chrono::DateTime<chrono::Utc>) -> Harness {
    Harness::builder()
        .clock(Clock::starting_at(at))
        .task_store(store.clone())
        .module(Reminders)
        .build()
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_reminder_arrives_on_time_even_after_a_restart() {
    let store = MemoryTaskStore::new();
    let t0 = chrono::Utc::now();
    let mut room = bot(&store, t0).await;
    room.say("ann", "!remindme 10m stretch your legs").await;
    room.pm("bob", "!remindme 1h call mum").await;
    room.say("cat", "!remindme 40d too far").await;
    room.say("dan", "!remindme soon x").await;
    assert_eq!(
        room.said(),
        [
            "OK ann, I will remind you in 10m.",
            "cat: pick a time from 1s to 30d.",
            "dan: <after>: \"soon\" is not a duration like 10m or 1h30m. Usage: !remindme <after> <text...>",
        ]
    );
    assert_eq!(room.pms_to("bob"), ["OK bob, I will remind you in 1h."]);
    assert_eq!(store.len(), 2);
    room.shutdown().await;
    // The bot is back five minutes later.
    let room = bot(&store, t0 + chrono::Duration::seconds(300)).await;
    room.advance(Duration::from_secs(298)).await;
    assert!(room.said().is_empty(), "not yet: {:?}", room.said());
    room.advance(Duration::from_secs(3)).await;
    assert_eq!(room.said(), ["ann: reminder: stretch your legs"]);
    room.advance(Duration::from_secs(3000)).await;
    assert_eq!(room.pms_to("bob"), ["bob: reminder: call mum"]);
    assert!(store.is_empty(), "delivered reminders are forgotten");
    room.shutdown().await;
}
