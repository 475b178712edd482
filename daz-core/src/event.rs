//! [`Event`]: the envelope and payload that travel on the bus.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{EventId, EventPayload, Payload, Result, Topic};

/// Delivery priority. Each mailbox has two lanes: [`High`](Priority::High)
/// events are taken before everything else; [`Normal`](Priority::Normal) and
/// [`Low`](Priority::Low) share the second lane in publish order, and a `Low`
/// event is only accepted while the mailbox is less than three quarters full,
/// so low-priority traffic never crowds out the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize)]
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

#[derive(Clone)]
struct Envelope {
    id: EventId,
    topic: Topic,
    source: Option<Arc<str>>,
    target: Option<Arc<str>>,
    correlation_id: Option<EventId>,
    reply_to: Option<Arc<str>>,
    room: Option<Arc<str>>,
    timestamp: SystemTime,
    priority: Priority,
    tags: BTreeMap<String, String>,
    loggable: bool,
}

#[derive(Clone)]
struct Inner {
    envelope: Envelope,
    payload: Payload,
}

/// An envelope (id, topic, source, target, correlation, room, time,
/// priority, tags) and a [`Payload`].
///
/// Cloning an event is a reference count: every subscriber of a publish
/// shares one allocation and the publisher's typed value.
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
///     .json(serde_json::json!({ "text": "hi" }))
///     .room("lobby")
///     .priority(Priority::High)
///     .build();
/// assert_eq!(remote.payload::<Greeting>()?.text, "hi");
/// assert_eq!(remote.room(), Some("lobby"));
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Event(Arc<Inner>);

impl Event {
    /// An event carrying `payload`, under the payload type's topic.
    #[must_use]
    pub fn new<T: EventPayload>(payload: T) -> Self {
        Self::builder(T::TOPIC).payload(payload).build()
    }

    /// A builder for an event under `topic`, with no payload yet.
    pub fn builder(topic: Topic) -> EventBuilder {
        EventBuilder {
            envelope: Envelope {
                id: EventId::next(),
                topic,
                source: None,
                target: None,
                correlation_id: None,
                reply_to: None,
                room: None,
                timestamp: SystemTime::now(),
                priority: Priority::Normal,
                tags: BTreeMap::new(),
                loggable: true,
            },
            payload: Payload::empty(),
        }
    }

    /// The payload as `T`: the shared value itself when the event is typed,
    /// or `T` deserialized from JSON when it came from elsewhere.
    ///
    /// # Errors
    ///
    /// [`Error::PayloadType`](crate::Error::PayloadType) if the event holds a
    /// typed value of another type; [`Error::PayloadDecode`](crate::Error::PayloadDecode)
    /// if its JSON does not deserialize into `T`.
    pub fn payload<T>(&self) -> Result<Arc<T>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        self.0.payload.get(self.topic())
    }

    /// The payload as JSON, serializing a typed value.
    ///
    /// # Errors
    ///
    /// [`Error::PayloadEncode`](crate::Error::PayloadEncode) if the typed
    /// value's `Serialize` implementation fails.
    pub fn payload_json(&self) -> Result<Value> {
        self.0.payload.to_json(self.topic())
    }

    /// The raw payload.
    #[must_use]
    pub fn raw_payload(&self) -> &Payload {
        &self.0.payload
    }

    /// Unique id of this event.
    #[must_use]
    pub fn id(&self) -> EventId {
        self.0.envelope.id
    }

    /// The topic the event is published under.
    #[must_use]
    pub fn topic(&self) -> &Topic {
        &self.0.envelope.topic
    }

    /// The module (or peer) that produced the event.
    #[must_use]
    pub fn source(&self) -> Option<&str> {
        self.0.envelope.source.as_deref()
    }

    /// The module the event is addressed to, for sends and requests.
    #[must_use]
    pub fn target(&self) -> Option<&str> {
        self.0.envelope.target.as_deref()
    }

    /// Correlation id: set on requests and copied onto their replies.
    #[must_use]
    pub fn correlation_id(&self) -> Option<EventId> {
        self.0.envelope.correlation_id
    }

    /// Where the reply to a request goes (the requesting bus or peer).
    #[must_use]
    pub fn reply_to(&self) -> Option<&str> {
        self.0.envelope.reply_to.as_deref()
    }

    /// The CyTube channel the event belongs to, if any.
    #[must_use]
    pub fn room(&self) -> Option<&str> {
        self.0.envelope.room.as_deref()
    }

    /// When the event was built.
    #[must_use]
    pub fn timestamp(&self) -> SystemTime {
        self.0.envelope.timestamp
    }

    /// Delivery priority.
    #[must_use]
    pub fn priority(&self) -> Priority {
        self.0.envelope.priority
    }

    /// Free-form tags.
    #[must_use]
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.0.envelope.tags
    }

    /// Whether loggers should record this event (default `true`).
    #[must_use]
    pub fn is_loggable(&self) -> bool {
        self.0.envelope.loggable
    }

    /// A builder holding a copy of this event's envelope and payload, with
    /// the same id; change what you need and build a new event.
    pub fn to_builder(&self) -> EventBuilder {
        EventBuilder {
            envelope: self.0.envelope.clone(),
            payload: self.0.payload.clone(),
        }
    }
}

