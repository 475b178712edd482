//! Chat events (protocol reference §5.3).

use daz_core::chat::decode_html;
use serde::{Deserialize, Serialize};

use super::lenient;

/// The `meta` of a chat line or PM.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ChatMeta {
    /// The moderator flair (the sender's rank).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modflair: Option<Box<serde_json::Value>>,
    /// A CSS class: `greentext`, `action`, `spoiler`, `shout`, `drink`,
    /// `server-whisper`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_class: Option<String>,
    /// From `/me`.
    pub action: bool,
    /// The class applies to the name and time too.
    pub add_class_to_name_and_timestamp: bool,
    /// The name is shown even after a line by the same user.
    pub force_show_name: bool,
    /// A site admin's flair (from `/a`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superadminflair: Option<Box<serde_json::Value>>,
    /// Only the sender and moderators saw it (a shadow-muted sender).
    pub shadow: bool,
}

/// Whether `name` is one of the server's pseudo-users (`[server]`,
/// `[voteskip]`), whose text is sent raw, not as HTML.
fn is_pseudo_user(name: &str) -> bool {
    name.starts_with('[') && name.ends_with(']')
}

/// The typed text of a line: decoded from HTML, except for pseudo-users.
pub(crate) fn text_of(username: &str, html: &str) -> String {
    if is_pseudo_user(username) {
        html.to_owned()
    } else {
        decode_html(html)
    }
}

/// `chatMsg`: a chat line. `msg` is CyTube's HTML; `text` is what the user
/// typed, decoded from it ([`decode_html`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct ChatMsg {
    /// Who said it (`[server]` and `[voteskip]` are the server).
    #[serde(deserialize_with = "lenient::string")]
    pub username: String,
    /// The HTML as sent.
    #[serde(deserialize_with = "lenient::string")]
    pub msg: String,
    /// The flags.
    pub meta: ChatMeta,
    /// When, in epoch milliseconds (server clock).
    #[serde(deserialize_with = "lenient::millis")]
    pub time: i64,
    /// The decoded text (filled when decoded; not on the wire).
    #[serde(skip)]
    pub text: String,
}

/// `pm`: a private message, to the bot or echoed from it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Pm {
    /// The sender.
    #[serde(deserialize_with = "lenient::string")]
    pub username: String,
    /// The HTML as sent.
    #[serde(deserialize_with = "lenient::string")]
    pub msg: String,
    /// The flags.
    pub meta: ChatMeta,
    /// When, in epoch milliseconds.
    #[serde(deserialize_with = "lenient::millis")]
    pub time: i64,
    /// The recipient's canonical name.
    #[serde(deserialize_with = "lenient::string")]
    pub to: String,
    /// The decoded text (not on the wire).
    #[serde(skip)]
    pub text: String,
}

/// `clearchat`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
#[non_exhaustive]
pub struct ClearChat {
    /// Who cleared it.
    #[serde(deserialize_with = "lenient::string")]
    pub cleared_by: String,
}

/// `noflood`: the server refused a chat action.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct NoFlood {
    /// What was refused (`chat`, `/rank`).
    #[serde(deserialize_with = "lenient::string")]
    pub action: String,
    /// Why.
    #[serde(deserialize_with = "lenient::string")]
    pub msg: String,
}

/// `spamFiltered`: a new-account restriction dropped the bot's message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SpamFiltered {
    /// `NEW_USER_CHAT` or `NEW_USER_CHAT_LINK`.
    #[serde(deserialize_with = "lenient::string")]
    pub reason: String,
}
