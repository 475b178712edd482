//! [`RouterConfig`]: the `[commands]` section of the configuration.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::chat::Rank;
use crate::duration::duration_serde;

/// The command router's settings: the `[commands]` section.
///
/// ```toml
/// [commands]
/// prefix = "!"                 # default "!"
/// ignore = ["otherbot"]        # users whose commands are ignored
///
/// [commands.rooms.movienight]
/// prefix = "$"                 # this room's prefix
///
/// [commands.flood]             # per user, across all commands
/// burst = 5                    # commands in a row (default 5)
/// interval = "3s"              # then one more per interval (default 3s)
///
/// [commands.commands.give]     # per-command overrides
/// min_rank = "moderator"       # or a number: 2
/// allow = ["ann"]              # may run it whatever their rank
/// deny = ["troll"]             # may never run it
/// user_cooldown = "1m"
/// room_cooldown = "10s"
/// global_cooldown = "5s"
/// disabled = false
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RouterConfig {
    /// The command prefix (default `!`): 1–8 characters, no whitespace.
    pub prefix: String,
    /// Per-room settings, by room name.
    pub rooms: BTreeMap<String, RoomSettings>,
    /// The per-user flood limit.
    pub flood: FloodConfig,
    /// Users whose commands are ignored (other bots; the bot itself).
    pub ignore: Vec<String>,
    /// Overrides per command, by command name.
    pub commands: BTreeMap<String, CommandOverride>,
}

impl Default for RouterConfig {
    fn default() -> Self {
        Self {
            prefix: "!".to_owned(),
            rooms: BTreeMap::new(),
            flood: FloodConfig::default(),
            ignore: Vec::new(),
            commands: BTreeMap::new(),
        }
    }
}

/// Settings for one room.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RoomSettings {
    /// The prefix in this room (default: the router's).
    pub prefix: Option<String>,
}

/// The per-user flood limit: `burst` commands in a row, then one more
/// every `interval`. Commands over the limit are refused silently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct FloodConfig {
    /// Commands in a row (default 5; at least 1).
    pub burst: u32,
    /// Time to earn one more (default `3s`; more than zero).
    #[serde(with = "duration_serde")]
    pub interval: Duration,
}

impl Default for FloodConfig {
    fn default() -> Self {
        Self {
            burst: 5,
            interval: Duration::from_secs(3),
        }
    }
}

/// An operator's changes to one command.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct CommandOverride {
    /// The lowest rank that may run it.
    pub min_rank: Option<Rank>,
    /// Users who may run it whatever their rank.
    pub allow: Vec<String>,
    /// Users who may never run it.
    pub deny: Vec<String>,
    /// Cooldown per user.
    #[serde(deserialize_with = "optional_duration")]
    pub user_cooldown: Option<Duration>,
    /// Cooldown per room.
    #[serde(deserialize_with = "optional_duration")]
    pub room_cooldown: Option<Duration>,
    /// Cooldown across rooms.
    #[serde(deserialize_with = "optional_duration")]
    pub global_cooldown: Option<Duration>,
    /// Turns the command off.
    pub disabled: bool,
}

fn optional_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    duration_serde::deserialize(d).map(Some)
}

/// Checks a prefix: 1–8 characters, no whitespace.
pub(crate) fn check_prefix(prefix: &str) -> Result<(), String> {
    let chars = prefix.chars().count();
    if chars == 0 || chars > 8 {
        return Err(format!(
            "the prefix {prefix:?} must be 1 to 8 characters long"
        ));
    }
    if prefix.chars().any(char::is_whitespace) {
        return Err(format!("the prefix {prefix:?} must not contain whitespace"));
    }
    Ok(())
}
