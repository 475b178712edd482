//! [`Event`]: the envelope and payload that travel on the bus.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::payload::{self, Body, PayloadRef, Typed};
use crate::{EventId, EventPayload, Result, Topic};

mod builder;

pub use builder::EventBuilder;

/// Delivery priority. Each mailbox has two lanes: [`High`](Priority::High)
/// events are taken before everything else; [`Normal`](Priority::Normal) and
/// [`Low`](Priority::Low) share the second lane in publish order, and a `Low`
/// event is only accepted while the mailbox is less than three quarters full,
/// so low-priority traffic never crowds out the rest.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Dropped first when a mailbox fills.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Taken before normal and low events.
    High,
}

/// What every event has, stored with the payload in one allocation.
#[derive(Clone)]
struct Head {
    id: EventId,
    topic: Topic,
    source: Option<Arc<str>>,
    room: Option<Arc<str>>,
    /// The target given when the event was built, kept here so that an
    /// event addressed at birth and never re-addressed needs no [`Route`]
    /// allocation; a route, once present, supersedes it.
    target: Option<Arc<str>>,
    /// Nanoseconds since the Unix epoch (8 bytes, where `SystemTime` takes 16).
    timestamp: u64,
    priority: Priority,
    loggable: bool,
    /// The trace: the id of the event that set this one off, at the root.
    trace: Option<EventId>,
    #[allow(
        clippy::box_collection,
        reason = "8 bytes in every event instead of 24; most events have no tags"
    )]
    tags: Option<Box<BTreeMap<String, String>>>,
}

/// Where a sent event or a request goes, and where its reply goes: kept
/// beside the shared body, so the bus can address an event without copying
/// its payload.
#[derive(Clone, Default)]
pub(crate) struct Route {
    target: Option<Arc<str>>,
    correlation_id: Option<EventId>,
    reply_to: Option<Arc<str>>,
    deadline: Option<tokio::time::Instant>,
}

impl Head {
    fn new(topic: Topic) -> Self {
        Self::at(topic, unix_nanos(SystemTime::now()))
    }

    fn at(topic: Topic, timestamp: u64) -> Self {
        Self {
            id: EventId::next(),
            topic,
            source: None,
            room: None,
            target: None,
            timestamp,
            priority: Priority::Normal,
            loggable: true,
            trace: None,
            tags: None,
        }
    }
}

struct Inner<P: ?Sized> {
    head: Head,
    payload: P,
}

fn unix_nanos(time: SystemTime) -> u64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d
            .as_secs()
            .saturating_mul(1_000_000_000)
            .saturating_add(u64::from(d.subsec_nanos())),
        Err(_) => 0,
    }
}

static NO_TAGS: BTreeMap<String, String> = BTreeMap::new();

/// An envelope (id, topic, source, target, correlation, room, time,
/// priority, tags) and a payload.
///
/// The envelope and the payload live in one allocation; cloning an event
/// is a reference count, so every subscriber of a publish shares the
/// publisher's typed value.
///
/// # Examples
///
/// ```
/// use daz_core::{Event, Priority, Topic};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, daz_core::Event)]
/// #[event(topic = "demo.greeting")]
/// struct Greeting { text: String }
///
/// let event = Event::new(Greeting { text: "hi".into() });
/// assert_eq!(event.topic(), "demo.greeting");
/// assert_eq!(event.payload::<Greeting>()?.text, "hi");
///
/// // The same payload from a remote peer, as JSON, reads the same way.
/// let remote = Event::builder(Topic::new("demo.greeting")?)
///     .room("lobby")
///     .priority(Priority::High)
///     .json(serde_json::json!({ "text": "hi" }));
/// assert_eq!(remote.payload::<Greeting>()?.text, "hi");
/// assert_eq!(remote.room(), Some("lobby"));
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Event {
    body: Arc<Inner<dyn Body>>,
    route: Option<Arc<Route>>,
}

impl Event {
    /// An event carrying `payload`, under the payload type's topic.
    #[must_use]
    pub fn new<T: EventPayload>(payload: T) -> Self {
        Self {
            body: Arc::new(Inner {
                head: Head::new(T::TOPIC),
                payload: Typed(payload),
            }),
            route: None,
        }
    }

    /// A builder for an event under `topic`; finish it with
    /// [`payload`](EventBuilder::payload), [`json`](EventBuilder::json) or
    /// [`build`](EventBuilder::build) (no payload).
    pub fn builder(topic: Topic) -> EventBuilder {
        EventBuilder {
            head: Head::new(topic),
            route: Route::default(),
        }
    }

    /// A builder for an event under `topic` stamped `timestamp`, for
    /// producers that already know the time (a scheduler, a transport):
    /// saves reading the clock.
    pub fn builder_at(topic: Topic, timestamp: SystemTime) -> EventBuilder {
        EventBuilder {
            head: Head::at(topic, unix_nanos(timestamp)),
            route: Route::default(),
        }
    }

    /// The payload as `T`: the publisher's value itself, borrowed, when the
    /// event is typed; or `T` deserialized from JSON when it came from
    /// elsewhere. An event without payload reads as JSON `null` (so as `()`
    /// or `None`).
    ///
    /// # Errors
    ///
    /// [`Error::PayloadType`](crate::Error::PayloadType) if the event holds a
    /// typed value of another type; [`Error::PayloadDecode`](crate::Error::PayloadDecode)
    /// if its JSON does not deserialize into `T`.
    pub fn payload<T>(&self) -> Result<PayloadRef<'_, T>>
    where
        T: DeserializeOwned + 'static,
    {
        payload::read(&self.body.payload, self.topic())
    }

