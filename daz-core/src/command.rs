//! Chat commands: `!give ann 10` in the room or by PM, checked and routed
//! to the module that offers it.
//!
//! A module declares commands with `#[commands]` on an `impl` block and
//! `#[command(...)]` on its async methods, and says so with `commands` in
//! its `#[module(...)]`. The parameters after the context are read from
//! the message ([`FromArgs`]); the doc comment is the help text.
//!
//! ```
//! use daz_core::chat::Rank;
//! use daz_core::command::{CommandContext, UserName};
//! use daz_core::testing::Harness;
//! use daz_core::{Module, ModuleResult, commands};
//!
//! /// Keeps balances.
//! #[derive(Default, Module)]
//! #[module(name = "bank", commands)]
//! struct Bank { given: u64 }
//!
//! #[commands]
//! impl Bank {
//!     /// Gives coins to another user.
//!     #[command(aliases = ["pay"], min_rank = "registered", user_cooldown = "10s")]
//!     async fn give(&mut self, ctx: &mut CommandContext<'_>, to: UserName, amount: u64) -> ModuleResult {
//!         self.given += amount;
//!         ctx.reply(format!("{} gave {to} {amount} coins.", ctx.user()))?;
//!         Ok(())
//!     }
//! }
//!
//! #[daz_core::async_trait]
//! impl Module for Bank {}
//!
//! # #[tokio::main(flavor = "current_thread", start_paused = true)]
//! # async fn main() -> daz_core::Result<()> {
//! let mut room = Harness::builder().module(Bank::default()).build().await?;
//! room.join("ann", Rank::REGISTERED).await;
//! room.say("ann", "!pay bob 10").await;
//! room.say("ann", "!give bob ten").await;
//! room.say("guest", "!give bob 1").await;
//! assert_eq!(room.said(), [
//!     "ann gave bob 10 coins.",
//!     "ann: you can use !give again in 10s.",
//!     "guest: !give is for registered and up.",
//! ]);
//! room.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! The [`CommandRouter`] (the `commands` module, added by the bot when
//! any module offers commands) checks, in order: the per-user flood limit,
//! where the command may be used ([`Scope`]), the deny and allow lists
//! and the rank (a PM is checked against the sender's rank in the room),
//! the cooldowns, and the arguments; a command that asks to be confirmed
//! then waits for `!confirm`. Each refusal goes to one handler
//! ([`CommandRouter::on_reject`], default [`default_reply`]); each
//! command's outcome is published as a [`CommandAudit`]. `!help` lists
//! what the asker may run.

mod arg_types;
mod args;
mod audit;
mod dispatch;
mod help;
mod invocation;
mod limits;
mod registry;
mod rejection;
mod router;
mod router_module;
mod settings;
mod spec;
mod words;

pub use arg_types::UserName;
pub use args::{ArgError, ArgProblem, Args, ArgsPosition, FromArg, FromArgs, Rest};
pub use audit::{AuditOutcome, CommandAudit};
pub use invocation::{CommandContext, Invocation};
pub use rejection::{CooldownScope, Reason, RejectHandler, Rejection, default_reply};
pub use router::{Decision, ReplyTo, Routed, Router};
pub use router_module::CommandRouter;
pub use settings::{CommandOverride, FloodConfig, RoomSettings, RouterConfig};
pub use spec::{
    ArgCheck, CommandHandler, CommandSpec, CommandSpecBuilder, Cooldowns, DEFAULT_CONFIRM,
    HandlerFuture, Scope,
};
pub use words::{CommandWords, CommandWordsQuery};

pub(crate) use dispatch::run as run_handler;
pub use registry::ROUTER;

/// The commands of a type, written by `#[commands]` on its `impl` block;
/// `#[module(commands)]` returns them from
/// [`ModuleInfo::commands`](crate::ModuleInfo::commands).
#[diagnostic::on_unimplemented(
    message = "`{Self}` says `commands` in `#[module(...)]` but has no `#[commands]` impl block",
    label = "no commands declared",
    note = "put `#[commands]` on `impl {Self} {{ ... }}` with `#[command]` methods, or drop `commands` from `#[module(...)]`"
)]
pub trait Commands {
    /// One spec per `#[command]` method.
    fn commands() -> Vec<CommandSpec>;
}
