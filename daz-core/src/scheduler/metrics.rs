//! The scheduler's metrics through the `metrics` facade (no-ops without a
//! recorder; made when the scheduler is, so install a recorder first).

use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};

/// The series, for docs and tests.
pub(crate) const NAMES: &[&str] = &[
    "daz_scheduler_tasks",
    "daz_scheduler_ticks_total",
    "daz_scheduler_lateness_seconds",
    "daz_scheduler_undelivered_total",
];

/// Handles made once, so recording is cheap.
#[derive(Clone)]
pub(super) struct SchedulerMetrics {
    pub(super) tasks: Gauge,
    ticks: Counter,
    lateness: Histogram,
    pub(super) undelivered: Counter,
}

impl SchedulerMetrics {
    pub(super) fn new() -> Self {
        Self {
            tasks: gauge!(NAMES[0]),
            ticks: counter!(NAMES[1]),
            lateness: histogram!(NAMES[2]),
            undelivered: counter!(NAMES[3]),
        }
    }

    /// A tick goes out `late_ms` after it was due.
    #[allow(
        clippy::cast_precision_loss,
        reason = "milliseconds of lateness fit an f64"
    )]
    pub(super) fn ticked(&self, late_ms: u64) {
        self.ticks.increment(1);
        self.lateness.record(late_ms as f64 / 1000.0);
    }

    /// There are `n` tasks now.
    #[allow(clippy::cast_precision_loss, reason = "a task count fits an f64")]
    pub(super) fn count(&self, n: usize) {
        self.tasks.set(n as f64);
    }
}
