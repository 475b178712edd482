//! Topic and pattern grammar, matching and covering, against a reference
//! matcher with proptest.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use daz_core::{Error, MAX_TOPIC_LEN, Pattern, Topic, TopicRule};
use proptest::prelude::*;

fn topic_rule(input: &str) -> TopicRule {
    match Topic::new(input) {
        Err(Error::InvalidTopic { rule, .. }) => rule,
        other => panic!("{input:?} should be an invalid topic, got {other:?}"),
    }
}

fn pattern_rule(input: &str) -> TopicRule {
    match Pattern::new(input) {
        Err(Error::InvalidPattern { rule, .. }) => rule,
        other => panic!("{input:?} should be an invalid pattern, got {other:?}"),
    }
}

#[test]
fn valid_topics_and_patterns() {
    for ok in [
        "a",
        "cytube.event.chatMsg",
        "command.economy.give",
        "x-y_z.0",
    ] {
        assert_eq!(Topic::new(ok).unwrap().as_str(), ok);
        assert_eq!(Pattern::new(ok).unwrap().as_str(), ok);
    }
    for ok in ["*", ">", "cytube.*.chatMsg", "cytube.>", "*.*.>"] {
        assert_eq!(Pattern::new(ok).unwrap().as_str(), ok);
    }
}

#[test]
fn invalid_topics_name_the_rule() {
    assert_eq!(topic_rule(""), TopicRule::Empty);
    assert_eq!(topic_rule(".a"), TopicRule::EmptySegment { segment: 0 });
    assert_eq!(topic_rule("a..b"), TopicRule::EmptySegment { segment: 1 });
    assert_eq!(topic_rule("a.b."), TopicRule::EmptySegment { segment: 2 });
    assert_eq!(topic_rule("a.b c"), TopicRule::BadCharacter { offset: 3 });
    assert_eq!(topic_rule("a.é"), TopicRule::BadCharacter { offset: 2 });
    assert_eq!(topic_rule("a.*"), TopicRule::WildcardInTopic { segment: 1 });
    assert_eq!(topic_rule("a.>"), TopicRule::WildcardInTopic { segment: 1 });
    assert_eq!(
        topic_rule("chat*"),
        TopicRule::WildcardInTopic { segment: 0 }
    );
    let long = "a".repeat(MAX_TOPIC_LEN + 1);
    assert_eq!(
        topic_rule(&long),
        TopicRule::TooLong {
            len: MAX_TOPIC_LEN + 1
        }
    );
    assert!(Topic::new("a".repeat(MAX_TOPIC_LEN)).is_ok());
}

#[test]
fn invalid_patterns_name_the_rule() {
    assert_eq!(pattern_rule(""), TopicRule::Empty);
    assert_eq!(pattern_rule("a.>.b"), TopicRule::TailNotLast { segment: 1 });
    assert_eq!(
        pattern_rule("a.b*"),
        TopicRule::PartialWildcard { segment: 1 }
    );
    assert_eq!(
        pattern_rule("a.>b"),
        TopicRule::PartialWildcard { segment: 1 }
    );
    assert_eq!(
        pattern_rule("**"),
        TopicRule::PartialWildcard { segment: 0 }
    );
    assert_eq!(pattern_rule("a..*"), TopicRule::EmptySegment { segment: 1 });
}

#[test]
fn error_messages_name_input_and_fix() {
    let err = Topic::new("cytube.event.chat msg").unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid topic \"cytube.event.chat msg\": character ' ' at byte 17 is not allowed; \
         use letters, digits, '_' or '-'"
    );
    let err = Pattern::new("a.>.b").unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid pattern \"a.>.b\": '>' is segment 1 but not the last; \
         it matches the whole tail and must end the pattern"
    );
}

#[test]
fn constants_and_serde() {
    const T: Topic = Topic::from_static("demo.tick");
    const P: Pattern = Pattern::from_static("demo.*");
    assert!(P.matches(&T));
    let json = serde_json::to_string(&T).unwrap();
    assert_eq!(json, "\"demo.tick\"");
    let back: Topic = serde_json::from_str(&json).unwrap();
    assert_eq!(back, T);
    let bad = serde_json::from_str::<Topic>("\"demo..tick\"").unwrap_err();
    assert!(bad.to_string().contains("segment 1 is empty"), "{bad}");
    let bad = serde_json::from_str::<Pattern>("\">.x\"").unwrap_err();
    assert!(bad.to_string().contains("must end the pattern"), "{bad}");
    assert_eq!(T.join("late").unwrap(), "demo.tick.late");
    assert!(T.join("").is_err());
}

