//! [`CommandAudit`]: a record of every command: who ran what, when, and
//! what came of it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{EventPayload, Topic};

/// What came of a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AuditOutcome {
    /// The module ran it and it succeeded.
    Ran,
    /// The module ran it and it returned an error.
    Failed {
        /// The error, as logged.
        error: String,
    },
    /// The router refused it.
    Rejected {
        /// The [reason code](super::Reason::code).
        reason: String,
    },
    /// It waits for the invoker's `!confirm`.
    AwaitingConfirmation,
}

/// One command and its outcome, published under
/// [`CommandAudit::TOPIC`] (`daz.command.audit`): by the router when it
/// refuses a command or holds it for confirmation, by the owning module's
/// runtime once the command has run. The SQL logger can store these.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommandAudit {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub user: String,
    /// Where.
    pub room: String,
    /// By private message.
    pub pm: bool,
    /// The command's name (lower-cased).
    pub command: String,
    /// The owning module.
    pub module: String,
    /// The argument text.
    pub args: String,
    /// What came of it.
    pub outcome: AuditOutcome,
}

impl CommandAudit {
    /// The record of `call` with `outcome`, stamped now.
    #[must_use]
    pub fn of(call: &super::Invocation, outcome: AuditOutcome) -> Self {
        Self {
            at: Utc::now(),
            user: call.user.clone(),
            room: call.room.clone(),
            pm: call.pm,
            command: call.command.clone(),
            module: call.module.clone(),
            args: call.args.clone(),
            outcome,
        }
    }
}

impl EventPayload for CommandAudit {
    const TOPIC: Topic = Topic::from_static("daz.command.audit");
}
