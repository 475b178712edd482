//! A subscriber's bounded two-lane mailbox.
//!
//! Publishers push under a short lock and never wait. The one consumer swaps
//! whole lanes out under the lock and then pops without it, so a busy
//! subscriber takes the lock once per batch, not once per event, and a
//! publisher wakes it only when it has run dry.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::{Event, Priority};

/// Why a pushed event was not queued.
pub(crate) enum Rejected {
    /// The mailbox is full; the event is handed back for the drop count.
    Full(Event),
    Closed,
}

#[derive(Default)]
struct Lanes {
    high: VecDeque<Event>,
    normal: VecDeque<Event>,
    waker: Option<Waker>,
    closed: bool,
    /// Events ever queued; `pushed - taken` is what the mailbox holds.
    pushed: u64,
    /// The last `taken` read. It only lags the real count, so
    /// `pushed - seen_taken` never under-counts; the shared counter is read
    /// again only when that estimate reaches the limit, which keeps
    /// publishers off the consumer's cache line.
    seen_taken: u64,
}

/// Keeps a value on a cache line of its own, so the consumer's writes to
/// it do not evict the line publishers lock.
#[repr(align(64))]
struct OwnLine<T>(T);

struct Shared {
    capacity: usize,
    limit: u64,
    low_limit: u64,
    lanes: Mutex<Lanes>,
    /// Set by publishers when the high lane gets an event; read by the
    /// consumer before every take, so kept off the locked line.
    has_high: OwnLine<AtomicBool>,
    /// Events ever taken by the consumer; written by the consumer alone.
    taken: OwnLine<AtomicU64>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Lanes> {
        // Nothing panics while holding the lock; a poisoned lock still holds
        // consistent lanes, so recover it rather than lose events.
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues `event` in the locked `lanes` unless full or closed.
    fn queue(&self, lanes: &mut Lanes, event: Event) -> Result<(), Rejected> {
        if lanes.closed {
            return Err(Rejected::Closed);
        }
        let priority = event.priority();
        let limit = if priority == Priority::Low {
            self.low_limit
        } else {
            self.limit
        };
        // `taken` only grows meanwhile, so a check under the lock never
        // lets the mailbox exceed its limit.
        if lanes.pushed - lanes.seen_taken >= limit {
            lanes.seen_taken = self.taken.0.load(Ordering::Acquire);
            if lanes.pushed - lanes.seen_taken >= limit {
                return Err(Rejected::Full(event));
            }
        }
        lanes.pushed += 1;
        if priority == Priority::High {
            lanes.high.push_back(event);
            self.has_high.0.store(true, Ordering::Release);
        } else {
            lanes.normal.push_back(event);
        }
        Ok(())
    }
}

/// The publishing side, held by the bus.
pub(crate) struct Mailbox(Arc<Shared>);

/// The consuming side, held by the [`Subscription`](crate::Subscription):
/// the batch taken out of the lanes, popped without the lock.
pub(crate) struct Receiver {
    shared: Arc<Shared>,
    high: VecDeque<Event>,
    normal: VecDeque<Event>,
    taken: u64,
}

impl Mailbox {
    /// `capacity` must be at least 1 (checked by the bus).
    pub(crate) fn new(capacity: usize) -> (Self, Receiver) {
        let shared = Arc::new(Shared {
            capacity,
            limit: u64::try_from(capacity).unwrap_or(u64::MAX),
            low_limit: u64::try_from((capacity - capacity / 4).max(1)).unwrap_or(u64::MAX),
            taken: OwnLine(AtomicU64::new(0)),
            has_high: OwnLine(AtomicBool::new(false)),
            lanes: Mutex::new(Lanes::default()),
        });
        let receiver = Receiver {
            shared: Arc::clone(&shared),
            high: VecDeque::new(),
            normal: VecDeque::new(),
            taken: 0,
        };
        (Self(shared), receiver)
    }

    /// Events ever queued.
    pub(crate) fn pushed(&self) -> u64 {
        self.0.lock().pushed
    }

    pub(crate) fn capacity(&self) -> usize {
        self.0.capacity
    }

