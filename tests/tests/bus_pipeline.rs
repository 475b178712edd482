//! Several module-like tasks on one bus, as a bot runs them: a chat source
//! in two rooms, a per-room counter answering requests, an auditor of
//! everything, and a slow subscriber that must not hold anyone up.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::{Event, EventBus, Pattern, Priority, SubscribeOptions, Topic};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "cytube.event.chatMsg")]
struct Chat {
    user: String,
    n: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "counter.get")]
struct Count(u64);

const PER_ROOM: u64 = 5_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modules_cooperate_over_one_bus() {
    let bus = EventBus::builder()
        .capacity(Pattern::new("cytube.event.>").unwrap(), 20_000)
        .build()
        .unwrap();

    // The counter counts chat in the lobby only and answers requests.
    let mut counter = bus
        .inbox("counter", SubscribeOptions::new().rooms(["lobby"]))
        .unwrap();
    counter
        .add_pattern(Pattern::new("cytube.event.chatMsg").unwrap())
        .unwrap();
    let counter_bus = bus.clone();
    let counter_task = tokio::spawn(async move {
        let mut seen = 0u64;
        let mut last_n = None;
        while let Some(event) = counter.recv().await {
            if event.correlation_id().is_some() {
                counter_bus.reply(&event, Event::new(Count(seen))).unwrap();
            } else {
                let chat = event.payload::<Chat>().unwrap();
                assert_eq!(event.room(), Some("lobby"));
                // One publisher, one lane: strictly increasing.
                assert!(last_n.is_none_or(|n| chat.n > n), "out of order");
                last_n = Some(chat.n);
                seen += 1;
            }
        }
        seen
    });

    // The auditor sees everything in every room.
    let mut audit = bus
        .subscribe(
            Pattern::new(">").unwrap(),
            SubscribeOptions::new().owner("audit").capacity(50_000),
        )
        .unwrap();
    // A subscriber that never reads, with a small mailbox.
    let stalled = bus
        .subscribe(
            Pattern::new("cytube.>").unwrap(),
            SubscribeOptions::new().capacity(100),
        )
        .unwrap();

    let source = bus.clone();
    tokio::spawn(async move {
        for n in 0..PER_ROOM {
            for room in ["lobby", "movies"] {
                let event = Event::builder(Topic::new("cytube.event.chatMsg").unwrap())
                    .room(room)
                    .source("cytube")
                    .payload(Chat {
                        user: "ann".into(),
                        n,
                    });
                source.publish(event);
            }
            if n % 500 == 0 {
                tokio::task::yield_now().await;
            }
        }
    })
    .await
    .unwrap();

    // Ask until the counter has caught up with everything published.
    let mut count = 0;
    for _ in 0..500 {
        let ask = Event::builder(Topic::new("counter.get").unwrap())
            .room("lobby")
            .priority(Priority::High)
            .build();
        let reply = bus
            .request("counter", ask, Duration::from_secs(5))
            .await
            .unwrap();
        count = reply.payload::<Count>().unwrap().0;
        if count == PER_ROOM {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(count, PER_ROOM);

    let mut audited = 0;
    while audit.try_recv().is_some() {
        audited += 1;
    }
    assert_eq!(audited, 2 * PER_ROOM, "the auditor saw both rooms");

    let stats = bus.stats();
    let stalled_stats = stalled.stats();
    assert_eq!(stalled_stats.queued, 100);
    assert_eq!(stalled_stats.dropped, 2 * PER_ROOM - 100);
    assert_eq!(
        stats.dropped,
        2 * PER_ROOM - 100,
        "only the stalled one lost events"
    );
    assert_eq!(stats.published, 2 * PER_ROOM);
    assert_eq!(stats.timeouts, 0);

    // Removing the counter's owner ends its task with the final count.
    assert_eq!(bus.unsubscribe_owner("counter"), 1);
    assert_eq!(counter_task.await.unwrap(), PER_ROOM);
}
