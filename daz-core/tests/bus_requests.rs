//! Request/response: correlation, timeouts, late replies, failures.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::{Error, Event, EventBus, SubscribeOptions, Topic};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "test.double")]
struct Double(u64);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_each_get_their_own_reply() {
    const N: u64 = 200;
    const N_USIZE: usize = 200;
    let bus = EventBus::new();
    let mut inbox = bus.inbox("doubler", SubscribeOptions::new()).unwrap();
    let responder = bus.clone();
    // Collect every request, then answer in reverse order, so replies come
    // back in a different order from the requests.
    let server = tokio::spawn(async move {
        let mut held = Vec::new();
        while held.len() < N_USIZE {
            held.push(inbox.recv().await.unwrap());
        }
        for request in held.into_iter().rev() {
            let n = request.payload::<Double>().unwrap().0;
            responder
                .reply(&request, Event::new(Double(n * 2)))
                .unwrap();
        }
    });
    let calls = (0..N).map(|n| {
        let bus = bus.clone();
        tokio::spawn(async move {
            let reply = bus
                .request("doubler", Event::new(Double(n)), Duration::from_secs(10))
                .await
                .unwrap();
            (n, reply.payload::<Double>().unwrap().0)
        })
    });
    let results = futures::future::join_all(calls).await;
    for result in results {
        let (n, doubled) = result.unwrap();
        assert_eq!(doubled, n * 2);
    }
    server.await.unwrap();
    let stats = bus.stats();
    assert_eq!(
        (stats.requests, stats.timeouts, stats.late_replies),
        (N, 0, 0)
    );
    assert_eq!(bus.pending_requests(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_late_reply_is_counted_and_dropped() {
    let bus = EventBus::new();
    let mut inbox = bus.inbox("slow", SubscribeOptions::new()).unwrap();
    let started = tokio::time::Instant::now();
    let err = bus
        .request("slow", Event::new(Double(1)), Duration::from_millis(250))
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), Duration::from_millis(250));
    assert!(
        matches!(err, Error::RequestTimeout { ref target, timeout, .. }
            if target == "slow" && timeout == Duration::from_millis(250)),
        "{err}"
    );
    assert_eq!(bus.pending_requests(), 0);

    // The responder answers too late: the reply goes nowhere.
    let request = inbox.try_recv().unwrap();
    assert!(request.correlation_id().is_some());
    let late = bus.reply(&request, Event::new(Double(2))).unwrap_err();
    assert!(matches!(late, Error::RequestExpired { .. }), "{late}");

    // A second request, answered in time, gets its own reply, not the late one.
    let asker = bus.clone();
    let call = tokio::spawn(async move {
        asker
            .request("slow", Event::new(Double(3)), Duration::from_secs(1))
            .await
    });
    let request = inbox.recv().await.unwrap();
    bus.reply(&request, Event::new(Double(6))).unwrap();
    let reply = call.await.unwrap().unwrap();
    assert_eq!(reply.payload::<Double>().unwrap().0, 6);
    assert_eq!(reply.correlation_id(), request.correlation_id());
    // Answering twice counts the second as late.
    assert!(bus.reply(&request, Event::new(Double(7))).is_err());

    let stats = bus.stats();
    assert_eq!(
        (stats.requests, stats.timeouts, stats.late_replies),
        (2, 1, 2)
    );
}

#[tokio::test]
async fn requests_to_unknown_or_full_targets_fail_at_once() {
    let bus = EventBus::new();
    let err = bus
        .request("nobody", Event::new(Double(1)), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::UnknownTarget { .. }));
    let _full = bus
        .inbox("full", SubscribeOptions::new().capacity(1))
        .unwrap();
    bus.send("full", Event::new(Double(0))).unwrap();
    let err = bus
        .request("full", Event::new(Double(1)), Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::MailboxFull { .. }));
    assert_eq!(bus.pending_requests(), 0);
}

#[tokio::test]
async fn cancelling_a_request_frees_its_slot() {
    let bus = EventBus::new();
    let mut inbox = bus.inbox("svc", SubscribeOptions::new()).unwrap();
    let asker = bus.clone();
    let call = tokio::spawn(async move {
        asker
            .request("svc", Event::new(Double(1)), Duration::from_secs(60))
            .await
    });
    let request = inbox.recv().await.unwrap();
    assert_eq!(bus.pending_requests(), 1);
    call.abort();
    assert!(call.await.unwrap_err().is_cancelled());
    assert_eq!(bus.pending_requests(), 0);
    assert!(matches!(
        bus.reply(&request, Event::new(Double(2))),
        Err(Error::RequestExpired { .. })
    ));
}

#[tokio::test]
async fn replying_to_a_plain_event_is_an_error() {
    let bus = EventBus::new();
    let event = Event::builder(Topic::new("a.b").unwrap()).build();
    let err = bus.reply(&event, event.clone()).unwrap_err();
    assert!(matches!(err, Error::NotARequest { ref topic } if topic == "a.b"));
}

#[tokio::test]
async fn json_requests_and_replies_read_as_typed() {
    let bus = EventBus::new();
    let mut inbox = bus.inbox("svc", SubscribeOptions::new()).unwrap();
    let responder = bus.clone();
    tokio::spawn(async move {
        while let Some(request) = inbox.recv().await {
            let n = request.payload::<Double>().unwrap().0;
            let reply = Event::builder(Topic::new("test.double.reply").unwrap())
                .json(serde_json::json!(n * 2));
            responder.reply(&request, reply).unwrap();
        }
    });
    let request = Event::builder(Double::TOPIC_FOR_TEST)
        .source("asker")
        .json(serde_json::json!(21));
    let reply = bus
        .request("svc", request, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(reply.payload::<Double>().unwrap().0, 42);
    assert_eq!(reply.target(), Some("asker"));
}

impl Double {
    const TOPIC_FOR_TEST: Topic = <Self as daz_core::EventPayload>::TOPIC;
}
