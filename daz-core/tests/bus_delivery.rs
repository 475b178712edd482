//! Publish/subscribe: ordering, priorities, drops, filters, unsubscribe,
//! capacities and sends.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::{
    BusConfig, Error, Event, EventBus, Pattern, Priority, SubscribeOptions, Subscription, Topic,
};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "test.seq")]
struct Seq(u64);

fn topic(s: &str) -> Topic {
    Topic::new(s).unwrap()
}

fn pattern(s: &str) -> Pattern {
    Pattern::new(s).unwrap()
}

fn seq_event(t: &str, n: u64, priority: Priority) -> Event {
    Event::builder(topic(t)).priority(priority).payload(Seq(n))
}

fn drain(sub: &mut Subscription) -> Vec<u64> {
    std::iter::from_fn(|| sub.try_recv())
        .map(|e| e.payload::<Seq>().unwrap().0)
        .collect()
}

#[test]
fn handles_are_clone_send_sync() {
    fn assert_shared<T: Clone + Send + Sync + 'static>() {}
    fn assert_send<T: Send + Unpin + 'static>() {}
    assert_shared::<EventBus>();
    assert_shared::<Event>();
    assert_shared::<Topic>();
    assert_shared::<Pattern>();
    assert_send::<Subscription>();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_publisher_one_subscriber_keeps_publish_order() {
    const N: u64 = 20_000;
    let bus = EventBus::new();
    let mut sub = bus
        .subscribe(
            pattern("test.*"),
            SubscribeOptions::new().capacity(N.try_into().unwrap()),
        )
        .unwrap();
    let publisher = bus.clone();
    let task = tokio::spawn(async move {
        for n in 0..N {
            assert_eq!(publisher.publish(Event::new(Seq(n))), 1);
            if n % 512 == 0 {
                tokio::task::yield_now().await;
            }
        }
    });
    for expected in 0..N {
        let event = sub.recv().await.unwrap();
        assert_eq!(event.payload::<Seq>().unwrap().0, expected);
    }
    task.await.unwrap();
    assert_eq!(sub.stats().dropped, 0);
}

#[test]
fn high_lane_is_taken_first_and_each_lane_keeps_order() {
    let bus = EventBus::new();
    let mut sub = bus
        .subscribe(pattern(">"), SubscribeOptions::new())
        .unwrap();
    let plan = [
        (1, Priority::Normal),
        (2, Priority::Low),
        (3, Priority::High),
        (4, Priority::Normal),
        (5, Priority::High),
        (6, Priority::Low),
    ];
    for (n, p) in plan {
        bus.publish(seq_event("a", n, p));
    }
    assert_eq!(drain(&mut sub), [3, 5, 1, 2, 4, 6]);

    // A high event published while normal ones are already taken into the
    // consumer's batch still comes next.
    for n in 10..14 {
        bus.publish(seq_event("a", n, Priority::Normal));
    }
    assert_eq!(sub.try_recv().unwrap().payload::<Seq>().unwrap().0, 10);
    bus.publish(seq_event("a", 99, Priority::High));
    assert_eq!(drain(&mut sub), [99, 11, 12, 13]);
}

#[test]
fn stalled_subscriber_loses_exactly_the_overflow_and_others_nothing() {
    let bus = EventBus::new();
    let mut stalled = bus
        .subscribe(pattern("room.>"), SubscribeOptions::new().capacity(100))
        .unwrap();
    let mut healthy = bus
        .subscribe(pattern("room.>"), SubscribeOptions::new().capacity(10_000))
        .unwrap();
    for n in 0..1000 {
        let t = if n % 4 == 0 { "room.join" } else { "room.chat" };
        bus.publish(seq_event(t, n, Priority::Normal));
    }
    let stats = stalled.stats();
    assert_eq!(stats.queued, 100);
    assert_eq!(stats.delivered, 100);
    assert_eq!(stats.dropped, 900);
    // 250 joins (every 4th) and 750 chats were published; the first 100
    // events got in: 25 joins, 75 chats.
    assert_eq!(stats.drops_by_topic.get("room.join"), Some(&225));
    assert_eq!(stats.drops_by_topic.get("room.chat"), Some(&675));
    assert_eq!(drain(&mut stalled), (0..100).collect::<Vec<_>>());

    assert_eq!(healthy.stats().dropped, 0);
    assert_eq!(drain(&mut healthy), (0..1000).collect::<Vec<_>>());

    let totals = bus.stats();
    assert_eq!(totals.published, 1000);
    assert_eq!(totals.delivered, 1100);
    assert_eq!(totals.dropped, 900);
    assert_eq!(totals.unrouted, 0);
}

#[test]
fn low_priority_stops_at_three_quarters_and_high_at_capacity() {
    let bus = EventBus::new();
    let mut sub = bus
        .subscribe(pattern("a"), SubscribeOptions::new().capacity(8))
        .unwrap();
    let delivered: usize = (0..10)
        .map(|n| bus.publish(seq_event("a", n, Priority::Low)))
        .sum();
    assert_eq!(delivered, 6);
    assert_eq!(bus.publish(seq_event("a", 10, Priority::Normal)), 1);
    assert_eq!(bus.publish(seq_event("a", 11, Priority::High)), 1);
    assert_eq!(bus.publish(seq_event("a", 12, Priority::High)), 0);
    assert_eq!(sub.stats().dropped, 5);
    assert_eq!(drain(&mut sub), [11, 0, 1, 2, 3, 4, 5, 10]);
    // Room again once drained.
    assert_eq!(bus.publish(seq_event("a", 13, Priority::Low)), 1);
}

#[test]
fn overlapping_patterns_deliver_once() {
    let bus = EventBus::new();
    let mut sub = bus
        .subscribe(pattern("a.*"), SubscribeOptions::new())
        .unwrap();
    sub.add_pattern(pattern("a.>")).unwrap();
    sub.add_pattern(pattern("a.b")).unwrap();
    sub.add_pattern(pattern("a.b")).unwrap();
    assert_eq!(sub.patterns().len(), 3);
    assert_eq!(bus.publish(seq_event("a.b", 1, Priority::Normal)), 1);
    assert_eq!(bus.publish(seq_event("a.b.c", 2, Priority::Normal)), 1);
    assert_eq!(bus.publish(seq_event("b", 3, Priority::Normal)), 0);
    assert_eq!(drain(&mut sub), [1, 2]);

    assert!(sub.remove_pattern(&pattern("a.>")));
    assert!(!sub.remove_pattern(&pattern("a.>")));
    assert_eq!(bus.publish(seq_event("a.b.c", 4, Priority::Normal)), 0);
    assert_eq!(bus.publish(seq_event("a.x", 5, Priority::Normal)), 1);
    assert_eq!(drain(&mut sub), [5]);
}

#[test]
fn room_limited_subscribers_see_only_their_rooms() {
    let bus = EventBus::new();
    let mut lobby = bus
        .subscribe(pattern("chat"), SubscribeOptions::new().rooms(["lobby"]))
        .unwrap();
    let mut all = bus
        .subscribe(pattern("chat"), SubscribeOptions::new())
        .unwrap();
    let in_room = |room: &str, n| Event::builder(topic("chat")).room(room).payload(Seq(n));
    bus.publish(in_room("lobby", 1));
    bus.publish(in_room("movies", 2));
    bus.publish(seq_event("chat", 3, Priority::Normal));
    assert_eq!(drain(&mut lobby), [1, 3]);
    assert_eq!(drain(&mut all), [1, 2, 3]);

    let _inbox = bus
        .inbox("greeter", SubscribeOptions::new().rooms(["lobby"]))
        .unwrap();
    let err = bus.send("greeter", in_room("movies", 4)).unwrap_err();
    assert!(matches!(err, Error::RoomNotServed { ref room, .. } if room == "movies"));
    bus.send("greeter", in_room("lobby", 5)).unwrap();
}

#[test]
fn dropping_a_subscription_unsubscribes() {
    let bus = EventBus::new();
    let sub = bus
        .subscribe(pattern("a"), SubscribeOptions::new())
        .unwrap();
    assert_eq!(bus.publish(seq_event("a", 1, Priority::Normal)), 1);
    drop(sub);
    assert_eq!(bus.publish(seq_event("a", 2, Priority::Normal)), 0);
    let stats = bus.stats();
    assert!(stats.subscribers.is_empty());
    assert_eq!(stats.unrouted, 1);
}

#[tokio::test]
async fn unsubscribe_owner_removes_all_its_subscriptions() {
    let bus = EventBus::new();
    let mine = SubscribeOptions::new().owner("m");
    let mut a = bus.subscribe(pattern("x.*"), mine.clone()).unwrap();
    let mut b = bus.subscribe(pattern("y"), mine).unwrap();
    let mut inbox = bus.inbox("m", SubscribeOptions::new()).unwrap();
    let mut other = bus
        .subscribe(pattern("x.*"), SubscribeOptions::new().owner("n"))
        .unwrap();
    bus.publish(seq_event("x.1", 1, Priority::Normal));
    assert_eq!(bus.unsubscribe_owner("m"), 3);
    assert_eq!(bus.unsubscribe_owner("m"), 0);
    assert!(a.is_closed() && b.is_closed() && inbox.is_closed());
    assert!(!other.is_closed());
    // Queued events are still delivered, then the streams end.
    assert_eq!(a.recv().await.unwrap().payload::<Seq>().unwrap().0, 1);
    assert!(a.recv().await.is_none());
    assert!(b.recv().await.is_none());
    assert!(inbox.recv().await.is_none());
    assert!(matches!(
        bus.send("m", seq_event("z", 0, Priority::Normal)),
        Err(Error::UnknownTarget { .. })
    ));
    assert_eq!(bus.publish(seq_event("x.2", 2, Priority::Normal)), 1);
    assert_eq!(drain(&mut other), [1, 2]);
}

#[tokio::test]
async fn unsubscribe_wakes_a_waiting_receiver() {
    let bus = EventBus::new();
    let mut sub = bus
        .subscribe(pattern("a"), SubscribeOptions::new().owner("m"))
        .unwrap();
    let waiter = tokio::spawn(async move { sub.recv().await.is_none() });
    // One runtime thread: yielding once lets the waiter reach its await.
    tokio::task::yield_now().await;
    bus.unsubscribe_owner("m");
    assert!(
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .unwrap()
            .unwrap()
    );
}

#[test]
fn capacities_come_from_options_then_rules_then_default() {
    let bus = EventBus::builder()
        .default_capacity(50)
        .capacity(pattern("cytube.event.>"), 7)
        .capacity(pattern("cytube.>"), 9)
        .build()
        .unwrap();
    let cap =
        |p: &str, opts: SubscribeOptions| bus.subscribe(pattern(p), opts).unwrap().stats().capacity;
    assert_eq!(cap("cytube.event.chatMsg", SubscribeOptions::new()), 7);
    assert_eq!(cap("cytube.event.*", SubscribeOptions::new()), 7);
    assert_eq!(cap("cytube.send.chat", SubscribeOptions::new()), 9);
    assert_eq!(cap("cytube.>", SubscribeOptions::new()), 9);
    assert_eq!(cap(">", SubscribeOptions::new()), 50);
    assert_eq!(
        cap("cytube.event.x", SubscribeOptions::new().capacity(3)),
        3
    );
}

#[test]
fn zero_capacities_are_config_errors() {
    let err = EventBus::builder().default_capacity(0).build().unwrap_err();
    assert!(matches!(err, Error::InvalidConfig { ref key, .. } if key == "bus.default_capacity"));
    let err = EventBus::builder()
        .capacity(pattern("a.>"), 0)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("bus.capacity.\"a.>\""), "{err}");
    let bus = EventBus::new();
    let err = bus
        .subscribe(pattern("a"), SubscribeOptions::new().capacity(0))
        .unwrap_err();
    assert!(matches!(err, Error::InvalidConfig { .. }));
}

