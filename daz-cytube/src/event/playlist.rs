//! Playlist and media events (protocol reference §5.4).

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::lenient;

/// A media item. `title` is plain text (not HTML).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Media {
    /// The id at its source (a YouTube id, a URL…).
    #[serde(deserialize_with = "lenient::text")]
    pub id: String,
    /// The title.
    #[serde(deserialize_with = "lenient::string")]
    pub title: String,
    /// Its length in seconds (0 for live streams).
    #[serde(deserialize_with = "lenient::number")]
    pub seconds: f64,
    /// Its length as text (`"HH:MM:SS"`, `"--:--"`).
    #[serde(deserialize_with = "lenient::string")]
    pub duration: String,
    /// The source type (`yt`, `vi`, `fi`, `li`…).
    #[serde(rename = "type", deserialize_with = "lenient::string")]
    pub kind: String,
    /// Source-specific details.
    pub meta: serde_json::Value,
}

/// One playlist entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct PlaylistItem {
    /// The media.
    pub media: Media,
    /// Its uid in this load of the channel (not stable across reloads).
    #[serde(deserialize_with = "lenient::count")]
    pub uid: u64,
    /// Removed after playing.
    pub temp: bool,
    /// Who queued it (may be empty).
    #[serde(deserialize_with = "lenient::string")]
    pub queueby: String,
}

/// Where an item goes: after a uid, or at an end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Position {
    /// After the item with this uid.
    After(u64),
    /// At the start.
    #[default]
    Prepend,
    /// At the end.
    Append,
}

impl<'de> Deserialize<'de> for Position {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) if s == "prepend" => Ok(Self::Prepend),
            serde_json::Value::String(s) if s == "append" => Ok(Self::Append),
            serde_json::Value::String(s) => s
                .parse()
                .map(Self::After)
                .map_err(|_| serde::de::Error::custom(format!("{s:?} is not a position"))),
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(Self::After)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not a uid"))),
            other => Err(serde::de::Error::custom(format!(
                "{other} is not a position"
            ))),
        }
    }
}

impl Serialize for Position {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::After(uid) => s.serialize_u64(*uid),
            Self::Prepend => s.serialize_str("prepend"),
            Self::Append => s.serialize_str("append"),
        }
    }
}

/// `setPlaylistMeta`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct PlaylistMeta {
    /// Items.
    #[serde(deserialize_with = "lenient::count")]
    pub count: u64,
    /// Total length in seconds.
    #[serde(deserialize_with = "lenient::number")]
    pub raw_time: f64,
    /// Total length as text.
    #[serde(deserialize_with = "lenient::string")]
    pub time: String,
}

/// `queue`: an item was added.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Queued {
    /// The item.
    pub item: PlaylistItem,
    /// Where.
    pub after: Position,
}

/// `queueFail` / `queueWarn`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct QueueProblem {
    /// Why.
    #[serde(deserialize_with = "lenient::string")]
    pub msg: String,
    /// The link queued.
    #[serde(deserialize_with = "lenient::string")]
    pub link: String,
    /// The media id, when known (`queueFail`).
    #[serde(deserialize_with = "lenient::text")]
    pub id: String,
}

/// A playlist item, by uid (`delete`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Uid {
    /// The uid.
    #[serde(deserialize_with = "lenient::count")]
    pub uid: u64,
}

/// `moveVideo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Moved {
    /// The item moved.
    #[serde(deserialize_with = "lenient::count")]
    pub from: u64,
    /// Where to.
    pub after: Position,
}

/// `setTemp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct TempChange {
    /// The item.
    #[serde(deserialize_with = "lenient::count")]
    pub uid: u64,
    /// Temporary or not.
    pub temp: bool,
}

/// `changeMedia`: what plays now, and where it is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct NowPlaying {
    /// The media.
    #[serde(flatten)]
    pub media: Media,
    /// Position in seconds (starts at -3, a lead-in).
    #[serde(default, deserialize_with = "lenient::number")]
    pub current_time: f64,
    /// Paused.
    #[serde(default)]
    pub paused: bool,
}

/// `mediaUpdate`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct MediaUpdate {
    /// Position in seconds.
    #[serde(deserialize_with = "lenient::number")]
    pub current_time: f64,
    /// Paused.
    pub paused: bool,
}

/// `voteskip`: votes so far and votes needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct VoteskipCount {
    /// Votes.
    #[serde(deserialize_with = "lenient::count")]
    pub count: u64,
    /// Needed.
    #[serde(deserialize_with = "lenient::count")]
    pub need: u64,
}

/// `searchResults`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SearchResults {
    /// `yt` or `library`.
    #[serde(deserialize_with = "lenient::string")]
    pub source: String,
    /// The results, as sent.
    pub results: Vec<serde_json::Value>,
}

/// One saved playlist (`listPlaylists`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SavedPlaylist {
    /// Its name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Items.
    #[serde(deserialize_with = "lenient::count")]
    pub count: u64,
    /// Total seconds.
    #[serde(deserialize_with = "lenient::number")]
    pub duration: f64,
}
