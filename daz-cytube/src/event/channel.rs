//! Polls and channel configuration (protocol reference §5.5, §5.6).

use daz_core::chat::Rank;
use serde::{Deserialize, Serialize};

use super::lenient;

/// A vote count: a number, or for hidden polls `"3?"` (viewers who may
/// see hidden counts) or `"?"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum PollCount {
    /// Votes.
    Votes(f64),
    /// A hidden count, as sent.
    Hidden(String),
}

/// `newPoll` / `updatePoll`. Title and options are HTML.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Poll {
    /// The question (HTML).
    #[serde(deserialize_with = "lenient::string")]
    pub title: String,
    /// The options (HTML).
    pub options: Vec<String>,
    /// The counts, one per option.
    pub counts: Vec<PollCount>,
    /// Who opened it.
    #[serde(deserialize_with = "lenient::string")]
    pub initiator: String,
    /// When, in epoch milliseconds.
    #[serde(deserialize_with = "lenient::millis")]
    pub timestamp: i64,
}

/// The flood settings of a channel (`chat_antiflood_params`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct AntifloodParams {
    /// Messages in a row.
    #[serde(deserialize_with = "lenient::number")]
    pub burst: f64,
    /// Then messages per second.
    #[serde(deserialize_with = "lenient::number")]
    pub sustained: f64,
    /// Seconds of cooldown.
    #[serde(deserialize_with = "lenient::number")]
    pub cooldown: f64,
}

/// `channelOpts`: the channel's options (the whole object).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ChannelOpts {
    /// Voteskip allowed.
    pub allow_voteskip: bool,
    /// Share of users needed to skip.
    #[serde(deserialize_with = "lenient::number")]
    pub voteskip_ratio: f64,
    /// Seconds before a silent user is marked AFK (0: never).
    #[serde(deserialize_with = "lenient::number")]
    pub afk_timeout: f64,
    /// The page title.
    #[serde(deserialize_with = "lenient::string")]
    pub pagetitle: String,
    /// Longest media, seconds (0: no limit).
    #[serde(deserialize_with = "lenient::number")]
    pub maxlength: f64,
    /// External CSS URL.
    #[serde(deserialize_with = "lenient::string")]
    pub externalcss: String,
    /// External JS URL.
    #[serde(deserialize_with = "lenient::string")]
    pub externaljs: String,
    /// The flood limiter is on.
    pub chat_antiflood: bool,
    /// Its settings.
    pub chat_antiflood_params: AntifloodParams,
    /// Listed publicly.
    pub show_public: bool,
    /// Links become `<a>`.
    pub enable_link_regex: bool,
    /// The channel password (`false` on the wire for none), which the
    /// server sends to those who may change it. A [`Secret`](daz_core::Secret):
    /// state answers, logs and `Debug` show `<redacted>`.
    #[serde(deserialize_with = "lenient::false_or_secret")]
    pub password: Option<daz_core::Secret>,
    /// Duplicate media allowed.
    pub allow_dupes: bool,
    /// Tor users banned.
    pub torbanned: bool,
    /// Anonymous users blocked.
    pub block_anonymous_users: bool,
    /// Control characters allowed in chat.
    pub allow_ascii_control: bool,
    /// Most items a user may queue (0: no limit).
    #[serde(deserialize_with = "lenient::number")]
    pub playlist_max_per_user: f64,
    /// Seconds a new account waits before chatting (may arrive as a string).
    #[serde(deserialize_with = "lenient::number")]
    pub new_user_chat_delay: f64,
    /// Seconds a new account waits before posting links (may arrive as a
    /// string).
    #[serde(deserialize_with = "lenient::number")]
    pub new_user_chat_link_delay: f64,
    /// Most seconds of media a user may queue (0: no limit).
    #[serde(deserialize_with = "lenient::number")]
    pub playlist_max_duration_per_user: f64,
}

/// `channelCSSJS`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChannelCssJs {
    /// The CSS.
    #[serde(deserialize_with = "lenient::string")]
    pub css: String,
    /// Its hash.
    #[serde(deserialize_with = "lenient::string")]
    pub css_hash: String,
    /// The JS.
    #[serde(deserialize_with = "lenient::string")]
    pub js: String,
    /// Its hash.
    #[serde(deserialize_with = "lenient::string")]
    pub js_hash: String,
}

/// An emote (`emoteList`, `updateEmote`, `renameEmote`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Emote {
    /// The text that shows it.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Its image URL (HTML-escaped).
    #[serde(deserialize_with = "lenient::string")]
    pub image: String,
    /// The regex source matching it.
    #[serde(deserialize_with = "lenient::string")]
    pub source: String,
    /// The old name (`renameEmote`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
}

/// One channel rank row (`channelRanks`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ChannelRank {
    /// The user.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Their channel rank.
    pub rank: Rank,
    /// The channel.
    #[serde(deserialize_with = "lenient::string")]
    pub channel: String,
}
