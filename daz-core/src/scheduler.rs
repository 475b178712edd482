//! [`Scheduler`]: one timer for every timed thing a bot does. Each task
//! belongs to a module; a due task becomes a [`Tick`] in its owner's
//! mailbox, and a module that stops leaves no task behind.

mod clock;
mod core;
mod durable;
mod label;
pub(crate) mod metrics;
mod store;
mod task;
mod wheel;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

pub use clock::Clock;

use self::core::{Core, Entry, Stamp};
use self::metrics::SchedulerMetrics;
pub use store::{DurableTask, MemoryTaskStore, TaskStore};
pub use task::{Missed, TaskId, TaskInfo, TaskOptions, Tick};

use crate::schedule::Schedule;
use crate::{Event, EventBus, EventPayload, Result};

struct Inner {
    core: Mutex<Core>,
    /// The source of ticks, `daz`.
    source: Arc<str>,
    store: Arc<dyn TaskStore>,
    wake: Notify,
    bus: EventBus,
    metrics: SchedulerMetrics,
}

/// The bot's scheduler; cheap to clone. Modules reach it through
/// [`Context::schedule`](crate::Context::schedule); the runtime removes a
/// module's tasks when it stops.
///
/// There is one timer: the scheduler sleeps until the earliest due task
/// (or until a task is added), never polls.
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Scheduler {
    /// A scheduler delivering ticks on `bus`, reading time from `clock`.
    /// It fires nothing until [`run`](Self::run) drives it (the bot does).
    #[must_use]
    pub fn new(bus: EventBus, clock: Clock) -> Self {
        Self::with_store(bus, clock, Arc::new(MemoryTaskStore::new()))
    }

    /// A scheduler keeping durable one-shots in `store`.
    #[must_use]
    pub fn with_store(bus: EventBus, clock: Clock, store: Arc<dyn TaskStore>) -> Self {
        let metrics = SchedulerMetrics::new();
        Self {
            inner: Arc::new(Inner {
                source: Arc::from("daz"),
                store,
                core: Mutex::new(Core::new(clock, metrics.clone())),
                wake: Notify::new(),
                bus,
                metrics,
            }),
        }
    }

    /// The scheduler's current time.
    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        lock(&self.inner.core).clock.now()
    }

    fn now_ms(&self) -> i64 {
        lock(&self.inner.core).clock.now_ms()
    }

    /// Schedules `schedule` for the module `owner` under `name`; its ticks
    /// go to `owner`'s mailbox.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSchedule`](crate::Error::InvalidSchedule) if the
    /// schedule has no future run.
    pub fn schedule(
        &self,
        owner: &str,
        name: &str,
        schedule: Schedule,
        options: TaskOptions,
    ) -> Result<TaskId> {
        let core = lock(&self.inner.core);
        let Some(due) = schedule.first_ms(core.clock.now_ms()) else {
            drop(core);
            return Err(crate::Error::InvalidSchedule {
                input: format!("{schedule:?}"),
                reason: "it has no future run".to_owned(),
            });
        };
        Ok(self.insert(core, owner, name, schedule, options, due, None))
    }

    /// Adds a task to the locked `core`, then unlocks it.
    #[allow(clippy::too_many_arguments, reason = "one private call path")]
    fn insert(
        &self,
        mut core: MutexGuard<'_, Core>,
        owner: &str,
        name: &str,
        schedule: Schedule,
        options: TaskOptions,
        due_ms: i64,
        durable: Option<(String, serde_json::Value)>,
    ) -> TaskId {
        core.next_id += 1;
        let id = TaskId(core.next_id);
        let label = core.labels.get(owner, name);
        core.tasks.insert(
            id,
            Entry {
                label,
                schedule,
                options,
                due: Stamp(due_ms),
                paused: false,
                fire_at: Stamp::UNSET,
                last_run: Stamp::UNSET,
                in_flight: false,
                durable: durable.map(Box::new),
                catch_up: Stamp::UNSET,
                runs: 0,
                failures: 0,
                skipped: 0,
                late_total_ms: 0,
                late_max_ms: 0,
            },
        );
        core.metrics.count(core.tasks.len());
        // The driver sleeps until the wheel's next deadline; wake it only
        // if this task comes before that.
        let deadline = core.wheel.next_deadline();
        let earliest = core
            .push(id)
            .is_some_and(|at| deadline.is_none_or(|d| at < d));
        drop(core);
        if earliest {
            self.inner.wake.notify_one();
        }
        id
    }

    /// Cancels a task; `true` if it existed. A durable one-shot is also
    /// removed from the task store (in the background).
    pub fn cancel(&self, id: TaskId) -> bool {
        self.cancel_if(id, |_| true)
    }

    /// Cancels `id` only if `owner` owns it (for a module cancelling its
    /// own tasks); `true` if it did.
    pub(crate) fn cancel_owned(&self, owner: &str, id: TaskId) -> bool {
        self.cancel_if(id, |entry| &**entry.owner() == owner)
    }

    fn cancel_if(&self, id: TaskId, allowed: impl Fn(&Entry) -> bool) -> bool {
        let removed = {
            let mut core = lock(&self.inner.core);
            let removed = match core.tasks.get(&id) {
                Some(entry) if allowed(entry) => core.tasks.remove(&id),
                _ => None,
            };
            core.metrics.count(core.tasks.len());
            removed
        };
        let Some(entry) = removed else {
            return false;
        };
        if let Some(durable) = entry.durable {
            self.forget(entry.label.owner.to_string(), durable.0);
        }
        true
    }

    /// Pauses a task: it does not fire until resumed. `true` if it existed.
    pub fn pause(&self, id: TaskId) -> bool {
        let mut core = lock(&self.inner.core);
        match core.tasks.get_mut(&id) {
            Some(entry) => {
                entry.paused = true;
                entry.fire_at = Stamp::UNSET;
                true
            }
            None => false,
        }
    }

    /// Resumes a paused task. Runs it missed while paused are skipped: it
    /// next fires at its first due time from now. `true` if it existed.
    pub fn resume(&self, id: TaskId) -> bool {
        let now = self.now_ms();
        let mut core = lock(&self.inner.core);
        let Some(entry) = core.tasks.get_mut(&id) else {
            return false;
        };
        if entry.paused {
            entry.paused = false;
            if let Some(due) = entry.due.ms()
                && due <= now
            {
                entry.due = Stamp::of_ms(skip_past(&entry.schedule, due, now));
            }
            core.push(id);
            drop(core);
            self.inner.wake.notify_one();
        }
        true
    }

    /// Tells the scheduler the owner has handled a tick of `id` (the
    /// runtime calls this), so the next one may go, or the catch-up run
    /// under [`Missed::RunOnce`] goes now.
    pub fn done(&self, id: TaskId) {
        let now = self.now_ms();
        let catch_up = {
            let mut core = lock(&self.inner.core);
            let Some(entry) = core.tasks.get_mut(&id) else {
                return;
            };
            entry.in_flight = false;
            match entry.catch_up.take() {
                Some(due) => Some((Arc::clone(entry.owner()), entry.tick(id, due, now))),
                None => None,
            }
        };
        if let Some((owner, tick)) = catch_up {
            self.send(vec![(owner, id, tick)]);
        }
    }

    /// Delivers ticks, each run of one owner's in one batch; returns the
    /// tasks whose tick was not delivered (each counted as a failure).
    fn send(&self, sends: Vec<(Arc<str>, TaskId, Tick)>) -> Vec<TaskId> {
        let mut failed = Vec::new();
        let mut sends = sends.into_iter().peekable();
        while let Some((owner, id, tick)) = sends.next() {
            let mut ids = vec![id];
            let mut events = vec![self.tick_event(&owner, tick)];
            while let Some((_, id, tick)) = sends.next_if(|(o, _, _)| Arc::ptr_eq(o, &owner)) {
                ids.push(id);
                events.push(self.tick_event(&owner, tick));
            }
            match self.inner.bus.send_all(&owner, events) {
                Ok(errors) => {
                    for (i, error) in errors {
                        let id = ids.get(i).copied().unwrap_or(id);
                        self.undelivered(&owner, id, &error);
                        failed.push(id);
                    }
                }
                Err(error) => {
                    for id in ids {
                        self.undelivered(&owner, id, &error);
                        failed.push(id);
                    }
                }
            }
        }
        failed
    }

    /// A tick as an event addressed to `owner` (so the bus need not
    /// re-address it), stamped with its due time.
    fn tick_event(&self, owner: &Arc<str>, tick: Tick) -> Event {
        self.inner.metrics.ticked(tick.late_ms);
        let due_ms = u64::try_from(tick.due.timestamp_millis()).unwrap_or(0);
        let at = std::time::UNIX_EPOCH + std::time::Duration::from_millis(due_ms);
        Event::builder_at(Tick::TOPIC, at)
            .source(Arc::clone(&self.inner.source))
            .target(Arc::clone(owner))
            .payload(tick)
    }

    fn undelivered(&self, owner: &str, id: TaskId, error: &crate::Error) {
        self.inner.metrics.undelivered.increment(1);
        tracing::warn!(task = %id, module = %owner, %error, "tick not delivered");
        if let Some(entry) = lock(&self.inner.core).tasks.get_mut(&id) {
            entry.failures = entry.failures.saturating_add(1);
            entry.in_flight = false;
        }
    }

    /// Removes every task of `owner`; returns how many.
    pub fn remove_owner(&self, owner: &str) -> usize {
        let mut core = lock(&self.inner.core);
        let before = core.tasks.len();
        core.tasks.retain(|_, e| &**e.owner() != owner);
        before - core.tasks.len()
    }

    /// The tasks, of `owner` or of everyone, in id order.
    #[must_use]
    pub fn list(&self, owner: Option<&str>) -> Vec<TaskInfo> {
        let core = lock(&self.inner.core);
        let mut out: Vec<TaskInfo> = core
            .tasks
            .iter()
            .filter(|(_, e)| owner.is_none_or(|o| &**e.owner() == o))
            .map(|(id, e)| TaskInfo {
                id: *id,
                owner: e.owner().to_string(),
                name: e.label.name.to_string(),
                schedule: format!("{:?}", e.schedule),
                paused: e.paused,
                next_run: e.due.get().filter(|_| !e.paused),
                last_run: e.last_run.get(),
                runs: u64::from(e.runs),
                failures: u64::from(e.failures),
                skipped: u64::from(e.skipped),
                mean_late_ms: if e.runs == 0 {
                    0.0
                } else {
                    e.late_total_ms as f64 / f64::from(e.runs)
                },
                max_late_ms: u64::from(e.late_max_ms),
            })
            .collect();
        out.sort_by_key(|t| t.id);
        out
    }

    /// Drives the scheduler: sleeps until the earliest task is due, sends
    /// its tick, and repeats. Runs until the task running it is dropped.
    pub async fn run(self) {
        loop {
            let next = self.fire_due();
            let woken = self.inner.wake.notified();
            match next {
                Some(at) => {
                    let instant = lock(&self.inner.core).clock.instant_of_ms(at);
                    tokio::select! {
                        () = tokio::time::sleep_until(instant) => {}
                        () = woken => {}
                    }
                }
                None => woken.await,
            }
        }
    }

    /// Sends the ticks of every due task; returns when the next is due.
    fn fire_due(&self) -> Option<i64> {
        let mut sends = Vec::new();
        let mut forget = Vec::new();
        let next = {
            let mut core = lock(&self.inner.core);
            core.clock.refresh();
            let now = core.clock.now_ms();
            let mut due_now = Vec::new();
            core.wheel.take_due(now, &mut due_now);
            for (at, id) in due_now {
                let Some(entry) = core.tasks.get_mut(&id) else {
                    continue;
                };
                // A timer superseded (by a pause, or a later one) is stale.
                if entry.fire_at != Stamp(at) || entry.paused {
                    continue;
                }
                let Some(due) = entry.due.ms() else {
                    continue;
                };
                if entry.in_flight && !entry.options.overlap {
                    match entry.options.missed {
                        Missed::Skip => entry.skipped = entry.skipped.saturating_add(1),
                        Missed::RunOnce => {
                            if entry.catch_up == Stamp::UNSET {
                                entry.catch_up = Stamp(due);
                            }
                        }
                    }
                } else {
                    sends.push((Arc::clone(entry.owner()), id, entry.tick(id, due, now)));
                }
                entry.due = Stamp::of_ms(
                    entry
                        .schedule
                        .next_ms(due)
                        .and_then(|next| skip_past(&entry.schedule, next, now)),
                );
                if entry.due != Stamp::UNSET {
                    core.push(id);
                } else if let Some(done) = core.tasks.remove(&id)
                    && let Some(durable) = done.durable
                {
                    let (key, _) = *durable;
                    // Forgotten once delivered; kept for the owner's next
                    // start if not.
                    forget.push((id, done.label.owner.to_string(), key));
                }
            }
            core.metrics.count(core.tasks.len());
            core.wheel.next_deadline()
        };
        let failed = self.send(sends);
        for (id, owner, key) in forget {
            if !failed.contains(&id) {
                self.forget(owner, key);
            }
        }
        next
    }
}

/// The first due time of `schedule` at or after `due` that is not before
/// `now`: runs missed while the scheduler could not fire (paused, or the
/// process stalled) are skipped, not fired in a burst.
fn skip_past(schedule: &Schedule, mut due: i64, now: i64) -> Option<i64> {
    for _ in 0..1_000_000 {
        if due >= now {
            return Some(due);
        }
        match schedule.next_ms(due) {
            Some(next) => due = next,
            // A one-shot whose time passed still fires, late.
            None => return Some(due),
        }
    }
    Some(due)
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let core = lock(&self.inner.core);
        f.debug_struct("Scheduler")
            .field("tasks", &core.tasks.len())
            .finish_non_exhaustive()
    }
}
