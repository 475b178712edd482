//! A module with one command of each kind, for the command tests.

#![allow(dead_code, reason = "test support: each test file uses part of it")]

use std::time::Duration;

use daz_core::command::{CommandContext, Rest, UserName};
use daz_core::testing::Harness;
use daz_core::{Module, ModuleResult, commands};

/// Keeps coins.
#[derive(Default, Module)]
#[module(name = "bank", commands)]
pub(crate) struct Bank {
    pub(crate) bans: u32,
}

#[commands]
impl Bank {
    /// Gives coins to another user.
    ///
    /// The coins leave your balance at once.
    #[command(aliases = ["pay"], min_rank = "registered")]
    async fn give(
        &mut self,
        ctx: &mut CommandContext<'_>,
        to: UserName,
        amount: u64,
    ) -> ModuleResult {
        ctx.reply(format!("{} gave {to} {amount}", ctx.user()))?;
        Ok(())
    }

    /// Shows a balance.
    #[command(user_cooldown = "10s")]
    async fn balance(
        &mut self,
        ctx: &mut CommandContext<'_>,
        user: Option<UserName>,
    ) -> ModuleResult {
        let whose = user.map_or_else(|| ctx.user().to_owned(), |u| u.to_string());
        ctx.reply(format!("{whose} has 5"))?;
        Ok(())
    }

    /// Skips the video.
    #[command(min_rank = 1.5, room_cooldown = "30s")]
    async fn skip(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("skipped by {}", ctx.user()))?;
        Ok(())
    }

    /// Bans a user.
    #[command(min_rank = "moderator", confirm = "30s")]
    async fn ban(
        &mut self,
        ctx: &mut CommandContext<'_>,
        who: UserName,
        reason: Option<Rest>,
    ) -> ModuleResult {
        self.bans += 1;
        let why = reason.map_or_else(|| "no reason".to_owned(), |r| r.0);
        ctx.reply(format!("banned {who} ({why}), ban #{}", self.bans))?;
        Ok(())
    }

    /// Says something in every room.
    #[command(min_rank = 2, global_cooldown = "1m")]
    async fn announce(&mut self, ctx: &mut CommandContext<'_>, text: Rest) -> ModuleResult {
        ctx.reply(format!("announcement: {text}"))?;
        Ok(())
    }

    /// Tells you a secret.
    #[command(pm_only)]
    async fn secret(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply("the secret is 42")?;
        Ok(())
    }

    /// Rolls a die.
    #[command(room_only)]
    async fn roll(&mut self, ctx: &mut CommandContext<'_>, sides: Option<u32>) -> ModuleResult {
        ctx.reply(format!("rolled a d{}", sides.unwrap_or(6)))?;
        Ok(())
    }

    /// Dumps internals.
    #[command(hidden, name = "debug-dump")]
    async fn debug_dump(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("bans: {}", self.bans))?;
        Ok(())
    }

    /// Opens the vault.
    #[command]
    async fn broken(&mut self, _ctx: &mut CommandContext<'_>) -> ModuleResult {
        Err("the vault is locked".into())
    }

    /// Shows how each argument was read.
    #[command]
    #[allow(clippy::too_many_arguments, reason = "one parameter of each kind")]
    async fn types(
        &self,
        ctx: &mut CommandContext<'_>,
        a: u8,
        b: i64,
        c: f64,
        d: bool,
        e: String,
        f: Duration,
        rest: Vec<String>,
    ) -> ModuleResult {
        ctx.reply(format!("{a}|{b}|{c}|{d}|{e}|{f:?}|{rest:?}"))?;
        Ok(())
    }

    /// Says hello.
    #[command]
    async fn hello(&self, ctx: &mut CommandContext<'_>) {
        let _ = ctx.reply("hello");
    }
}

#[daz_core::async_trait]
impl Module for Bank {}

/// A harness with the bank in `lobby`.
pub(crate) async fn bank() -> Harness {
    Harness::builder()
        .module(Bank::default())
        .build()
        .await
        .expect("the bank starts")
}
