//! The one error type of `daz-cytube`.

/// `Result` with [`Error`] as the default error.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `daz-cytube`. Messages are written for
/// the operator's log: each names what was wrong and, where there is one,
/// the fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A WebSocket frame is not a valid Engine.IO or Socket.IO packet.
    #[error("bad frame {frame:?}: {reason}")]
    Frame {
        /// The frame (cut to 120 characters).
        frame: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A packet the client does not support (binary packets, other
    /// namespaces): CyTube never sends them.
    #[error("unsupported packet {frame:?}: {reason}")]
    Unsupported {
        /// The frame (cut to 120 characters).
        frame: String,
        /// What it is.
        reason: String,
    },

    /// The bot's rank or the channel's settings do not allow the action;
    /// it was not sent (the server would ignore it, or kick the bot).
    #[error("cannot {action}: {reason}")]
    NotPermitted {
        /// The action.
        action: &'static str,
        /// Which permission, and the rank it needs.
        reason: String,
    },

    /// The action's values are not acceptable to the server.
    #[error("invalid {action}: {reason}")]
    InvalidAction {
        /// The action.
        action: &'static str,
        /// What is wrong.
        reason: String,
    },

    /// The channel's servers could not be found
    /// (`GET /socketconfig/<channel>.json`).
    #[error("cannot find the servers of channel {channel:?} at {url}: {reason}")]
    Discovery {
        /// The channel.
        channel: String,
        /// The URL fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },

    /// The WebSocket could not be opened.
    #[error("cannot connect to {url}: {reason}")]
    Connect {
        /// The URL tried.
        url: String,
        /// What went wrong.
        reason: String,
    },

    /// The connection ended.
    #[error("the connection closed: {reason}")]
    Closed {
        /// Why, as far as known.
        reason: String,
    },

    /// Something did not happen in time.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: &'static str,
        /// How long.
        after: std::time::Duration,
    },

    /// The server refused the Socket.IO connect (`44`): a rate limit or a
    /// ban.
    #[error("the server refused the connection: {message}")]
    Refused {
        /// The server's message.
        message: String,
    },

    /// The server kicked the bot.
    #[error("kicked: {}", reason.as_deref().unwrap_or("(no reason given)"))]
    Kicked {
        /// The reason, if the server gave one.
        reason: Option<String>,
    },

    /// The login was refused.
    #[error("login as {name:?} refused: {reason}")]
    Login {
        /// The name tried.
        name: String,
        /// The server's reason.
        reason: String,
    },

    /// The channel needs a password, and none (or a wrong one) was given.
    #[error("channel {channel:?} needs a password{}", if *given { "; the one configured is wrong" } else { "; configure one" })]
    ChannelPassword {
        /// The channel.
        channel: String,
        /// Whether one was given.
        given: bool,
    },

    /// The room is not connected (it is reconnecting); nothing was sent.
    #[error("not connected to the channel; nothing was sent")]
    NotConnected,

    /// Too many lines wait for the throttle; this one was not queued.
    #[error("the outbound queue is full ({capacity} lines wait); nothing was sent")]
    QueueFull {
        /// The queue's capacity.
        capacity: usize,
    },

    /// A store (of reconnect state) failed.
    #[error("{what}: {source}")]
    Storage {
        /// What was being done.
        what: String,
        /// The store's error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// An event could not be encoded to JSON.
    #[error("cannot encode the {event} event: {source}")]
    Encode {
        /// The event's name.
        event: String,
        /// What serde reported.
        source: serde_json::Error,
    },
}

/// Cuts a frame for an error message.
pub(crate) fn excerpt(frame: &str) -> String {
    const LIMIT: usize = 120;
    if frame.chars().count() <= LIMIT {
        frame.to_owned()
    } else {
        let mut cut: String = frame.chars().take(LIMIT - 1).collect();
        cut.push('…');
        cut
    }
}

pub(crate) fn bad_frame(frame: &str, reason: impl Into<String>) -> Error {
    Error::Frame {
        frame: excerpt(frame),
        reason: reason.into(),
    }
}
