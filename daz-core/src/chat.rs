//! The chat vocabulary shared by the CyTube bridge, the command router,
//! modules and the test harness: who said what in which room, who came and
//! went, what is playing, and what the bot says back.

mod as_typed;
mod html;
mod split;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{EventPayload, Topic};

pub use as_typed::as_typed;
pub use html::decode_html;
pub use split::{MAX_MESSAGE_LEN, split_message, utf16_len};

/// A CyTube rank. Ranks are numbers, and some are fractional (a leader is
/// 1.5), so this wraps an `f64`; compare with the constants.
///
/// ```
/// use daz_core::chat::Rank;
/// assert!(Rank::MODERATOR > Rank::LEADER);
/// assert!(Rank::new(1.5).at_least(Rank::REGISTERED));
/// ```
///
/// It reads from a number, a numeric string (`"2"`; CyTube sometimes sends
/// numbers as strings) or a rank name (`"moderator"`), and writes a number.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default, Serialize)]
#[serde(transparent)]
pub struct Rank(f64);

impl<'de> Deserialize<'de> for Rank {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Text {
            Number(f64),
            Name(String),
        }
        match Text::deserialize(deserializer)? {
            Text::Number(n) => Ok(Self::new(n)),
            Text::Name(name) => name.parse().map_err(serde::de::Error::custom),
        }
    }
}

impl Rank {
    /// A guest (not logged in).
    pub const GUEST: Rank = Rank(0.0);
    /// A registered user.
    pub const REGISTERED: Rank = Rank(1.0);
    /// The channel's leader (controls playback).
    pub const LEADER: Rank = Rank(1.5);
    /// A channel moderator.
    pub const MODERATOR: Rank = Rank(2.0);
    /// A channel admin.
    pub const ADMIN: Rank = Rank(3.0);
    /// The channel owner.
    pub const OWNER: Rank = Rank(4.0);
    /// The channel founder.
    pub const FOUNDER: Rank = Rank(5.0);
    /// A site administrator.
    pub const SITE_ADMIN: Rank = Rank(255.0);

    /// A rank from its number (NaN counts as a guest).
    #[must_use]
    pub fn new(rank: f64) -> Self {
        if rank.is_nan() {
            Self::GUEST
        } else {
            Self(rank)
        }
    }

    /// The rank's number.
    #[must_use]
    pub fn value(self) -> f64 {
        self.0
    }

    /// Whether this rank is `minimum` or above.
    #[must_use]
    pub fn at_least(self, minimum: Rank) -> bool {
        self.0 >= minimum.0
    }

    /// The named ranks, lowest first, with the names [`FromStr`] accepts.
    pub const NAMED: [(&'static str, Rank); 8] = [
        ("guest", Self::GUEST),
        ("registered", Self::REGISTERED),
        ("leader", Self::LEADER),
        ("moderator", Self::MODERATOR),
        ("admin", Self::ADMIN),
        ("owner", Self::OWNER),
        ("founder", Self::FOUNDER),
        ("site_admin", Self::SITE_ADMIN),
    ];

    /// The name of the highest named rank at or below this one
    /// (`"moderator"` for 2 and 2.5); `"anonymous"` below a guest.
    #[must_use]
    pub fn name(self) -> &'static str {
        Self::NAMED
            .iter()
            .rev()
            .find(|(_, rank)| self.at_least(*rank))
            .map_or("anonymous", |(name, _)| name)
    }
}

impl fmt::Display for Rank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Parses a rank from its number (`"2"`, `"1.5"`) or its name
/// (`"moderator"`, see [`Rank::NAMED`]; case-insensitive, `-` or `_`).
///
/// ```
/// use daz_core::chat::Rank;
/// assert_eq!("moderator".parse::<Rank>()?, Rank::MODERATOR);
/// assert_eq!("1.5".parse::<Rank>()?, Rank::LEADER);
/// assert!("mod".parse::<Rank>().is_err());
/// # Ok::<(), daz_core::Error>(())
/// ```
impl FromStr for Rank {
    type Err = crate::Error;