    /// Events waiting to be taken.
    pub(crate) fn len(&self) -> usize {
        let pushed = self.0.lock().pushed;
        let taken = self.0.taken.0.load(Ordering::Acquire);
        usize::try_from(pushed.saturating_sub(taken)).unwrap_or(usize::MAX)
    }

    /// Queues `event` unless the mailbox is full (for its priority) or
    /// closed. Wakes the consumer if it is waiting.
    pub(crate) fn push(&self, event: Event) -> Result<(), Rejected> {
        let (result, waker) = {
            let mut lanes = self.0.lock();
            let result = self.0.queue(&mut lanes, event);
            // Only a queued event is worth waking the consumer for.
            let waker = if result.is_ok() {
                lanes.waker.take()
            } else {
                None
            };
            (result, waker)
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        result
    }

    /// Queues each of `events` as [`push`](Self::push) would, under one
    /// lock and with one wake; returns the rejected ones with their index.
    pub(crate) fn push_all(&self, events: Vec<Event>) -> Vec<(usize, Rejected)> {
        let mut rejected = Vec::new();
        let waker = {
            let mut lanes = self.0.lock();
            let count = events.len();
            for (i, event) in events.into_iter().enumerate() {
                if let Err(e) = self.0.queue(&mut lanes, event) {
                    rejected.push((i, e));
                }
            }
            if rejected.len() < count {
                lanes.waker.take()
            } else {
                None
            }
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        rejected
    }

    /// Closes the mailbox: pushes fail from now on; what is queued can still
    /// be taken, then the consumer sees the end.
    pub(crate) fn close(&self) {
        let waker = {
            let mut lanes = self.0.lock();
            lanes.closed = true;
            lanes.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Receiver {
    fn pop(&mut self) -> Option<Event> {
        let event = self.high.pop_front().or_else(|| self.normal.pop_front())?;
        self.taken += 1;
        self.shared.taken.0.store(self.taken, Ordering::Release);
        Some(event)
    }

    /// Moves what the lanes hold into the batch (only into empty batch
    /// lanes, so order within a lane is kept).
    fn refill(
        high: &mut VecDeque<Event>,
        normal: &mut VecDeque<Event>,
        shared: &Shared,
        lanes: &mut Lanes,
    ) {
        if high.is_empty() && !lanes.high.is_empty() {
            std::mem::swap(&mut lanes.high, high);
            shared.has_high.0.store(false, Ordering::Release);
        }
        if normal.is_empty() {
            std::mem::swap(&mut lanes.normal, normal);
        }
    }

    /// Takes the next event: high lane first, then normal.
    /// `Ready(None)` once closed and drained.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        match self.next(Some(cx.waker())) {
            Ok(event) => Poll::Ready(Some(event)),
            Err(true) => Poll::Ready(None),
            Err(false) => Poll::Pending,
        }
    }

    /// Takes the next event without waiting; `None` when there is none.
    pub(crate) fn try_recv(&mut self) -> Option<Event> {
        self.next(None).ok()
    }

    /// Takes the next event; when there is none and `waker` is given,
    /// registers it to be woken by the next push or close. `Err(closed)`
    /// when there is none.
    fn next(&mut self, waker: Option<&Waker>) -> Result<Event, bool> {
        if self.high.is_empty() && self.shared.has_high.0.load(Ordering::Acquire) {
            let mut lanes = self.shared.lock();
            Self::refill(&mut self.high, &mut self.normal, &self.shared, &mut lanes);
        }
        if let Some(event) = self.pop() {
            return Ok(event);
        }
        let closed = {
            let mut lanes = self.shared.lock();
            Self::refill(&mut self.high, &mut self.normal, &self.shared, &mut lanes);
            let empty = self.high.is_empty() && self.normal.is_empty();
            if let (true, false, Some(waker)) = (empty, lanes.closed, waker) {
                match &mut lanes.waker {
                    Some(w) if w.will_wake(waker) => {}
                    slot => *slot = Some(waker.clone()),
                }
            }
            lanes.closed
        };
        self.pop().ok_or(closed)
    }
}
