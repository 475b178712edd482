//! [`EventBuilder`]: an event with every envelope field chosen.

use std::sync::Arc;
use std::time::SystemTime;

use super::{Event, Head, Inner, Route, unix_nanos};
use serde::Serialize;
use serde_json::Value;

use crate::payload::{Body, Empty, Json, Typed};
use crate::{EventId, Priority, Topic};

/// Builds an [`Event`]; see [`Event::builder`]. Every setter is optional;
/// finish with [`payload`](Self::payload), [`json`](Self::json) or
/// [`build`](Self::build).
#[must_use]
#[derive(Clone)]
pub struct EventBuilder {
    pub(super) head: Head,
    pub(super) route: Route,
}

impl EventBuilder {
    /// The head and the route to build with: a route holding only a
    /// target moves into the head, saving the route's allocation.
    fn split(self) -> (Head, Option<Arc<Route>>) {
        let Self { mut head, route } = self;
        if route.correlation_id.is_some() || route.reply_to.is_some() {
            (head, Some(Arc::new(route)))
        } else {
            head.target = route.target;
            (head, None)
        }
    }

    /// The event with `body`, in one allocation.
    fn finish(self, body: impl Body) -> Event {
        let (head, route) = self.split();
        Event {
            body: Arc::new(Inner {
                head,
                payload: body,
            }),
            route,
        }
    }

    /// Builds the event with a typed payload, shared with every subscriber.
    pub fn payload<T>(self, payload: T) -> Event
    where
        T: Serialize + Send + Sync + 'static,
    {
        self.finish(Typed(payload))
    }

    /// Builds the event with a JSON payload.
    pub fn json(self, payload: Value) -> Event {
        self.finish(Json(payload))
    }

    /// Builds the event without payload.
    pub fn build(self) -> Event {
        self.finish(Empty)
    }

    /// Sets the topic.
    pub fn topic(mut self, topic: Topic) -> Self {
        self.head.topic = topic;
        self
    }

    /// Sets the producing module (default: none; the runtime fills it in).
    pub fn source(mut self, source: impl Into<Arc<str>>) -> Self {
        self.head.source = Some(source.into());
        self
    }

    /// Sets the addressed module (default: none; `send` and `request` set it).
    pub fn target(mut self, target: impl Into<Arc<str>>) -> Self {
        self.route.set_target(Some(target.into()));
        self
    }

    /// Sets the CyTube channel (default: none, meaning not room-specific).
    pub fn room(mut self, room: impl Into<Arc<str>>) -> Self {
        self.head.room = Some(room.into());
        self
    }

    /// Puts the event in `trace` (default: it starts a trace of its own;
    /// [`Context::event`](crate::Context::event) sets the trace of the
    /// event being handled).
    pub fn trace(mut self, trace: EventId) -> Self {
        self.head.trace = Some(trace);
        self
    }

    /// Sets the priority (default [`Priority::Normal`]).
    pub fn priority(mut self, priority: Priority) -> Self {
        self.head.priority = priority;
        self
    }

    /// Adds a tag (default: no tags).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.head
            .tags
            .get_or_insert_with(Box::default)
            .insert(key.into(), value.into());
        self
    }

    /// Sets whether loggers record the event (default `true`).
    pub fn loggable(mut self, loggable: bool) -> Self {
        self.head.loggable = loggable;
        self
    }

    /// Sets the correlation id and where replies go (default: none;
    /// `request` sets them). For transports carrying requests between
    /// processes.
    pub fn correlation(mut self, id: EventId, reply_to: impl Into<Arc<str>>) -> Self {
        self.route.set_correlation(id, Some(reply_to.into()));
        self
    }

    /// Sets the id (default: a fresh [`EventId`]); for transports that carry
    /// an event from another process.
    pub fn id(mut self, id: EventId) -> Self {
        self.head.id = id;
        self
    }

    /// Sets the timestamp (default: when the builder was made).
    pub fn timestamp(mut self, timestamp: SystemTime) -> Self {
        self.head.timestamp = unix_nanos(timestamp);
        self
    }
}
