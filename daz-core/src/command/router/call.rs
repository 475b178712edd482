//! One recognized command word and the checks on it.

use chrono::Utc;

use super::super::audit::{AuditOutcome, CommandAudit};
use super::super::invocation::Invocation;
use super::super::registry::Entry;
use super::super::rejection::{Reason, Rejection};
use super::super::spec::Scope;
use super::{Decision, ReplyTo};
use crate::chat::{ChatMessage, Rank};

/// One recognized command word, with what the checks need.
pub(super) struct Call<'a> {
    pub(super) message: &'a ChatMessage,
    pub(super) prefix: String,
    pub(super) word: String,
    pub(super) args: &'a str,
    /// Lower-cased.
    pub(super) user: String,
    pub(super) rank: Rank,
}

impl Call<'_> {
    pub(super) fn invocation(&self, entry: &Entry) -> Invocation {
        Invocation {
            module: entry.module.to_string(),
            command: entry.spec.name.clone(),
            invoked_as: self.word.clone(),
            prefix: self.prefix.clone(),
            args: self.args.to_owned(),
            user: self.message.user.clone(),
            rank: self.rank,
            room: self.message.room.clone(),
            pm: self.message.pm,
        }
    }

    pub(super) fn reply_to(&self) -> ReplyTo {
        ReplyTo {
            room: self.message.room.clone(),
            user: self.message.user.clone(),
            pm: self.message.pm,
        }
    }

    pub(super) fn rejection(&self, command: String, reason: Reason) -> Rejection {
        Rejection {
            command,
            user: self.message.user.clone(),
            room: self.message.room.clone(),
            pm: self.message.pm,
            reason,
        }
    }

    pub(super) fn audit(&self, command: &str, module: &str, outcome: AuditOutcome) -> CommandAudit {
        CommandAudit {
            at: Utc::now(),
            user: self.message.user.clone(),
            room: self.message.room.clone(),
            pm: self.message.pm,
            command: command.to_owned(),
            module: module.to_owned(),
            args: self.args.to_owned(),
            outcome,
        }
    }
}

/// Scope, deny and allow lists, and rank; `None` if permitted.
pub(super) fn permission(entry: &Entry, call: &Call<'_>) -> Option<Reason> {
    match entry.spec.scope {
        Scope::PmOnly if !call.message.pm => Some(Reason::PmOnly),
        Scope::RoomOnly if call.message.pm => Some(Reason::RoomOnly),
        _ => rank_check(entry, call),
    }
}

/// Deny and allow lists, and rank; `None` if permitted.
pub(super) fn rank_check(entry: &Entry, call: &Call<'_>) -> Option<Reason> {
    let spec = &entry.spec;
    if entry.deny.contains(&call.user) {
        return Some(Reason::Denied);
    }
    if entry.allow.contains(&call.user) || call.rank.at_least(spec.min_rank) {
        return None;
    }
    Some(Reason::Rank {
        needed: spec.min_rank,
        had: call.rank,
    })
}

pub(super) fn reject(entry: &Entry, call: &Call<'_>, reason: Reason) -> Decision {
    let outcome = AuditOutcome::Rejected {
        reason: reason.code().to_owned(),
    };
    Decision::Reject {
        audit: call.audit(&entry.spec.name, &entry.module, outcome),
        rejection: call.rejection(format!("{}{}", call.prefix, entry.spec.name), reason),
    }
}
