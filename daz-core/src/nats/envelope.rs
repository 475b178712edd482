//! An event on NATS: the envelope in headers, the payload as JSON.
//!
//! | header | value |
//! | --- | --- |
//! | `Daz-Id` | the event id, 32 hex digits |
//! | `Daz-Topic` | the topic (also the subject's tail for published events) |
//! | `Daz-Origin` | the name of the process that put it on NATS |
//! | `Daz-Source` | the module that made it |
//! | `Daz-Room` | the CyTube channel |
//! | `Daz-Target` | the inbox it is sent to |
//! | `Daz-Time` | nanoseconds since the Unix epoch |
//! | `Daz-Priority` | `low`, `normal` or `high` |
//! | `Daz-Loggable` | `0` when loggers should skip it |
//! | `Daz-Trace` | the trace id |
//! | `Daz-Tags` | the tags as a JSON object |
//! | `Daz-Correlation` | a request's correlation id |
//! | `Daz-Timeout-Ms` | how long the requester still waits |
//! | `Daz-Error` | on a reply: the request failed, and why |

use std::collections::BTreeMap;
use std::str::FromStr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_nats::{HeaderMap, HeaderValue};
use bytes::Bytes;

use crate::{Error, Event, EventId, Priority, Result, Topic};

pub(crate) const ID: &str = "Daz-Id";
pub(crate) const TOPIC: &str = "Daz-Topic";
pub(crate) const ORIGIN: &str = "Daz-Origin";
const SOURCE: &str = "Daz-Source";
const ROOM: &str = "Daz-Room";
const TARGET: &str = "Daz-Target";
const TIME: &str = "Daz-Time";
const PRIORITY: &str = "Daz-Priority";
const LOGGABLE: &str = "Daz-Loggable";
const TRACE: &str = "Daz-Trace";
const TAGS: &str = "Daz-Tags";
pub(crate) const CORRELATION: &str = "Daz-Correlation";
pub(crate) const TIMEOUT_MS: &str = "Daz-Timeout-Ms";
pub(crate) const ERROR: &str = "Daz-Error";
/// `send` or `request`, on messages to an inbox.
pub(crate) const KIND: &str = "Daz-Kind";

/// The tag an event brought in from NATS carries: the name of the process
/// it came from. Such an event is never sent back out.
pub const ORIGIN_TAG: &str = "daz.origin";

fn malformed(reason: impl Into<String>) -> Error {
    Error::Transport {
        what: "reading an event from NATS".to_owned(),
        reason: reason.into(),
    }
}

/// Puts `value` under `name`, refusing line breaks (which a header cannot
/// hold).
pub(crate) fn put(headers: &mut HeaderMap, name: &'static str, value: &str) -> Result<()> {
    let value = HeaderValue::from_str(value).map_err(|_| Error::Transport {
        what: "putting an event on NATS".to_owned(),
        reason: format!("its {name} holds a line break"),
    })?;
    headers.insert(name, value);
    Ok(())
}

/// The headers and JSON body of `event`, put on NATS by `origin`.
pub(crate) fn encode(event: &Event, origin: &str) -> Result<(HeaderMap, Bytes)> {
    let (mut h, body) = encode_published(event, origin)?;
    put(&mut h, TOPIC, event.topic().as_str())?;
    Ok((h, body))
}

/// As [`encode`], for an event published on `<prefix>.<topic>`: the
/// subject names the topic, so no header does.
pub(crate) fn encode_published(event: &Event, origin: &str) -> Result<(HeaderMap, Bytes)> {
    let mut h = HeaderMap::new();
    put(&mut h, ID, &event.id().to_string())?;
    put(&mut h, ORIGIN, origin)?;
    if let Some(source) = event.source() {
        put(&mut h, SOURCE, source)?;
    }
    if let Some(room) = event.room() {
        put(&mut h, ROOM, room)?;
    }
    if let Some(target) = event.target() {
        put(&mut h, TARGET, target)?;
    }
    let nanos = event
        .timestamp()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    put(&mut h, TIME, &nanos.to_string())?;
    match event.priority() {
        Priority::Normal => {}
        Priority::Low => put(&mut h, PRIORITY, "low")?,
        Priority::High => put(&mut h, PRIORITY, "high")?,
    }
    if !event.is_loggable() {
        put(&mut h, LOGGABLE, "0")?;
    }
    if event.trace_id() != event.id() {
        put(&mut h, TRACE, &event.trace_id().to_string())?;
    }
    let tags: BTreeMap<&String, &String> = event
        .tags()
        .iter()
        .filter(|(k, _)| k.as_str() != ORIGIN_TAG)
        .collect();
    if !tags.is_empty() {
        let json = serde_json::to_string(&tags).map_err(|e| malformed(e.to_string()))?;
        put(&mut h, TAGS, &json)?;
    }
    if let Some(correlation) = event.correlation_id() {
        put(&mut h, CORRELATION, &correlation.to_string())?;
    }
    let body = event.payload_json_bytes()?;
    Ok((h, Bytes::from(body)))
}

