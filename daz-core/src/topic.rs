//! [`Topic`]: the validated, dot-separated name an event is published under.

use std::sync::Arc;

use crate::grammar::{self, TopicRule};
use crate::{Error, Result};

/// Storage shared by [`Topic`] and [`Pattern`](crate::Pattern): a static
/// string for constants, a shared one for everything built at run time, so a
/// clone never copies the text.
#[derive(Clone)]
pub(crate) enum Name {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Name {
    /// Checks `name` against the topic grammar (with wildcards when
    /// `pattern`) and wraps it.
    pub(crate) fn new(
        name: impl AsRef<str> + Into<Arc<str>>,
        pattern: bool,
    ) -> Result<Self, (String, TopicRule)> {
        match grammar::check(name.as_ref(), pattern) {
            Ok(()) => Ok(Self::Shared(name.into())),
            Err(rule) => Err((name.as_ref().to_owned(), rule)),
        }
    }

    /// Wraps a constant, panicking (a compile error in a `const`) if it
    /// breaks the grammar.
    pub(crate) const fn from_static(name: &'static str, pattern: bool) -> Self {
        match grammar::check(name, pattern) {
            Ok(()) => Self::Static(name),
            Err(rule) => grammar::fail(rule),
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Static(s) => s,
            Self::Shared(s) => s,
        }
    }
}

/// The name an event is published under: dot-separated segments such as
/// `cytube.event.chatMsg`.
///
/// Segments are non-empty and use ASCII letters, digits, `_` and `-`; the
/// whole topic is at most [`MAX_TOPIC_LEN`](crate::MAX_TOPIC_LEN) bytes. The
/// same rules as NATS subjects, so every topic is also a NATS subject.
/// Cloning is cheap (a reference count, or nothing for constants).
///
/// # Examples
///
/// ```
/// use daz_core::Topic;
///
/// let topic = Topic::new("cytube.event.chatMsg")?;
/// assert_eq!(topic.segments().collect::<Vec<_>>(), ["cytube", "event", "chatMsg"]);
///
/// // Constants are checked at compile time.
/// const JOINED: Topic = Topic::from_static("cytube.event.addUser");
/// assert_eq!(JOINED.as_str(), "cytube.event.addUser");
///
/// let err = Topic::new("cytube..chatMsg").unwrap_err();
/// assert!(err.to_string().contains("segment 1 is empty"));
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Topic(pub(crate) Name);

impl Topic {
    /// Validates `topic` and wraps it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTopic`] naming the rule `topic` breaks: empty, too
    /// long, an empty segment, a character other than letters, digits, `_`
    /// and `-`, or a wildcard.
    pub fn new(topic: impl AsRef<str> + Into<Arc<str>>) -> Result<Self> {
        Name::new(topic, false)
            .map(Self)
            .map_err(|(input, rule)| invalid_topic(&input, rule))
    }

    /// Wraps a string constant, checking it at compile time when used in a
    /// `const` or `static`.
    ///
    /// # Panics
    ///
    /// Panics if `topic` is invalid; in a constant that panic is a compile
    /// error. Use [`Topic::new`] for anything not written in the source.
    #[must_use]
    pub const fn from_static(topic: &'static str) -> Self {
        Self(Name::from_static(topic, false))
    }

    /// The topic as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The dot-separated segments, in order.
    pub fn segments(&self) -> std::str::Split<'_, char> {
        self.as_str().split('.')
    }

    /// This topic with `segment` appended (`cytube.event` + `chatMsg`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTopic`] if the result is not a valid topic (for
    /// example `segment` is empty or contains a dot-free wildcard).
    pub fn join(&self, segment: &str) -> Result<Self> {
        Self::new(format!("{}.{segment}", self.as_str()))
    }
}

pub(crate) fn invalid_topic(input: &str, rule: TopicRule) -> Error {
    Error::InvalidTopic {
        input: input.chars().take(grammar::MAX_TOPIC_LEN + 1).collect(),
        reason: rule.describe(input),
        rule,
    }
}

/// Implements the string-like traits shared by [`Topic`] and
/// [`Pattern`](crate::Pattern): comparisons and hashing by text, parsing
/// through `new`, and serde as a validated string.
macro_rules! name_impls {
    ($ty:ident) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}({:?})", stringify!($ty), self.as_str())
            }
        }

        impl PartialEq for $ty {
            fn eq(&self, other: &Self) -> bool {
                self.as_str() == other.as_str()
            }
        }

        impl Eq for $ty {}

        impl PartialEq<str> for $ty {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $ty {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::std::hash::Hash for $ty {
            fn hash<H: ::std::hash::Hasher>(&self, state: &mut H) {
                self.as_str().hash(state);
            }
        }

        impl PartialOrd for $ty {
            fn partial_cmp(&self, other: &Self) -> Option<::std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $ty {
            fn cmp(&self, other: &Self) -> ::std::cmp::Ordering {
                self.as_str().cmp(other.as_str())
            }
        }

        impl ::std::borrow::Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                self.as_str()
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for $ty {
            type Err = crate::Error;

            fn from_str(s: &str) -> crate::Result<Self> {
                Self::new(s)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = crate::Error;

            fn try_from(s: &str) -> crate::Result<Self> {
                Self::new(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = crate::Error;

            fn try_from(s: String) -> crate::Result<Self> {
                Self::new(s)
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::std::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::std::result::Result<Self, D::Error> {
                let s = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::new(s).map_err(<D::Error as ::serde::de::Error>::custom)
            }
        }
    };
}

pub(crate) use name_impls;

name_impls!(Topic);
