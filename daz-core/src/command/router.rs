//! [`Router`]: what the `commands` module decides for each chat message,
//! without the bus — recognize, check, and route or refuse.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::time::Instant;

use super::audit::{AuditOutcome, CommandAudit};
use super::help;
use super::invocation::Invocation;
use super::limits::{CooldownTable, Flood};
use super::registry::ROUTER;
use super::registry::{Entry, Registry, Word};
use super::rejection::{Reason, Rejection};
use super::settings::RouterConfig;
use super::spec::CommandSpec;
use crate::chat::{ChatMessage, Rank, UserJoined, UserLeft, UserRank};
use crate::{Event, EventBus, Manifest, Result, Topic};
use call::{Call, permission, rank_check, reject};

/// A command on its way to its module.
#[derive(Debug, Clone)]
pub struct Routed {
    /// What the module gets.
    pub invocation: Invocation,
    /// `command.<module>.<name>`.
    pub topic: Topic,
    module: Arc<str>,
    index: usize,
    /// The trace the command event joins (the chat line's).
    pub trace: Option<crate::EventId>,
}

impl Routed {
    /// The module to send it to.
    #[must_use]
    pub fn module(&self) -> &Arc<str> {
        &self.module
    }
}

/// Where an answer goes: the room, or the user by PM.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReplyTo {
    /// The room.
    pub room: String,
    /// The user.
    pub user: String,
    /// By private message.
    pub pm: bool,
}

/// What to do with one chat message.
#[derive(Debug)]
#[non_exhaustive]
pub enum Decision {
    /// Not a command for this bot (an ignored user, backlog, or the
    /// bot's own line).
    Ignore,
    /// Send the invocation to its module; call [`Router::dispatched`] once
    /// sent.
    Route(Routed),
    /// Answer (help, a confirmation prompt), and publish the audit if any.
    Reply {
        /// Where.
        to: ReplyTo,
        /// The lines, each within CyTube's length.
        lines: Vec<String>,
        /// The audit record, for a command held for confirmation.
        audit: Option<CommandAudit>,
    },
    /// Refused: hand to the rejection handler and publish the audit.
    Reject {
        /// Why.
        rejection: Rejection,
        /// The audit record.
        audit: CommandAudit,
    },
}

struct Pending {
    routed: Routed,
    deadline: Instant,
}

/// The routing decisions of the `commands` module. Built from the
/// modules' commands and the `[commands]` settings; it keeps the flood
/// limit, cooldowns, pending confirmations and the ranks of users (for
/// PMs, which carry none).
pub struct Router {
    registry: Arc<Registry>,
    prefix: String,
    room_prefixes: Vec<(String, String)>,
    ignore: Vec<String>,
    flood: Flood,
    cooldowns: CooldownTable,
    pending: HashMap<(String, String), Pending>,
    ranks: HashMap<String, HashMap<String, Rank>>,
}

impl Router {
    /// A router for the commands of `modules`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCommand`](crate::Error::InvalidCommand) for a bad
    /// name or alias, [`Error::CommandCollision`](crate::Error::CommandCollision)
    /// naming both claimants of a word, and
    /// [`Error::ConfigValue`](crate::Error::ConfigValue) for a bad setting
    /// or an override of a command nobody offers.
    pub fn new<I>(config: RouterConfig, modules: I) -> Result<Self>
    where
        I: IntoIterator<Item = (Manifest, Vec<CommandSpec>)>,
    {
        let registry = Registry::build(&config, modules)?;
        Ok(Self {
            registry: Arc::new(registry),
            room_prefixes: config
                .rooms
                .iter()
                .filter_map(|(room, s)| s.prefix.clone().map(|p| (room.clone(), p)))
                .collect(),
            prefix: config.prefix,
            ignore: config
                .ignore
                .iter()
                .map(|u| u.to_ascii_lowercase())
                .collect(),
            flood: Flood::new(config.flood),
            cooldowns: CooldownTable::default(),
            pending: HashMap::new(),
            ranks: HashMap::new(),
        })
    }

    /// The prefix in `room`.
    #[must_use]
    pub fn prefix(&self, room: &str) -> &str {
        self.room_prefixes
            .iter()
            .find(|(r, _)| r == room)
            .map_or(&self.prefix, |(_, p)| p)
    }

    /// Every command name and alias, lower case and sorted, with the
    /// built-in `help` and `confirm`.
    #[must_use]
    pub fn words(&self) -> Vec<String> {
        let mut words: Vec<String> = self.registry.words.keys().cloned().collect();
        words.sort_unstable();
        words
    }

    /// The commands, in registration order.
    pub fn commands(&self) -> impl Iterator<Item = (&str, &CommandSpec)> {
        self.registry.entries.iter().map(|e| (&*e.module, &e.spec))
    }

