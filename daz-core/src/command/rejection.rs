//! [`Rejection`]: why a command did not run, for the one overridable
//! handler that answers the user.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::args::ArgError;
use crate::chat::Rank;
use crate::format_duration;

/// Which cooldown is running.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CooldownScope {
    /// This user used the command recently.
    User,
    /// Someone in this room did.
    Room,
    /// Someone, somewhere, did.
    Global,
}

/// Why a command was refused.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Reason {
    /// The user's rank is below the command's minimum.
    Rank {
        /// The minimum.
        needed: Rank,
        /// The user's rank in the room.
        had: Rank,
    },
    /// The user is on the command's (or the router's) deny list, or not
    /// on its allow list and below its rank.
    Denied,
    /// The command works only by private message.
    PmOnly,
    /// The command works only in the room.
    RoomOnly,
    /// A cooldown is running.
    Cooldown {
        /// Whose.
        scope: CooldownScope,
        /// How long until the command may run again.
        remaining: Duration,
    },
    /// The user sent too many commands too fast.
    Flood,
    /// The arguments do not read.
    BadArguments {
        /// What is wrong.
        error: ArgError,
        /// The command's usage line (`!give <user> <amount>`).
        usage: String,
    },
    /// The owning module is not running.
    Unavailable,
    /// `!confirm` with nothing waiting (or waited too long).
    NothingToConfirm,
}

impl Reason {
    /// A short stable code for logs and audit rows (`rank`, `cooldown`…).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Rank { .. } => "rank",
            Self::Denied => "denied",
            Self::PmOnly => "pm_only",
            Self::RoomOnly => "room_only",
            Self::Cooldown { .. } => "cooldown",
            Self::Flood => "flood",
            Self::BadArguments { .. } => "bad_arguments",
            Self::Unavailable => "unavailable",
            Self::NothingToConfirm => "nothing_to_confirm",
        }
    }
}

/// A refused command: who, where, which, and why. Handed to the router's
/// rejection handler ([`CommandRouter::on_reject`](super::CommandRouter::on_reject)),
/// whose answer (if any) goes back the way the command came.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Rejection {
    /// The command as the user should see it (`!give`).
    pub command: String,
    /// Who ran it.
    pub user: String,
    /// The room.
    pub room: String,
    /// Whether it came by private message.
    pub pm: bool,
    /// Why it was refused.
    pub reason: Reason,
}

impl fmt::Display for Rejection {
    /// For the operator's log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} by {} in {}{} refused: {:?}",
            self.command,
            self.user,
            self.room,
            if self.pm { " (PM)" } else { "" },
            self.reason
        )
    }
}

/// Decides what to say to a refused user; `None` says nothing.
pub type RejectHandler = Arc<dyn Fn(&Rejection) -> Option<String> + Send + Sync>;

/// The default answer: one short line, or nothing for a flood (answering
/// would feed it).
///
/// ```
/// use daz_core::command::{default_reply, Reason, Rejection};
/// use daz_core::chat::Rank;
///
/// # fn rejection(reason: Reason) -> Rejection {
/// #     let mut r = daz_core::command::Rejection::example();
/// #     r.reason = reason; r
/// # }
/// let r = rejection(Reason::Rank { needed: Rank::MODERATOR, had: Rank::REGISTERED });
/// assert_eq!(default_reply(&r).as_deref(), Some("ann: !skip is for moderator and up."));
/// assert_eq!(default_reply(&rejection(Reason::Flood)), None);
/// ```
#[must_use]
pub fn default_reply(rejection: &Rejection) -> Option<String> {
    let Rejection { command, user, .. } = rejection;
    let text = match &rejection.reason {
        Reason::Rank { needed, .. } => {
            format!("{user}: {command} is for {} and up.", needed.name())
        }
        Reason::Denied => format!("{user}: you may not use {command}."),
        Reason::PmOnly => format!("{user}: {command} works only by PM."),
        Reason::RoomOnly => format!("{user}: {command} works only in the room."),
        Reason::Cooldown { scope, remaining } => {
            let wait = format_duration(round_up_to_second(*remaining));
            match scope {
                CooldownScope::User => format!("{user}: you can use {command} again in {wait}."),
                CooldownScope::Room | CooldownScope::Global => {
                    format!("{user}: {command} can be used again in {wait}.")
                }
            }
        }
        Reason::Flood => return None,
        Reason::BadArguments { error, usage } => format!("{user}: {error}. Usage: {usage}"),
        Reason::Unavailable => format!("{user}: {command} is unavailable right now."),
        Reason::NothingToConfirm => format!("{user}: there is nothing to confirm."),
    };
    Some(text)
}

fn round_up_to_second(d: Duration) -> Duration {
    let secs = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    Duration::from_secs(secs.max(1))
}

impl Rejection {
    /// A sample rejection (`!skip` by `ann` in `lobby`, not a PM, rank
    /// too low), for documentation and tests of handlers.
    #[must_use]
    pub fn example() -> Self {
        Self {
            command: "!skip".to_owned(),
            user: "ann".to_owned(),
            room: "lobby".to_owned(),
            pm: false,
            reason: Reason::Rank {
                needed: Rank::MODERATOR,
                had: Rank::REGISTERED,
            },
        }
    }
}
