//! A module limited to some rooms acts only there: what it sends,
//! requests and publishes for another room is refused, as what other rooms
//! publish never reaches it.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/probe.rs"]
mod probe;

use std::time::Duration;

use daz_core::chat::{BRIDGE, ChatMessage, Rank, SendChat, SendPm};
use daz_core::{
    Bot, Context, Event, EventBus, EventPayload, Module, ModuleResult, ModuleState, Pattern,
    SubscribeOptions, Topic,
};
use probe::wait_for;

/// Answers every lobby line in the lobby, then tries every way out to
/// another room, and reports what each attempt gave.
#[derive(daz_core::Module, Default)]
#[module(name = "lobbyist", rooms = ["lobby"])]
struct Lobbyist;

#[daz_core::async_trait]
impl Module for Lobbyist {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::from(ChatMessage::TOPIC))?;
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let chat = event.payload::<ChatMessage>()?;
        ctx.send(BRIDGE, SendChat::new(&chat.room, "here"))?;
        let outcomes = vec![
            ctx.send(BRIDGE, SendChat::new("other", "/kick bob"))
                .map_err(|e| e.to_string())
                .err(),
            ctx.send(BRIDGE, SendPm::new("other", "bob", "psst"))
                .map_err(|e| e.to_string())
                .err(),
            ctx.request(BRIDGE, SendChat::new("other", "x"), Duration::from_secs(1))
                .await
                .map_err(|e| e.to_string())
                .err(),
            Some(ctx.publish(SendChat::new("other", "published")).to_string()),
            Some(
                ctx.publish_event(ctx.event(SendChat::TOPIC).room("other").build())
                    .to_string(),
            ),
            Some(
                ctx.publish_event(
                    ctx.event(SendChat::TOPIC)
                        .json(serde_json::json!({"room": "other", "text": "json"})),
                )
                .to_string(),
            ),
        ];
        ctx.publish_event(ctx.event(Topic::new("lobbyist.done")?).payload(outcomes));
        Ok(())
    }
}

#[tokio::test]
async fn a_room_limited_module_cannot_send_to_other_rooms() {
    let bus = EventBus::new();
    let mut bridge = bus.inbox(BRIDGE, SubscribeOptions::new()).unwrap();
    let mut published = bus
        .subscribe(Pattern::from(SendChat::TOPIC), SubscribeOptions::new())
        .unwrap();
    let mut done = bus
        .subscribe(
            Pattern::new("lobbyist.done").unwrap(),
            SubscribeOptions::new(),
        )
        .unwrap();
    let bot = Bot::builder()
        .bus(bus.clone())
        .module(Lobbyist)
        .build()
        .unwrap();
    let handle = bot.handle();
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    wait_for(&handle, "lobbyist", ModuleState::Running).await;

    let line = ChatMessage::new("lobby", "ann", Rank::GUEST, "hi");
    bus.publish(
        Event::builder(ChatMessage::TOPIC)
            .room("lobby")
            .payload(line),
    );
    let report = tokio::time::timeout(Duration::from_secs(5), done.recv())
        .await
        .unwrap()
        .unwrap();
    let outcomes = report.payload::<Vec<Option<String>>>().unwrap();
    let refused = "module \"lobbyist\" is limited to other rooms and cannot act in room \"other\"";
    assert_eq!(
        *outcomes,
        [
            Some(refused.to_owned()),
            Some(refused.to_owned()),
            Some(refused.to_owned()),
            Some("0".to_owned()),
            Some("0".to_owned()),
            Some("0".to_owned()),
        ]
    );
    // Everything was tried before the report: the bridge holds the lobby
    // answer alone, and nothing for another room was published.
    let sent = bridge.try_recv().unwrap();
    let sent = sent.payload::<SendChat>().unwrap();
    assert_eq!((sent.room.as_str(), sent.text.as_str()), ("lobby", "here"));
    assert!(
        bridge.try_recv().is_none(),
        "only the lobby line reached the bridge"
    );
    assert!(
        published.try_recv().is_none(),
        "nothing was published for another room"
    );
    handle.stop();
    run.await.unwrap().unwrap();
}
