//! Every server event as the server sent it, under `cytube.raw.<name>`,
//! for consumers that want CyTube's own JSON (the Kryten bridge). Published
//! only while some subscription can receive it, so a bot without such a
//! consumer pays nothing.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use daz_core::chat::BRIDGE;
use daz_core::{Event, EventBus, Pattern, Topic};

use super::payloads::CytubeEvent;
use crate::event::ServerEvent;

/// The prefix of raw events.
pub const RAW_PREFIX: &str = "cytube.raw";

/// Whether anyone listens for raw events, kept current.
#[derive(Clone, Default)]
pub(super) struct Wanted(Arc<AtomicBool>);

impl Wanted {
    fn compute(bus: &EventBus) -> bool {
        let Ok(raw) = Pattern::new("cytube.raw.>") else {
            return false;
        };
        bus.stats().subscribers.iter().any(|s| {
            s.patterns
                .iter()
                .any(|p| Pattern::new(p.as_str()).is_ok_and(|p| p.covers(&raw) || raw.covers(&p)))
        })
    }

    /// Follows the bus's subscriptions until the task is dropped.
    pub(super) async fn follow(self, bus: EventBus) {
        let mut changes = bus.watch_subscriptions();
        loop {
            self.0.store(Self::compute(&bus), Ordering::Relaxed);
            if changes.changed().await.is_err() {
                return;
            }
        }
    }

    /// Publishes `event` from `room` under `cytube.raw.<name>` if wanted.
    pub(super) fn publish(&self, bus: &EventBus, room: &str, event: &ServerEvent, backlog: bool) {
        if !self.0.load(Ordering::Relaxed) {
            return;
        }
        let Ok(topic) = Topic::new(format!("{RAW_PREFIX}.{}", event.name())) else {
            return;
        };
        let payload = CytubeEvent {
            room: room.to_owned(),
            event: event.clone(),
            backlog,
        };
        bus.publish(
            Event::builder(topic)
                .source(BRIDGE)
                .room(room)
                .loggable(false)
                .payload(payload),
        );
    }
}