    fn from_str(text: &str) -> crate::Result<Self> {
        let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
        if let Some((_, rank)) = Self::NAMED.iter().find(|(name, _)| *name == wanted) {
            return Ok(*rank);
        }
        match wanted.parse::<f64>() {
            Ok(number) if number.is_finite() => Ok(Self(number)),
            _ => Err(crate::Error::InvalidRank {
                input: text.chars().take(32).collect(),
            }),
        }
    }
}

/// A chat line or private message, as decoded text. Published by the
/// CyTube bridge on `cytube.event.chatMsg` (and `cytube.event.pm` for
/// private messages, with `pm` set).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatMessage {
    /// The channel.
    pub room: String,
    /// Who said it.
    pub user: String,
    /// Their rank in the room.
    pub rank: Rank,
    /// What they said, decoded from CyTube's HTML.
    pub text: String,
    /// A private message to the bot rather than room chat.
    pub pm: bool,
    /// Replayed history sent on join, not said just now.
    pub backlog: bool,
    /// Said by the bot itself (CyTube echoes the bot's own lines and PMs).
    #[serde(default)]
    pub own: bool,
    /// The HTML CyTube sent, when the text was decoded from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
}

impl ChatMessage {
    /// A room chat line (not a PM, not backlog).
    #[must_use]
    pub fn new(room: &str, user: &str, rank: Rank, text: &str) -> Self {
        Self {
            room: room.to_owned(),
            user: user.to_owned(),
            rank,
            text: text.to_owned(),
            pm: false,
            backlog: false,
            own: false,
            html: None,
        }
    }

    /// A room chat line from the HTML CyTube sends: the text is
    /// [decoded](decode_html) and the HTML kept.
    #[must_use]
    pub fn from_html(room: &str, user: &str, rank: Rank, html: &str) -> Self {
        Self {
            html: Some(html.to_owned()),
            ..Self::new(room, user, rank, &decode_html(html))
        }
    }

    /// The same, as a private message.
    #[must_use]
    pub fn private(mut self) -> Self {
        self.pm = true;
        self
    }

    /// The topic this message is published under.
    #[must_use]
    pub fn topic(&self) -> Topic {
        if self.pm { PM_TOPIC } else { CHAT_TOPIC }
    }
}

/// Where room chat is published.
pub const CHAT_TOPIC: Topic = Topic::from_static("cytube.event.chatMsg");
/// Where private messages are published.
pub const PM_TOPIC: Topic = Topic::from_static("cytube.event.pm");

impl EventPayload for ChatMessage {
    const TOPIC: Topic = CHAT_TOPIC;

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// A user joined a room (`cytube.event.addUser`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserJoined {
    /// The channel.
    pub room: String,
    /// Who joined.
    pub user: String,
    /// Their rank.
    pub rank: Rank,
    /// Part of the user list sent on join, not a new arrival.
    pub backlog: bool,
    /// The bot itself.
    #[serde(default)]
    pub own: bool,
}

impl UserJoined {
    /// `user` joined `room` with `rank` (not backlog).
    #[must_use]
    pub fn new(room: &str, user: &str, rank: Rank) -> Self {
        Self {
            room: room.to_owned(),
            user: user.to_owned(),
            rank,
            backlog: false,
            own: false,
        }
    }
}

impl EventPayload for UserJoined {
    const TOPIC: Topic = Topic::from_static("cytube.event.addUser");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// A user's rank changed (`cytube.event.setUserRank`). CyTube sends the
/// name as the promoter typed it: compare names case-insensitively.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserRank {
    /// The channel.
    pub room: String,
    /// Whose rank changed.
    pub user: String,
    /// The new rank.
    pub rank: Rank,
}

impl UserRank {
    /// `user` in `room` now has `rank`.
    #[must_use]
    pub fn new(room: &str, user: &str, rank: Rank) -> Self {
        Self {
            room: room.to_owned(),
            user: user.to_owned(),
            rank,
        }
    }
}

