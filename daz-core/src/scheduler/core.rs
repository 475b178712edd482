//! The scheduler's data: tasks, their due-time heap, interned names.

use std::cmp::Reverse;
use std::collections::hash_map::RandomState;
use std::collections::{BinaryHeap, HashMap};
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{TaskId, TaskOptions, Tick};
use crate::schedule::Schedule;

/// One task. Kept small: a bot may hold many thousands (reminders).
pub(super) struct Entry {
    /// Interned: tasks of one owner share the text.
    pub(super) owner: Arc<str>,
    /// Interned: tasks of one name share the text.
    pub(super) name: Arc<str>,
    pub(super) schedule: Schedule,
    pub(super) options: TaskOptions,
    /// The nominal due time (before jitter); unset once done.
    pub(super) due: Stamp,
    /// A run fell due while in flight, under [`Missed::RunOnce`].
    pub(super) catch_up: Stamp,
    pub(super) last_run: Stamp,
    /// Bumped whenever the heap entry for this task goes stale.
    pub(super) generation: u32,
    pub(super) runs: u32,
    pub(super) failures: u32,
    pub(super) skipped: u32,
    pub(super) late_max_ms: u32,
    pub(super) late_total_ms: u64,
    pub(super) paused: bool,
    /// A tick was sent and its owner has not finished handling it.
    pub(super) in_flight: bool,
    /// For a durable one-shot: its store key and data.
    pub(super) durable: Option<Box<(String, serde_json::Value)>>,
}

/// A time to the millisecond in 8 bytes, or unset; tasks store three.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Stamp(pub(super) i64);

impl Stamp {
    pub(super) const UNSET: Stamp = Stamp(i64::MIN);

    pub(super) fn at(time: DateTime<Utc>) -> Self {
        Self(time.timestamp_millis())
    }

    pub(super) fn of(time: Option<DateTime<Utc>>) -> Self {
        time.map_or(Self::UNSET, Self::at)
    }

    pub(super) fn get(self) -> Option<DateTime<Utc>> {
        if self == Self::UNSET {
            None
        } else {
            DateTime::from_timestamp_millis(self.0)
        }
    }

    pub(super) fn take(&mut self) -> Option<DateTime<Utc>> {
        std::mem::replace(self, Self::UNSET).get()
    }
}

/// Hashes task ids, which are sequential numbers: one multiplication.
#[derive(Default)]
pub(super) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) struct Core {
    /// (when to fire, task, generation): earliest first; stale entries are
    /// skipped when popped.
    pub(super) heap: BinaryHeap<Reverse<(Stamp, TaskId, u32)>>,
    pub(super) tasks: HashMap<TaskId, Entry, std::hash::BuildHasherDefault<IdHasher>>,
    /// Owner and task names, shared between tasks.
    pub(super) names: std::collections::HashSet<Arc<str>>,
    /// The names interned last, checked before hashing.
    pub(super) last_interned: [Arc<str>; 2],
}

impl Default for Core {
    fn default() -> Self {
        let empty: Arc<str> = Arc::from("");
        Self {
            heap: BinaryHeap::new(),
            tasks: HashMap::default(),
            names: std::collections::HashSet::new(),
            last_interned: [Arc::clone(&empty), empty],
        }
    }
}

impl Core {
    pub(super) fn intern(&mut self, text: &str) -> Arc<str> {
        // Tasks tend to come in runs from one owner under one name.
        if let Some(last) = self.last_interned.iter().find(|l| &***l == text) {
            return Arc::clone(last);
        }
        let text = match self.names.get(text) {
            Some(known) => Arc::clone(known),
            None => {
                let text: Arc<str> = text.into();
                self.names.insert(Arc::clone(&text));
                text
            }
        };
        self.last_interned.rotate_right(1);
        self.last_interned[0] = Arc::clone(&text);
        text
    }
}

impl Entry {
    /// Records a run at `now` of the time `due` and makes its tick.
    pub(super) fn tick(&mut self, id: TaskId, due: DateTime<Utc>, now: DateTime<Utc>) -> Tick {
        let late_ms = u64::try_from((now - due).num_milliseconds()).unwrap_or(0);
        self.runs = self.runs.saturating_add(1);
        self.last_run = Stamp::at(now);
        self.in_flight = true;
        self.late_total_ms = self.late_total_ms.saturating_add(late_ms);
        self.late_max_ms = self
            .late_max_ms
            .max(u32::try_from(late_ms).unwrap_or(u32::MAX));
        Tick {
            task: id,
            name: Arc::clone(&self.name),
            due,
            late_ms,
            data: self.durable.as_ref().map(|d| d.1.clone()),
        }
    }
}

impl Core {
    pub(super) fn push(&mut self, id: TaskId) {
        if let Some(entry) = self.tasks.get(&id)
            && let (Some(due), false) = (entry.due.get(), entry.paused)
        {
            let at = Stamp::at(due + jitter(&entry.options));
            self.heap.push(Reverse((at, id, entry.generation)));
        }
    }
}

fn jitter(options: &TaskOptions) -> chrono::Duration {
    let max = u64::from(options.jitter_ms);
    if max == 0 {
        return chrono::Duration::zero();
    }
    let random = RandomState::new().hash_one(std::time::SystemTime::now());
    chrono::Duration::milliseconds(i64::try_from(random % (max + 1)).unwrap_or(0))
}