    /// Decides what `message` is. A line that does not start with the
    /// prefix costs about as much as a `starts_with` check.
    #[inline]
    pub fn route(&mut self, message: &ChatMessage, now: Instant) -> Decision {
        let prefix = if self.room_prefixes.is_empty() {
            self.prefix.as_str()
        } else {
            self.prefix(&message.room)
        };
        if !message.text.starts_with(prefix) || message.backlog || message.own {
            return Decision::Ignore;
        }
        self.recognize(message, prefix.len(), now)
    }

    /// The part of `route` after the prefix matched.
    #[inline(never)]
    fn recognize(&mut self, message: &ChatMessage, prefix_len: usize, now: Instant) -> Decision {
        let text = message.text.as_str();
        let (Some(prefix), Some(after)) = (text.get(..prefix_len), text.get(prefix_len..)) else {
            return Decision::Ignore;
        };
        let prefix = prefix.to_owned();
        let (word, args) = after.split_once(char::is_whitespace).unwrap_or((after, ""));
        let word = word.to_ascii_lowercase();
        let Some(found) = self.registry.word(&word) else {
            return Decision::Ignore;
        };
        let user = message.user.to_ascii_lowercase();
        if self.ignore.contains(&user) {
            return Decision::Ignore;
        }
        let call = Call {
            message,
            prefix,
            word,
            args: args.trim(),
            user,
            rank: if message.pm {
                self.rank_of(&message.room, &message.user)
                    .unwrap_or(Rank::GUEST)
            } else {
                message.rank
            },
        };
        match found {
            Word::Command(index) => self.command(index, &call, now),
            Word::Help => self.help(&call, now),
            Word::Confirm => self.confirm(&call, now),
        }
    }

    fn command(&mut self, index: usize, call: &Call<'_>, now: Instant) -> Decision {
        let registry = Arc::clone(&self.registry);
        let entry = &registry.entries[index];
        if entry.disabled || !entry.in_room(&call.message.room) {
            return Decision::Ignore;
        }
        if !self.flood.allow(&call.user, now) {
            return reject(entry, call, Reason::Flood);
        }
        if let Some(reason) = permission(entry, call) {
            return reject(entry, call, reason);
        }
        let spec = &entry.spec;
        if let Some((scope, remaining)) =
            self.cooldowns
                .remaining(index, spec.cooldowns, &call.message.room, &call.user, now)
        {
            return reject(entry, call, Reason::Cooldown { scope, remaining });
        }
        if let Err(error) = spec.check_args(call.args) {
            let usage = help::usage_line(&call.prefix, spec);
            return reject(entry, call, Reason::BadArguments { error, usage });
        }
        let routed = Routed {
            trace: None,
            invocation: call.invocation(entry),
            topic: entry.topic.clone(),
            module: Arc::clone(&entry.module),
            index,
        };
        let Some(within) = spec.confirm else {
            return Decision::Route(routed);
        };
        self.sweep_pending(now);
        let key = (call.message.room.clone(), call.user.clone());
        let audit = CommandAudit::of(&routed.invocation, AuditOutcome::AwaitingConfirmation);
        let prompt = format!(
            "{}: say {}confirm within {} to go ahead with {}{}.",
            call.message.user,
            call.prefix,
            crate::format_duration(within),
            call.prefix,
            spec.name,
        );
        self.pending.insert(
            key,
            Pending {
                routed,
                deadline: super::limits::later(now, within),
            },
        );
        Decision::Reply {
            to: call.reply_to(),
            lines: vec![prompt],
            audit: Some(audit),
        }
    }

    fn confirm(&mut self, call: &Call<'_>, now: Instant) -> Decision {
        if !self.flood.allow(&call.user, now) {
            return Decision::Ignore;
        }
        let key = (call.message.room.clone(), call.user.clone());
        let pending = self.pending.remove(&key).filter(|p| p.deadline >= now);
        let Some(Pending { routed, .. }) = pending else {
            return Decision::Reject {
                rejection: call
                    .rejection(format!("{}confirm", call.prefix), Reason::NothingToConfirm),
                audit: call.audit(
                    "confirm",
                    "commands",
                    AuditOutcome::Rejected {
                        reason: Reason::NothingToConfirm.code().to_owned(),
                    },
                ),
            };
        };
        let registry = Arc::clone(&self.registry);
        let entry = &registry.entries[routed.index];
        let spec = &entry.spec;
        if let Some((scope, remaining)) = self.cooldowns.remaining(
            routed.index,
            spec.cooldowns,
            &call.message.room,
            &call.user,
            now,
        ) {
            return reject(entry, call, Reason::Cooldown { scope, remaining });
        }
        Decision::Route(routed)
    }

