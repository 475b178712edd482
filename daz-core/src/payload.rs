//! Payloads: the [`EventPayload`] trait, the type-erased body an event
//! carries, and [`PayloadRef`], what reading one gives back.

use std::any::Any;
use std::fmt;
use std::ops::Deref;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Topic;

/// A type that travels as an event payload, with the topic it is published
/// under by default.
///
/// Derive it with [`#[derive(Event)]`](macro@crate::Event) and
/// `#[event(topic = "...")]`, which checks the topic at compile time. A hand
/// implementation writes the topic with [`Topic::from_static`], also checked
/// at compile time:
///
/// ```
/// use daz_core::{EventPayload, Topic};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize)]
/// struct Tick { n: u64 }
///
/// impl EventPayload for Tick {
///     const TOPIC: Topic = Topic::from_static("demo.tick");
/// }
/// ```
pub trait EventPayload: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// The topic events with this payload are published under by default.
    const TOPIC: Topic;

    /// The room this payload concerns, if it concerns one (default: none).
    /// A module limited to some rooms cannot send, request or publish a
    /// payload of another room through its [`Context`](crate::Context):
    /// the limit holds outbound as it does inbound.
    fn room(&self) -> Option<&str> {
        None
    }
}

/// A payload with its type erased: stored inline in the event's one
/// allocation.
pub(crate) trait Body: Send + Sync + 'static {
    /// The typed value, for in-process payloads.
    fn typed(&self) -> Option<&(dyn Any + Send + Sync)>;
    /// The JSON value, for payloads from elsewhere.
    fn json(&self) -> Option<&Value>;
    fn to_json(&self) -> serde_json::Result<Value>;
    fn to_json_vec(&self) -> serde_json::Result<Vec<u8>>;
    fn type_name(&self) -> &'static str;
}

pub(crate) struct Typed<T>(pub(crate) T);

pub(crate) struct Json(pub(crate) Value);

pub(crate) struct Empty;

impl<T: Serialize + Send + Sync + 'static> Body for Typed<T> {
    fn typed(&self) -> Option<&(dyn Any + Send + Sync)> {
        Some(&self.0)
    }

    fn json(&self) -> Option<&Value> {
        None
    }

    fn to_json(&self) -> serde_json::Result<Value> {
        serde_json::to_value(&self.0)
    }

    fn to_json_vec(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&self.0)
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }
}

impl Body for Json {
    fn typed(&self) -> Option<&(dyn Any + Send + Sync)> {
        None
    }

    fn json(&self) -> Option<&Value> {
        Some(&self.0)
    }

    fn to_json(&self) -> serde_json::Result<Value> {
        Ok(self.0.clone())
    }

    fn to_json_vec(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(&self.0)
    }

    fn type_name(&self) -> &'static str {
        "json"
    }
}

impl Body for Empty {
    fn typed(&self) -> Option<&(dyn Any + Send + Sync)> {
        None
    }

    fn json(&self) -> Option<&Value> {
        None
    }

    fn to_json(&self) -> serde_json::Result<Value> {
        Ok(Value::Null)
    }

    fn to_json_vec(&self) -> serde_json::Result<Vec<u8>> {
        Ok(b"null".to_vec())
    }

    fn type_name(&self) -> &'static str {
        "empty"
    }
}

/// Reads `body` as `T`: borrowed when it holds a `T`, deserialized when it
/// is JSON (an empty body reads as JSON `null`).
pub(crate) fn read<'a, T>(body: &'a dyn Body, topic: &Topic) -> crate::Result<PayloadRef<'a, T>>
where
    T: DeserializeOwned + 'static,
{
    if let Some(value) = body.typed() {
        return value
            .downcast_ref::<T>()
            .map(|v| PayloadRef(Repr::Borrowed(v)))
            .ok_or_else(|| crate::Error::PayloadType {
                topic: topic.to_string(),
                expected: std::any::type_name::<T>(),
                found: body.type_name(),
            });
    }
    let decoded = match body.json() {
        Some(value) => T::deserialize(value),
        None => T::deserialize(&Value::Null),
    };
    decoded
        .map(|v| PayloadRef(Repr::Owned(v)))
        .map_err(|e| crate::Error::PayloadDecode {
            topic: topic.to_string(),
            expected: std::any::type_name::<T>(),
            source: Box::new(e),
        })
}

/// A payload read as `T` by [`Event::payload`](crate::Event::payload):
/// the publisher's value itself (borrowed from the event, no copy) when the
/// event is typed, or a `T` deserialized from JSON. Dereferences to `T`.
pub struct PayloadRef<'a, T>(Repr<'a, T>);

enum Repr<'a, T> {
    Borrowed(&'a T),
    Owned(T),
}

impl<T> PayloadRef<'_, T> {
    /// Whether the value is borrowed from a typed event (`false` when it
    /// was deserialized from JSON).
    #[must_use]
    pub fn is_borrowed(&self) -> bool {
        matches!(self.0, Repr::Borrowed(_))
    }

    /// The value, cloned if borrowed.
    #[must_use]
    pub fn into_owned(self) -> T
    where
        T: Clone,
    {
        match self.0 {
            Repr::Borrowed(v) => v.clone(),
            Repr::Owned(v) => v,
        }
    }
}

impl<T> Deref for PayloadRef<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match &self.0 {
            Repr::Borrowed(v) => v,
            Repr::Owned(v) => v,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for PayloadRef<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        T::fmt(self, f)
    }
}