impl fmt::Debug for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0.envelope;
        f.debug_struct("Event")
            .field("id", &e.id)
            .field("topic", &e.topic.as_str())
            .field("source", &e.source)
            .field("target", &e.target)
            .field("correlation_id", &e.correlation_id)
            .field("room", &e.room)
            .field("priority", &e.priority)
            .field("payload", &self.0.payload.type_name())
            .finish_non_exhaustive()
    }
}

/// Builds an [`Event`]; see [`Event::builder`]. Every setter is optional.
#[must_use]
#[derive(Clone)]
pub struct EventBuilder {
    envelope: Envelope,
    payload: Payload,
}

impl EventBuilder {
    /// Sets a typed payload (default: none).
    pub fn payload<T>(mut self, payload: T) -> Self
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
    {
        self.payload = Payload::typed(payload);
        self
    }

    /// Sets a JSON payload (default: none).
    pub fn json(mut self, payload: Value) -> Self {
        self.payload = Payload::json(payload);
        self
    }

    /// Sets an already-built payload.
    pub fn raw_payload(mut self, payload: Payload) -> Self {
        self.payload = payload;
        self
    }

    /// Sets the topic.
    pub fn topic(mut self, topic: Topic) -> Self {
        self.envelope.topic = topic;
        self
    }

    /// Sets the producing module (default: none; the runtime fills it in).
    pub fn source(mut self, source: impl Into<Arc<str>>) -> Self {
        self.envelope.source = Some(source.into());
        self
    }

    /// Sets the addressed module (default: none; `send` and `request` set it).
    pub fn target(mut self, target: impl Into<Arc<str>>) -> Self {
        self.envelope.target = Some(target.into());
        self
    }

    /// Sets the CyTube channel (default: none, meaning not room-specific).
    pub fn room(mut self, room: impl Into<Arc<str>>) -> Self {
        self.envelope.room = Some(room.into());
        self
    }

    /// Sets the priority (default [`Priority::Normal`]).
    pub fn priority(mut self, priority: Priority) -> Self {
        self.envelope.priority = priority;
        self
    }

    /// Adds a tag (default: no tags).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.envelope.tags.insert(key.into(), value.into());
        self
    }

    /// Sets whether loggers record the event (default `true`).
    pub fn loggable(mut self, loggable: bool) -> Self {
        self.envelope.loggable = loggable;
        self
    }

    /// Sets the correlation id (default: none; `request` sets it).
    pub fn correlation_id(mut self, id: EventId) -> Self {
        self.envelope.correlation_id = Some(id);
        self
    }

    /// Sets where replies go (default: none; `request` sets it).
    pub fn reply_to(mut self, reply_to: impl Into<Arc<str>>) -> Self {
        self.envelope.reply_to = Some(reply_to.into());
        self
    }

    /// Sets the id (default: a fresh [`EventId`]); for transports that carry
    /// an event from another process.
    pub fn id(mut self, id: EventId) -> Self {
        self.envelope.id = id;
        self
    }

    /// Sets the timestamp (default: when the builder was made).
    pub fn timestamp(mut self, timestamp: SystemTime) -> Self {
        self.envelope.timestamp = timestamp;
        self
    }

    /// Builds the event. Cannot fail: the topic was validated when made.
    #[must_use]
    pub fn build(self) -> Event {
        Event(Arc::new(Inner {
            envelope: self.envelope,
            payload: self.payload,
        }))
    }
}
