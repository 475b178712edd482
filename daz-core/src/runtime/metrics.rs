//! Per-module metrics through the `metrics` facade. With no recorder
//! installed every handle is a no-op.

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, Label, counter, gauge, histogram};

/// Handles for one module's series, made once so recording is cheap.
/// Every series carries the label `module`.
pub(crate) struct ModuleMetrics {
    events: Counter,
    errors: Counter,
    panics: Counter,
    failures: Counter,
    restarts: Counter,
    handler: Histogram,
    depth: Gauge,
    dropped: Counter,
    /// Events handled since the counter was last brought up to date.
    unsent: u64,
    last_depth: usize,
    last_dropped: u64,
}

/// Counters are brought up to date at least this often under load (and
/// whenever the mailbox is empty).
const FLUSH_EVERY: u64 = 256;

/// The names, for docs and tests.
pub(crate) const NAMES: &[&str] = &[
    "daz_module_events_total",
    "daz_module_errors_total",
    "daz_module_panics_total",
    "daz_module_failures_total",
    "daz_module_restarts_total",
    "daz_module_handler_seconds",
    "daz_module_mailbox_depth",
    "daz_module_mailbox_dropped_total",
];

impl ModuleMetrics {
    pub(crate) fn new(module: &str) -> Self {
        let label = vec![Label::new("module", module.to_owned())];
        Self {
            events: counter!(NAMES[0], label.clone()),
            errors: counter!(NAMES[1], label.clone()),
            panics: counter!(NAMES[2], label.clone()),
            failures: counter!(NAMES[3], label.clone()),
            restarts: counter!(NAMES[4], label.clone()),
            handler: histogram!(NAMES[5], label.clone()),
            depth: gauge!(NAMES[6], label.clone()),
            dropped: counter!(NAMES[7], label),
            unsent: 0,
            last_depth: 0,
            last_dropped: 0,
        }
    }

    /// One event handled in `took`; the mailbox now holds `depth` and has
    /// dropped `dropped` in all. The handler time is recorded at once; the
    /// event count, depth and drops when the mailbox is empty or every
    /// [`FLUSH_EVERY`] events, which keeps recording cheap under load.
    pub(crate) fn handled(&mut self, took: Duration, depth: usize, dropped: u64) {
        self.handler.record(took.as_secs_f64());
        self.unsent += 1;
        if depth == 0 || self.unsent >= FLUSH_EVERY {
            self.events.increment(self.unsent);
            self.unsent = 0;
            if depth != self.last_depth {
                self.last_depth = depth;
                self.depth
                    .set(u32::try_from(depth).map_or(f64::from(u32::MAX), f64::from));
            }
            if dropped != self.last_dropped {
                self.last_dropped = dropped;
                self.dropped.absolute(dropped);
            }
        }
    }

    /// Counts what is still unsent (when the module stops).
    pub(crate) fn flush(&mut self) {
        self.events.increment(self.unsent);
        self.unsent = 0;
    }

    pub(crate) fn error(&self) {
        self.errors.increment(1);
    }

    pub(crate) fn panic(&self) {
        self.panics.increment(1);
    }

    pub(crate) fn failure(&self) {
        self.failures.increment(1);
    }

    pub(crate) fn restart(&self) {
        self.restarts.increment(1);
    }
}
