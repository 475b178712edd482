use daz_core::{Context, Module, ModuleResult, commands};

#[derive(Module)]
#[module(name = "demo", commands)]
struct Demo;

#[commands]
#[daz_core::async_trait]
impl Module for Demo {
    async fn init(&mut self, _ctx: &mut Context) -> ModuleResult {
        Ok(())
    }
}

fn main() {}
