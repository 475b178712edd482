//! The two bad modules of the soak: one panics every N chat lines, one
//! stalls in its handler now and then.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use daz_core::chat::CHAT_TOPIC;
use daz_core::{Context, Event, Module, ModuleResult, Pattern};

/// Panics on every `every`th chat line it sees (counted across restarts).
#[derive(daz_core::Module)]
#[module(name = "panicker")]
pub(crate) struct Panicker {
    pub(crate) every: u64,
    pub(crate) seen: Arc<AtomicU64>,
}

#[daz_core::async_trait]
impl Module for Panicker {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::new(CHAT_TOPIC.as_str())?)?;
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, _event: Event) -> ModuleResult {
        let n = self.seen.fetch_add(1, Ordering::SeqCst) + 1;
        assert!(
            !n.is_multiple_of(self.every),
            "soak: planned panic at chat line {n}"
        );
        Ok(())
    }
}

/// Sleeps `stall` in its handler on every `every`th chat line: its
/// mailbox fills and overflows while the rest of the bot goes on.
#[derive(daz_core::Module)]
#[module(name = "staller")]
pub(crate) struct Staller {
    pub(crate) every: u64,
    pub(crate) stall: Duration,
    pub(crate) seen: u64,
}

#[daz_core::async_trait]
impl Module for Staller {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::new(CHAT_TOPIC.as_str())?)?;
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, _event: Event) -> ModuleResult {
        self.seen += 1;
        if self.seen.is_multiple_of(self.every) {
            tokio::time::sleep(self.stall).await;
        }
        Ok(())
    }
}