    /// The payload as JSON, serializing a typed value.
    ///
    /// # Errors
    ///
    /// [`Error::PayloadEncode`](crate::Error::PayloadEncode) if the typed
    /// value's `Serialize` implementation fails.
    pub fn payload_json(&self) -> Result<Value> {
        self.body
            .payload
            .to_json()
            .map_err(|e| self.encode_error(e))
    }

    /// The payload serialized as JSON bytes, straight from a typed value
    /// (no intermediate `Value`); for transports.
    ///
    /// # Errors
    ///
    /// [`Error::PayloadEncode`](crate::Error::PayloadEncode) if the
    /// payload cannot be written as JSON.
    pub fn payload_json_bytes(&self) -> Result<Vec<u8>> {
        self.body
            .payload
            .to_json_vec()
            .map_err(|e| self.encode_error(e))
    }

    fn encode_error(&self, e: serde_json::Error) -> crate::Error {
        crate::Error::PayloadEncode {
            topic: self.topic().to_string(),
            type_name: self.body.payload.type_name(),
            source: Box::new(e),
        }
    }

    /// The JSON payload, when the event came as JSON.
    #[must_use]
    pub fn json_payload(&self) -> Option<&Value> {
        self.body.payload.json()
    }

    /// Whether the payload is a typed in-process value.
    #[must_use]
    pub fn is_typed(&self) -> bool {
        self.body.payload.typed().is_some()
    }

    /// The Rust type name of a typed payload, `"json"` or `"empty"`.
    #[must_use]
    pub fn payload_type_name(&self) -> &'static str {
        self.body.payload.type_name()
    }

    /// Unique id of this event.
    #[must_use]
    pub fn id(&self) -> EventId {
        self.body.head.id
    }

    /// The topic the event is published under.
    #[must_use]
    pub fn topic(&self) -> &Topic {
        &self.body.head.topic
    }

    /// The module (or peer) that produced the event.
    #[must_use]
    pub fn source(&self) -> Option<&str> {
        self.body.head.source.as_deref()
    }

    /// The module the event is addressed to, for sends and requests.
    #[must_use]
    pub fn target(&self) -> Option<&str> {
        match &self.route {
            Some(route) => route.target.as_deref(),
            None => self.body.head.target.as_deref(),
        }
    }

    /// Correlation id: set on requests and copied onto their replies.
    #[must_use]
    pub fn correlation_id(&self) -> Option<EventId> {
        self.route.as_ref()?.correlation_id
    }

    /// Where the reply to a request goes (the requesting bus or peer).
    #[must_use]
    pub fn reply_to(&self) -> Option<&str> {
        self.route.as_ref()?.reply_to.as_deref()
    }

    /// When the caller of the request this event is stops waiting (set by
    /// [`EventBus::request`](crate::EventBus::request)); for transports
    /// that carry requests to other processes.
    #[must_use]
    pub fn deadline(&self) -> Option<tokio::time::Instant> {
        self.route.as_ref().and_then(|r| r.deadline)
    }

    /// The trace the event belongs to: the id of the first event of the
    /// chain that led to it (a chat line, then the command it was, then
    /// the reply), or its own id when it starts one. Modules' events carry
    /// it on their own; log lines and spans show it as `trace`.
    #[must_use]
    pub fn trace_id(&self) -> EventId {
        self.body.head.trace.unwrap_or(self.body.head.id)
    }

    /// The CyTube channel the event belongs to, if any.
    #[must_use]
    pub fn room(&self) -> Option<&str> {
        self.body.head.room.as_deref()
    }

    /// When the event was built (nanosecond precision; times before 1970
    /// read as the epoch).
    #[must_use]
    pub fn timestamp(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_nanos(self.body.head.timestamp)
    }

    /// Delivery priority.
    #[must_use]
    pub fn priority(&self) -> Priority {
        self.body.head.priority
    }

    /// Free-form tags.
    #[must_use]
    pub fn tags(&self) -> &BTreeMap<String, String> {
        self.body.head.tags.as_deref().unwrap_or(&NO_TAGS)
    }

    /// Whether loggers should record this event (default `true`).
    #[must_use]
    pub fn is_loggable(&self) -> bool {
        self.body.head.loggable
    }

    /// The same event (same id and shared payload) addressed to `target`.
    #[must_use]
    pub fn with_target(&self, target: impl Into<Arc<str>>) -> Self {
        let target = target.into();
        self.rerouted(|route| route.target = Some(target))
    }

    /// The same event with its route changed by `change`; the payload is
    /// shared, not copied.
    pub(crate) fn rerouted(&self, change: impl FnOnce(&mut Route)) -> Self {
        let mut route = self.route.as_deref().cloned().unwrap_or_else(|| Route {
            target: self.body.head.target.clone(),
            ..Route::default()
        });
        change(&mut route);
        Self {
            body: Arc::clone(&self.body),
            route: Some(Arc::new(route)),
        }
    }
}

impl Route {
    pub(crate) fn set_target(&mut self, target: Option<Arc<str>>) {
        self.target = target;
    }

    pub(crate) fn set_deadline(&mut self, deadline: tokio::time::Instant) {
        self.deadline = Some(deadline);
    }

    pub(crate) fn set_correlation(&mut self, id: EventId, reply_to: Option<Arc<str>>) {
        self.correlation_id = Some(id);
        if reply_to.is_some() {
            self.reply_to = reply_to;
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = &self.body.head;
        f.debug_struct("Event")
            .field("id", &h.id)
            .field("topic", &h.topic.as_str())
            .field("source", &h.source)
            .field("target", &self.target())
            .field("correlation_id", &self.correlation_id())
            .field("room", &h.room)
            .field("priority", &h.priority)
            .field("payload", &self.payload_type_name())
            .finish_non_exhaustive()
    }
}
