//! The subscription trie routes exactly as the pattern rules say: checked
//! against `Pattern::matches` for random subscription sets, including after
//! unsubscribing some of them.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use daz_core::{Event, EventBus, Pattern, SubscribeOptions, Subscription, Topic};
use proptest::prelude::*;

fn segments(
    alphabet: Vec<&'static str>,
    len: std::ops::Range<usize>,
) -> impl Strategy<Value = Vec<&'static str>> {
    prop::collection::vec(prop::sample::select(alphabet), len)
}

fn pattern_strategy() -> impl Strategy<Value = Pattern> {
    (segments(vec!["a", "b", "c", "*"], 0..4), any::<bool>()).prop_filter_map(
        "a pattern has at least one segment",
        |(mut segs, tail)| {
            if tail {
                segs.push(">");
            }
            (!segs.is_empty())
                .then(|| Pattern::new(segs.join(".")).ok())
                .flatten()
        },
    )
}

fn topic_strategy() -> impl Strategy<Value = Topic> {
    segments(vec!["a", "b", "c"], 1..5).prop_filter_map("valid", |s| Topic::new(s.join(".")).ok())
}

fn receivers(subs: &mut [(Pattern, Option<Subscription>)]) -> Vec<usize> {
    subs.iter_mut()
        .enumerate()
        .filter_map(|(i, (_, sub))| {
            let sub = sub.as_mut()?;
            let mut got = 0;
            while sub.try_recv().is_some() {
                got += 1;
            }
            assert!(got <= 1, "subscription {i} received {got} copies");
            (got == 1).then_some(i)
        })
        .collect()
}

proptest! {
    #[test]
    fn trie_routes_like_the_matcher(
        patterns in prop::collection::vec(pattern_strategy(), 1..40),
        topics in prop::collection::vec(topic_strategy(), 1..20),
        removals in prop::collection::vec(any::<prop::sample::Index>(), 0..20),
    ) {
        let bus = EventBus::new();
        let mut subs: Vec<(Pattern, Option<Subscription>)> = patterns
            .into_iter()
            .map(|p| {
                let sub = bus.subscribe(p.clone(), SubscribeOptions::new()).unwrap();
                (p, Some(sub))
            })
            .collect();
        for round in 0..2 {
            if round == 1 {
                for index in &removals {
                    let i = index.index(subs.len());
                    subs[i].1 = None;
                }
            }
            for topic in &topics {
                let expected: Vec<usize> = subs
                    .iter()
                    .enumerate()
                    .filter(|(_, (p, sub))| sub.is_some() && p.matches(topic))
                    .map(|(i, _)| i)
                    .collect();
                let delivered = bus.publish(Event::builder(topic.clone()).build());
                prop_assert_eq!(delivered, expected.len());
                prop_assert_eq!(receivers(&mut subs), expected);
            }
        }
    }
}

/// Nodes with many children switch from a list to a hash map; routing and
/// removal must not notice.
#[test]
fn wide_nodes_route_and_prune() {
    let bus = EventBus::new();
    let mut subs: Vec<Subscription> = (0..40)
        .map(|i| {
            bus.subscribe(
                Pattern::new(format!("wide.n{i}")).unwrap(),
                SubscribeOptions::new(),
            )
            .unwrap()
        })
        .collect();
    let star = bus
        .subscribe(Pattern::new("wide.*").unwrap(), SubscribeOptions::new())
        .unwrap();
    for i in 0..40 {
        let topic = Topic::new(format!("wide.n{i}")).unwrap();
        assert_eq!(bus.publish(Event::builder(topic).build()), 2, "n{i}");
    }
    for (i, sub) in subs.iter_mut().enumerate() {
        let got = sub.try_recv().unwrap();
        assert_eq!(got.topic().as_str(), format!("wide.n{i}"));
        assert!(sub.try_recv().is_none());
    }
    subs.truncate(5);
    let topic = |i: usize| Topic::new(format!("wide.n{i}")).unwrap();
    assert_eq!(bus.publish(Event::builder(topic(3)).build()), 2);
    assert_eq!(bus.publish(Event::builder(topic(30)).build()), 1);
    drop(star);
    assert_eq!(bus.publish(Event::builder(topic(30)).build()), 0);
    drop(subs);
    assert_eq!(bus.publish(Event::builder(topic(3)).build()), 0);
    assert!(bus.stats().subscribers.is_empty());
}
