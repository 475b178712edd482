//! Not public API: paths used by code that `daz-macros` generates.
#![allow(missing_docs)]

pub use crate::module::assert_module_name;
pub use crate::topic::Topic;
pub use serde;

use crate::Manifest;

/// What `#[derive(Module)]` knows, checked at compile time.
pub struct ManifestParts {
    pub name: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    pub requires: &'static [&'static str],
    pub provides: &'static [&'static str],
    pub rooms: Option<&'static [&'static str]>,
    pub critical: bool,
}

/// Builds a manifest the derive has already checked; the bot checks names
/// again when it is built.
#[must_use]
pub fn manifest(parts: ManifestParts) -> Manifest {
    let mut builder = Manifest::builder(parts.name)
        .version(parts.version)
        .description(parts.description)
        .requires(parts.requires.iter().copied())
        .provides(parts.provides.iter().copied())
        .critical(parts.critical);
    if let Some(rooms) = parts.rooms {
        builder = builder.rooms(rooms.iter().copied());
    }
    builder.into_unchecked()
}

use std::any::Any;
use std::time::Duration;

use crate::command::{ArgCheck, ArgError, CommandHandler, CommandSpec, Invocation, Scope};
use crate::{BoxError, Context, ModuleResult};

/// What `#[command(...)]` knows, checked at compile time.
pub struct CommandParts {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub description: &'static str,
    pub usage: String,
    pub min_rank: f64,
    pub user_cooldown_ms: Option<u64>,
    pub room_cooldown_ms: Option<u64>,
    pub global_cooldown_ms: Option<u64>,
    pub scope: Scope,
    pub hidden: bool,
    pub confirm_ms: Option<u64>,
    pub check: ArgCheck,
    pub handler: CommandHandler,
}

/// Builds a spec the macro has already checked; the bot checks it again
/// when it is built.
#[must_use]
pub fn command(parts: CommandParts) -> CommandSpec {
    let mut builder = CommandSpec::builder(parts.name)
        .aliases(parts.aliases.iter().copied())
        .description(parts.description)
        .usage(parts.usage)
        .min_rank(crate::chat::Rank::new(parts.min_rank))
        .scope(parts.scope)
        .hidden(parts.hidden)
        .check(parts.check)
        .handler(parts.handler);
    if let Some(ms) = parts.user_cooldown_ms {
        builder = builder.user_cooldown(Duration::from_millis(ms));
    }
    if let Some(ms) = parts.room_cooldown_ms {
        builder = builder.room_cooldown(Duration::from_millis(ms));
    }
    if let Some(ms) = parts.global_cooldown_ms {
        builder = builder.global_cooldown(Duration::from_millis(ms));
    }
    if let Some(ms) = parts.confirm_ms {
        builder = builder.confirm(Duration::from_millis(ms));
    }
    builder.into_unchecked()
}

/// The module a command handler was called with, as its own type.
///
/// # Errors
///
/// When the runtime hands the handler another type (a bug).
pub fn downcast<T: Any>(module: &mut (dyn Any + Send)) -> Result<&mut T, BoxError> {
    module.downcast_mut::<T>().ok_or_else(|| {
        format!(
            "a command handler of {} was called on another module type",
            std::any::type_name::<T>()
        )
        .into()
    })
}

/// Answers arguments that do not read (only possible when the invocation
/// did not come through this bot's router).
///
/// # Errors
///
/// When the reply cannot be sent.
pub fn bad_arguments(
    ctx: &Context,
    call: &Invocation,
    error: &ArgError,
    usage: &str,
) -> ModuleResult {
    let usage = if usage.is_empty() {
        call.display_name()
    } else {
        format!("{} {usage}", call.display_name())
    };
    let text = format!("{}: {error}. Usage: {usage}", call.user);
    call.reply_through(ctx, &text)?;
    Ok(())
}

/// What a command method may return: `()` or `Result<(), E>`.
pub trait IntoModuleResult {
    fn into_module_result(self) -> ModuleResult;
}

impl IntoModuleResult for () {
    fn into_module_result(self) -> ModuleResult {
        Ok(())
    }
}

impl<E: Into<BoxError>> IntoModuleResult for Result<(), E> {
    fn into_module_result(self) -> ModuleResult {
        self.map_err(Into::into)
    }
}

/// Implemented by `#[module(commands)]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has `#[commands]` but its `#[module(...)]` does not say `commands`",
    label = "its commands would never be registered",
    note = "add `commands` to the attribute: `#[module(name = \"...\", commands)]`"
)]
pub trait CommandsDeclared {}

/// Fails to compile unless `T` has `#[module(commands)]`.
pub fn assert_commands_declared<T: CommandsDeclared + ?Sized>() {}
