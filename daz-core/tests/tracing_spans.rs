//! Every handled event runs in an `event` span (module, topic, event id,
//! correlation id) and every command in a `command` span inside it, so a
//! module's log lines say what they were handling.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_core::chat::{CHAT_TOPIC, Rank};
use daz_core::command::CommandContext;
use daz_core::testing::{CapturedLogs, Harness};
use daz_core::{Context, Event, Module, ModuleResult, Pattern, Topic, commands};

/// Logs from its command and answers requests, logging too.
#[derive(Default, daz_core::Module)]
#[module(name = "echo", commands)]
struct Echo;

#[commands]
impl Echo {
    /// Says it back.
    #[command]
    async fn echo(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        tracing::info!("echoing");
        ctx.reply("echo")?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Echo {
    async fn handle_request(&mut self, ctx: &mut Context, _request: Event) -> ModuleResult<Event> {
        tracing::info!("answering");
        Ok(ctx
            .event(Topic::new("echo.answer")?)
            .json(serde_json::json!(1)))
    }
}

/// Passes every chat line on as `relay.out`.
#[derive(Default, daz_core::Module)]
#[module(name = "relay")]
struct Relay;

#[daz_core::async_trait]
impl Module for Relay {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::from(CHAT_TOPIC))?;
        Ok(())
    }
    async fn handle(&mut self, ctx: &mut Context, _event: Event) -> ModuleResult {
        ctx.publish_event(
            ctx.event(Topic::new("relay.out")?)
                .json(serde_json::json!(1)),
        );
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn log_lines_carry_the_event_and_the_command() {
    let lines = CapturedLogs::new();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let lines = lines.clone();
            move || lines.clone()
        })
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut room = Harness::builder()
        .module(Echo)
        .module(Relay)
        .build()
        .await
        .unwrap();
    room.join("ann", Rank::REGISTERED).await;
    room.published(&Pattern::new(">").unwrap());
    room.say("ann", "!echo").await;
    assert_eq!(room.said(), ["echo"]);
    let published = room.published(&Pattern::new(">").unwrap());
    let chat_id = published
        .iter()
        .find(|e| e.topic() == &CHAT_TOPIC)
        .unwrap()
        .id();
    let relayed = published
        .iter()
        .find(|e| e.topic().as_str() == "relay.out")
        .unwrap();
    assert_eq!(
        relayed.trace_id(),
        chat_id,
        "a module's event joins the trace"
    );
    assert_ne!(relayed.id(), chat_id);
    let request = Event::builder(Topic::new("echo.ask").unwrap()).json(serde_json::json!({}));
    let request_id = request.id();
    let reply = room
        .bus()
        .request("echo", request, Duration::from_secs(1))
        .await
        .unwrap();
    let correlation = reply.correlation_id().unwrap();
    room.shutdown().await;

    let text = lines.text();
    let echoing = text.lines().find(|l| l.contains("echoing")).unwrap();
    assert!(
        echoing.contains("event{module=\"echo\" topic=\"command.echo.echo\" event_id=")
            && echoing.contains("command{command=\"echo\" user=\"ann\" room=\"lobby\" pm=false}"),
        "{echoing}"
    );
    // The command is in the chat line's trace.
    assert!(echoing.contains(&format!(" trace={chat_id}")), "{echoing}");
    assert!(
        !echoing.contains(&format!("event_id={chat_id}")),
        "{echoing}"
    );
    let answering = text.lines().find(|l| l.contains("answering")).unwrap();
    assert!(
        answering.contains("topic=\"echo.ask\"")
            && answering.contains(&format!(
                "event_id={request_id} trace={request_id} correlation={correlation}"
            )),
        "{answering}"
    );
}
