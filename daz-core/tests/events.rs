//! Event envelopes and payloads: typed and JSON read the same way, and
//! mismatches are errors, never panics.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use daz_core::{Error, Event, EventId, EventPayload, Priority, Topic};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "cytube.event.chatMsg")]
struct ChatMsg {
    username: String,
    msg: String,
}

#[derive(Debug, PartialEq, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "cytube.event.addUser")]
struct AddUser {
    name: String,
    rank: f64,
}

#[test]
fn typed_payloads_are_shared_not_copied() {
    let event = Event::new(ChatMsg {
        username: "ann".into(),
        msg: "hi".into(),
    });
    let copy = event.clone();
    let original = event.payload::<ChatMsg>().unwrap();
    let read = copy.payload::<ChatMsg>().unwrap();
    assert!(read.is_borrowed());
    assert!(std::ptr::eq(&*read, &*original), "clones share one value");
    assert!(event.is_typed());
    assert_eq!(event.payload_type_name(), std::any::type_name::<ChatMsg>());
    assert_eq!(event.id(), copy.id());
    assert_eq!(read.into_owned().username, "ann");
}

#[test]
fn readdressing_shares_the_payload() {
    let event = Event::new(ChatMsg {
        username: "ann".into(),
        msg: "hi".into(),
    });
    let sent = event.with_target("greeter");
    assert_eq!(sent.target(), Some("greeter"));
    assert_eq!(event.target(), None);
    assert_eq!(sent.id(), event.id());
    let (a, b) = (
        event.payload::<ChatMsg>().unwrap(),
        sent.payload::<ChatMsg>().unwrap(),
    );
    assert!(std::ptr::eq(&*a, &*b));
}

#[test]
fn json_payloads_read_as_the_typed_value() {
    let event =
        Event::builder(ChatMsg::TOPIC).json(serde_json::json!({"username": "bob", "msg": "yo"}));
    assert!(!event.payload::<ChatMsg>().unwrap().is_borrowed());
    assert_eq!(
        *event.payload::<ChatMsg>().unwrap(),
        ChatMsg {
            username: "bob".into(),
            msg: "yo".into()
        }
    );
    assert_eq!(
        event.json_payload(),
        Some(&serde_json::json!({"username": "bob", "msg": "yo"}))
    );
}

#[test]
fn typed_payloads_serialize_to_json() {
    let event = Event::new(AddUser {
        name: "cat".into(),
        rank: 1.5,
    });
    assert_eq!(
        event.payload_json().unwrap(),
        serde_json::json!({"name": "cat", "rank": 1.5})
    );
}

#[test]
fn wrong_types_are_errors() {
    let event = Event::new(AddUser {
        name: "cat".into(),
        rank: 2.0,
    });
    let err = event.payload::<ChatMsg>().unwrap_err();
    assert!(matches!(err, Error::PayloadType { ref topic, .. } if topic == "cytube.event.addUser"));
    assert!(err.to_string().contains("AddUser"), "{err}");

    let event = Event::builder(ChatMsg::TOPIC).json(serde_json::json!({"username": 5}));
    let err = event.payload::<ChatMsg>().unwrap_err();
    assert!(matches!(err, Error::PayloadDecode { .. }));
    assert!(err.to_string().contains("cytube.event.chatMsg"), "{err}");
}

#[test]
fn empty_payloads_read_as_null() {
    let event = Event::builder(Topic::new("tick").unwrap()).build();
    assert!(event.payload::<()>().is_ok());
    assert_eq!(*event.payload::<Option<u32>>().unwrap(), None);
    assert_eq!(event.payload_json().unwrap(), serde_json::Value::Null);
    assert!(event.payload::<ChatMsg>().is_err());
}

#[test]
fn a_target_given_at_build_reads_back_and_can_be_replaced() {
    let event = Event::builder(Topic::new("a.b").unwrap())
        .target("n")
        .json(serde_json::json!(1));
    assert_eq!(event.target(), Some("n"));
    assert_eq!(event.correlation_id(), None);
    let moved = event.with_target("m");
    assert_eq!(moved.target(), Some("m"));
    assert_eq!(moved.id(), event.id());
    assert_eq!(event.target(), Some("n"));
    let untargeted = Event::builder(Topic::new("a.b").unwrap()).build();
    assert_eq!(untargeted.target(), None);
}

#[test]
fn envelope_fields_and_defaults() {
    let corr = EventId::next();
    let event = Event::builder(Topic::new("a.b").unwrap())
        .source("m")
        .target("n")
        .correlation(corr, "_reply.x")
        .room("lobby")
        .priority(Priority::High)
        .tag("k", "v")
        .loggable(false)
        .build();
    assert_eq!(event.source(), Some("m"));
    assert_eq!(event.target(), Some("n"));
    assert_eq!(event.room(), Some("lobby"));
    assert_eq!(event.priority(), Priority::High);
    assert_eq!(event.tags().get("k").map(String::as_str), Some("v"));
    assert!(!event.is_loggable());
    assert_eq!(event.correlation_id(), Some(corr));
    assert_eq!(event.reply_to(), Some("_reply.x"));
    let age = std::time::SystemTime::now()
        .duration_since(event.timestamp())
        .unwrap();
    assert!(age < std::time::Duration::from_secs(5), "{age:?}");

    let plain = Event::builder(Topic::new("a.b").unwrap()).build();
    assert_eq!(plain.priority(), Priority::Normal);
    assert!(plain.is_loggable());
    assert_eq!(plain.correlation_id(), None);
    assert!(plain.tags().is_empty());
    assert_ne!(plain.id(), event.id());
}

#[test]
fn event_ids_are_unique_and_round_trip() {
    let ids: std::collections::HashSet<EventId> = (0..10_000).map(|_| EventId::next()).collect();
    assert_eq!(ids.len(), 10_000);
    let id = EventId::next();
    let text = id.to_string();
    assert_eq!(text.len(), 32);
    assert_eq!(text.parse::<EventId>().unwrap(), id);
    let json = serde_json::to_string(&id).unwrap();
    assert_eq!(serde_json::from_str::<EventId>(&json).unwrap(), id);
    assert!("not-hex".parse::<EventId>().is_err());
}
