//! The NATS transport against the real NATS server (`DAZ_TEST_NATS_URL`):
//! events both ways without loops, sends and requests across processes
//! with the bus's own semantics, a module replaced while the bot runs,
//! and a connection cut and restored.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/peers.rs"]
mod peers;
#[path = "../../daz-sql/tests/support/proxy.rs"]
mod proxy;

use std::time::{Duration, Instant};

use daz_core::{Error, Event, Module};
use peers::{
    Ask, Collector, Forecast, Peer, Ping, Seen, Weather, eventually, nats_url, unique_prefix,
};

fn collector(seen: &Seen) -> Vec<Box<dyn Module>> {
    vec![Box::new(Collector { seen: seen.clone() })]
}

fn weather(version: u32, sent: &Seen) -> Vec<Box<dyn Module>> {
    vec![Box::new(Weather {
        version,
        sent: sent.clone(),
    })]
}

fn pings(seen: &Seen) -> Vec<(u64, Option<String>)> {
    let seen = seen.lock().unwrap();
    seen.iter().map(|(_, n, o)| (*n, o.clone())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_cross_both_ways_once_and_never_loop() {
    let Some(url) = nats_url() else { return };
    let prefix = unique_prefix("events");
    let (seen_a, seen_b) = (Seen::default(), Seen::default());
    let export = "export = [\"demo.>\"]";
    let a = Peer::start(&url, &prefix, "a", export, collector(&seen_a));
    let b = Peer::start(&url, &prefix, "b", export, collector(&seen_b));
    a.knows("b").await;
    b.knows("a").await;

    a.handle.bus().publish(Event::new(Ping { n: 1 }));
    b.handle.bus().publish(Event::new(Ping { n: 2 }));
    eventually("both sides have both pings", || {
        pings(&seen_a).len() == 2 && pings(&seen_b).len() == 2
    })
    .await;
    // A second round: each side exports on one connection, in order, so an
    // echo of the first pings (a loop) would arrive before these do.
    a.handle.bus().publish(Event::new(Ping { n: 3 }));
    b.handle.bus().publish(Event::new(Ping { n: 4 }));
    eventually("each side has the other's second ping", || {
        pings(&seen_a).iter().any(|(n, _)| *n == 4) && pings(&seen_b).iter().any(|(n, _)| *n == 3)
    })
    .await;

    let (from_a, from_b) = (Some("a".to_owned()), Some("b".to_owned()));
    let mut at_a = pings(&seen_a);
    at_a.sort();
    assert_eq!(
        at_a,
        [(1, None), (2, from_b.clone()), (3, None), (4, from_b)]
    );
    let mut at_b = pings(&seen_b);
    at_b.sort();
    assert_eq!(
        at_b,
        [(1, from_a.clone()), (2, None), (3, from_a), (4, None)]
    );
    let (sa, sb) = (a.nats.stats(), b.nats.stats());
    assert_eq!((sa.exported, sa.imported), (2, 2), "{sa:?}");
    assert_eq!((sb.exported, sb.imported), (2, 2), "{sb:?}");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sends_and_requests_reach_a_module_in_another_process() {
    let Some(url) = nats_url() else { return };
    let prefix = unique_prefix("requests");
    let sent = Seen::default();
    let a = Peer::start(&url, &prefix, "a", "", Vec::new());
    let b = Peer::start(&url, &prefix, "b", "", weather(1, &sent));
    a.knows("b").await;
    let bus = a.handle.bus().clone();
    eventually("a stands in for weather", || {
        bus.stats()
            .subscribers
            .iter()
            .any(|s| s.inbox.as_deref() == Some("weather"))
    })
    .await;

    let ask = |city: &str, sleep_ms| {
        Event::new(Ask {
            city: city.into(),
            sleep_ms,
        })
    };
    let reply = bus
        .request("weather", ask("Oslo", 0), Duration::from_secs(5))
        .await
        .unwrap();
    let forecast = reply.payload::<Forecast>().unwrap().into_owned();
    assert_eq!(
        forecast,
        Forecast {
            city: "Oslo".into(),
            celsius: 21,
            version: 1
        }
    );
    assert_eq!(reply.topic(), "weather.forecast");

    // The module's error comes back as the bus's RequestFailed.
    match bus
        .request("weather", ask("Paris", 0), Duration::from_secs(5))
        .await
    {
        Err(Error::RequestFailed { message, .. }) => {
            assert!(message.contains("no such city"), "{message}")
        }
        other => panic!("expected RequestFailed, got {other:?}"),
    }

    // The caller's timeout holds across the hop.
    let started = Instant::now();
    match bus
        .request("weather", ask("Rome", 2_000), Duration::from_millis(300))
        .await
    {
        Err(Error::RequestTimeout { timeout, .. }) => {
            assert_eq!(timeout, Duration::from_millis(300))
        }
        // The deadline travels with the request: the far side may give up
        // a moment before the caller's own timer and say so.
        Err(Error::RequestFailed { message, .. }) if message.contains("got no reply within") => {}
        other => panic!("expected a timeout, got {other:?}"),
    }
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(300) && waited < Duration::from_millis(1_500));

    // An inbox no process serves fails at once.
    let started = Instant::now();
    match bus
        .request("nobody", ask("Oslo", 0), Duration::from_secs(5))
        .await
    {
        Err(Error::UnknownTarget { target }) => assert_eq!(target, "nobody"),
        other => panic!("expected UnknownTarget, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_millis(100));

    // Sends arrive in order, with their source.
    for n in 0..200 {
        let ping = Event::builder(<Ping as daz_core::EventPayload>::TOPIC)
            .source("pinger")
            .payload(Ping { n });
        bus.send("weather", ping).unwrap();
    }
    eventually("200 sends arrive", || sent.lock().unwrap().len() == 200).await;
    let order: Vec<u64> = sent.lock().unwrap().iter().map(|(_, n, _)| *n).collect();
    assert_eq!(order, (0..200).collect::<Vec<_>>());
    assert!(
        sent.lock()
            .unwrap()
            .iter()
            .all(|(_, _, source)| source.as_deref() == Some("pinger"))
    );
    assert_eq!(a.nats.stats().undelivered, 0);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_module_is_replaced_while_the_bot_runs() {
    let Some(url) = nats_url() else { return };
    let prefix = unique_prefix("replace");
    let sent = Seen::default();
    let bot = Peer::start(&url, &prefix, "bot", "", Vec::new());
    let v1 = Peer::start(&url, &prefix, "weather-v1", "", weather(1, &sent));
    bot.knows("weather-v1").await;
    let bus = bot.handle.bus().clone();
    let ask = || {
        Event::new(Ask {
            city: "Oslo".into(),
            sleep_ms: 0,
        })
    };
    let version = |reply: Event| reply.payload::<Forecast>().unwrap().version;
    eventually("weather is reachable", || {
        bus.send("weather", Event::new(Ping { n: 0 })).is_ok()
    })
    .await;
    let reply = bus.request("weather", ask(), Duration::from_secs(5)).await;
    assert_eq!(version(reply.unwrap()), 1);

    v1.stop().await;
    // It said goodbye: the bot stops standing in for it at once.
    eventually("weather is gone", || {
        matches!(
            bus.send("weather", Event::new(Ping { n: 1 })),
            Err(Error::UnknownTarget { .. })
        )
    })
    .await;

    let v2 = Peer::start(&url, &prefix, "weather-v2", "", weather(2, &sent));
    bot.knows("weather-v2").await;
    eventually("weather is back", || {
        bus.send("weather", Event::new(Ping { n: 2 })).is_ok()
    })
    .await;
    let reply = bus.request("weather", ask(), Duration::from_secs(5)).await;
    assert_eq!(version(reply.unwrap()), 2, "the new version answers");
    assert!(!bot.nats.stats().peers.contains(&"weather-v1".to_owned()));
    v2.stop().await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_connection_degrades_counts_and_recovers() {
    let Some(url) = nats_url() else { return };
    let upstream = url.trim_start_matches("nats://").to_owned();
    let proxy = proxy::Proxy::start(&upstream).await;
    let prefix = unique_prefix("outage");
    let (seen_a, seen_b) = (Seen::default(), Seen::default());
    let export = "export = [\"demo.>\"]";
    let via_proxy = format!("nats://127.0.0.1:{}", proxy.port);
    let a = Peer::start(&via_proxy, &prefix, "a", export, collector(&seen_a));
    let b = Peer::start(&url, &prefix, "b", "", collector(&seen_b));
    a.knows("b").await;
    let bus = a.handle.bus().clone();
    bus.publish(Event::new(Ping { n: 1 }));
    eventually("b has ping 1", || pings(&seen_b).len() == 1).await;

    proxy.cut();
    let nats = a.nats.clone();
    eventually("a sees the loss", || !nats.stats().connected).await;
    // Health is polled every second: the transport reports itself degraded.
    let started = Instant::now();
    loop {
        let list = a.handle.modules().await.unwrap();
        let transport = list.modules.iter().find(|m| m.name == "nats").unwrap();
        if let daz_core::Health::Degraded(reason) = &transport.health {
            assert!(reason.contains("not connected to NATS"), "{reason}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{:?}",
            transport.health
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for n in 2..=11 {
        bus.publish(Event::new(Ping { n }));
    }
    eventually("local delivery goes on", || pings(&seen_a).len() == 11).await;
    assert_eq!(a.nats.stats().not_forwarded, 10);

    proxy.restore().await;
    eventually("a reconnects", || nats.stats().connected).await;
    assert_eq!(a.nats.stats().reconnects, 1);
    bus.publish(Event::new(Ping { n: 12 }));
    eventually("b has ping 12", || {
        pings(&seen_b).iter().any(|(n, _)| *n == 12)
    })
    .await;
    let at_b: Vec<u64> = pings(&seen_b).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        at_b,
        [1, 12],
        "what was not forwarded is counted, not replayed"
    );
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn durable_topics_reach_a_receiver_that_was_down() {
    let Some(url) = nats_url() else { return };
    let prefix = unique_prefix("durable");
    let audit = daz_core::Topic::new("demo.audit").unwrap();
    let audit_event = |n| Event::builder(audit.clone()).payload(Ping { n });
    let a = Peer::start(
        &url,
        &prefix,
        "a",
        "export = [\"demo.>\"]\nkeep = [\"demo.audit\"]",
        Vec::new(),
    );
    let durable = "durable = [\"demo.audit\"]";
    let seen = Seen::default();
    let b = Peer::start(&url, &prefix, "b", durable, collector(&seen));
    a.knows("b").await;
    a.handle.bus().publish(audit_event(1));
    eventually("b has audit 1", || pings(&seen).len() == 1).await;

    b.stop().await;
    for n in [2, 3] {
        a.handle.bus().publish(audit_event(n));
    }
    a.handle.bus().publish(Event::new(Ping { n: 4 }));
    // b's durable consumer holding 2 and 3, undelivered, is the proof they
    // were kept while b was down (publishing is fire-and-forget), and that
    // the stopped b took nothing with it.
    let js = async_nats::jetstream::new(async_nats::connect(&url).await.unwrap());
    let stream = format!("DAZ_{}", prefix.replace('.', "_").to_uppercase());
    let mut held = (0, 0);
    for _ in 0..500 {
        let mut consumer: async_nats::jetstream::consumer::PullConsumer = js
            .get_stream(&stream)
            .await
            .unwrap()
            .get_consumer("b")
            .await
            .unwrap();
        let info = consumer.info().await.unwrap();
        held = (info.num_pending, info.num_ack_pending);
        if held.0 >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(held, (2, 0), "audits 2 and 3 wait for b, none handed out");

    let b = Peer::start(&url, &prefix, "b", durable, collector(&seen));
    eventually("b catches up", || pings(&seen).len() == 3).await;
    // A live audit after the catch-up: once it is in, anything replayed
    // (twice, or the plain ping) would have come before it.
    a.handle.bus().publish(audit_event(5));
    eventually("b has the live audit", || pings(&seen).len() >= 4).await;
    let got: Vec<u64> = pings(&seen).into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        got,
        [1, 2, 3, 5],
        "kept topics once each, in order; plain ones not replayed"
    );
    a.stop().await;
    b.stop().await;

    js.delete_stream(&stream).await.unwrap();
}

#[test]
fn durable_delivery_needs_a_fixed_name() {
    let config =
        daz_core::Config::parse("[nats]\ndurable = [\"demo.audit\"]", daz_core::Format::Toml)
            .unwrap();
    let err = daz_core::Bot::builder()
        .config(config)
        .module(daz_core::nats::NatsTransport::new())
        .build()
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("nats.durable") && err.contains("set [nats] name"),
        "{err}"
    );
}
