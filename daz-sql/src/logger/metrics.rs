//! The logger's metrics through the `metrics` facade (no-ops without a
//! recorder; made when the module is, so install a recorder first).

use std::time::Duration;

use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};

/// The series.
pub(crate) const NAMES: &[&str] = &[
    "daz_sql_logger_rows_written_total",
    "daz_sql_logger_rows_dropped_total",
    "daz_sql_logger_rows_buffered",
    "daz_sql_logger_batch_seconds",
    "daz_sql_logger_failures_total",
];

/// Handles made once.
#[derive(Debug, Clone)]
pub(crate) struct LoggerMetrics {
    written: Counter,
    pub(crate) dropped: Counter,
    buffered: Gauge,
    batch: Histogram,
    failures: Counter,
}

impl Default for LoggerMetrics {
    fn default() -> Self {
        Self {
            written: counter!(NAMES[0]),
            dropped: counter!(NAMES[1]),
            buffered: gauge!(NAMES[2]),
            batch: histogram!(NAMES[3]),
            failures: counter!(NAMES[4]),
        }
    }
}

impl LoggerMetrics {
    /// A batch of `rows` was written in `took`; `buffered` rows wait.
    #[allow(clippy::cast_precision_loss, reason = "row counts fit an f64")]
    pub(crate) fn wrote(&self, rows: usize, took: Duration, buffered: usize) {
        self.written
            .increment(u64::try_from(rows).unwrap_or(u64::MAX));
        self.batch.record(took.as_secs_f64());
        self.buffered.set(buffered as f64);
    }

    /// A batch failed; `buffered` rows wait.
    #[allow(clippy::cast_precision_loss, reason = "row counts fit an f64")]
    pub(crate) fn failed(&self, buffered: usize) {
        self.failures.increment(1);
        self.buffered.set(buffered as f64);
    }
}
