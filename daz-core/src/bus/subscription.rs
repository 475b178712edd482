//! [`Subscription`]: the receiving end of a subscriber's mailbox.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::Stream;

use super::mailbox::Receiver;
use super::stats::SubscriberStats;
use super::subscriber::{Subscriber, SubscriptionId};
use crate::{Event, EventBus, Pattern, Result};

/// The receiving end of a subscription: a [`Stream`] of [`Event`](struct@Event)s, in
/// publish order within each priority lane, high lane first.
///
/// Dropping it unsubscribes. After
/// [`EventBus::unsubscribe_owner`](crate::EventBus::unsubscribe_owner) or
/// [`unsubscribe`](Self::unsubscribe), it yields what was already queued and
/// then ends.
///
/// # Examples
///
/// ```
/// use daz_core::{Event, EventBus, Pattern, SubscribeOptions, Topic};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bus = EventBus::new();
/// let mut chat = bus.subscribe(Pattern::new("cytube.event.*")?, SubscribeOptions::new())?;
/// chat.add_pattern(Pattern::new("command.>")?)?;
///
/// bus.publish(Event::builder(Topic::new("command.greeter.hello")?).build());
/// let event = chat.recv().await.ok_or("unsubscribed")?;
/// assert_eq!(event.topic(), "command.greeter.hello");
/// # Ok(()) }
/// ```
pub struct Subscription {
    bus: EventBus,
    sub: Arc<Subscriber>,
    receiver: Receiver,
}

impl Subscription {
    pub(crate) fn new(bus: EventBus, sub: Arc<Subscriber>, receiver: Receiver) -> Self {
        Self { bus, sub, receiver }
    }

    /// This subscription's id.
    #[must_use]
    pub fn id(&self) -> SubscriptionId {
        self.sub.id
    }

    /// The owner given in [`SubscribeOptions::owner`](crate::SubscribeOptions::owner).
    #[must_use]
    pub fn owner(&self) -> Option<&str> {
        self.sub.owner.as_deref()
    }

    /// The inbox name, for subscriptions made with
    /// [`EventBus::inbox`](crate::EventBus::inbox).
    #[must_use]
    pub fn inbox(&self) -> Option<&str> {
        self.sub.inbox.as_deref()
    }

    /// The rooms this subscription is limited to, if any.
    #[must_use]
    pub fn rooms(&self) -> Option<&[Arc<str>]> {
        self.sub.rooms()
    }

    /// Waits for the next event; `None` once unsubscribed and drained.
    pub async fn recv(&mut self) -> Option<Event> {
        std::future::poll_fn(|cx| self.receiver.poll_recv(cx)).await
    }

    /// The next event if one is waiting.
    pub fn try_recv(&mut self) -> Option<Event> {
        self.receiver.try_recv()
    }

    /// Whether the subscription was removed from the bus (queued events can
    /// still be received).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.bus.subscriber_stats(self.sub.id).is_none()
    }

    /// Events waiting in the mailbox.
    #[must_use]
    pub fn queued(&self) -> usize {
        self.sub.mailbox.len()
    }

    /// Events dropped because this mailbox was full, in all.
    #[must_use]
    pub fn dropped(&self) -> u64 {
        self.sub.dropped()
    }

    /// Also deliver events matching `pattern` to this mailbox. An event
    /// matching several of a subscription's patterns is delivered once.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTarget`](crate::Error::UnknownTarget) if the
    /// subscription was already removed from the bus.
    pub fn add_pattern(&self, pattern: Pattern) -> Result<()> {
        self.bus.add_pattern(self.sub.id, pattern)
    }

    /// Stops delivering events matching `pattern`; `true` if it was one of
    /// this subscription's patterns.
    pub fn remove_pattern(&self, pattern: &Pattern) -> bool {
        self.bus.remove_pattern(self.sub.id, pattern)
    }

    /// This subscription's patterns.
    #[must_use]
    pub fn patterns(&self) -> Vec<Pattern> {
        self.bus.patterns(self.sub.id)
    }

    /// Counters for this subscription (zeroed queue figures once removed).
    #[must_use]
    pub fn stats(&self) -> SubscriberStats {
        self.bus
            .subscriber_stats(self.sub.id)
            .unwrap_or_else(|| SubscriberStats::of(&self.sub, Vec::new()))
    }

    /// Removes the subscription from the bus now; queued events can still be
    /// received, then the stream ends.
    pub fn unsubscribe(&self) {
        self.bus.remove_subscription(self.sub.id);
    }
}

impl Stream for Subscription {
    type Item = Event;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Event>> {
        self.get_mut().receiver.poll_recv(cx)
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.bus.remove_subscription(self.sub.id);
    }
}

impl std::fmt::Debug for Subscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.sub.id)
            .field("owner", &self.sub.owner)
            .field("inbox", &self.sub.inbox)
            .field("queued", &self.sub.mailbox.len())
            .finish()
    }
}
