//! What the `cytube` module puts on the bus and answers.

use serde::{Deserialize, Serialize};

use crate::action::Action;
use crate::event::{Emote, NowPlaying, PlaylistItem, ServerEvent, User};
use daz_core::{EventPayload, Topic};

/// A server event from a room, published under `cytube.event.<name>`
/// (chat, PMs, joins, leaves, rank and media changes are published as the
/// core chat vocabulary instead: `daz_core::chat`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CytubeEvent {
    /// The channel.
    pub room: String,
    /// The event.
    pub event: ServerEvent,
    /// Replayed history (chat backlog on join).
    pub backlog: bool,
}

impl EventPayload for CytubeEvent {
    const TOPIC: Topic = Topic::from_static("cytube.event");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// A message the server posts as a pseudo-user (`[server]` join and kick
/// notices to moderators, `[voteskip]`), published under
/// `cytube.event.serverNotice`, never as chat: no user said it, so it
/// reaches no command, greeting, seen record, account or chat log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServerNotice {
    /// The channel.
    pub room: String,
    /// The pseudo-user, brackets included: `[server]`, `[voteskip]`.
    pub from: String,
    /// The text as the server sent it (pseudo-user text is not escaped).
    pub text: String,
    /// When, in epoch milliseconds (server clock).
    pub time: i64,
    /// Replayed history (chat backlog on join).
    pub backlog: bool,
}

impl ServerNotice {
    /// Whether `username` is one of the server's pseudo-users: a name in
    /// brackets, which no real account can have (`^[\w-]{1,20}$`).
    #[must_use]
    pub fn is_pseudo_user(username: &str) -> bool {
        username.len() > 2 && username.starts_with('[') && username.ends_with(']')
    }
}

impl EventPayload for ServerNotice {
    const TOPIC: Topic = Topic::from_static("cytube.event.serverNotice");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// An action for a room (`cytube.send.<action>`, sent or requested to the
/// `cytube` module). Chat and PMs can also be sent as `SendChat` and
/// `SendPm` from `daz_core::chat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoomAction {
    /// The channel.
    pub room: String,
    /// What to do.
    pub action: Action,
}

impl RoomAction {
    /// `action` in `room`.
    #[must_use]
    pub fn new(room: &str, action: Action) -> Self {
        Self {
            room: room.to_owned(),
            action,
        }
    }
}

impl RoomAction {
    /// `cytube.send.<action>` (`cytube.send.queue`…), the topic to send it
    /// under.
    #[must_use]
    pub fn topic(&self) -> Topic {
        Topic::new(format!("cytube.send.{}", self.action.name()))
            .unwrap_or(<Self as EventPayload>::TOPIC)
    }
}

impl EventPayload for RoomAction {
    const TOPIC: Topic = Topic::from_static("cytube.send.action");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// The answer to a send request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SendOutcome {
    /// Written to the socket.
    Sent,
    /// Waiting for the throttle behind `ahead` lines.
    Throttled {
        /// Lines ahead.
        ahead: usize,
    },
    /// Not sent.
    Refused {
        /// Why (no permission, not connected, queue full, unknown room…).
        reason: String,
    },
}

impl EventPayload for SendOutcome {
    const TOPIC: Topic = Topic::from_static("cytube.sent");
}

/// Asks for a room's state (`cytube.query.state`, a request to `cytube`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StateQuery {
    /// The channel.
    pub room: String,
}

impl StateQuery {
    /// The state of `room`.
    #[must_use]
    pub fn new(room: &str) -> Self {
        Self {
            room: room.to_owned(),
        }
    }
}

impl EventPayload for StateQuery {
    const TOPIC: Topic = Topic::from_static("cytube.query.state");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// A room's state: the answer to a [`StateQuery`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoomSnapshot {
    /// The channel.
    pub room: String,
    /// Joined now.
    pub connected: bool,
    /// The bot's rank there, as the server last gave it (the channel rank
    /// once it is known, not the login's site-wide one).
    pub rank: daz_core::chat::Rank,
    /// The bot's own user name there, once joined.
    #[serde(default)]
    pub name: Option<String>,
    /// The users.
    pub users: Vec<User>,
    /// The emotes.
    #[serde(default)]
    pub emotes: Vec<Emote>,
    /// The message of the day (HTML).
    #[serde(default)]
    pub motd: String,
    /// The leader.
    pub leader: Option<String>,
    /// The playlist.
    pub playlist: Vec<PlaylistItem>,
    /// What plays now.
    pub now_playing: Option<NowPlaying>,
    /// Sockets in the channel.
    pub usercount: u64,
}

impl EventPayload for RoomSnapshot {
    const TOPIC: Topic = Topic::from_static("cytube.state");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// Asks which rooms the bot keeps (`cytube.query.rooms`, a request to
/// `cytube`; any payload, `{}` from JSON). Answered with a [`RoomList`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoomsQuery {}

impl EventPayload for RoomsQuery {
    const TOPIC: Topic = Topic::from_static("cytube.query.rooms");
}

/// The rooms the bot keeps, in name order: the answer to a [`RoomsQuery`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoomList {
    /// One entry a room.
    pub rooms: Vec<RoomSummary>,
}

impl EventPayload for RoomList {
    const TOPIC: Topic = Topic::from_static("cytube.rooms");
}

/// One room in a [`RoomList`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RoomSummary {
    /// The channel.
    pub room: String,
    /// Joined now.
    pub connected: bool,
    /// The bot's rank there, as the server last gave it.
    pub rank: daz_core::chat::Rank,
    /// What the connection is doing, e.g. `joined as rank 2` or
    /// `disconnected (…); retrying in 4s`.
    pub status: String,
    /// Users in the user list.
    pub users: usize,
    /// Sockets in the channel (guests and anonymous viewers included).
    pub usercount: u64,
    /// The title playing now.
    pub now_playing: Option<String>,
}
