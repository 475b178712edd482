//! Scheduled tasks as the outside sees them: ids, options, ticks, listings.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{EventPayload, Topic};

/// Identifies a scheduled task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TaskId(pub(crate) u64);

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "task-{}", self.0)
    }
}

/// Delivered to the owning module's `handle` when one of its tasks is due,
/// under `daz.tick`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tick {
    /// The task.
    pub task: TaskId,
    /// The name it was scheduled under.
    pub name: std::sync::Arc<str>,
    /// When it was due.
    pub due: DateTime<Utc>,
    /// How late the tick was sent, in milliseconds.
    pub late_ms: u64,
    /// For a durable one-shot: the data stored with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
}

impl EventPayload for Tick {
    const TOPIC: Topic = Topic::from_static("daz.tick");
}

/// What to do with a run that falls due while the previous tick of the
/// same task is still waiting in, or being handled by, its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Missed {
    /// Drop it (counted as skipped).
    #[default]
    Skip,
    /// Deliver one catch-up tick as soon as the owner is done, however
    /// many runs fell due meanwhile.
    RunOnce,
}

/// A task's options. All optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
#[must_use]
pub struct TaskOptions {
    /// Milliseconds; small, since every task carries its options.
    pub(crate) jitter_ms: u32,
    pub(crate) missed: Missed,
    pub(crate) overlap: bool,
}

impl TaskOptions {
    /// Default options: no jitter, no overlap, missed runs skipped.
    pub fn new() -> Self {
        Self::default()
    }

    /// What happens to runs due while the owner is still busy with the
    /// previous tick (default [`Missed::Skip`]).
    pub fn missed(mut self, missed: Missed) -> Self {
        self.missed = missed;
        self
    }

    /// Lets ticks of this task pile up in the owner's mailbox instead
    /// (default `false`: one tick at a time, the rest per
    /// [`missed`](Self::missed)).
    pub fn overlap(mut self, overlap: bool) -> Self {
        self.overlap = overlap;
        self
    }

    /// Delays each run by a random amount up to `jitter` (default none), to
    /// spread tasks due at the same moment.
    pub fn jitter(mut self, jitter: Duration) -> Self {
        self.jitter_ms = u32::try_from(jitter.as_millis()).unwrap_or(u32::MAX);
        self
    }
}

/// A scheduled task, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskInfo {
    /// The task.
    pub id: TaskId,
    /// The module that owns it.
    pub owner: String,
    /// Its name.
    pub name: String,
    /// Its schedule, described.
    pub schedule: String,
    /// Whether it is paused.
    pub paused: bool,
    /// When it is next due (`None` when paused or done).
    pub next_run: Option<DateTime<Utc>>,
    /// When it last fired.
    pub last_run: Option<DateTime<Utc>>,
    /// Times it fired.
    pub runs: u64,
    /// Ticks that could not be delivered (the owner's mailbox was full or
    /// it was not running).
    pub failures: u64,
    /// Runs skipped because the owner was still busy with the previous one.
    pub skipped: u64,
    /// Mean lateness of its ticks, in milliseconds.
    pub mean_late_ms: f64,
    /// Largest lateness, in milliseconds.
    pub max_late_ms: u64,
}
