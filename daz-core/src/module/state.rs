//! Module states, health, and the lifecycle events the runtime publishes.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a module is in its life. The runtime moves it
/// `Registered → Initializing → Ready → Running → Stopping → Stopped`;
/// a failure sends it back through `Initializing` after a backoff, and too
/// many failures leave it `Degraded`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ModuleState {
    /// Added to the bot, not started (or waiting for a module it requires).
    Registered,
    /// `init` is running.
    Initializing,
    /// `init` succeeded; `start` is next.
    Ready,
    /// Handling events.
    Running,
    /// `stop` is running.
    Stopping,
    /// Stopped (disabled, or the bot is shutting down).
    Stopped,
    /// Failed too often; left stopped until restarted by hand. The rest of
    /// the bot goes on.
    Degraded,
    /// Abandoned: its `stop` overran the shutdown deadline.
    Failed,
}

impl ModuleState {
    /// The lower-case name used in topics, JSON and logs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Initializing => "initializing",
            Self::Ready => "ready",
            Self::Running => "running",
            Self::Stopping => "stopping",
            Self::Stopped => "stopped",
            Self::Degraded => "degraded",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for ModuleState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a module reports from [`Module::health`](crate::Module::health).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "lowercase")]
pub enum Health {
    /// Working normally.
    Healthy,
    /// Working, but impaired; the reason says how.
    Degraded(String),
    /// Not working; the reason says why.
    Unhealthy(String),
}

impl Health {
    /// How bad it is: 0 healthy, 1 degraded, 2 unhealthy.
    #[must_use]
    pub fn severity(&self) -> u8 {
        match self {
            Self::Healthy => 0,
            Self::Degraded(_) => 1,
            Self::Unhealthy(_) => 2,
        }
    }
}

/// Published on `daz.lifecycle.<module>` each time a module changes state
/// (see [`Lifecycle::topic_for`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifecycle {
    /// The module.
    pub module: String,
    /// Its new state.
    pub state: ModuleState,
    /// Why, for failures.
    pub reason: Option<String>,
}

impl crate::EventPayload for Lifecycle {
    const TOPIC: crate::Topic = crate::Topic::from_static("daz.lifecycle");
}

impl Lifecycle {
    /// `daz.lifecycle.<module>`: where the runtime publishes a module's
    /// state changes.
    #[must_use]
    pub fn topic_for(module: &str) -> crate::Topic {
        <Self as crate::EventPayload>::TOPIC
            .join(module)
            .unwrap_or(<Self as crate::EventPayload>::TOPIC)
    }
}
