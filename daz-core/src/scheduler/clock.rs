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
    /// `wall` in whole milliseconds, and the nanoseconds past them: the
    /// scheduler's hot path reads time as integers, not chrono values.
    wall_ms: i64,
    wall_sub_ns: u32,
    instant: Instant,
    follow_system: bool,
}

impl Clock {
    /// The system wall clock.
    #[must_use]
    pub fn system() -> Self {
        Self::anchored(Utc::now(), true)
    }

    /// A clock that reads `start` now and then advances with tokio's
    /// (possibly paused) clock.
    #[must_use]
    pub fn starting_at(start: DateTime<Utc>) -> Self {
        Self::anchored(start, false)
    }

    fn anchored(wall: DateTime<Utc>, follow_system: bool) -> Self {
        let wall_ms = wall.timestamp_millis();
        let wall_sub_ns = wall.timestamp_subsec_nanos() % 1_000_000;
        Self {
            wall,
            wall_ms,
            wall_sub_ns,
            instant: Instant::now(),
            follow_system,
        }
    }

    /// Re-anchors a system clock to the current wall time.
    pub(crate) fn refresh(&mut self) {
        if self.follow_system {
            *self = Self::anchored(Utc::now(), true);
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

    /// The current wall-clock time in whole milliseconds since the epoch
    /// (rounded down, like [`DateTime::timestamp_millis`]).
    pub(crate) fn now_ms(&self) -> i64 {
        let elapsed = Instant::now().saturating_duration_since(self.instant);
        // u64 nanoseconds cover 584 years of uptime; u128 division is slow.
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        let past = nanos.saturating_add(u64::from(self.wall_sub_ns)) / 1_000_000;
        self.wall_ms
            .saturating_add(i64::try_from(past).unwrap_or(i64::MAX))
    }

    /// The tokio instant at which the wall clock reads `at_ms` (now, if it
    /// is past).
    pub(crate) fn instant_of_ms(&self, at_ms: i64) -> Instant {
        let ahead = at_ms.saturating_sub(self.now_ms());
        let ahead = Duration::from_millis(u64::try_from(ahead).unwrap_or(0));
        Instant::now() + ahead
    }
}
