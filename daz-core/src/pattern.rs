//! [`Pattern`]: a topic with wildcards, used to subscribe.

use std::sync::Arc;

use crate::grammar::{self, TopicRule};
use crate::topic::{Name, name_impls};
use crate::{Error, Result, Topic};

/// A subscription pattern: a topic whose segments may be wildcards, with the
/// NATS rules.
///
/// - `*` matches exactly one segment: `cytube.event.*` matches
///   `cytube.event.chatMsg` but not `cytube.event` or `cytube.event.a.b`.
/// - `>` matches one or more trailing segments and must be last:
///   `cytube.>` matches `cytube.event.chatMsg` but not `cytube`.
///
/// Wildcards are whole segments (`chat*` is an error). Every pattern is also
/// a valid NATS subject with the same meaning.
///
/// # Examples
///
/// ```
/// use daz_core::{Pattern, Topic};
///
/// let pattern = Pattern::new("cytube.event.>")?;
/// assert!(pattern.matches(&Topic::new("cytube.event.chatMsg")?));
/// assert!(!pattern.matches(&Topic::new("cytube.send.chat")?));
///
/// let err = Pattern::new("cytube.>.chatMsg").unwrap_err();
/// assert!(err.to_string().contains("must end the pattern"));
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Pattern(Name);

impl Pattern {
    /// Validates `pattern` and wraps it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidPattern`] naming the rule `pattern` breaks: empty, too
    /// long, an empty segment, a bad character, a wildcard sharing its
    /// segment with other characters, or `>` before the last segment.
    pub fn new(pattern: impl AsRef<str> + Into<Arc<str>>) -> Result<Self> {
        Name::new(pattern, true)
            .map(Self)
            .map_err(|(input, rule)| invalid_pattern(&input, rule))
    }

    /// Wraps a string constant, checking it at compile time when used in a
    /// `const` or `static`.
    ///
    /// # Panics
    ///
    /// Panics if `pattern` is invalid; in a constant that panic is a compile
    /// error. Use [`Pattern::new`] for anything not written in the source.
    #[must_use]
    pub const fn from_static(pattern: &'static str) -> Self {
        Self(Name::from_static(pattern, true))
    }

    /// The pattern as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The dot-separated segments, wildcards included.
    pub fn segments(&self) -> std::str::Split<'_, char> {
        self.as_str().split('.')
    }

    /// Whether the pattern has no wildcard, so it matches exactly one topic.
    #[must_use]
    pub fn is_literal(&self) -> bool {
        self.segments().all(|s| s != "*" && s != ">")
    }

    /// Whether `topic` matches this pattern.
    #[must_use]
    pub fn matches(&self, topic: &Topic) -> bool {
        let mut rest = topic.segments();
        for segment in self.segments() {
            match segment {
                ">" => return rest.next().is_some(),
                "*" => {
                    if rest.next().is_none() {
                        return false;
                    }
                }
                literal => {
                    if rest.next() != Some(literal) {
                        return false;
                    }
                }
            }
        }
        rest.next().is_none()
    }

    /// Whether every topic `other` matches is also matched by `self`
    /// (`cytube.>` covers `cytube.event.*`; `a.*` does not cover `a.>`).
    #[must_use]
    pub fn covers(&self, other: &Pattern) -> bool {
        let mut rest = other.segments();
        for segment in self.segments() {
            match segment {
                ">" => return rest.next().is_some(),
                "*" => match rest.next() {
                    None | Some(">") => return false,
                    Some(_) => {}
                },
                literal => {
                    if rest.next() != Some(literal) {
                        return false;
                    }
                }
            }
        }
        rest.next().is_none()
    }
}

fn invalid_pattern(input: &str, rule: TopicRule) -> Error {
    Error::InvalidPattern {
        input: input.chars().take(grammar::MAX_TOPIC_LEN + 1).collect(),
        reason: rule.describe(input),
        rule,
    }
}

impl From<Topic> for Pattern {
    /// A topic is a pattern that matches only itself.
    fn from(topic: Topic) -> Self {
        Self(topic.0)
    }
}

name_impls!(Pattern);
