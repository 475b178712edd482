//! Bus configuration and per-subscription options.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{Error, Pattern, Result};

/// Mailbox capacity used when neither the subscription nor a rule sets one.
pub const DEFAULT_CAPACITY: usize = 1024;

/// Bus settings: mailbox capacities, by default and by pattern.
///
/// In a config file (the `[bus]` section):
///
/// ```toml
/// default_capacity = 1024
///
/// [capacity]
/// "cytube.event.>" = 1000
/// "command.>" = 64
/// ```
///
/// A subscription's capacity is, in order: the one its
/// [`SubscribeOptions`] set; else the most specific rule whose pattern
/// covers the subscription's pattern (most segments, then fewest
/// wildcards, then alphabetical); else `default_capacity`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BusConfig {
    /// Capacity of a mailbox no rule covers (default [`DEFAULT_CAPACITY`]).
    pub default_capacity: usize,
    /// Capacity by pattern.
    pub capacity: BTreeMap<Pattern, usize>,
}

impl Default for BusConfig {
    fn default() -> Self {
        Self {
            default_capacity: DEFAULT_CAPACITY,
            capacity: BTreeMap::new(),
        }
    }
}

impl BusConfig {
    /// Checks every capacity is at least 1.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the key with a zero capacity.
    pub fn validate(&self) -> Result<()> {
        if self.default_capacity == 0 {
            return Err(zero_capacity("bus.default_capacity".to_owned()));
        }
        match self.capacity.iter().find(|(_, n)| **n == 0) {
            Some((pattern, _)) => Err(zero_capacity(format!("bus.capacity.\"{pattern}\""))),
            None => Ok(()),
        }
    }

    /// The capacity for a subscription to `pattern` with no explicit one.
    #[must_use]
    pub fn capacity_for(&self, pattern: &Pattern) -> usize {
        let specificity = |p: &Pattern| {
            let segments = p.segments().count();
            let wildcards = p.segments().filter(|s| *s == "*" || *s == ">").count();
            (segments, std::cmp::Reverse(wildcards))
        };
        self.capacity
            .iter()
            .filter(|(rule, _)| rule.covers(pattern))
            .max_by(|(a, _), (b, _)| specificity(a).cmp(&specificity(b)).then_with(|| b.cmp(a)))
            .map_or(self.default_capacity, |(_, n)| *n)
    }
}

pub(crate) fn zero_capacity(key: String) -> Error {
    Error::InvalidConfig {
        key,
        reason: "a mailbox capacity must be at least 1".to_owned(),
    }
}

/// Options for [`EventBus::subscribe`](crate::EventBus::subscribe) and
/// [`EventBus::inbox`](crate::EventBus::inbox). All optional.
///
/// ```
/// use daz_core::SubscribeOptions;
///
/// let options = SubscribeOptions::new()
///     .owner("greeter")
///     .capacity(256)
///     .rooms(["lobby", "movies"]);
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct SubscribeOptions {
    pub(crate) owner: Option<Arc<str>>,
    pub(crate) capacity: Option<usize>,
    pub(crate) rooms: Option<Box<[Arc<str>]>>,
}

impl SubscribeOptions {
    /// Default options: no owner, capacity from the bus config, all rooms.
    pub fn new() -> Self {
        Self::default()
    }

    /// Names the owner (a module), so
    /// [`EventBus::unsubscribe_owner`](crate::EventBus::unsubscribe_owner)
    /// can remove all its subscriptions at once (default: none).
    pub fn owner(mut self, owner: impl Into<Arc<str>>) -> Self {
        self.owner = Some(owner.into());
        self
    }

    /// Sets the mailbox capacity (default: from [`BusConfig`]). Must be at
    /// least 1, checked when subscribing.
    pub fn capacity(mut self, capacity: usize) -> Self {
        self.capacity = Some(capacity);
        self
    }

    /// Limits delivery to events of these rooms plus events with no room
    /// (default: every room).
    pub fn rooms<I, S>(mut self, rooms: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Arc<str>>,
    {
        self.rooms = Some(rooms.into_iter().map(Into::into).collect());
        self
    }
}