fn header<'h>(headers: Option<&'h HeaderMap>, name: &str) -> Option<&'h str> {
    headers?.get(name).map(HeaderValue::as_str)
}

fn id(headers: Option<&HeaderMap>, name: &str) -> Result<Option<EventId>> {
    header(headers, name)
        .map(|v| EventId::from_str(v).map_err(|_| malformed(format!("{name} {v:?} is not an id"))))
        .transpose()
}

/// The origin a message names, if any.
pub(crate) fn origin(headers: Option<&HeaderMap>) -> Option<&str> {
    header(headers, ORIGIN)
}

/// The request timeout a message asks for, if any.
pub(crate) fn timeout(headers: Option<&HeaderMap>) -> Option<Duration> {
    header(headers, TIMEOUT_MS)?
        .parse()
        .ok()
        .map(Duration::from_millis)
}

/// The event `headers` and `payload` describe. `topic` is used when the
/// headers name none (a message from a plain NATS client).
pub(crate) fn decode(
    topic: Option<Topic>,
    headers: Option<&HeaderMap>,
    payload: &[u8],
) -> Result<Event> {
    let topic = match header(headers, TOPIC) {
        Some(t) => Topic::new(t).map_err(|e| malformed(e.to_string()))?,
        None => topic.ok_or_else(|| malformed("it names no topic (Daz-Topic)"))?,
    };
    let json: serde_json::Value = if payload.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(payload).map_err(|e| malformed(format!("payload: {e}")))?
    };
    let mut b = Event::builder(topic);
    if let Some(id) = id(headers, ID)? {
        b = b.id(id);
    }
    if let Some(trace) = id(headers, TRACE)? {
        b = b.trace(trace);
    }
    if let Some(origin) = origin(headers) {
        b = b.tag(ORIGIN_TAG, origin);
    }
    if let Some(source) = header(headers, SOURCE) {
        b = b.source(source);
    }
    if let Some(room) = header(headers, ROOM) {
        b = b.room(room);
    }
    if let Some(time) = header(headers, TIME) {
        let nanos: u64 = time
            .parse()
            .map_err(|_| malformed(format!("Daz-Time {time:?} is not a number")))?;
        b = b.timestamp(SystemTime::UNIX_EPOCH + Duration::from_nanos(nanos));
    }
    b = b.priority(match header(headers, PRIORITY) {
        None | Some("normal") => Priority::Normal,
        Some("low") => Priority::Low,
        Some("high") => Priority::High,
        Some(other) => return Err(malformed(format!("Daz-Priority {other:?} is unknown"))),
    });
    if header(headers, LOGGABLE) == Some("0") {
        b = b.loggable(false);
    }
    if let Some(tags) = header(headers, TAGS) {
        let tags: BTreeMap<String, String> = serde_json::from_str(tags)
            .map_err(|e| malformed(format!("Daz-Tags is not an object of strings: {e}")))?;
        for (k, v) in tags {
            if k != ORIGIN_TAG {
                b = b.tag(k, v);
            }
        }
    }
    Ok(b.json(json))
}

/// The correlation id a message carries, if any.
pub(crate) fn correlation(headers: Option<&HeaderMap>) -> Result<Option<EventId>> {
    id(headers, CORRELATION)
}

/// The error a reply reports, if any.
pub(crate) fn error(headers: Option<&HeaderMap>) -> Option<&str> {
    header(headers, ERROR)
}

/// The inbox kind (`send` or `request`) a message names.
pub(crate) fn kind(headers: Option<&HeaderMap>) -> Option<&str> {
    header(headers, KIND)
}

#[cfg(test)]
mod tests;
