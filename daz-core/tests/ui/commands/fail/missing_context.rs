use daz_core::command::CommandContext;
use daz_core::{Module, ModuleResult, commands};

#[derive(Module)]
#[module(name = "demo", commands)]
struct Demo;

#[commands]
impl Demo {
    /// A command.
    #[command]
    async fn go(&mut self) -> ModuleResult { Ok(()) }
}

#[daz_core::async_trait]
impl Module for Demo {}

fn main() {}
