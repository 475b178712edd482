//! The scheduler's clock: wall-clock due times mapped onto tokio's
//! monotonic timer, so paused time in tests moves the wall clock too.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

/// Where the scheduler's "now" comes from.
///
/// [`Clock::system`] follows the system's wall clock (re-read on every
/// wake, so clock adjustments are followed). [`Clock::starting_at`] starts
/// at a chosen time and then moves with tokio's clock only, which makes
/// schedules deterministic under `tokio::time::pause` (the test harness uses
/// it).
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    wall: DateTime<Utc>,
    instant: Instant,
    follow_system: bool,
}

impl Clock {
    /// The system wall clock.
    #[must_use]
    pub fn system() -> Self {
        Self {
            wall: Utc::now(),
            instant: Instant::now(),
            follow_system: true,
        }
    }

    /// A clock that reads `start` now and then advances with tokio's
    /// (possibly paused) clock.
    #[must_use]
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self {
            wall: start,
            instant: Instant::now(),
            follow_system: false,
        }
    }

    /// Re-anchors a system clock to the current wall time.
    pub(crate) fn refresh(&mut self) {
        if self.follow_system {
            self.wall = Utc::now();
            self.instant = Instant::now();
        }
    }

    /// The current wall-clock time.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = Instant::now().saturating_duration_since(self.instant);
        chrono::Duration::from_std(elapsed)
            .ok()
            .and_then(|d| self.wall.checked_add_signed(d))
            .unwrap_or(self.wall)
    }

    /// The tokio instant at which the wall clock reads `at` (now, if `at`
    /// is past).
    pub(crate) fn instant_of(&self, at: DateTime<Utc>) -> Instant {
        let now = self.now();
        let ahead = (at - now).to_std().unwrap_or(Duration::ZERO);
        Instant::now() + ahead
    }
}
