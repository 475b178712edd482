//! `uptime`: how long the bot has been running.

use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands, format_duration};
use tokio::time::Instant;

/// Says how long the bot has been running.
#[derive(Debug, Module)]
#[module(name = "uptime", commands)]
pub struct Uptime {
    since: Instant,
}

impl Default for Uptime {
    fn default() -> Self {
        Self {
            since: Instant::now(),
        }
    }
}

#[commands]
impl Uptime {
    /// Says how long the bot has been running.
    #[command(user_cooldown = "10s")]
    async fn uptime(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        let up = std::time::Duration::from_secs(self.since.elapsed().as_secs());
        ctx.reply(format!("Up for {}.", format_duration(up)))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Uptime {}

#[cfg(test)]
mod tests;