#[test]
fn bus_config_parses_and_rejects_bad_patterns() {
    let config: BusConfig =
        serde_json::from_str(r#"{"default_capacity": 10, "capacity": {"cytube.event.>": 1000}}"#)
            .unwrap();
    assert_eq!(config.capacity_for(&pattern("cytube.event.chatMsg")), 1000);
    assert_eq!(config.capacity_for(&pattern("other")), 10);
    let err = serde_json::from_str::<BusConfig>(r#"{"capacity": {"cytube..x": 5}}"#).unwrap_err();
    assert!(err.to_string().contains("segment 1 is empty"), "{err}");
    let err = serde_json::from_str::<BusConfig>(r#"{"capacty": {}}"#).unwrap_err();
    assert!(err.to_string().contains("unknown field `capacty`"), "{err}");
}

#[test]
fn sends_reach_one_inbox_and_fail_clearly() {
    let bus = EventBus::new();
    let mut inbox = bus
        .inbox("economy", SubscribeOptions::new().capacity(1))
        .unwrap();
    let mut watcher = bus
        .subscribe(pattern(">"), SubscribeOptions::new())
        .unwrap();
    bus.send("economy", seq_event("economy.give", 1, Priority::Normal))
        .unwrap();
    let got = inbox.try_recv().unwrap();
    assert_eq!(got.target(), Some("economy"));
    assert!(watcher.try_recv().is_none(), "a send is not a publish");

    assert!(matches!(
        bus.inbox("economy", SubscribeOptions::new()),
        Err(Error::InboxTaken { ref name }) if name == "economy"
    ));
    assert!(matches!(
        bus.send("nobody", seq_event("x", 0, Priority::Normal)),
        Err(Error::UnknownTarget { ref target }) if target == "nobody"
    ));
    bus.send("economy", seq_event("x", 2, Priority::Normal))
        .unwrap();
    assert!(matches!(
        bus.send("economy", seq_event("x", 3, Priority::Normal)),
        Err(Error::MailboxFull { capacity: 1, .. })
    ));
    let stats = bus.stats();
    assert_eq!((stats.sent, stats.dropped), (2, 1));
}

#[tokio::test]
async fn subscriptions_are_streams() {
    let bus = EventBus::new();
    let sub = bus
        .subscribe(pattern("s.*"), SubscribeOptions::new())
        .unwrap();
    for n in 0..5 {
        bus.publish(seq_event("s.x", n, Priority::Normal));
    }
    let got: Vec<u64> = sub
        .take(3)
        .map(|e| e.payload::<Seq>().unwrap().0)
        .collect()
        .await;
    assert_eq!(got, [0, 1, 2]);
}
