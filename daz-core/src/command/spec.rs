//! [`CommandSpec`]: what a module declares about one of its commands.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use super::args::ArgError;
use super::invocation::Invocation;
use crate::chat::Rank;
use crate::{Context, Error, ModuleResult, Result};

/// The future a [`CommandHandler`] returns.
pub type HandlerFuture<'a> = Pin<Box<dyn Future<Output = ModuleResult> + Send + 'a>>;

/// Runs a command on its module: written by `#[commands]`, called by the
/// runtime with the module, its context and the invocation.
pub type CommandHandler =
    for<'a> fn(&'a mut (dyn Any + Send), &'a mut Context, &'a Invocation) -> HandlerFuture<'a>;

/// Checks a command's argument text; the router calls it before routing,
/// so bad arguments are answered with the usage line.
pub type ArgCheck = fn(&str) -> std::result::Result<(), ArgError>;

/// Where a command may be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Scope {
    /// In room chat and by PM (default).
    #[default]
    Anywhere,
    /// Only by private message.
    PmOnly,
    /// Only in room chat.
    RoomOnly,
}

/// Cooldowns of a command, each optional: how long after a use the same
/// user, anyone in the same room, or anyone at all must wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Cooldowns {
    /// Per user (and room).
    pub user: Option<Duration>,
    /// Per room.
    pub room: Option<Duration>,
    /// Across every room.
    pub global: Option<Duration>,
}

/// A chat command a module offers: its name and aliases, who may run it,
/// how often, and how its arguments read. Written by `#[command(...)]`;
/// by hand with [`CommandSpec::builder`], returned from
/// [`ModuleInfo::commands`](crate::ModuleInfo::commands).
///
/// ```
/// use daz_core::chat::Rank;
/// use daz_core::command::CommandSpec;
/// use std::time::Duration;
///
/// let spec = CommandSpec::builder("skip")
///     .description("Skips the current video.")
///     .aliases(["next"])
///     .min_rank(Rank::LEADER)
///     .room_cooldown(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(spec.name(), "skip");
/// # Ok::<(), daz_core::Error>(())
/// ```
#[derive(Clone)]
pub struct CommandSpec {
    pub(crate) name: String,
    pub(crate) aliases: Vec<String>,
    pub(crate) description: String,
    pub(crate) usage: String,
    pub(crate) min_rank: Rank,
    pub(crate) cooldowns: Cooldowns,
    pub(crate) scope: Scope,
    pub(crate) hidden: bool,
    pub(crate) confirm: Option<Duration>,
    pub(crate) check: Option<ArgCheck>,
    pub(crate) handler: Option<CommandHandler>,
}

/// How long a confirmation waits when `confirm` gives no time.
pub const DEFAULT_CONFIRM: Duration = Duration::from_secs(30);

/// Checks a command word (name or alias): 1–32 letters, digits, `_` or
/// `-`; returns it lower-cased.
pub(crate) fn check_word(module: &str, command: &str, word: &str) -> Result<String> {
    let fail = |reason: String| Error::InvalidCommand {
        module: module.to_owned(),
        command: command.to_owned(),
        reason,
    };
    if word.is_empty() || word.len() > 32 {
        return Err(fail(format!(
            "the word {word:?} must be 1 to 32 characters long"
        )));
    }
    if let Some(c) = word
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(fail(format!(
            "{c:?} in {word:?} is not allowed; use letters, digits, '_' or '-'"
        )));
    }
    Ok(word.to_ascii_lowercase())
}

impl CommandSpec {
    /// A builder for the command `name` (matched case-insensitively).
    pub fn builder(name: impl Into<String>) -> CommandSpecBuilder {
        CommandSpecBuilder(Self {
            name: name.into(),
            aliases: Vec::new(),
            description: String::new(),
            usage: String::new(),
            min_rank: Rank::GUEST,
            cooldowns: Cooldowns::default(),
            scope: Scope::Anywhere,
            hidden: false,
            confirm: None,
            check: None,
            handler: None,
        })
    }

    /// The name, lower-cased.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Other words that run it, lower-cased.
    #[must_use]
    pub fn aliases(&self) -> &[String] {
        &self.aliases
    }

    /// The help text (the doc comment).
    #[must_use]
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The arguments' usage (`<user> <amount>`), empty if it takes none.
    #[must_use]
    pub fn usage(&self) -> &str {
        &self.usage
    }

    /// The lowest rank that may run it.
    #[must_use]
    pub fn min_rank(&self) -> Rank {
        self.min_rank
    }

    /// Its cooldowns.
    #[must_use]
    pub fn cooldowns(&self) -> Cooldowns {
        self.cooldowns
    }

