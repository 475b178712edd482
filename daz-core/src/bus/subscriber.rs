//! The bus's record of one subscriber: its mailbox, filters and counters.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use super::mailbox::{Mailbox, Receiver, Rejected};
use crate::{Event, Topic};

/// Identifies one subscription on its bus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SubscriptionId(pub(crate) u64);

impl fmt::Display for SubscriptionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "sub-{}", self.0)
    }
}

pub(crate) struct Subscriber {
    pub(crate) id: SubscriptionId,
    pub(crate) owner: Option<Arc<str>>,
    pub(crate) inbox: Option<Arc<str>>,
    rooms: Option<Box<[Arc<str>]>>,
    pub(crate) mailbox: Mailbox,
    /// Set while the subscriber has more than one pattern, so a publish must
    /// check it is not delivering twice.
    multi: AtomicBool,
    dropped: AtomicU64,
    drops_by_topic: Mutex<HashMap<Topic, u64>>,
}

/// What a delivery attempt did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    Delivered,
    Dropped,
    /// Filtered out by room, or the subscriber is closing.
    Skipped,
}

/// Whether `room` is within `rooms`: no limit, or no room, allows all.
/// Inbound (a subscriber's rooms) and outbound (a module's context) share
/// this one rule.
pub(crate) fn room_allowed<S: AsRef<str>>(rooms: Option<&[S]>, room: Option<&str>) -> bool {
    match (rooms, room) {
        (Some(rooms), Some(room)) => rooms.iter().any(|r| r.as_ref() == room),
        _ => true,
    }
}

impl Subscriber {
    pub(crate) fn new(
        id: SubscriptionId,
        owner: Option<Arc<str>>,
        inbox: Option<Arc<str>>,
        rooms: Option<Box<[Arc<str>]>>,
        capacity: usize,
    ) -> (Self, Receiver) {
        let (mailbox, receiver) = Mailbox::new(capacity);
        let sub = Self {
            id,
            owner,
            inbox,
            rooms,
            mailbox,
            multi: AtomicBool::new(false),
            dropped: AtomicU64::new(0),
            drops_by_topic: Mutex::new(HashMap::new()),
        };
        (sub, receiver)
    }

    pub(crate) fn set_multi(&self, multi: bool) {
        self.multi.store(multi, Ordering::Relaxed);
    }

    pub(crate) fn is_multi(&self) -> bool {
        self.multi.load(Ordering::Relaxed)
    }

    /// Whether an event of `room` may reach this subscriber: events without
    /// a room reach everyone; room-limited subscribers see only their rooms.
    pub(crate) fn accepts_room(&self, room: Option<&str>) -> bool {
        room_allowed(self.rooms.as_deref(), room)
    }

    pub(crate) fn rooms(&self) -> Option<&[Arc<str>]> {
        self.rooms.as_deref()
    }

    /// Pushes `event` into the mailbox, counting the outcome. The caller
    /// checks [`accepts_room`](Self::accepts_room) first.
    pub(crate) fn deliver(&self, event: Event) -> Delivery {
        match self.mailbox.push(event) {
            Ok(()) => Delivery::Delivered,
            Err(rejected) => self.reject(rejected),
        }
    }

    /// Pushes each of `events` as [`deliver`](Self::deliver) would, under
    /// one mailbox lock; returns the ones not delivered with their index.
    pub(crate) fn deliver_all(&self, events: Vec<Event>) -> Vec<(usize, Delivery)> {
        self.mailbox
            .push_all(events)
            .into_iter()
            .map(|(i, rejected)| (i, self.reject(rejected)))
            .collect()
    }

    fn reject(&self, rejected: Rejected) -> Delivery {
        match rejected {
            Rejected::Full(event) => {
                self.dropped.fetch_add(1, Ordering::Relaxed);
                let mut drops = self
                    .drops_by_topic
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                *drops.entry(event.topic().clone()).or_insert(0) += 1;
                Delivery::Dropped
            }
            Rejected::Closed => Delivery::Skipped,
        }
    }

    pub(crate) fn delivered(&self) -> u64 {
        self.mailbox.pushed()
    }

    pub(crate) fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    pub(crate) fn drops_by_topic(&self) -> Vec<(Topic, u64)> {
        let drops = self
            .drops_by_topic
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        drops.iter().map(|(t, n)| (t.clone(), *n)).collect()
    }
}
