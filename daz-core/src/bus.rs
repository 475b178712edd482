//! [`EventBus`]: topic-routed publish/subscribe, direct sends and
//! request/response between modules.

mod builder;
mod config;
mod error_reply;
mod mailbox;
mod registry;
mod stats;
mod subscriber;
mod subscription;
mod trie;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use dashmap::DashMap;
use tokio::sync::{oneshot, watch};

pub use builder::EventBusBuilder;
pub use config::{BusConfig, DEFAULT_CAPACITY, SubscribeOptions};
pub use error_reply::ErrorReply;
pub use stats::{BusStats, SubscriberStats};
pub use subscriber::SubscriptionId;
pub use subscription::Subscription;

use config::zero_capacity;
use mailbox::Receiver;
use registry::Registry;
use stats::{Counters, bump};
pub(crate) use subscriber::room_allowed;
use subscriber::{Delivery, Subscriber};

use crate::{Error, Event, EventId, EventPayload, Pattern, Result};

/// The event bus: a cheap-to-clone handle (`Clone + Send + Sync`) shared by
/// every module.
///
/// - [`publish`](Self::publish) delivers an event to every subscription
///   whose pattern matches its topic;
/// - [`send`](Self::send) delivers to one named inbox;
/// - [`request`](Self::request) sends and waits for the reply, matched by a
///   correlation id, with a timeout.
///
/// Every subscription has its own bounded mailbox. A publisher never waits:
/// when a mailbox is full the event is dropped for that subscriber only and
/// counted (per subscriber and topic). See `docs/src/semantics.md` for the
/// full list of guarantees.
///
/// # Examples
///
/// ```
/// use daz_core::{Event, EventBus, Pattern, SubscribeOptions};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, daz_core::Event)]
/// #[event(topic = "demo.ping")]
/// struct Ping { n: u32 }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bus = EventBus::new();
/// let mut sub = bus.subscribe(Pattern::new("demo.*")?, SubscribeOptions::new())?;
///
/// assert_eq!(bus.publish(Event::new(Ping { n: 7 })), 1);
/// let event = sub.recv().await.ok_or("unsubscribed")?;
/// assert_eq!(event.payload::<Ping>()?.n, 7);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    registry: RwLock<Registry>,
    pending: DashMap<EventId, oneshot::Sender<Event>>,
    counters: Counters,
    config: BusConfig,
    next_id: AtomicU64,
    reply_to: Arc<str>,
    /// Bumped on every change of the subscriptions.
    changes: watch::Sender<u64>,
}

impl Default for EventBus {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for EventBus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBus")
            .field("reply_to", &self.inner.reply_to)
            .field("patterns", &self.read().pattern_count())
            .finish_non_exhaustive()
    }
}

impl EventBus {
    /// A bus with the default configuration.
    #[must_use]
    pub fn new() -> Self {
        Self::with_valid_config(BusConfig::default())
    }

