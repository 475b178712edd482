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
}

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
        }
    }

    /// One event handled in `took`; the mailbox now holds `depth` and has
    /// dropped `dropped` in all.
    pub(crate) fn handled(&self, took: Duration, depth: usize, dropped: u64) {
        self.events.increment(1);
        self.handler.record(took.as_secs_f64());
        self.depth
            .set(u32::try_from(depth).map_or(f64::from(u32::MAX), f64::from));
        self.dropped.absolute(dropped);
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