impl EventPayload for UserRank {
    const TOPIC: Topic = Topic::from_static("cytube.event.setUserRank");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// A user left a room (`cytube.event.userLeave`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserLeft {
    /// The channel.
    pub room: String,
    /// Who left.
    pub user: String,
    /// It is the bot itself (under the name it is logged in as).
    #[serde(default)]
    pub own: bool,
}

impl UserLeft {
    /// `user` left `room`.
    #[must_use]
    pub fn new(room: &str, user: &str) -> Self {
        Self {
            room: room.to_owned(),
            user: user.to_owned(),
            own: false,
        }
    }
}

impl EventPayload for UserLeft {
    const TOPIC: Topic = Topic::from_static("cytube.event.userLeave");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// The playing media changed (`cytube.event.changeMedia`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MediaChanged {
    /// The channel.
    pub room: String,
    /// The title.
    pub title: String,
    /// Its length.
    #[serde(with = "crate::duration::duration_serde")]
    pub duration: Duration,
    /// Where it is, in seconds: negative during the server's lead-in
    /// before a media starts (CyTube starts at -3), more than 0 when the
    /// bot joins mid-way.
    #[serde(default)]
    pub position: f64,
}

impl MediaChanged {
    /// `room` now plays `title`, `duration` long, from its start.
    #[must_use]
    pub fn new(room: &str, title: &str, duration: Duration) -> Self {
        Self {
            room: room.to_owned(),
            title: title.to_owned(),
            duration,
            position: 0.0,
        }
    }

    /// The same, at `position` seconds (negative: the lead-in).
    #[must_use]
    pub fn at(mut self, position: f64) -> Self {
        self.position = position;
        self
    }
}

impl EventPayload for MediaChanged {
    const TOPIC: Topic = Topic::from_static("cytube.event.changeMedia");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// Where the playing media is (`cytube.event.mediaUpdate`, every few
/// seconds while the server leads, and when a leader seeks or pauses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MediaPosition {
    /// The channel.
    pub room: String,
    /// Seconds into the media (negative during the lead-in).
    pub position: f64,
    /// Paused.
    pub paused: bool,
}

impl MediaPosition {
    /// The media in `room` is at `position` seconds, `paused` or not.
    #[must_use]
    pub fn new(room: &str, position: f64, paused: bool) -> Self {
        Self {
            room: room.to_owned(),
            position,
            paused,
        }
    }
}

impl EventPayload for MediaPosition {
    const TOPIC: Topic = Topic::from_static("cytube.event.mediaUpdate");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// Ask the bridge to say `text` in `room` (`cytube.send.chat`, sent or
/// requested to the `cytube` module).
///
/// The text is said as written: a line starting with `/` is not run as a
/// CyTube chat command (the bridge puts a zero-width space before it), so
/// a module repeating what a user typed cannot be made to `/kick` or
/// `/clear`. Moderation goes through the bridge's typed actions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SendChat {
    /// The channel.
    pub room: String,
    /// What to say.
    pub text: String,
}

impl SendChat {
    /// Says `text` in `room`.
    #[must_use]
    pub fn new(room: &str, text: &str) -> Self {
        Self {
            room: room.to_owned(),
            text: text.to_owned(),
        }
    }
}

impl EventPayload for SendChat {
    const TOPIC: Topic = Topic::from_static("cytube.send.chat");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// Ask the bridge to send `text` to `user` privately (`cytube.send.pm`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SendPm {
    /// The channel the user is in.
    pub room: String,
    /// Who to tell.
    pub to: String,
    /// What to say.
    pub text: String,
}

impl SendPm {
    /// Tells `to` in `room`: `text`.
    #[must_use]
    pub fn new(room: &str, to: &str, text: &str) -> Self {
        Self {
            room: room.to_owned(),
            to: to.to_owned(),
            text: text.to_owned(),
        }
    }
}

impl EventPayload for SendPm {
    const TOPIC: Topic = Topic::from_static("cytube.send.pm");

    fn room(&self) -> Option<&str> {
        Some(&self.room)
    }
}

/// The name of the module that bridges CyTube rooms to the bus; chat
/// actions are sent to it.
pub const BRIDGE: &str = "cytube";

#[cfg(test)]
mod tests;
