//! The `ping` module: answers `!ping` in chat with `pong, <user>`.

use daz_core::chat::{BRIDGE, ChatMessage, SendChat};
use daz_core::{Context, Event, Module, ModuleResult, Pattern};

/// Answers `!ping` with `pong`.
#[derive(Debug, Default, Module)]
#[module(name = "ping")]
pub(crate) struct Ping;

#[daz_core::async_trait]
impl Module for Ping {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::new("cytube.event.chatMsg")?)?;
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let chat = event.payload::<ChatMessage>()?;
        if chat.text.trim() == "!ping" && !chat.backlog {
            let reply = format!("pong, {}", chat.user);
            ctx.send(BRIDGE, SendChat::new(&chat.room, &reply))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
