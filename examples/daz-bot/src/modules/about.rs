//! `about`: what this bot is.

use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};
use serde::Deserialize;

/// `[about]`: the text `!about` answers (default: the bot's name and version).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct AboutSettings {
    /// Replaces the default answer.
    pub(crate) text: Option<String>,
}

/// Says what this bot is.
#[derive(Debug, Default, Module)]
#[module(name = "about", config = AboutSettings, commands)]
pub struct About {
    text: Option<String>,
}

#[commands]
impl About {
    /// Says what this bot is.
    #[command(aliases = ["version"], user_cooldown = "10s")]
    async fn about(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        let text = self.text.clone().unwrap_or_else(|| {
            format!(
                "daz-bot {}, a CyTube bot built with daz. Say !help for commands.",
                env!("CARGO_PKG_VERSION")
            )
        });
        ctx.reply(text)?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for About {
    async fn init(&mut self, ctx: &mut daz_core::Context) -> ModuleResult {
        self.text = ctx.config::<AboutSettings>()?.text;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
