//! Asking the command router which words are taken, so a module that
//! adds commands at run time (custom commands) never shadows one.

use serde::{Deserialize, Serialize};

use crate::{EventPayload, Topic};

/// Asks the command router ([`ROUTER`](super::ROUTER)) for the prefix
/// in `room` and every command word in use: a request, answered with
/// [`CommandWords`].
///
/// ```
/// # use std::time::Duration;
/// use daz_core::command::{CommandWords, CommandWordsQuery, ROUTER};
/// # async fn ask(ctx: &daz_core::Context) -> daz_core::Result<()> {
/// let reply = ctx
///     .request(ROUTER, CommandWordsQuery::new("lobby"), Duration::from_secs(1))
///     .await?;
/// let words = reply.payload::<CommandWords>()?;
/// if words.taken("help") {
///     // "!help" belongs to the router
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommandWordsQuery {
    /// The room whose prefix is wanted.
    pub room: String,
}

impl CommandWordsQuery {
    /// Asks about `room`.
    #[must_use]
    pub fn new(room: &str) -> Self {
        Self {
            room: room.to_owned(),
        }
    }
}

impl EventPayload for CommandWordsQuery {
    const TOPIC: Topic = Topic::from_static("daz.command.words");
}

/// The router's answer to [`CommandWordsQuery`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CommandWords {
    /// The command prefix in the room asked about.
    pub prefix: String,
    /// Every command name and alias, lower case, sorted, with the
    /// router's own `help` and `confirm`.
    pub words: Vec<String>,
}

impl CommandWords {
    /// Whether `word` (any case) is a command or an alias already.
    #[must_use]
    pub fn taken(&self, word: &str) -> bool {
        let word = word.to_ascii_lowercase();
        self.words.binary_search(&word).is_ok()
    }
}

impl EventPayload for CommandWords {
    const TOPIC: Topic = Topic::from_static("daz.command.words.reply");
}
