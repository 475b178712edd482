//! A subscriber's bounded two-lane mailbox.
//!
//! Publishers push under a short lock and never wait. The one consumer swaps
//! whole lanes out under the lock and then pops without it, so a busy
//! subscriber takes the lock once per batch, not once per event.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Waker};

use crate::{Event, Priority};

/// What happened to a pushed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Push {
    Queued,
    Full,
    Closed,
}

#[derive(Default)]
struct Lanes {
    high: VecDeque<Event>,
    normal: VecDeque<Event>,
    waker: Option<Waker>,
    closed: bool,
}

/// The consumer's side: lanes swapped out of the mailbox, popped lock-free.
#[derive(Default)]
pub(crate) struct Local {
    high: VecDeque<Event>,
    normal: VecDeque<Event>,
}

pub(crate) struct Mailbox {
    capacity: usize,
    low_limit: usize,
    /// Events queued in the mailbox and in the consumer's `Local`.
    len: AtomicUsize,
    has_high: AtomicBool,
    lanes: Mutex<Lanes>,
}

fn lock(m: &Mutex<Lanes>) -> MutexGuard<'_, Lanes> {
    // Nothing panics while holding the lock; a poisoned lock still holds
    // consistent lanes, so recover it rather than lose events.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Mailbox {
    /// `capacity` must be at least 1 (checked by the bus).
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity,
            low_limit: (capacity - capacity / 4).max(1),
            len: AtomicUsize::new(0),
            has_high: AtomicBool::new(false),
            lanes: Mutex::new(Lanes::default()),
        }
    }

    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Events waiting to be taken.
    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Relaxed)
    }

    pub(crate) fn push(&self, event: &Event) -> Push {
        let priority = event.priority();
        let limit = if priority == Priority::Low {
            self.low_limit
        } else {
            self.capacity
        };
        let waker = {
            let mut lanes = lock(&self.lanes);
            if lanes.closed {
                return Push::Closed;
            }
            if self.len.load(Ordering::Acquire) >= limit {
                return Push::Full;
            }
            self.len.fetch_add(1, Ordering::AcqRel);
            if priority == Priority::High {
                lanes.high.push_back(event.clone());
                self.has_high.store(true, Ordering::Release);
            } else {
                lanes.normal.push_back(event.clone());
            }
            lanes.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
        Push::Queued
    }

    /// Closes the mailbox: pushes fail from now on; what is queued can still
    /// be taken, then the consumer sees the end.
    pub(crate) fn close(&self) {
        let waker = {
            let mut lanes = lock(&self.lanes);
            lanes.closed = true;
            lanes.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    fn pop(&self, local: &mut Local) -> Option<Event> {
        let event = local.high.pop_front().or_else(|| local.normal.pop_front())?;
        self.len.fetch_sub(1, Ordering::AcqRel);
        Some(event)
    }

    /// Moves whatever the lanes hold into `local` (only into empty local
    /// lanes, so order within a lane is kept).
    fn refill(&self, lanes: &mut Lanes, local: &mut Local) {
        if local.high.is_empty() {
            std::mem::swap(&mut lanes.high, &mut local.high);
            self.has_high.store(false, Ordering::Release);
        }
        if local.normal.is_empty() {
            std::mem::swap(&mut lanes.normal, &mut local.normal);
        }
    }

    /// Takes the next event: high lane first, then normal.
    /// `Ready(None)` once closed and empty.
    pub(crate) fn poll_recv(&self, local: &mut Local, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        match self.next(local, Some(cx.waker())) {
            Ok(event) => Poll::Ready(Some(event)),
            Err(true) => Poll::Ready(None),
            Err(false) => Poll::Pending,
        }
    }

    /// Takes the next event without waiting. `Err(closed)` when there is
    /// none: `true` if the mailbox is closed and drained.
    pub(crate) fn try_recv(&self, local: &mut Local) -> Result<Event, bool> {
        self.next(local, None)
    }

    /// Takes the next event; when there is none and `waker` is given,
    /// registers it to be woken by the next push or close.
    fn next(&self, local: &mut Local, waker: Option<&Waker>) -> Result<Event, bool> {
        if local.high.is_empty() && self.has_high.load(Ordering::Acquire) {
            let mut lanes = lock(&self.lanes);
            self.refill(&mut lanes, local);
        }
        if let Some(event) = self.pop(local) {
            return Ok(event);
        }
        let mut lanes = lock(&self.lanes);
        self.refill(&mut lanes, local);
        if let Some(event) = self.pop(local) {
            return Ok(event);
        }
        if let (false, Some(waker)) = (lanes.closed, waker) {
            match &mut lanes.waker {
                Some(w) if w.will_wake(waker) => {}
                slot => *slot = Some(waker.clone()),
            }
        }
        Err(lanes.closed)
    }
}
