//! The one error type of `daz-core`.

use std::time::Duration;

use crate::grammar::TopicRule;

/// A boxed foreign error, kept as a source without leaking its type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `daz-core`.
///
/// Messages are written for the operator's log: each names the thing at
/// fault and, where there is one, the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A string is not a valid [`Topic`](crate::Topic).
    #[error("invalid topic {input:?}: {reason}")]
    InvalidTopic {
        /// The rejected input (cut to the length limit).
        input: String,
        /// The broken rule, described.
        reason: String,
        /// The broken rule.
        rule: TopicRule,
    },

    /// A string is not a valid [`Pattern`](crate::Pattern).
    #[error("invalid pattern {input:?}: {reason}")]
    InvalidPattern {
        /// The rejected input (cut to the length limit).
        input: String,
        /// The broken rule, described.
        reason: String,
        /// The broken rule.
        rule: TopicRule,
    },

    /// An event's payload was asked for as a type it does not hold.
    #[error("event {topic} carries a {found}, not a {expected}")]
    PayloadType {
        /// Topic of the event.
        topic: String,
        /// The type asked for.
        expected: &'static str,
        /// The type the event holds.
        found: &'static str,
    },

    /// An event's JSON payload did not deserialize into the type asked for.
    #[error("event {topic}: its JSON payload is not a valid {expected}: {source}")]
    PayloadDecode {
        /// Topic of the event.
        topic: String,
        /// The type asked for.
        expected: &'static str,
        /// What serde reported.
        source: BoxError,
    },

    /// A typed payload could not be turned into JSON.
    #[error("event {topic}: its {type_name} payload cannot be serialized to JSON: {source}")]
    PayloadEncode {
        /// Topic of the event.
        topic: String,
        /// The payload's type.
        type_name: &'static str,
        /// What serde reported.
        source: BoxError,
    },

    /// `send` or `request` named a target that has no inbox on the bus.
    #[error("no module or subscriber named {target:?} is listening on the bus")]
    UnknownTarget {
        /// The target asked for.
        target: String,
    },

    /// A module limited to some rooms sent, requested or published
    /// something for another room.
    #[error("module {module:?} is limited to other rooms and cannot act in room {room:?}")]
    RoomNotAllowed {
        /// The module.
        module: String,
        /// The room it tried to act in.
        room: String,
    },

    /// The target is limited to rooms that do not include the event's room.
    #[error("{target:?} does not serve room {room:?}; it is limited to other rooms")]
    RoomNotServed {
        /// The target asked for.
        target: String,
        /// The event's room.
        room: String,
    },

    /// An inbox name is already taken by another subscription.
    #[error("the inbox name {name:?} is already taken; inbox names are unique per bus")]
    InboxTaken {
        /// The name asked for.
        name: String,
    },

    /// The target's mailbox was full, so the event was dropped (and counted).
    #[error(
        "mailbox of {target:?} is full ({capacity} events); the event was dropped. \
         Raise its capacity or make it drain faster"
    )]
    MailboxFull {
        /// The target whose mailbox was full.
        target: String,
        /// That mailbox's capacity.
        capacity: usize,
    },

    /// A request got no reply in time.
    #[error("request {topic} to {target:?} got no reply within {timeout:?}")]
    RequestTimeout {
        /// The target of the request.
        target: String,
        /// Topic of the request.
        topic: String,
        /// The timeout that ran out.
        timeout: Duration,
    },

    /// A reply was given to an event that was not a request.
    #[error(
        "event {topic} is not a request (it has no correlation id), so it cannot be replied to"
    )]
    NotARequest {
        /// Topic of the event replied to.
        topic: String,
    },

    /// A reply arrived after its request timed out (or was answered already);
    /// it was counted and dropped.
    #[error(
        "the request this reply answers ({correlation_id}) has timed out or was answered already"
    )]
    RequestExpired {
        /// Correlation id of the request.
        correlation_id: String,
    },

    /// A configuration value is out of range.
    #[error("invalid configuration `{key}`: {reason}")]
    InvalidConfig {
        /// The full key path.
        key: String,
        /// What is wrong and what is expected.
        reason: String,
    },

    /// A module name is not usable.
    #[error("invalid module name {name:?}: {reason}")]
    InvalidModuleName {
        /// The name.
        name: String,
        /// What is wrong.
        reason: String,
    },

    /// Two modules have the same name.
    #[error("two modules are named {name:?}; module names must be unique")]
    DuplicateModule {
        /// The name.
        name: String,
    },

    /// A module requires one that is not in the bot.
    #[error(
        "module {module:?} requires {missing:?}, which is not added to the bot; add it or remove the requirement"
    )]
    MissingDependency {
        /// The module with the requirement.
        module: String,
        /// The module it requires.
        missing: String,
    },

    /// Modules require each other in a cycle.
    #[error("modules require each other in a cycle: {}", cycle.join(" -> "))]
    DependencyCycle {
        /// The cycle, first module repeated at the end.
        cycle: Vec<String>,
    },

    /// A module control request was refused.
    #[error("cannot {action} module {module:?}: {reason}")]
    ControlRefused {
        /// What was asked (enable, disable, restart).
        action: String,
        /// The module.
        module: String,
        /// Why not.
        reason: String,
    },

    /// A request was answered with an error by its target.
    #[error("{target:?} could not answer {topic}: {message}")]
    RequestFailed {
        /// The target of the request.
        target: String,
        /// Topic of the request.
        topic: String,
        /// The target's error message.
        message: String,
    },

    /// A duration could not be read.
    #[error("invalid duration {input:?}: {reason}")]
    InvalidDuration {
        /// The input.
        input: String,
        /// What is wrong.
        reason: String,
    },

    /// A configuration file could not be read or parsed.
    #[error("cannot read configuration {path}: {reason}")]
    ConfigFile {
        /// The file.
        path: String,
        /// What went wrong, with the line where the parser gives one.
        reason: String,
    },

    /// A configuration value is missing, of the wrong type, or unknown.
    #[error("configuration {origin}: `{key}`: {reason}")]
    ConfigValue {
        /// Where the value came from: the file, or the environment variable.
        origin: String,
        /// The full key path (`greeter.templates[0]`).
        key: String,
        /// What is wrong and what was expected.
        reason: String,
    },

    /// A schedule (cron expression, time zone, interval or delay) is not
    /// usable.
    #[error("invalid schedule {input:?}: {reason}")]
    InvalidSchedule {
        /// The rejected input.
        input: String,
        /// What is wrong.
        reason: String,
    },

    /// A rank is neither a number of 0 or more nor a rank name.
    #[error(
        "invalid rank {input:?}: write a number (0, 1, 1.5, 2, ...) or one of guest, registered, \
         leader, moderator, admin, owner, founder, site_admin"
    )]
    InvalidRank {
        /// The rejected input (cut to 32 characters).
        input: String,
    },

    /// A chat command is declared or configured wrongly.
    #[error("command {command:?} of module {module:?}: {reason}")]
    InvalidCommand {
        /// The module declaring it (`commands` for the router's settings).
        module: String,
        /// The command.
        command: String,
        /// What is wrong, and the fix.
        reason: String,
    },

    /// Two commands (names or aliases) would answer to the same word.
    #[error(
        "the command word {word:?} is claimed twice: by {first} and by {second}; rename one or \
         drop the alias"
    )]
    CommandCollision {
        /// The word both claim, lower-cased.
        word: String,
        /// The first claimant (`module !command`).
        first: String,
        /// The second claimant.
        second: String,
    },

    /// A store (of durable tasks, reconnect state…) failed.
    #[error("{what}: {source}")]
    Storage {
        /// What was being done.
        what: String,
        /// The store's error.
        source: BoxError,
    },

    /// A transport to other processes (NATS) failed or refused something.
    #[error("transport: {what}: {reason}")]
    Transport {
        /// What was being done (connecting to a server, carrying an event).
        what: String,
        /// What went wrong.
        reason: String,
    },
}