    fn help(&mut self, call: &Call<'_>, now: Instant) -> Decision {
        if !self.flood.allow(&call.user, now) {
            return Decision::Ignore;
        }
        let room = &call.message.room;
        let visible = |e: &&Entry| {
            !e.disabled && !e.spec.hidden && e.in_room(room) && rank_check(e, call).is_none()
        };
        let asked = call.args.split_whitespace().next();
        let text = match asked {
            None => {
                let names: Vec<&str> = self
                    .registry
                    .entries
                    .iter()
                    .filter(visible)
                    .map(|e| e.spec.name.as_str())
                    .collect();
                help::listing(&call.prefix, &names)
            }
            Some(asked) => {
                let word = asked.strip_prefix(call.prefix.as_str()).unwrap_or(asked);
                match self.registry.word(&word.to_ascii_lowercase()) {
                    Some(Word::Command(i)) if visible(&&self.registry.entries[i]) => {
                        help::detail(&call.prefix, &self.registry.entries[i])
                    }
                    Some(Word::Help | Word::Confirm) => help::help_detail(&call.prefix),
                    _ => format!("No command {}{word} here.", call.prefix),
                }
            }
        };
        Decision::Reply {
            to: call.reply_to(),
            lines: crate::chat::split_message(&text, crate::chat::MAX_MESSAGE_LEN),
            audit: None,
        }
    }

    /// Sends a routed command to its module as `command.<module>.<name>`
    /// and starts its cooldowns; if the module cannot take it, returns the
    /// refusal to hand to the rejection handler.
    pub fn deliver(
        &mut self,
        bus: &EventBus,
        routed: Routed,
        now: Instant,
    ) -> Option<(Rejection, CommandAudit)> {
        let mut event = Event::builder(routed.topic.clone())
            .source(ROUTER)
            .target(Arc::clone(&routed.module))
            .room(routed.invocation.room.as_str());
        if let Some(trace) = routed.trace {
            event = event.trace(trace);
        }
        let event = event.payload(routed.invocation.clone());
        match bus.send(&routed.module, event) {
            Ok(()) => {
                self.dispatched(&routed, now);
                None
            }
            Err(e) => {
                tracing::warn!(module = %routed.module, error = %e, "cannot route a command");
                Some(self.unavailable(&routed))
            }
        }
    }

    /// Starts the command's cooldowns once its invocation was sent.
    pub fn dispatched(&mut self, routed: &Routed, now: Instant) {
        let spec = &self.registry.entries[routed.index].spec;
        let call = &routed.invocation;
        let user = call.user.to_ascii_lowercase();
        self.cooldowns
            .start(routed.index, spec.cooldowns, &call.room, &user, now);
    }

    /// The refusal for a command whose module could not be reached.
    #[must_use]
    pub fn unavailable(&self, routed: &Routed) -> (Rejection, CommandAudit) {
        let call = &routed.invocation;
        let rejection = Rejection {
            command: call.display_name(),
            user: call.user.clone(),
            room: call.room.clone(),
            pm: call.pm,
            reason: Reason::Unavailable,
        };
        let outcome = AuditOutcome::Rejected {
            reason: Reason::Unavailable.code().to_owned(),
        };
        (rejection, CommandAudit::of(call, outcome))
    }

    /// Records a user's rank as they join.
    pub fn user_joined(&mut self, joined: &UserJoined) {
        self.set_rank(&joined.room, &joined.user, joined.rank);
    }

    /// Records a rank change.
    pub fn rank_changed(&mut self, change: &UserRank) {
        self.set_rank(&change.room, &change.user, change.rank);
    }

    /// Forgets a user who left.
    pub fn user_left(&mut self, left: &UserLeft) {
        if let Some(users) = self.ranks.get_mut(&left.room) {
            users.remove(&left.user.to_ascii_lowercase());
            if users.is_empty() {
                self.ranks.remove(&left.room);
            }
        }
    }

    fn set_rank(&mut self, room: &str, user: &str, rank: Rank) {
        self.ranks
            .entry(room.to_owned())
            .or_default()
            .insert(user.to_ascii_lowercase(), rank);
    }

    /// The rank of `user` in `room` as last seen (joins and rank changes).
    #[must_use]
    pub fn rank_of(&self, room: &str, user: &str) -> Option<Rank> {
        self.ranks
            .get(room)?
            .get(&user.to_ascii_lowercase())
            .copied()
    }

    fn sweep_pending(&mut self, now: Instant) {
        if self.pending.len() >= 1024 {
            self.pending.retain(|_, p| p.deadline >= now);
        }
    }
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("prefix", &self.prefix)
            .field("commands", &self.registry.entries.len())
            .finish_non_exhaustive()
    }
}

mod call;