#[test]
fn matching_examples() {
    let t = |s| Topic::new(s).unwrap();
    let p = |s| Pattern::new(s).unwrap();
    assert!(p("cytube.>").matches(&t("cytube.event.chatMsg")));
    assert!(!p("cytube.>").matches(&t("cytube")));
    assert!(p("cytube.*").matches(&t("cytube.event")));
    assert!(!p("cytube.*").matches(&t("cytube.event.chatMsg")));
    assert!(!p("cytube.*").matches(&t("cytube")));
    assert!(p(">").matches(&t("a")));
    assert!(p("*.b").matches(&t("a.b")));
    assert!(!p("a.b").matches(&t("a.b.c")));
    assert!(!p("a.b.c").matches(&t("a.b")));
}

#[test]
fn covering_examples() {
    let p = |s| Pattern::new(s).unwrap();
    assert!(p("cytube.>").covers(&p("cytube.event.*")));
    assert!(!p("a.*").covers(&p("a.>")));
    assert!(p("a.>").covers(&p("a.*")));
    assert!(p("*.b").covers(&p("a.b")));
    assert!(!p("a.b").covers(&p("*.b")));
    assert!(p("a.b").covers(&p("a.b")));
}

/// A matcher written independently of the crate's: recursion over slices.
fn reference(pattern: &[&str], topic: &[&str]) -> bool {
    match (pattern.split_first(), topic.split_first()) {
        (None, None) => true,
        (Some((&">", [])), Some(_)) => true,
        (Some((&"*", p)), Some((_, t))) => reference(p, t),
        (Some((lit, p)), Some((seg, t))) => lit == seg && reference(p, t),
        _ => false,
    }
}

fn topic_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(vec!["a", "b", "c"]), 1..5).prop_map(|s| s.join("."))
}

fn pattern_strategy() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "*"]), 0..5),
        any::<bool>(),
    )
        .prop_filter_map("a pattern has at least one segment", |(mut segs, tail)| {
            if tail {
                segs.push(">");
            }
            (!segs.is_empty()).then(|| segs.join("."))
        })
}

proptest! {
    #[test]
    fn matching_agrees_with_reference(p in pattern_strategy(), t in topic_strategy()) {
        let pattern = Pattern::new(p.as_str()).unwrap();
        let topic = Topic::new(t.as_str()).unwrap();
        let p_segs: Vec<&str> = p.split('.').collect();
        let t_segs: Vec<&str> = t.split('.').collect();
        prop_assert_eq!(pattern.matches(&topic), reference(&p_segs, &t_segs));
    }

    #[test]
    fn covers_implies_matches(a in pattern_strategy(), b in pattern_strategy(), t in topic_strategy()) {
        let a = Pattern::new(a.as_str()).unwrap();
        let b = Pattern::new(b.as_str()).unwrap();
        let topic = Topic::new(t.as_str()).unwrap();
        if a.covers(&b) && b.matches(&topic) {
            prop_assert!(a.matches(&topic), "{a} covers {b} but misses {topic}");
        }
    }

    #[test]
    fn arbitrary_input_never_panics(s in ".{0,300}") {
        let topic = Topic::new(s.as_str());
        let pattern = Pattern::new(s.as_str());
        // Every topic is a pattern; a valid topic must validate as a pattern.
        if topic.is_ok() {
            prop_assert!(pattern.is_ok());
        }
        if let Err(e) = topic {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn valid_topics_round_trip(t in "[a-zA-Z0-9_-]{1,8}(\\.[a-zA-Z0-9_-]{1,8}){0,6}") {
        let topic = Topic::new(t.as_str()).unwrap();
        prop_assert_eq!(topic.as_str(), t.as_str());
        prop_assert!(Pattern::from(topic.clone()).matches(&topic));
    }
}