    pub(crate) fn with_valid_config(config: BusConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                registry: RwLock::new(Registry::default()),
                pending: DashMap::new(),
                counters: Counters::default(),
                config,
                next_id: AtomicU64::new(1),
                reply_to: format!("_reply.{}", EventId::next()).into(),
                changes: watch::Sender::new(0),
            }),
        }
    }

    /// A builder to set mailbox capacities.
    pub fn builder() -> EventBusBuilder {
        EventBusBuilder::default()
    }

    /// The configuration the bus was built with.
    #[must_use]
    pub fn config(&self) -> &BusConfig {
        &self.inner.config
    }

    fn read(&self) -> RwLockReadGuard<'_, Registry> {
        self.inner
            .registry
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The registry for a change: watchers are told while the lock is
    /// held, so what they read next includes the change.
    fn write(&self) -> RwLockWriteGuard<'_, Registry> {
        let guard = self
            .inner
            .registry
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        self.inner.changes.send_modify(|n| *n = n.wrapping_add(1));
        guard
    }

    /// A receiver told of every change of the subscriptions (a
    /// subscription or inbox opened or closed, a pattern added or
    /// removed); read [`stats`](Self::stats) for what they are now. For
    /// transports, which bridge what local modules listen to.
    #[must_use]
    pub fn watch_subscriptions(&self) -> watch::Receiver<u64> {
        self.inner.changes.subscribe()
    }

    fn new_subscriber(
        &self,
        options: SubscribeOptions,
        inbox: Option<Arc<str>>,
        default_capacity: usize,
    ) -> Result<(Arc<Subscriber>, Receiver)> {
        let capacity = options.capacity.unwrap_or(default_capacity);
        if capacity == 0 {
            return Err(zero_capacity("SubscribeOptions::capacity".to_owned()));
        }
        let id = SubscriptionId(self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let owner = options.owner.or_else(|| inbox.clone());
        let (sub, receiver) = Subscriber::new(id, owner, inbox, options.rooms, capacity);
        Ok((Arc::new(sub), receiver))
    }

    /// Subscribes to every event whose topic matches `pattern`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] if `options` set a capacity of zero.
    pub fn subscribe(&self, pattern: Pattern, options: SubscribeOptions) -> Result<Subscription> {
        let capacity = self.inner.config.capacity_for(&pattern);
        let (sub, receiver) = self.new_subscriber(options, None, capacity)?;
        self.write().insert(Arc::clone(&sub), Some(pattern))?;
        Ok(Subscription::new(self.clone(), sub, receiver))
    }

    /// Opens the inbox `name`: a subscription that receives what is
    /// [`send`](Self::send) or [`request`](Self::request)ed to `name`. It can
    /// take patterns too ([`Subscription::add_pattern`]), so a module has one
    /// mailbox for everything. The owner defaults to `name`.
    ///
    /// # Errors
    ///
    /// [`Error::InboxTaken`] if another subscription holds `name`;
    /// [`Error::InvalidConfig`] for a zero capacity.
    pub fn inbox(&self, name: &str, options: SubscribeOptions) -> Result<Subscription> {
        let capacity = options
            .capacity
            .unwrap_or(self.inner.config.default_capacity);
        let (sub, receiver) = self.new_subscriber(options, Some(name.into()), capacity)?;
        self.write().insert(Arc::clone(&sub), None)?;
        Ok(Subscription::new(self.clone(), sub, receiver))
    }

    /// Delivers `event` to every subscription whose pattern matches its
    /// topic (and whose rooms include its room). Never waits: a full
    /// mailbox drops the event for that subscriber and counts the drop.
    ///
    /// Returns how many mailboxes received it.
    pub fn publish(&self, event: Event) -> usize {
        let fanout = self.read().publish(event);
        let c = &self.inner.counters;
        bump(&c.published, 1);
        bump(&c.dropped, fanout.dropped);
        if fanout.matched == 0 {
            bump(&c.unrouted, 1);
        }
        usize::try_from(fanout.delivered).unwrap_or(usize::MAX)
    }

    /// Delivers `event` to the inbox `target` alone, setting the event's
    /// target. Never waits.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTarget`] if no inbox `target` is open;
    /// [`Error::RoomNotServed`] if it is limited to rooms that do not
    /// include the event's room;
    /// [`Error::MailboxFull`] if its mailbox is full (the drop is counted).
    pub fn send(&self, target: &str, event: Event) -> Result<()> {
        let event = if event.target() == Some(target) {
            event
        } else {
            event.with_target(target)
        };
        self.deliver_to(target, event)?;
        bump(&self.inner.counters.sent, 1);
        Ok(())
    }

    fn deliver_to(&self, target: &str, event: Event) -> Result<()> {
        let registry = self.read();
        let sub = Self::open_inbox(&registry, target, event.room())?;
        match sub.deliver(event) {
            Delivery::Delivered => Ok(()),
            other => Err(self.undelivered(target, sub, other)),
        }
    }

    /// The inbox `target`, if it is open and serves `room`.
    fn open_inbox<'r>(
        registry: &'r Registry,
        target: &str,
        room: Option<&str>,
    ) -> Result<&'r Arc<Subscriber>> {
        let Some(sub) = registry.inbox(target) else {
            return Err(Error::UnknownTarget {
                target: target.to_owned(),
            });
        };
        if !sub.accepts_room(room) {
            return Err(Error::RoomNotServed {
                target: target.to_owned(),
                room: room.unwrap_or_default().to_owned(),
            });
        }
        Ok(sub)
    }

    /// The error for a delivery to `target` that did not happen (a drop is
    /// counted).
    fn undelivered(&self, target: &str, sub: &Subscriber, delivery: Delivery) -> Error {
        if delivery == Delivery::Dropped {
            bump(&self.inner.counters.dropped, 1);
            Error::MailboxFull {
                target: target.to_owned(),
                capacity: sub.mailbox.capacity(),
            }
        } else {
            // Only a closing subscription skips, and it is no longer a target.
            Error::UnknownTarget {
                target: target.to_owned(),
            }
        }
    }

    /// Sends each of `events` (none with a room) to `target` as
    /// [`send`](Self::send) would, under one lookup and one mailbox lock;
    /// returns the ones not delivered with their index and why.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTarget`] if no inbox `target` is open (nothing was
    /// sent).
    pub(crate) fn send_all(&self, target: &str, events: Vec<Event>) -> Result<Vec<(usize, Error)>> {
        let count = events.len();
        let events: Vec<Event> = events
            .into_iter()
            .map(|e| {
                if e.target() == Some(target) {
                    e
                } else {
                    e.with_target(target)
                }
            })
            .collect();
        let registry = self.read();
        let sub = Self::open_inbox(&registry, target, None)?;
        let failed: Vec<(usize, Error)> = sub
            .deliver_all(events)
            .into_iter()
            .map(|(i, delivery)| (i, self.undelivered(target, sub, delivery)))
            .collect();
        drop(registry);
        bump(&self.inner.counters.sent, (count - failed.len()) as u64);
        Ok(failed)
    }

    /// Sends `event` to `target` as a request and waits up to `timeout` for
    /// the reply, which the target gives with [`reply`](Self::reply).
    ///
    /// The request carries a fresh correlation id; a reply is matched by it
    /// alone, so concurrent requests each get their own reply. A reply that
    /// arrives after the timeout is counted as late and dropped.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTarget`] or [`Error::MailboxFull`] at once, as for
    /// [`send`](Self::send); [`Error::RequestTimeout`] when no reply came;
    /// [`Error::RequestFailed`] when the target answered with
    /// [`reply_error`](Self::reply_error).
    pub async fn request(&self, target: &str, event: Event, timeout: Duration) -> Result<Event> {
        let correlation = EventId::next();
        let reply_to = Arc::clone(&self.inner.reply_to);
        let event = event.rerouted(|route| {
            route.set_target(Some(target.into()));
            route.set_correlation(correlation, Some(reply_to));
            route.set_deadline(tokio::time::Instant::now() + timeout);
        });
        let (tx, rx) = oneshot::channel();
        self.inner.pending.insert(correlation, tx);
        let _pending = PendingGuard {
            bus: self,
            correlation,
        };
        bump(&self.inner.counters.requests, 1);
        let topic = event.topic().clone();
        self.deliver_to(target, event)?;
        match tokio::time::timeout(timeout, rx).await {
            Ok(Ok(reply)) if reply.topic() == &ErrorReply::TOPIC => {
                let message = reply
                    .payload::<ErrorReply>()
                    .map_or_else(|e| e.to_string(), |r| r.message.clone());
                Err(Error::RequestFailed {
                    target: target.to_owned(),
                    topic: topic.to_string(),
                    message,
                })
            }
            Ok(Ok(reply)) => Ok(reply),
            Ok(Err(_)) | Err(_) => {
                bump(&self.inner.counters.timeouts, 1);
                Err(Error::RequestTimeout {
                    target: target.to_owned(),
                    topic: topic.to_string(),
                    timeout,
                })
            }
        }
    }

    /// Answers `request` with `reply`. The reply gets the request's
    /// correlation id and is handed to the waiting caller only.
    ///
    /// # Errors
    ///
    /// [`Error::NotARequest`] if `request` has no correlation id;
    /// [`Error::RequestExpired`] if the caller stopped waiting (timed out,
    /// or was answered already): the reply is counted as late and dropped.
    pub fn reply(&self, request: &Event, reply: Event) -> Result<()> {
        let Some(correlation) = request.correlation_id() else {
            return Err(Error::NotARequest {
                topic: request.topic().to_string(),
            });
        };
        let reply = reply.rerouted(|route| {
            route.set_target(request.source().map(Into::into));
            route.set_correlation(correlation, None);
        });
        let expired = || {
            bump(&self.inner.counters.late_replies, 1);
            Error::RequestExpired {
                correlation_id: correlation.to_string(),
            }
        };
        match self.inner.pending.remove(&correlation) {
            Some((_, waiting)) => waiting.send(reply).map_err(|_| expired()),
            None => Err(expired()),
        }
    }

    /// Answers `request` with an error: the caller's
    /// [`request`](Self::request) returns [`Error::RequestFailed`] with
    /// `message`.
    ///
    /// # Errors
    ///
    /// As [`reply`](Self::reply).
    pub fn reply_error(&self, request: &Event, message: impl Into<String>) -> Result<()> {
        let reply = Event::builder(ErrorReply::TOPIC).payload(ErrorReply {
            message: message.into(),
        });
        self.reply(request, reply)
    }

    /// Removes every subscription (inbox included) owned by `owner`; their
    /// streams end once drained. Returns how many were removed.
    pub fn unsubscribe_owner(&self, owner: &str) -> usize {
        self.write().remove_owner(owner)
    }

    /// A snapshot of the counters and of every subscription.
    #[must_use]
    pub fn stats(&self) -> BusStats {
        let registry = self.read();
        let delivered = registry.delivered();
        self.inner.counters.snapshot(delivered, registry.stats())
    }

    /// Requests waiting for a reply.
    #[must_use]
    pub fn pending_requests(&self) -> usize {
        self.inner.pending.len()
    }

    pub(crate) fn add_pattern(&self, id: SubscriptionId, pattern: Pattern) -> Result<()> {
        if self.write().add_pattern(id, pattern) {
            Ok(())
        } else {
            Err(Error::UnknownTarget {
                target: id.to_string(),
            })
        }
    }

    pub(crate) fn remove_pattern(&self, id: SubscriptionId, pattern: &Pattern) -> bool {
        self.write().remove_pattern(id, pattern)
    }

    pub(crate) fn patterns(&self, id: SubscriptionId) -> Vec<Pattern> {
        self.read().patterns(id)
    }

    pub(crate) fn subscriber_stats(&self, id: SubscriptionId) -> Option<SubscriberStats> {
        self.read().subscriber_stats(id)
    }

    pub(crate) fn remove_subscription(&self, id: SubscriptionId) {
        self.write().remove(id);
    }
}

/// Removes a request's pending slot when the caller stops waiting, however
/// it stops (reply, timeout, or the future being dropped).
struct PendingGuard<'a> {
    bus: &'a EventBus,
    correlation: EventId,
}

impl Drop for PendingGuard<'_> {
    fn drop(&mut self) {
        self.bus.inner.pending.remove(&self.correlation);
    }
}
