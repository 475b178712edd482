//! Bus counters and their snapshots.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use super::subscriber::{Subscriber, SubscriptionId};

#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) published: AtomicU64,
    pub(crate) dropped: AtomicU64,
    pub(crate) unrouted: AtomicU64,
    pub(crate) sent: AtomicU64,
    pub(crate) requests: AtomicU64,
    pub(crate) timeouts: AtomicU64,
    pub(crate) late_replies: AtomicU64,
}

pub(crate) fn bump(counter: &AtomicU64, by: u64) {
    if by > 0 {
        counter.fetch_add(by, Ordering::Relaxed);
    }
}

/// A snapshot of the bus counters, totals since the bus was built.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BusStats {
    /// Calls to `publish`.
    pub published: u64,
    /// Events placed in a mailbox, by publish, send or request (one per
    /// receiving subscriber).
    pub delivered: u64,
    /// Events not placed because a mailbox was full.
    pub dropped: u64,
    /// Publishes that matched no subscriber.
    pub unrouted: u64,
    /// Calls to `send` that reached their target.
    pub sent: u64,
    /// Requests made.
    pub requests: u64,
    /// Requests that got no reply in time.
    pub timeouts: u64,
    /// Replies that arrived after their request timed out or was answered;
    /// dropped, never delivered to another caller.
    pub late_replies: u64,
    /// Every current subscription, in id order.
    pub subscribers: Vec<SubscriberStats>,
}

/// A snapshot of one subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct SubscriberStats {
    /// The subscription.
    pub id: SubscriptionId,
    /// Its owner (a module name), if any.
    pub owner: Option<String>,
    /// Its inbox name, if it receives sends and requests.
    pub inbox: Option<String>,
    /// Its patterns.
    pub patterns: Vec<String>,
    /// Mailbox capacity.
    pub capacity: usize,
    /// Events waiting in the mailbox.
    pub queued: usize,
    /// Events placed in the mailbox.
    pub delivered: u64,
    /// Events dropped because the mailbox was full.
    pub dropped: u64,
    /// Drops per topic.
    pub drops_by_topic: BTreeMap<String, u64>,
}

impl SubscriberStats {
    pub(crate) fn of(sub: &Subscriber, patterns: Vec<String>) -> Self {
        Self {
            id: sub.id,
            owner: sub.owner.as_deref().map(str::to_owned),
            inbox: sub.inbox.as_deref().map(str::to_owned),
            patterns,
            capacity: sub.mailbox.capacity(),
            queued: sub.mailbox.len(),
            delivered: sub.delivered(),
            dropped: sub.dropped(),
            drops_by_topic: sub
                .drops_by_topic()
                .into_iter()
                .map(|(t, n)| (t.as_str().to_owned(), n))
                .collect(),
        }
    }
}

impl Counters {
    /// `delivered` is summed from the mailboxes (they count their pushes
    /// under their own lock), so publishing pays for no shared counter.
    pub(crate) fn snapshot(&self, delivered: u64, subscribers: Vec<SubscriberStats>) -> BusStats {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        BusStats {
            published: get(&self.published),
            delivered,
            dropped: get(&self.dropped),
            unrouted: get(&self.unrouted),
            sent: get(&self.sent),
            requests: get(&self.requests),
            timeouts: get(&self.timeouts),
            late_replies: get(&self.late_replies),
            subscribers,
        }
    }
}
