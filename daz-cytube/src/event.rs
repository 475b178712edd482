//! [`ServerEvent`]: every event the CyTube server sends (protocol
//! reference §5), typed, with [`Unknown`](ServerEvent::Unknown) for the
//! rest. Decoding reads the frame once, straight into the typed payload.

mod channel;
mod chat;
mod lenient;
mod playlist;
mod session;
mod users;

use std::collections::BTreeMap;
use std::fmt;

use daz_core::chat::Rank;
use serde::de::{DeserializeSeed, IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

pub use channel::{
    AntifloodParams, ChannelCssJs, ChannelOpts, ChannelRank, Emote, Poll, PollCount,
};
pub use chat::{ChatMeta, ChatMsg, ClearChat, NoFlood, Pm, SpamFiltered};
pub use playlist::{
    Media, MediaUpdate, Moved, NowPlaying, PlaylistItem, PlaylistMeta, Position, QueueProblem,
    Queued, SavedPlaylist, SearchResults, TempChange, Uid, VoteskipCount,
};
pub use session::{
    Announcement, ChanLog, ErrorMsg, Kick, LargeChandump, LoginReply, Message, SocketConfig,
    SocketServer, Validation,
};
pub use users::{
    AfkChange, Named, Profile, ProfileChange, RankChange, User, UserMeta, UserMetaChange,
};

use crate::error::{Result, bad_frame};

/// The channel's permission table: node → lowest rank allowed.
pub type Permissions = BTreeMap<String, Rank>;

/// A numeric payload read leniently (number or numeric string).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
#[serde(transparent)]
pub struct Number(pub f64);

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        lenient::number(d).map(Self)
    }
}

