//! The `ping` module: answers `!ping` in chat with `pong`.

use daz_core::{Event, EventBus, Pattern, SubscribeOptions};
use serde::{Deserialize, Serialize};

/// A chat line typed in the console.
#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "console.chat")]
pub(crate) struct ChatLine {
    pub(crate) user: String,
    pub(crate) text: String,
}

impl ChatLine {
    pub(crate) fn event(user: &str, text: &str) -> Event {
        Event::new(Self {
            user: user.to_owned(),
            text: text.to_owned(),
        })
    }
}

/// What the bot says back.
#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "console.reply")]
pub(crate) struct Reply {
    pub(crate) text: String,
}

/// The reply to one chat line, if any.
fn answer(line: &ChatLine) -> Option<Reply> {
    (line.text.trim() == "!ping").then(|| Reply {
        text: format!("pong, {}", line.user),
    })
}

/// Runs the module until the bus drops its subscription.
pub(crate) async fn run(bus: EventBus) -> daz_core::Result<()> {
    let mut chat = bus.subscribe(
        Pattern::new("console.chat")?,
        SubscribeOptions::new().owner("ping"),
    )?;
    while let Some(event) = chat.recv().await {
        // A payload of another shape is not ours to answer.
        let Ok(line) = event.payload::<ChatLine>() else {
            continue;
        };
        if let Some(reply) = answer(&line) {
            bus.publish(Event::new(reply));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn answers_ping_and_ignores_the_rest() {
        let bus = EventBus::new();
        let mut replies = bus
            .subscribe(
                Pattern::new("console.reply").unwrap(),
                SubscribeOptions::new(),
            )
            .unwrap();
        let module = tokio::spawn(run(bus.clone()));
        tokio::task::yield_now().await;
        // Wait until the module has subscribed.
        while bus.stats().subscribers.len() < 2 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        bus.publish(ChatLine::event("ann", "hello"));
        bus.publish(ChatLine::event("ann", " !ping "));
        let reply = tokio::time::timeout(Duration::from_secs(5), replies.recv())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(reply.payload::<Reply>().unwrap().text, "pong, ann");
        assert!(replies.try_recv().is_none());
        module.abort();
    }
}
