//! Event envelopes and payloads: typed and JSON read the same way, and
//! mismatches are errors, never panics.

use std::sync::Arc;

use daz_core::{Error, Event, EventId, EventPayload, Priority, Topic};
use serde::{Deserialize, Serialize};

#[derive(Debug, PartialEq, Serialize, Deserialize, daz_core::Event)]
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
    let value = Arc::new(ChatMsg {
        username: "ann".into(),
        msg: "hi".into(),
    });
    let event = Event::builder(ChatMsg::TOPIC)
        .raw_payload(daz_core::Payload::shared(Arc::clone(&value)))
        .build();
    let copy = event.clone();
    let read = copy.payload::<ChatMsg>().unwrap();
    assert!(Arc::ptr_eq(&read, &value));
    assert!(event.raw_payload().is_typed());
    assert_eq!(event.id(), copy.id());
}

#[test]
fn json_payloads_read_as_the_typed_value() {
    let event = Event::builder(ChatMsg::TOPIC)
        .json(serde_json::json!({"username": "bob", "msg": "yo"}))
        .build();
    assert_eq!(
        *event.payload::<ChatMsg>().unwrap(),
        ChatMsg {
            username: "bob".into(),
            msg: "yo".into()
        }
    );
    assert_eq!(
        event.raw_payload().as_json(),
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

    let event = Event::builder(ChatMsg::TOPIC)
        .json(serde_json::json!({"username": 5}))
        .build();
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
fn envelope_fields_and_defaults() {
    let event = Event::builder(Topic::new("a.b").unwrap())
        .source("m")
        .target("n")
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
    assert_eq!(event.correlation_id(), None);

    let plain = Event::builder(Topic::new("a.b").unwrap()).build();
    assert_eq!(plain.priority(), Priority::Normal);
    assert!(plain.is_loggable());
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
