//! The `ping` module: answers `!ping` with `pong, <user>`.

use daz_core::chat::as_typed;
use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};

/// Answers `!ping` with `pong`.
#[derive(Debug, Default, Module)]
#[module(name = "ping", commands)]
pub struct Ping;

#[commands]
impl Ping {
    /// Checks the bot is listening.
    #[command(aliases = ["p"], user_cooldown = "2s")]
    async fn ping(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("pong, {}", as_typed(ctx.user())))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Ping {}

#[cfg(test)]
mod tests;
