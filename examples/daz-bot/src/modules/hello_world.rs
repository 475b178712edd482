//! `hello_world`: describe what it does.

use daz_core::chat::as_typed;
use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};

/// Describe what it does; this line is its description.
#[derive(Debug, Default, Module)]
#[module(name = "hello_world", commands)]
pub(crate) struct HelloWorld;

#[commands]
impl HelloWorld {
    /// Says hello (this line is the command's help).
    #[command(name = "hello_world")]
    async fn hello_world(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("Hello from hello_world, {}!", as_typed(ctx.user())))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for HelloWorld {}

#[cfg(test)]
mod tests {
    use super::*;
    use daz_core::testing::Harness;

    #[tokio::test(start_paused = true)]
    async fn it_answers() -> daz_core::Result<()> {
        let mut room = Harness::builder().module(HelloWorld).build().await?;
        room.say("ann", "!hello_world").await;
        assert_eq!(room.said(), ["Hello from hello_world, ann!"]);
        room.shutdown().await;
        Ok(())
    }
}
