//! The logger's buffer and writer task. Rows wait in one bounded buffer;
//! the writer takes them in batches (at `batch_size` rows or after
//! `flush_every`, whichever first). While the database is down the rows
//! stay, new rows beyond the bound are dropped and counted, and the writer
//! retries with backoff. A stop flushes everything.

use super::metrics::LoggerMetrics;
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, oneshot};
use tokio::time::Instant;

use super::rows::Row;
use super::tables::{Batch, Written, forget_old_batches, write};
use crate::database::Database;

/// How the writer batches and buffers.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tuning {
    pub(crate) batch_size: usize,
    pub(crate) flush_every: Duration,
    pub(crate) buffer: usize,
    pub(crate) max_backoff: Duration,
}

/// What the module and the writer share.
#[derive(Debug)]
pub(crate) struct Shared {
    rows: Mutex<VecDeque<Row>>,
    /// When the oldest waiting row arrived.
    oldest: Mutex<Option<Instant>>,
    wake: Notify,
    tuning: Tuning,
    /// Rows taken into a batch that failed, waiting to be written again.
    pending: AtomicU64,
    pub(crate) written: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) failures: AtomicU64,
    pub(crate) batches: AtomicU64,
    metrics: LoggerMetrics,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(tuning: Tuning) -> Self {
        Self {
            rows: Mutex::new(VecDeque::new()),
            oldest: Mutex::new(None),
            wake: Notify::new(),
            tuning,
            pending: AtomicU64::new(0),
            written: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            batches: AtomicU64::new(0),
            metrics: LoggerMetrics::default(),
        }
    }

    /// Adds a row; beyond the buffer's bound it is dropped and counted.
    pub(crate) fn push(&self, row: Row) {
        let pending = usize::try_from(self.pending.load(Ordering::Relaxed)).unwrap_or(usize::MAX);
        let len = {
            let mut rows = lock(&self.rows);
            if rows.len().saturating_add(pending) >= self.tuning.buffer {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                self.metrics.dropped.increment(1);
                return;
            }
            rows.push_back(row);
            rows.len()
        };
        if len == 1 {
            *lock(&self.oldest) = Some(Instant::now());
            self.wake.notify_one();
        } else if len >= self.tuning.batch_size {
            self.wake.notify_one();
        }
    }

    /// Rows waiting (in the buffer, or in a batch to write again).
    pub(crate) fn buffered(&self) -> usize {
        let pending = usize::try_from(self.pending.load(Ordering::Relaxed)).unwrap_or(usize::MAX);
        lock(&self.rows).len().saturating_add(pending)
    }
}

/// Asks the writer to write everything before `deadline`.
#[derive(Debug)]
pub(crate) struct Flush(pub(crate) Instant, pub(crate) oneshot::Sender<()>);

struct Writer {
    db: Database,
    shared: Arc<Shared>,
    pending: Option<Batch>,
    retry_at: Option<Instant>,
    backoff: Duration,
    /// When old batch ids were last forgotten.
    forgot_at: Option<Instant>,
}

/// How often the writer forgets old batch ids.
const FORGET_EVERY: Duration = Duration::from_secs(3600);

impl Writer {
    /// Writes batches while rows wait (only full ones unless `all`);
    /// `false` at the first failure. A failed batch is kept and written
    /// again first.
    async fn flush(&mut self, all: bool) -> bool {
        loop {
            let batch = match self.pending.take() {
                Some(batch) => batch,
                None => {
                    let rows: Vec<Row> = {
                        let mut rows = lock(&self.shared.rows);
                        if rows.is_empty() || (!all && rows.len() < self.shared.tuning.batch_size) {
                            if rows.is_empty() {
                                *lock(&self.shared.oldest) = None;
                            }
                            return true;
                        }
                        let n = rows.len().min(self.shared.tuning.batch_size);
                        rows.drain(..n).collect()
                    };
                    let batch = Batch::from_rows(rows);
                    self.set_pending(batch.len());
                    batch
                }
            };
            let started = Instant::now();
            match write(&self.db, &batch).await {
                Ok(written) => {
                    if written == Written::Before {
                        tracing::info!(
                            rows = batch.len(),
                            "a log batch retried after a lost answer was written before; not writing it again"
                        );
                    }
                    self.forget_old_batches().await;
                    let s = &self.shared;
                    s.written.fetch_add(
                        u64::try_from(batch.len()).unwrap_or(u64::MAX),
                        Ordering::Relaxed,
                    );
                    s.batches.fetch_add(1, Ordering::Relaxed);
                    self.set_pending(0);
                    let left = lock(&s.rows).len();
                    s.metrics.wrote(batch.len(), started.elapsed(), left);
                    *lock(&s.oldest) = (left > 0).then(Instant::now);
                    self.retry_at = None;
                    self.backoff = Duration::ZERO;
                }
                Err(e) => {
                    self.shared.failures.fetch_add(1, Ordering::Relaxed);
                    self.shared.metrics.failed(self.shared.buffered());
                    self.backoff = (self.backoff * 2)
                        .clamp(Duration::from_millis(100), self.shared.tuning.max_backoff);
                    self.retry_at = Some(Instant::now() + self.backoff);
                    tracing::warn!(error = %e, waiting = self.shared.buffered(), retry_in = ?self.backoff, "cannot write the log; keeping the rows");
                    self.pending = Some(batch);
                    return false;
                }
            }
        }
    }

    /// Now and then (every [`FORGET_EVERY`]), forgets the ids of batches
    /// written long ago; a failure only waits for the next time.
    async fn forget_old_batches(&mut self) {
        if self.forgot_at.is_some_and(|at| at.elapsed() < FORGET_EVERY) {
            return;
        }
        self.forgot_at = Some(Instant::now());
        if let Err(e) = forget_old_batches(&self.db).await {
            tracing::warn!(error = %e, "cannot forget old log batch ids; trying again later");
        }
    }

    fn set_pending(&self, rows: usize) {
        self.shared
            .pending
            .store(u64::try_from(rows).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// When to try next without being woken: the retry time after a
    /// failure, else when the oldest row has waited `flush_every`.
    fn next_attempt(&self) -> Option<Instant> {
        if let Some(retry) = self.retry_at {
            return Some(retry);
        }
        let oldest = *lock(&self.shared.oldest);
        oldest.map(|t| t + self.shared.tuning.flush_every)
    }

    fn full_batch(&self) -> bool {
        lock(&self.shared.rows).len() >= self.shared.tuning.batch_size
    }
}

/// Runs the writer until `flushes` is closed (then writes what is left).
pub(crate) async fn run(db: Database, shared: Arc<Shared>, mut flushes: mpsc::Receiver<Flush>) {
    let mut w = Writer {
        db,
        shared,
        pending: None,
        retry_at: None,
        backoff: Duration::ZERO,
        forgot_at: None,
    };
    loop {
        let next = w.next_attempt();
        tokio::select! {
            flush = flushes.recv() => match flush {
                None => {
                    w.flush(true).await;
                    return;
                }
                Some(Flush(deadline, done)) => {
                    while !w.flush(true).await && Instant::now() < deadline {
                        tokio::time::sleep_until(w.retry_at.unwrap_or(deadline).min(deadline)).await;
                    }
                    let _ = done.send(());
                }
            },
            () = w.shared.wake.notified() => {
                if w.retry_at.is_none() && w.full_batch() {
                    w.flush(false).await;
                }
            }
            () = async { if let Some(at) = next { tokio::time::sleep_until(at).await } }, if next.is_some() => {
                w.flush(true).await;
            }
        }
    }
}
