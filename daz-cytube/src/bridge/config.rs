//! The `[cytube]` section: the rooms to keep and how.

use std::time::Duration;

use daz_core::Secret;
use serde::Deserialize;

use crate::discovery::valid_channel;
use crate::reconnect::ReconnectPolicy;
use crate::room::{Endpoint, RoomConfig};
use crate::session::Login;

/// The `cytube` module's settings.
///
/// ```toml
/// [cytube]
/// site = "https://cytu.be"        # default
/// connect_timeout = "30s"
///
/// [[cytube.rooms]]
/// channel = "mychannel"
/// user = "mybot"                  # no user: read-only (anonymous)
/// password_env = "CYTUBE_PASSWORD" # or password = "..."; none: a guest login
/// # channel_password = "..."      # for password-protected channels
/// # socket = "wss://host:port/socket.io/?EIO=4&transport=websocket"  # skip discovery
///
/// [cytube.reconnect]
/// initial = "1s"
/// max = "2m"
/// attempts = 10
/// cycle_cooldown = "30m"
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BridgeConfig {
    /// The CyTube site rooms are discovered on (default `https://cytu.be`).
    pub site: String,
    /// Time allowed to connect and join (default 30 s).
    #[serde(with = "daz_core::duration_serde")]
    pub connect_timeout: Duration,
    /// Reconnect settings, shared by the rooms.
    pub reconnect: ReconnectPolicy,
    /// The rooms.
    pub rooms: Vec<RoomSettings>,
}

impl Default for BridgeConfig {
    fn default() -> Self {
        Self {
            site: "https://cytu.be".to_owned(),
            connect_timeout: Duration::from_secs(30),
            reconnect: ReconnectPolicy::default(),
            rooms: Vec::new(),
        }
    }
}

/// One room.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct RoomSettings {
    /// The channel.
    pub channel: String,
    /// The bot's name (none: anonymous, read-only).
    #[serde(default)]
    pub user: Option<String>,
    /// Its password (none: a guest login).
    #[serde(default)]
    pub password: Option<Secret>,
    /// An environment variable holding the password instead.
    #[serde(default)]
    pub password_env: Option<String>,
    /// The channel's password.
    #[serde(default)]
    pub channel_password: Option<Secret>,
    /// Another site for this room.
    #[serde(default)]
    pub site: Option<String>,
    /// A WebSocket URL to use instead of discovery.
    #[serde(default)]
    pub socket: Option<String>,
}

fn valid_user(name: &str) -> bool {
    (1..=20).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl BridgeConfig {
    /// Checks the settings; the message names the room and the key.
    ///
    /// # Errors
    ///
    /// A description of the first problem.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.site.starts_with("https://") || self.site.starts_with("http://")) {
            return Err(format!(
                "site {:?}: use an http:// or https:// address",
                self.site
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for (i, room) in self.rooms.iter().enumerate() {
            let at = format!("rooms[{i}] ({:?})", room.channel);
            if !valid_channel(&room.channel) {
                return Err(format!(
                    "{at}: the channel name must be 1-30 letters, digits, '_' or '-'"
                ));
            }
            if !seen.insert(room.channel.to_lowercase()) {
                return Err(format!("{at}: the channel is listed twice"));
            }
            if let Some(user) = &room.user
                && !valid_user(user)
            {
                return Err(format!(
                    "{at}: user {user:?} is not a valid CyTube name (1-20 letters, digits, '_' or '-')"
                ));
            }
            if room.user.is_none() && (room.password.is_some() || room.password_env.is_some()) {
                return Err(format!("{at}: a password needs a user"));
            }
            if room.password.is_some() && room.password_env.is_some() {
                return Err(format!("{at}: give password or password_env, not both"));
            }
            if let Some(socket) = &room.socket
                && !(socket.starts_with("ws://") || socket.starts_with("wss://"))
            {
                return Err(format!("{at}: socket must be a ws:// or wss:// URL"));
            }
        }
        Ok(())
    }

    /// The room configurations, reading passwords from the environment.
    ///
    /// # Errors
    ///
    /// When a `password_env` variable is not set.
    pub fn rooms(&self) -> Result<Vec<RoomConfig>, String> {
        self.rooms
            .iter()
            .map(|room| {
                let password = match (&room.password, &room.password_env) {
                    (Some(pw), _) => Some(pw.clone()),
                    (None, Some(var)) => Some(Secret::new(std::env::var(var).map_err(|_| {
                        format!(
                            "room {:?}: the environment variable {var} (password_env) is not set",
                            room.channel
                        )
                    })?)),
                    (None, None) => None,
                };
                let login = match (&room.user, password) {
                    (None, _) => Login::Anonymous,
                    (Some(name), None) => Login::Guest { name: name.clone() },
                    (Some(name), Some(password)) => Login::Registered {
                        name: name.clone(),
                        password,
                    },
                };
                let mut config = RoomConfig::new(&room.channel, login);
                config.endpoint = match (&room.socket, &room.site) {
                    (Some(socket), _) => Endpoint::Socket(socket.clone()),
                    (None, Some(site)) => Endpoint::Site(site.clone()),
                    (None, None) => Endpoint::Site(self.site.clone()),
                };
                config.channel_password.clone_from(&room.channel_password);
                config.reconnect = self.reconnect.clone();
                config.connect_timeout = self.connect_timeout;
                Ok(config)
            })
            .collect()
    }
}
