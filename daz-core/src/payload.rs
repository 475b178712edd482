//! [`Payload`] and the [`EventPayload`] trait.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

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
}

type ToJson = fn(&(dyn Any + Send + Sync)) -> serde_json::Result<Value>;

/// What an [`Event`](crate::Event) carries.
///
/// In-process the payload is the publisher's typed value behind an `Arc`:
/// every subscriber shares it and nothing is serialized. From a remote peer
/// or a config-driven source it is JSON. [`Event::payload`](crate::Event::payload)
/// reads either as the type asked for.
#[derive(Clone)]
pub struct Payload(Repr);

#[derive(Clone)]
enum Repr {
    Empty,
    Typed {
        value: Arc<dyn Any + Send + Sync>,
        type_name: &'static str,
        to_json: ToJson,
    },
    Json(Arc<Value>),
}

fn to_json<T: Serialize + 'static>(value: &(dyn Any + Send + Sync)) -> serde_json::Result<Value> {
    match value.downcast_ref::<T>() {
        Some(v) => serde_json::to_value(v),
        None => Err(serde::ser::Error::custom("payload type mismatch")),
    }
}

impl Payload {
    /// No payload; reads as JSON `null` (so as `()` or any `Option`).
    #[must_use]
    pub const fn empty() -> Self {
        Self(Repr::Empty)
    }

    /// A typed value, shared by `Arc` with every subscriber.
    #[must_use]
    pub fn typed<T>(value: T) -> Self
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
    {
        Self::shared(Arc::new(value))
    }

    /// A typed value already behind an `Arc`.
    #[must_use]
    pub fn shared<T>(value: Arc<T>) -> Self
    where
        T: Serialize + DeserializeOwned + Send + Sync + 'static,
    {
        Self(Repr::Typed {
            value,
            type_name: std::any::type_name::<T>(),
            to_json: to_json::<T>,
        })
    }

    /// A JSON value (from a remote peer, a config file, a script).
    #[must_use]
    pub fn json(value: Value) -> Self {
        Self(Repr::Json(Arc::new(value)))
    }

    /// Whether this payload is a typed in-process value.
    #[must_use]
    pub fn is_typed(&self) -> bool {
        matches!(self.0, Repr::Typed { .. })
    }

    /// The Rust type name of a typed payload, `"json"` or `"empty"`.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        match &self.0 {
            Repr::Empty => "empty",
            Repr::Typed { type_name, .. } => type_name,
            Repr::Json(_) => "json",
        }
    }

    /// The JSON value, when the payload is JSON.
    #[must_use]
    pub fn as_json(&self) -> Option<&Value> {
        match &self.0 {
            Repr::Json(v) => Some(v),
            _ => None,
        }
    }

    pub(crate) fn get<T>(&self, topic: &Topic) -> crate::Result<Arc<T>>
    where
        T: DeserializeOwned + Send + Sync + 'static,
    {
        let decode = |value: &Value| {
            T::deserialize(value)
                .map(Arc::new)
                .map_err(|e| crate::Error::PayloadDecode {
                    topic: topic.to_string(),
                    expected: std::any::type_name::<T>(),
                    source: Box::new(e),
                })
        };
        match &self.0 {
            Repr::Empty => decode(&Value::Null),
            Repr::Json(value) => decode(value),
            Repr::Typed {
                value, type_name, ..
            } => Arc::clone(value)
                .downcast::<T>()
                .map_err(|_| crate::Error::PayloadType {
                    topic: topic.to_string(),
                    expected: std::any::type_name::<T>(),
                    found: type_name,
                }),
        }
    }

    pub(crate) fn to_json(&self, topic: &Topic) -> crate::Result<Value> {
        match &self.0 {
            Repr::Empty => Ok(Value::Null),
            Repr::Json(value) => Ok(Value::clone(value)),
            Repr::Typed {
                value,
                type_name,
                to_json,
            } => to_json(value.as_ref()).map_err(|e| crate::Error::PayloadEncode {
                topic: topic.to_string(),
                type_name,
                source: Box::new(e),
            }),
        }
    }
}

impl Default for Payload {
    fn default() -> Self {
        Self::empty()
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Empty => f.write_str("Payload::Empty"),
            Repr::Typed { type_name, .. } => write!(f, "Payload::Typed({type_name})"),
            Repr::Json(v) => write!(f, "Payload::Json({v})"),
        }
    }
}