    /// Where it may be used.
    #[must_use]
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// Left out of help.
    #[must_use]
    pub fn is_hidden(&self) -> bool {
        self.hidden
    }

    /// How long the invoker has to `!confirm`, if it needs confirming.
    #[must_use]
    pub fn confirm(&self) -> Option<Duration> {
        self.confirm
    }

    /// Checks `args` as the command would read them.
    ///
    /// # Errors
    ///
    /// The [`ArgError`] the command's parameters report.
    pub fn check_args(&self, args: &str) -> std::result::Result<(), ArgError> {
        self.check.map_or(Ok(()), |check| check(args))
    }

    /// The handler `#[commands]` wrote, if any.
    #[must_use]
    pub fn handler(&self) -> Option<CommandHandler> {
        self.handler
    }

    /// Checks and lower-cases the name and aliases.
    pub(crate) fn normalize(mut self, module: &str) -> Result<Self> {
        self.name = check_word(module, &self.name, &self.name)?;
        let mut aliases = Vec::with_capacity(self.aliases.len());
        for alias in &self.aliases {
            aliases.push(check_word(module, &self.name, alias)?);
        }
        self.aliases = aliases;
        if self.min_rank.value() < 0.0 {
            return Err(Error::InvalidCommand {
                module: module.to_owned(),
                command: self.name,
                reason: "min_rank must be 0 (guest) or more".to_owned(),
            });
        }
        Ok(self)
    }
}

impl fmt::Debug for CommandSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CommandSpec")
            .field("name", &self.name)
            .field("aliases", &self.aliases)
            .field("usage", &self.usage)
            .field("min_rank", &self.min_rank)
            .field("cooldowns", &self.cooldowns)
            .field("scope", &self.scope)
            .field("hidden", &self.hidden)
            .field("confirm", &self.confirm)
            .finish_non_exhaustive()
    }
}

/// Builds a [`CommandSpec`]; see [`CommandSpec::builder`]. Every setter is
/// optional.
#[derive(Debug, Clone)]
#[must_use]
pub struct CommandSpecBuilder(CommandSpec);

impl CommandSpecBuilder {
    /// Other words that run the command (default none).
    pub fn aliases<I, S>(mut self, aliases: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.0.aliases = aliases.into_iter().map(Into::into).collect();
        self
    }

    /// The help text (default empty).
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.0.description = text.into();
        self
    }

    /// The arguments' usage, e.g. `<user> <amount>` (default: none).
    pub fn usage(mut self, usage: impl Into<String>) -> Self {
        self.0.usage = usage.into();
        self
    }

    /// The lowest rank that may run it (default [`Rank::GUEST`]).
    pub fn min_rank(mut self, rank: Rank) -> Self {
        self.0.min_rank = rank;
        self
    }

    /// Cooldown per user (default none).
    pub fn user_cooldown(mut self, cooldown: Duration) -> Self {
        self.0.cooldowns.user = Some(cooldown);
        self
    }

    /// Cooldown per room (default none).
    pub fn room_cooldown(mut self, cooldown: Duration) -> Self {
        self.0.cooldowns.room = Some(cooldown);
        self
    }

    /// Cooldown across every room (default none).
    pub fn global_cooldown(mut self, cooldown: Duration) -> Self {
        self.0.cooldowns.global = Some(cooldown);
        self
    }

    /// Where it may be used (default [`Scope::Anywhere`]).
    pub fn scope(mut self, scope: Scope) -> Self {
        self.0.scope = scope;
        self
    }

    /// Leaves it out of help (default `false`).
    pub fn hidden(mut self, hidden: bool) -> Self {
        self.0.hidden = hidden;
        self
    }

    /// Makes the invoker `!confirm` within `within` before it runs
    /// (default: runs at once).
    pub fn confirm(mut self, within: Duration) -> Self {
        self.0.confirm = Some(within);
        self
    }

    /// Checks the argument text before routing (default: any text).
    pub fn check(mut self, check: ArgCheck) -> Self {
        self.0.check = Some(check);
        self
    }

    /// The handler the runtime calls (default: none; the module gets the
    /// [`Invocation`] in `handle`).
    pub fn handler(mut self, handler: CommandHandler) -> Self {
        self.0.handler = Some(handler);
        self
    }

    /// The spec as given; the bot checks it when it is built. For
    /// generated code, which checked at compile time.
    pub(crate) fn into_unchecked(self) -> CommandSpec {
        self.0
    }

    /// Builds the spec.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommand`] for a name or alias that is not 1–32
    /// letters, digits, `_` or `-`, or a negative rank.
    pub fn build(self) -> Result<CommandSpec> {
        self.0.normalize("(builder)")
    }
}