macro_rules! server_events {
    ($( $(#[$doc:meta])* $name:literal => $variant:ident $(($ty:ty))? ,)*) => {
        /// An event from the CyTube server, by name (`42["name", payload]`).
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum ServerEvent {
            $( $(#[$doc])* $variant $(($ty))?, )*
            /// An event this client does not know.
            Unknown {
                /// Its name.
                name: String,
                /// Its payload (`null` if none).
                data: Value,
            },
            /// A known event whose payload does not have the documented
            /// shape (kept, never dropped).
            Malformed {
                /// Its name.
                name: String,
                /// Its payload.
                data: Value,
                /// What did not fit.
                error: String,
            },
        }

        impl ServerEvent {
            /// The event's name on the wire.
            #[must_use]
            pub fn name(&self) -> &str {
                match self {
                    $( Self::$variant { .. } => $name, )*
                    Self::Unknown { name, .. } | Self::Malformed { name, .. } => name,
                }
            }

            /// Whether `name` is an event this client types.
            #[must_use]
            pub fn is_known(name: &str) -> bool {
                matches!(name, $($name)|*)
            }
        }

        impl serde::Serialize for ServerEvent {
            /// As on the wire: `["name", payload]` (`["name"]` without one).
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
                match self {
                    $( server_events!(@pat $variant, payload $(, $ty)?) =>
                        server_events!(@ser serializer, $name, payload $(, $ty)?), )*
                    Self::Unknown { name, data } | Self::Malformed { name, data, .. } => {
                        (name, data).serialize(serializer)
                    }
                }
            }
        }

        /// Reads the payload of the event `name` from the rest of the array.
        fn read_payload<'de, A: SeqAccess<'de>>(
            name: &str,
            seq: &mut A,
        ) -> std::result::Result<Option<ServerEvent>, A::Error> {
            Ok(Some(match name {
                $( $name => server_events!(@read seq, $variant $(($ty))?), )*
                _ => return Ok(None),
            }))
        }
    };
    (@pat $variant:ident, $p:ident, $ty:ty) => { ServerEvent::$variant($p) };
    (@pat $variant:ident, $p:ident) => { ServerEvent::$variant };
    (@ser $s:ident, $name:literal, $p:ident, $ty:ty) => { ($name, $p).serialize($s) };
    (@ser $s:ident, $name:literal, $p:ident) => { ($name,).serialize($s) };
    (@read $seq:ident, $variant:ident ($ty:ty)) => {
        ServerEvent::$variant($seq.next_element::<$ty>()?.ok_or_else(|| {
            serde::de::Error::custom("the payload is missing")
        })?)
    };
    (@read $seq:ident, $variant:ident) => {{
        $seq.next_element::<IgnoredAny>()?;
        ServerEvent::$variant
    }};
}

server_events! {
    /// `rank`: the bot's own effective rank.
    "rank" => Rank(Rank),
    /// `login`: the answer to the bot's login.
    "login" => Login(LoginReply),
    /// `announcement`: a site-wide announcement.
    "announcement" => Announcement(Announcement),
    /// `kick`: the bot was kicked; close the socket.
    "kick" => Kick(Kick),
    /// `errorMsg`.
    "errorMsg" => ErrorMsg(ErrorMsg),
    /// `needPassword`: the channel needs a password (`true`: the one given
    /// was wrong).
    "needPassword" => NeedPassword(bool),
    /// `cancelNeedPassword`: the password was accepted.
    "cancelNeedPassword" => CancelNeedPassword,
    /// `channelNotRegistered`.
    "channelNotRegistered" => ChannelNotRegistered,
    /// `partitionChange`: the channel moved to other servers; a `41`
    /// follows.
    "partitionChange" => PartitionChange(SocketConfig),
    /// `costanza`: the user tried to ban themselves.
    "costanza" => Costanza(Message),
    /// `warnLargeChandump`: a channel save failed on size.
    "warnLargeChandump" => WarnLargeChandump(LargeChandump),
    /// `validationError`: an option was refused.
    "validationError" => ValidationError(Validation),
    /// `validationPassed`: an option was accepted.
    "validationPassed" => ValidationPassed(Validation),
    /// `errMessage` (site-admin panel).
    "errMessage" => ErrMessage(Message),
    /// `userlist`: everyone in the channel (on join).
    "userlist" => Userlist(Vec<User>),
    /// `addUser`: a user joined.
    "addUser" => AddUser(User),
    /// `userLeave`: a user left.
    "userLeave" => UserLeave(Named),
    /// `usercount`: sockets in the channel, anonymous ones included.
    "usercount" => Usercount(Number),
    /// `setUserMeta`: AFK or mute flags changed.
    "setUserMeta" => SetUserMeta(UserMetaChange),
    /// `setAFK`.
    "setAFK" => SetAfk(AfkChange),
    /// `setUserRank`.
    "setUserRank" => SetUserRank(RankChange),
    /// `setUserProfile`.
    "setUserProfile" => SetUserProfile(ProfileChange),
    /// `setLeader`: the leader's name, or `""` for none.
    "setLeader" => SetLeader(String),
    /// `clearVoteskipVote`: the bot's voteskip vote was withdrawn.
    "clearVoteskipVote" => ClearVoteskipVote,
    /// `chatMsg`: a chat line.
    "chatMsg" => ChatMsg(ChatMsg),
    /// `pm`: a private message.
    "pm" => Pm(Pm),
    /// `clearchat`.
    "clearchat" => ClearChat(ClearChat),
    /// `cooldown`: the bot's message was dropped by the flood limiter;
    /// milliseconds to wait.
    "cooldown" => Cooldown(Number),
    /// `noflood`: a chat action was refused.
    "noflood" => NoFlood(NoFlood),
    /// `spamFiltered`: a new-account restriction dropped the message.
    "spamFiltered" => SpamFiltered(SpamFiltered),
    /// `drinkCount`.
    "drinkCount" => DrinkCount(Number),
    /// `playlist`: the whole playlist.
    "playlist" => Playlist(Vec<PlaylistItem>),
    /// `setPlaylistMeta`.
    "setPlaylistMeta" => SetPlaylistMeta(PlaylistMeta),
    /// `queue`: an item was added.
    "queue" => Queue(Queued),
    /// `queueFail`.
    "queueFail" => QueueFail(QueueProblem),
    /// `queueWarn`.
    "queueWarn" => QueueWarn(QueueProblem),
    /// `delete`: an item was removed.
    "delete" => Delete(Uid),
    /// `moveVideo`: an item was moved.
    "moveVideo" => MoveVideo(Moved),
    /// `setTemp`.
    "setTemp" => SetTemp(TempChange),
    /// `setCurrent`: the uid now playing.
    "setCurrent" => SetCurrent(Number),
    /// `changeMedia`: what plays now.
    "changeMedia" => ChangeMedia(NowPlaying),
    /// `mediaUpdate`: the playback position.
    "mediaUpdate" => MediaUpdate(MediaUpdate),
    /// `setPlaylistLocked`.
    "setPlaylistLocked" => SetPlaylistLocked(bool),
    /// `voteskip`: votes so far.
    "voteskip" => Voteskip(VoteskipCount),
    /// `searchResults`.
    "searchResults" => SearchResults(SearchResults),
    /// `listPlaylists`: the user's saved playlists.
    "listPlaylists" => ListPlaylists(Vec<SavedPlaylist>),
    /// `newPoll`.
    "newPoll" => NewPoll(Poll),
    /// `updatePoll`.
    "updatePoll" => UpdatePoll(Poll),
    /// `closePoll`.
    "closePoll" => ClosePoll,
    /// `channelOpts`: the channel's options.
    "channelOpts" => ChannelOpts(Box<ChannelOpts>),
    /// `setPermissions`: the permission table.
    "setPermissions" => SetPermissions(Permissions),
    /// `setMotd`: the message of the day (HTML).
    "setMotd" => SetMotd(String),
    /// `channelCSSJS`.
    "channelCSSJS" => ChannelCssJs(ChannelCssJs),
    /// `emoteList`.
    "emoteList" => EmoteList(Vec<Emote>),
    /// `updateEmote`.
    "updateEmote" => UpdateEmote(Emote),
    /// `renameEmote`.
    "renameEmote" => RenameEmote(Emote),
    /// `removeEmote`.
    "removeEmote" => RemoveEmote(Named),
    /// `chatFilters` (to users who may edit filters).
    "chatFilters" => ChatFilters(Vec<Value>),
    /// `updateChatFilter`.
    "updateChatFilter" => UpdateChatFilter(Value),
    /// `deleteChatFilter`.
    "deleteChatFilter" => DeleteChatFilter(Value),
    /// `addFilterSuccess`.
    "addFilterSuccess" => AddFilterSuccess,
    /// `banlist`.
    "banlist" => Banlist(Vec<Value>),
    /// `banlistRemove`.
    "banlistRemove" => BanlistRemove(Value),
    /// `channelRanks`.
    "channelRanks" => ChannelRanks(Vec<ChannelRank>),
    /// `channelRankFail`.
    "channelRankFail" => ChannelRankFail(Message),
    /// `readChanLog`.
    "readChanLog" => ReadChanLog(ChanLog),
}

/// Reads `["name", payload]` into a typed event.
struct EventArray;

impl<'de> Visitor<'de> for EventArray {
    type Value = ServerEvent;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an event array [\"name\", payload]")
    }

    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> std::result::Result<ServerEvent, A::Error> {
        let name: std::borrow::Cow<'de, str> = seq
            .next_element()?
            .ok_or_else(|| serde::de::Error::custom("the event has no name"))?;
        let event = match read_payload(&name, &mut seq)? {
            Some(event) => event,
            None => ServerEvent::Unknown {
                data: seq.next_element::<Value>()?.unwrap_or(Value::Null),
                name: name.into_owned(),
            },
        };
        // CyTube sends at most one argument; ignore any others.
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(event)
    }
}

impl<'de> Deserialize<'de> for ServerEvent {
    /// From `["name", payload]`, as [`from_json`](ServerEvent::from_json)
    /// reads it (a payload of another shape is an error here).
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_seq(EventArray).map(Self::finish)
    }
}

impl<'de> DeserializeSeed<'de> for EventArray {
    type Value = ServerEvent;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<ServerEvent, D::Error> {
        d.deserialize_seq(self)
    }
}

impl ServerEvent {
    /// Reads an event from its JSON array (`["chatMsg", {...}]`, the part
    /// of a `42` frame after the packet type). Lone UTF-16 surrogates are
    /// repaired first; chat and PM text is decoded from HTML. A known event
    /// whose payload has another shape becomes
    /// [`Malformed`](Self::Malformed), never an error.
    ///
    /// # Errors
    ///
    /// [`Error::Frame`](crate::Error::Frame) when the text is not a JSON
    /// array starting with a string.
    ///
    /// ```
    /// use daz_cytube::event::ServerEvent;
    ///
    /// let event = ServerEvent::from_json(
    ///     r#"["chatMsg",{"username":"ann","msg":"hi <em>there</em>","meta":{},"time":1700000000000}]"#,
    /// )?;
    /// let ServerEvent::ChatMsg(chat) = event else { panic!("{event:?}") };
    /// assert_eq!(chat.text, "hi _there_");
    /// # Ok::<(), daz_cytube::Error>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Self> {
        let repaired = crate::codec::repair_surrogates(json);
        let text = repaired.as_ref();
        let mut de = serde_json::Deserializer::from_str(text);
        match EventArray
            .deserialize(&mut de)
            .and_then(|e| de.end().map(|()| e))
        {
            Ok(event) => Ok(event.finish()),
            Err(typed) => Self::salvage(text, &typed.to_string()),
        }
    }

    /// After a typed read failed: the frame as JSON, kept as `Malformed`
    /// (or an error if it is not an event array at all).
    fn salvage(json: &str, error: &str) -> Result<Self> {
        let value: Value =
            serde_json::from_str(json).map_err(|e| bad_frame(json, format!("not JSON: {e}")))?;
        let mut items = match value {
            Value::Array(items) => items.into_iter(),
            _ => return Err(bad_frame(json, "an event must be a JSON array")),
        };
        let Some(Value::String(name)) = items.next() else {
            return Err(bad_frame(json, "an event array must start with its name"));
        };
        Ok(Self::Malformed {
            name,
            data: items.next().unwrap_or(Value::Null),
            error: error.to_owned(),
        })
    }

    /// Fills what is derived from the payload (decoded chat text).
    fn finish(mut self) -> Self {
        match &mut self {
            Self::ChatMsg(m) => m.text = chat::text_of(&m.username, &m.msg),
            Self::Pm(m) => m.text = chat::text_of(&m.username, &m.msg),
            _ => {}
        }
        self
    }
}
