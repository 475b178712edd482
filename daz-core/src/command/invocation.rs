//! [`Invocation`]: a command on its way to its module, and
//! [`CommandContext`], what a command method acts through.

use std::ops::{Deref, DerefMut};

use serde::{Deserialize, Serialize};

use crate::chat::{BRIDGE, MAX_MESSAGE_LEN, Rank, SendChat, SendPm, split_message};
use crate::{Context, EventPayload, Result, Topic};

/// A command the router accepted, sent to the owning module under
/// `command.<module>.<name>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Invocation {
    /// The module that owns the command.
    pub module: String,
    /// The command's name (lower-cased, even if an alias was typed).
    pub command: String,
    /// The word typed, lower-cased (the name or an alias).
    pub invoked_as: String,
    /// The prefix in use in the room (`!`).
    pub prefix: String,
    /// The argument text after the command word, decoded and trimmed.
    pub args: String,
    /// Who ran it.
    pub user: String,
    /// Their rank in the room when it was checked.
    pub rank: Rank,
    /// The room.
    pub room: String,
    /// Whether it came by private message (replies go back by PM).
    pub pm: bool,
}

impl EventPayload for Invocation {
    const TOPIC: Topic = Topic::from_static("command.invocation");
}

impl Invocation {
    /// An invocation of `module`'s `command` by `user` in `room`, with
    /// `args` (mostly for tests and remote routers).
    #[must_use]
    pub fn new(
        module: &str,
        command: &str,
        user: &str,
        rank: Rank,
        room: &str,
        args: &str,
    ) -> Self {
        Self {
            module: module.to_owned(),
            command: command.to_owned(),
            invoked_as: command.to_owned(),
            prefix: "!".to_owned(),
            args: args.to_owned(),
            user: user.to_owned(),
            rank,
            room: room.to_owned(),
            pm: false,
        }
    }

    /// `!name`, with the prefix in use.
    #[must_use]
    pub fn display_name(&self) -> String {
        format!("{}{}", self.prefix, self.command)
    }

    /// Sends `text` back the way the command came: to the room, or by PM
    /// to the invoker. Long text is split into lines CyTube keeps whole.
    pub(crate) fn reply_through(&self, ctx: &Context, text: &str) -> Result<()> {
        for line in split_message(text, MAX_MESSAGE_LEN) {
            if self.pm {
                ctx.send(BRIDGE, SendPm::new(&self.room, &self.user, &line))?;
            } else {
                ctx.send(BRIDGE, SendChat::new(&self.room, &line))?;
            }
        }
        Ok(())
    }
}

/// What a `#[command]` method gets: who ran the command, where, and how to
/// answer; it derefs to the module's [`Context`] for everything else.
pub struct CommandContext<'a> {
    ctx: &'a mut Context,
    call: &'a Invocation,
}

impl<'a> CommandContext<'a> {
    /// The context for `call` (built by the generated handler).
    pub fn new(ctx: &'a mut Context, call: &'a Invocation) -> Self {
        Self { ctx, call }
    }

    /// The invocation.
    #[must_use]
    pub fn invocation(&self) -> &Invocation {
        self.call
    }

    /// Who ran the command.
    #[must_use]
    pub fn user(&self) -> &str {
        &self.call.user
    }

    /// Their rank in the room.
    #[must_use]
    pub fn rank(&self) -> Rank {
        self.call.rank
    }

    /// The room.
    #[must_use]
    pub fn room(&self) -> &str {
        &self.call.room
    }

    /// Whether it came by private message.
    #[must_use]
    pub fn is_pm(&self) -> bool {
        self.call.pm
    }

    /// Answers the way the command came (room or PM), split into lines
    /// that fit CyTube's message length.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTarget`](crate::Error::UnknownTarget) when the
    /// CyTube bridge is not running.
    pub fn reply(&self, text: impl AsRef<str>) -> Result<()> {
        self.call.reply_through(self.ctx, text.as_ref())
    }

    /// Says `text` in the room, even if the command came by PM.
    ///
    /// # Errors
    ///
    /// As [`reply`](Self::reply).
    pub fn say(&self, text: impl AsRef<str>) -> Result<()> {
        for line in split_message(text.as_ref(), MAX_MESSAGE_LEN) {
            self.ctx
                .send(BRIDGE, SendChat::new(&self.call.room, &line))?;
        }
        Ok(())
    }

    /// Tells the invoker `text` by PM, even if the command came in the room.
    ///
    /// # Errors
    ///
    /// As [`reply`](Self::reply).
    pub fn whisper(&self, text: impl AsRef<str>) -> Result<()> {
        for line in split_message(text.as_ref(), MAX_MESSAGE_LEN) {
            self.ctx
                .send(BRIDGE, SendPm::new(&self.call.room, &self.call.user, &line))?;
        }
        Ok(())
    }
}

impl Deref for CommandContext<'_> {
    type Target = Context;

    fn deref(&self) -> &Context {
        self.ctx
    }
}

impl DerefMut for CommandContext<'_> {
    fn deref_mut(&mut self) -> &mut Context {
        self.ctx
    }
}

impl std::fmt::Debug for CommandContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CommandContext")
            .field("call", self.call)
            .finish_non_exhaustive()
    }
}
