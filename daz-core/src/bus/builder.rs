//! [`EventBusBuilder`]: a bus with chosen mailbox capacities.

use super::{BusConfig, EventBus};
use crate::{Pattern, Result};

/// Builds an [`EventBus`]; see [`EventBus::builder`].
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct EventBusBuilder {
    config: BusConfig,
}

impl EventBusBuilder {
    /// Replaces the whole configuration (default: [`BusConfig::default`]).
    pub fn config(mut self, config: BusConfig) -> Self {
        self.config = config;
        self
    }

    /// Capacity of mailboxes no rule covers (default [`DEFAULT_CAPACITY`](crate::DEFAULT_CAPACITY)).
    pub fn default_capacity(mut self, capacity: usize) -> Self {
        self.config.default_capacity = capacity;
        self
    }

    /// Capacity of mailboxes subscribed to patterns `pattern` covers.
    pub fn capacity(mut self, pattern: Pattern, capacity: usize) -> Self {
        self.config.capacity.insert(pattern, capacity);
        self
    }

    /// Builds the bus.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) if a capacity is zero.
    pub fn build(self) -> Result<EventBus> {
        self.config.validate()?;
        Ok(EventBus::with_valid_config(self.config))
    }
}
