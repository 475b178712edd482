use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};

#[derive(Module)]
#[module(name = "demo", commands)]
struct Demo;

#[commands]
impl Demo {
    /// A command.
    #[command(user_cooldown = "ten seconds")]
    async fn go(&mut self, _ctx: &mut CommandContext<'_>) -> ModuleResult { Ok(()) }
}

#[daz_core::async_trait]
impl Module for Demo {}

fn main() {}
