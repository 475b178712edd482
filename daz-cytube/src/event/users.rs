//! User events (protocol reference §5.2).

use daz_core::chat::Rank;
use serde::{Deserialize, Serialize};

use super::lenient;

/// A user's profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Profile {
    /// Avatar URL.
    #[serde(deserialize_with = "lenient::string")]
    pub image: String,
    /// Profile text.
    #[serde(deserialize_with = "lenient::string")]
    pub text: String,
}

/// A user's flags. Moderators see more (`smuted`, `aliases`, `ip`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserMeta {
    /// Away.
    pub afk: bool,
    /// Muted (false for shadow-muted users in the base view).
    pub muted: bool,
    /// Shadow-muted (moderator view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smuted: Option<bool>,
    /// Other names from the same IP (moderator view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// The (cloaked) IP (moderator view).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
}

/// A user in the channel (`userlist`, `addUser`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct User {
    /// The name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// The effective rank.
    pub rank: Rank,
    /// The profile.
    pub profile: Profile,
    /// The flags.
    pub meta: UserMeta,
}

/// A user, by name (`userLeave`, `removeEmote`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Named {
    /// The name.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
}

/// `setUserMeta`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct UserMetaChange {
    /// Whose.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// The new flags.
    pub meta: UserMeta,
}

/// `setAFK`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct AfkChange {
    /// Whose.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// Away or back.
    pub afk: bool,
}

/// `setUserRank`. The name is as the promoter typed it: compare
/// case-insensitively.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct RankChange {
    /// Whose.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// The new rank.
    pub rank: Rank,
}

/// `setUserProfile`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ProfileChange {
    /// Whose.
    #[serde(deserialize_with = "lenient::string")]
    pub name: String,
    /// The new profile.
    pub profile: Profile,
}
