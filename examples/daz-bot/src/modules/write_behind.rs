//! A write-behind buffer for modules that write on every chat line
//! (`seen`, `economy`): updates are merged per key in memory and written
//! by a background task every second, so a handler never waits on the
//! database, and a database outage loses nothing. What is kept during an
//! outage is bounded by the number of distinct keys (users), not by the
//! number of events.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use daz_core::{BoxError, Context};

/// How a newer update to a key folds into the one already kept.
pub(crate) trait Merge {
    /// Folds `newer` into `self`.
    fn merge(&mut self, newer: Self);
}

#[derive(Debug)]
struct State<K, V> {
    /// Updates not yet being written.
    pending: HashMap<K, V>,
    /// Updates being written, each with its write id, older than any in
    /// `pending`. They stay here, unchanged, until written, so a flush
    /// that fails or is cut short leaves them for the next one, which
    /// writes them again with the same id.
    writing: HashMap<K, (u64, V)>,
}

/// Write ids: unique across restarts (the clock) and within a run (the
/// counter).
fn next_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    (now << 24) | (NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & 0xFF_FFFF)
}

/// Updates waiting to be written; cheap to clone (shared).
#[derive(Debug)]
pub(crate) struct WriteBehind<K, V> {
    state: Arc<Mutex<State<K, V>>>,
    /// One flush at a time, so a key's updates reach the database in order.
    flushing: Arc<tokio::sync::Mutex<()>>,
}

impl<K, V> Clone for WriteBehind<K, V> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
            flushing: Arc::clone(&self.flushing),
        }
    }
}

impl<K, V> Default for WriteBehind<K, V> {
    fn default() -> Self {
        Self {
            state: Arc::new(Mutex::new(State {
                pending: HashMap::new(),
                writing: HashMap::new(),
            })),
            flushing: Arc::default(),
        }
    }
}

impl<K, V> WriteBehind<K, V>
where
    K: Eq + Hash + Clone + Send + 'static,
    V: Merge + Clone + Send + 'static,
{
    fn state(&self) -> std::sync::MutexGuard<'_, State<K, V>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keeps `value` for `key`, merged into what is already kept.
    pub(crate) fn add(&self, key: K, value: V) {
        let mut state = self.state();
        match state.pending.get_mut(&key) {
            Some(kept) => kept.merge(value),
            None => {
                state.pending.insert(key, value);
            }
        }
    }

    /// Updates kept and not yet written.
    pub(crate) fn len(&self) -> usize {
        let state = self.state();
        state.pending.len() + state.writing.len()
    }

    /// Writes every kept update with `write`, one key at a time; returns
    /// how many were written. On the first failure the rest stay kept
    /// and the error is returned.
    ///
    /// `write` gets each update with its write id. A write that failed,
    /// or whose success went unheard (the connection cut after the
    /// commit), comes again with the same id and the same value, so a
    /// `write` that records the id and skips an id already recorded
    /// applies each update exactly once.
    pub(crate) async fn flush<W, F>(&self, write: &W) -> Result<usize, BoxError>
    where
        W: Fn(K, u64, V) -> F,
        F: Future<Output = Result<(), BoxError>>,
    {
        let _one_at_a_time = self.flushing.lock().await;
        let mut written = 0;
        // First what an earlier flush left, as it was; then what is new.
        for _round in 0..2 {
            let keys: Vec<K> = {
                let mut state = self.state();
                if state.writing.is_empty() {
                    let pending = std::mem::take(&mut state.pending);
                    state.writing = pending
                        .into_iter()
                        .map(|(k, v)| (k, (next_id(), v)))
                        .collect();
                }
                state.writing.keys().cloned().collect()
            };
            for key in keys {
                let Some((id, value)) = self.state().writing.get(&key).cloned() else {
                    continue;
                };
                write(key.clone(), id, value).await?;
                self.state().writing.remove(&key);
                written += 1;
            }
        }
        Ok(written)
    }

    /// Flushes every `every` beside the module (until it stops), logging
    /// failures; what fails is tried again on the next round.
    pub(crate) fn flush_every<W, F>(&self, ctx: &mut Context, every: Duration, write: W)
    where
        W: Fn(K, u64, V) -> F + Send + Sync + 'static,
        F: Future<Output = Result<(), BoxError>> + Send,
    {
        let kept = self.clone();
        let module = ctx.name().to_owned();
        ctx.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                if let Err(e) = kept.flush(&write).await {
                    tracing::warn!(module, kept = kept.len(), error = %e, "writing kept updates failed; will retry");
                }
            }
        });
    }
}

#[cfg(test)]
mod tests;
