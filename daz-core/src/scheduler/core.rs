//! The scheduler's data: tasks, their timer wheel, interned names.

use super::metrics::SchedulerMetrics;
use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::label::{Label, Labels};
use super::wheel::Wheel;
use super::{Clock, TaskId, TaskOptions, Tick};
use crate::schedule::Schedule;

/// One task. Kept small: a bot may hold many thousands (reminders).
pub(super) struct Entry {
    /// Owner and name, interned: one pointer per task.
    pub(super) label: Arc<Label>,
    pub(super) schedule: Schedule,
    pub(super) options: TaskOptions,
    /// The nominal due time (before jitter); unset once done.
    pub(super) due: Stamp,
    /// A run fell due while in flight, under [`Missed::RunOnce`].
    pub(super) catch_up: Stamp,
    pub(super) last_run: Stamp,
    /// When the task's current timer fires (its due time plus jitter);
    /// a timer on the wheel for any other time is stale.
    pub(super) fire_at: Stamp,
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

    pub(super) fn of_ms(ms: Option<i64>) -> Self {
        ms.map_or(Self::UNSET, Self)
    }

    pub(super) fn ms(self) -> Option<i64> {
        (self != Self::UNSET).then_some(self.0)
    }

    pub(super) fn get(self) -> Option<DateTime<Utc>> {
        if self == Self::UNSET {
            None
        } else {
            DateTime::from_timestamp_millis(self.0)
        }
    }

    pub(super) fn take(&mut self) -> Option<i64> {
        std::mem::replace(self, Self::UNSET).ms()
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
    /// Tasks' timers; stale ones are skipped when taken.
    pub(super) wheel: Wheel<TaskId>,
    pub(super) tasks: HashMap<TaskId, Entry, std::hash::BuildHasherDefault<IdHasher>>,
    /// Owner and task names, shared between tasks.
    pub(super) labels: Labels,
    /// Read under the same lock as the tasks: one lock per schedule call.
    pub(super) clock: Clock,
    /// The last task id given out.
    pub(super) next_id: u64,
    pub(super) metrics: SchedulerMetrics,
}

impl Core {
    pub(super) fn new(clock: Clock, metrics: SchedulerMetrics) -> Self {
        Self {
            metrics,
            wheel: Wheel::new(clock.now_ms()),
            clock,
            next_id: 0,
            tasks: HashMap::default(),
            labels: Labels::new(),
        }
    }
}

impl Entry {
    pub(super) fn owner(&self) -> &Arc<str> {
        &self.label.owner
    }

    /// Records a run at `now_ms` of the time `due_ms` and makes its tick.
    pub(super) fn tick(&mut self, id: TaskId, due_ms: i64, now_ms: i64) -> Tick {
        let late_ms = u64::try_from(now_ms.saturating_sub(due_ms)).unwrap_or(0);
        self.runs = self.runs.saturating_add(1);
        self.last_run = Stamp(now_ms);
        self.in_flight = true;
        self.late_total_ms = self.late_total_ms.saturating_add(late_ms);
        self.late_max_ms = self
            .late_max_ms
            .max(u32::try_from(late_ms).unwrap_or(u32::MAX));
        Tick {
            task: id,
            name: Arc::clone(&self.label.name),
            // In range: due times are checked when computed.
            due: DateTime::from_timestamp_millis(due_ms).unwrap_or_default(),
            late_ms,
            data: self.durable.as_ref().map(|d| d.1.clone()),
        }
    }
}

impl Core {
    /// Sets the wheel's timer for `id` (unless it is paused or done);
    /// returns when it fires.
    pub(super) fn push(&mut self, id: TaskId) -> Option<i64> {
        let entry = self.tasks.get_mut(&id)?;
        let due = entry.due.ms().filter(|_| !entry.paused)?;
        // The wheel counts time from the epoch: earlier is due at once.
        let at = due.saturating_add(jitter(&entry.options)).max(0);
        entry.fire_at = Stamp(at);
        self.wheel.insert(at, id);
        self.compact();
        Some(at)
    }

    /// Drops stale timers (of tasks cancelled, paused or rescheduled) once
    /// they outnumber the tasks, so a module that keeps replacing long
    /// timers does not grow the wheel until their due times.
    fn compact(&mut self) {
        if self.wheel.len() <= 2 * self.tasks.len() + COMPACT_FLOOR {
            return;
        }
        let tasks = &self.tasks;
        self.wheel.retain(|at, id| {
            tasks
                .get(id)
                .is_some_and(|e| e.fire_at == Stamp(at) && !e.paused)
        });
    }
}

/// Stale timers tolerated before the wheel is compacted, beyond twice the
/// task count.
const COMPACT_FLOOR: usize = 1024;

/// A random delay of up to the task's jitter, in milliseconds.
fn jitter(options: &TaskOptions) -> i64 {
    let max = u64::from(options.jitter_ms);
    if max == 0 {
        return 0;
    }
    let random = RandomState::new().hash_one(std::time::SystemTime::now());
    i64::try_from(random % (max + 1)).unwrap_or(0)
}
