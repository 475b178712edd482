//! Session, identity and error events (protocol reference §5.1).

use serde::{Deserialize, Serialize};

use super::lenient;

/// `login`: the answer to the bot's login.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LoginReply {
    /// Whether the login succeeded.
    pub success: bool,
    /// The name logged in as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether it is a guest login.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guest: Option<bool>,
    /// Why it failed: a string, or `{}` for a server error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<serde_json::Value>,
}

impl LoginReply {
    /// The failure reason as text (`"(no reason given)"` for `{}`).
    #[must_use]
    pub fn error_text(&self) -> Option<String> {
        self.error.as_ref().map(|e| match e {
            serde_json::Value::String(text) => text.clone(),
            _ => "(no reason given)".to_owned(),
        })
    }
}

/// `announcement`: a site-wide announcement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Announcement {
    /// Its id.
    #[serde(deserialize_with = "lenient::text")]
    pub id: String,
    /// The title.
    #[serde(deserialize_with = "lenient::string")]
    pub title: String,
    /// The text (HTML).
    #[serde(deserialize_with = "lenient::string")]
    pub text: String,
    /// Who posted it.
    #[serde(deserialize_with = "lenient::string")]
    pub from: String,
}

/// `kick`: the bot was kicked (a `41` follows). `reason` is absent for a
/// link-blacklist kick and may be `""`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Kick {
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `errorMsg`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ErrorMsg {
    /// The message.
    #[serde(deserialize_with = "lenient::string")]
    pub msg: String,
    /// Whether the web client would show it as an alert.
    pub alert: bool,
    /// A code, on some errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A message with one `msg` field (`costanza`, `channelRankFail`,
/// `errMessage`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Message {
    /// The message.
    #[serde(deserialize_with = "lenient::string")]
    pub msg: String,
}

/// `warnLargeChandump`: a channel save failed on size.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct LargeChandump {
    /// The limit, in bytes.
    #[serde(deserialize_with = "lenient::number")]
    pub limit: f64,
    /// The size, in bytes.
    #[serde(deserialize_with = "lenient::number")]
    pub actual: f64,
}

/// `validationError` / `validationPassed`: answers to `setOptions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Validation {
    /// The option.
    #[serde(deserialize_with = "lenient::string")]
    pub target: String,
    /// What is wrong (for `validationError`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One server in a socketconfig (`GET /socketconfig/<channel>.json`, and
/// `partitionChange`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SocketServer {
    /// Its URL (`https://host:port`).
    #[serde(deserialize_with = "lenient::string")]
    pub url: String,
    /// Whether it is a TLS endpoint.
    pub secure: bool,
    /// An IPv6 entry.
    pub ipv6: bool,
    /// Reachable over IPv6 only.
    #[serde(rename = "ipv6Only")]
    pub ipv6_only: bool,
}

/// A socketconfig: where a channel's Socket.IO servers are.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SocketConfig {
    /// The servers, in the server's order.
    pub servers: Vec<SocketServer>,
}

/// `readChanLog`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ChanLog {
    /// Whether it could be read.
    pub success: bool,
    /// The log's tail.
    #[serde(deserialize_with = "lenient::string")]
    pub data: String,
}
