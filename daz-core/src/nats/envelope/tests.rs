use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::*;
use crate::{EventId, EventPayload};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Weather {
    city: String,
    celsius: i32,
}

impl EventPayload for Weather {
    const TOPIC: Topic = Topic::from_static("demo.weather");
}

#[test]
fn an_event_crosses_with_its_whole_envelope() -> crate::Result<()> {
    let trace = EventId::next();
    let time = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_700_000_000_123_456_789);
    let event = Event::builder(Weather::TOPIC)
        .source("weather")
        .room("lobby")
        .priority(Priority::High)
        .loggable(false)
        .trace(trace)
        .tag("city", "Oslo")
        .timestamp(time)
        .payload(Weather {
            city: "Oslo".into(),
            celsius: -3,
        });
    let (headers, body) = encode(&event, "bot-a")?;
    assert_eq!(origin(Some(&headers)), Some("bot-a"));
    let back = decode(None, Some(&headers), &body)?;
    assert_eq!(back.id(), event.id());
    assert_eq!(back.topic(), "demo.weather");
    assert_eq!(back.source(), Some("weather"));
    assert_eq!(back.room(), Some("lobby"));
    assert_eq!(back.priority(), Priority::High);
    assert!(!back.is_loggable());
    assert_eq!(back.trace_id(), trace);
    assert_eq!(back.timestamp(), time);
    assert_eq!(back.tags().get("city").map(String::as_str), Some("Oslo"));
    assert_eq!(
        back.tags().get(ORIGIN_TAG).map(String::as_str),
        Some("bot-a")
    );
    assert_eq!(
        *back.payload::<Weather>()?,
        Weather {
            city: "Oslo".into(),
            celsius: -3
        }
    );
    Ok(())
}

#[test]
fn the_origin_tag_is_never_carried_on() -> crate::Result<()> {
    let event = Event::builder(Weather::TOPIC)
        .tag(ORIGIN_TAG, "bot-b")
        .json(serde_json::json!(null));
    let (headers, _) = encode(&event, "bot-a")?;
    assert_eq!(origin(Some(&headers)), Some("bot-a"));
    assert!(headers.get("Daz-Tags").is_none());
    Ok(())
}

#[test]
fn a_line_break_in_a_header_is_refused_not_a_panic() {
    let event = Event::builder(Weather::TOPIC)
        .room("lobby\r\nDaz-Target: admin")
        .json(serde_json::json!({}));
    let err = encode(&event, "bot-a").err().map(|e| e.to_string());
    assert_eq!(
        err.as_deref(),
        Some("transport: putting an event on NATS: its Daz-Room holds a line break")
    );
}

#[test]
fn bad_messages_are_named_errors() {
    let mut h = HeaderMap::new();
    let cases: [(&str, &str, &[u8], &str); 6] = [
        ("Daz-Topic", "a..b", b"{}", "segment 1 is empty"),
        ("Daz-Id", "xyz", b"{}", "Daz-Id \"xyz\" is not an id"),
        ("Daz-Time", "-1", b"{}", "Daz-Time \"-1\" is not a number"),
        (
            "Daz-Priority",
            "urgent",
            b"{}",
            "Daz-Priority \"urgent\" is unknown",
        ),
        (
            "Daz-Tags",
            "[1]",
            b"{}",
            "Daz-Tags is not an object of strings",
        ),
        ("Daz-Source", "x", b"{not json", "payload:"),
    ];
    for (name, value, body, expected) in cases {
        h = HeaderMap::new();
        h.insert("Daz-Topic", "demo.weather");
        h.insert(name, value);
        let err = decode(None, Some(&h), body).err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(err.contains(expected), "{name}={value}: {err}");
    }
    drop(h);
    let none = decode(None, None, b"{}").err().map(|e| e.to_string());
    assert_eq!(
        none.as_deref(),
        Some("transport: reading an event from NATS: it names no topic (Daz-Topic)")
    );
}

#[test]
fn a_plain_message_reads_with_the_subjects_topic() -> crate::Result<()> {
    let topic = Topic::new("demo.weather")?;
    let event = decode(Some(topic), None, br#"{"city":"Rome","celsius":21}"#)?;
    assert_eq!(event.payload::<Weather>()?.celsius, 21);
    assert!(event.tags().is_empty());
    Ok(())
}
