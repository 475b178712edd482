//! A generic module and every parameter kind compile; `&self` methods
//! and `()` returns are accepted.

use std::time::Duration;

use daz_core::command::{CommandContext, Commands, Rest, UserName};
use daz_core::{Module, ModuleResult, commands};

#[derive(Module)]
#[module(name = "store", commands)]
struct Store<T: Send + Sync + 'static> {
    items: Vec<T>,
}

#[commands]
impl<T: Send + Sync + 'static> Store<T> {
    /// Counts items.
    #[command(name = "count", aliases = ["n"], min_rank = 1.5, room_cooldown = "1m30s", hidden)]
    async fn count_items(&self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(self.items.len().to_string())?;
        Ok(())
    }

    /// A raw identifier as a name.
    #[command]
    async fn r#type(&self, _ctx: &mut CommandContext<'_>) {}

    /// Takes everything.
    #[command(min_rank = site_admin, confirm, pm_only)]
    async fn every(
        &mut self,
        _ctx: &mut CommandContext<'_>,
        _who: UserName,
        _n: Option<i32>,
        _f: f32,
        _d: Duration,
        _all: Vec<u16>,
        _rest: Option<Rest>,
    ) {
    }
}

#[daz_core::async_trait]
impl<T: Send + Sync + 'static> Module for Store<T> {}

fn main() {
    let specs = <Store<u8> as Commands>::commands();
    assert_eq!(specs.len(), 3);
    assert_eq!(specs[0].name(), "count");
    assert_eq!(specs[1].name(), "type");
    assert_eq!(specs[2].usage(), "<who> [n] <f> <d> [all...] [rest...]");
}
