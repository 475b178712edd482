//! Every handled event runs in an `event` span (module, topic, event id,
//! correlation id) and every command in a `command` span inside it, so a
//! module's log lines say what they were handling.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use daz_core::chat::Rank;
use daz_core::command::CommandContext;
use daz_core::testing::Harness;
use daz_core::{Context, Event, Module, ModuleResult, Topic, commands};

#[derive(Clone, Default)]
struct Lines(Arc<Mutex<Vec<u8>>>);

impl Write for Lines {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

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

#[tokio::test(start_paused = true)]
async fn log_lines_carry_the_event_and_the_command() {
    let lines = Lines::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let lines = lines.clone();
            move || lines.clone()
        })
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut room = Harness::builder().module(Echo).build().await.unwrap();
    room.join("ann", Rank::REGISTERED).await;
    room.say("ann", "!echo").await;
    assert_eq!(room.said(), ["echo"]);
    let request = Event::builder(Topic::new("echo.ask").unwrap()).json(serde_json::json!({}));
    let request_id = request.id();
    let reply = room
        .bus()
        .request("echo", request, Duration::from_secs(1))
        .await
        .unwrap();
    let correlation = reply.correlation_id().unwrap();
    room.shutdown().await;

    let text = String::from_utf8(lines.0.lock().unwrap().clone()).unwrap();
    let echoing = text.lines().find(|l| l.contains("echoing")).unwrap();
    assert!(
        echoing.contains("event{module=\"echo\" topic=\"command.echo.echo\" event_id=")
            && echoing.contains("command{command=\"echo\" user=\"ann\" room=\"lobby\" pm=false}"),
        "{echoing}"
    );
    let answering = text.lines().find(|l| l.contains("answering")).unwrap();
    assert!(
        answering.contains("topic=\"echo.ask\"")
            && answering.contains(&format!("event_id={request_id} correlation={correlation}")),
        "{answering}"
    );
}
