//! Ticks due together go out in one batch per owner; a tick the owner cannot
//! take is counted against its task, never lost silently.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use chrono::{TimeZone, Utc};
use daz_core::schedule::Schedule;
use daz_core::{Clock, EventBus, Scheduler, SubscribeOptions, TaskOptions, Tick};

fn scheduler(bus: &EventBus) -> Scheduler {
    let start = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
    Scheduler::new(bus.clone(), Clock::starting_at(start))
}

fn after(ms: u64) -> Schedule {
    Schedule::after(Duration::from_millis(ms)).unwrap()
}

#[tokio::test(start_paused = true)]
async fn interleaved_owners_each_get_their_ticks_in_due_order() {
    let bus = EventBus::new();
    let mut a = bus.inbox("a", SubscribeOptions::new()).unwrap();
    let mut b = bus.inbox("b", SubscribeOptions::new()).unwrap();
    let scheduler = scheduler(&bus);
    // Same millisecond, owners interleaved, plus one later for each.
    for (owner, name, ms) in [
        ("a", "a1", 10),
        ("b", "b1", 10),
        ("a", "a2", 10),
        ("b", "b2", 20),
        ("a", "a3", 20),
    ] {
        scheduler
            .schedule(owner, name, after(ms), TaskOptions::new())
            .unwrap();
    }
    let driver = tokio::spawn(scheduler.clone().run());
    let names = |inbox: &mut daz_core::Subscription| {
        let mut got = Vec::new();
        while let Some(event) = inbox.try_recv() {
            assert_eq!(event.topic().as_str(), "daz.tick");
            assert_eq!(event.source(), Some("daz"));
            let tick = event.payload::<Tick>().unwrap();
            assert_eq!(event.target(), Some(&*event_owner(&tick.name)));
            got.push(tick.name.to_string());
        }
        got
    };
    tokio::time::sleep(Duration::from_millis(15)).await;
    assert_eq!(names(&mut a), ["a1", "a2"]);
    assert_eq!(names(&mut b), ["b1"]);
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(names(&mut a), ["a3"]);
    assert_eq!(names(&mut b), ["b2"]);
    assert_eq!(bus.stats().sent, 5);
    driver.abort();
}

fn event_owner(task: &str) -> String {
    task[..1].to_owned()
}

#[tokio::test(start_paused = true)]
async fn ticks_a_full_mailbox_cannot_take_are_counted_per_task() {
    let bus = EventBus::new();
    let _small = bus
        .inbox("small", SubscribeOptions::new().capacity(2))
        .unwrap();
    let scheduler = scheduler(&bus);
    let ids: Vec<_> = (0..5)
        .map(|i| {
            let name = format!("t{i}");
            scheduler
                .schedule("small", &name, after(5), TaskOptions::new())
                .unwrap()
        })
        .collect();
    let driver = tokio::spawn(scheduler.clone().run());
    tokio::time::sleep(Duration::from_millis(10)).await;
    // One-shots are done either way; the three that did not fit are
    // counted as dropped by the bus.
    assert!(
        scheduler.list(Some("small")).is_empty(),
        "{:?}",
        scheduler.list(None)
    );
    let stats = bus.stats();
    assert_eq!((stats.sent, stats.dropped), (2, 3));
    assert_eq!(ids.len(), 5);
    driver.abort();
}

#[tokio::test(start_paused = true)]
async fn an_interval_whose_owner_has_no_inbox_counts_failures() {
    let bus = EventBus::new();
    let scheduler = scheduler(&bus);
    let id = scheduler
        .schedule(
            "nobody",
            "beat",
            Schedule::every(Duration::from_millis(10)).unwrap(),
            TaskOptions::new(),
        )
        .unwrap();
    let driver = tokio::spawn(scheduler.clone().run());
    tokio::time::sleep(Duration::from_millis(35)).await;
    let task = scheduler
        .list(None)
        .into_iter()
        .find(|t| t.id == id)
        .unwrap();
    assert_eq!((task.runs, task.failures), (3, 3));
    assert_eq!(bus.stats().sent, 0);
    driver.abort();
}

#[tokio::test(start_paused = true)]
async fn a_one_shot_before_1970_is_due_at_once() {
    let bus = EventBus::new();
    let mut inbox = bus.inbox("old", SubscribeOptions::new()).unwrap();
    let scheduler = scheduler(&bus);
    let past = Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap();
    scheduler
        .schedule("old", "past", Schedule::at(past), TaskOptions::new())
        .unwrap();
    let driver = tokio::spawn(scheduler.clone().run());
    tokio::time::sleep(Duration::from_millis(1)).await;
    let event = inbox.try_recv().expect("a tick");
    assert_eq!(event.payload::<Tick>().unwrap().due, past);
    driver.abort();
}

#[tokio::test(start_paused = true)]
async fn replacing_long_timers_over_and_over_still_fires_the_live_one() {
    let bus = EventBus::new();
    let mut inbox = bus.inbox("remind", SubscribeOptions::new()).unwrap();
    let scheduler = scheduler(&bus);
    // Each new reminder replaces the last: thousands of stale timers, a
    // day out, compacted away as they pile up.
    let mut last = None;
    for i in 0..5_000u64 {
        if let Some(id) = last {
            assert!(scheduler.cancel(id));
        }
        let delay = Schedule::after(Duration::from_secs(86_400 - i)).unwrap();
        last = Some(
            scheduler
                .schedule("remind", "soon", delay, TaskOptions::new())
                .unwrap(),
        );
    }
    let driver = tokio::spawn(scheduler.clone().run());
    tokio::time::sleep(Duration::from_secs(86_400)).await;
    let tick = inbox.try_recv().expect("the live reminder");
    assert_eq!(tick.payload::<Tick>().unwrap().task, last.unwrap());
    assert!(inbox.try_recv().is_none());
    assert!(scheduler.list(None).is_empty());
    driver.abort();
}
