//! [`Action`]: what a bot asks CyTube to do, checked before it is sent.
//!
//! Each action knows the permission it needs ([`Action::check`]): the
//! server ignores most forbidden frames silently and kicks for some
//! (`assignLeader`), so the client refuses them with a typed error first.
//! Moderation goes through chat commands (`/kick`, `/ban`, `/mute`), the
//! way the server honours it.

mod permission;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

pub use permission::{DEFAULT_PERMISSIONS, Standing};

use crate::codec::event_frame;
use crate::error::{Error, Result};
use crate::event::Position;
use daz_core::chat::Rank;

/// Where `queue` puts an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum QueuePosition {
    /// After the current item (needs `playlistnext`).
    Next,
    /// At the end.
    #[default]
    End,
}

/// Something the bot can do in a channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Say `msg` in the room (plain text: the server escapes it).
    Chat {
        /// The text.
        msg: String,
    },
    /// Tell `to` privately.
    Pm {
        /// The recipient (matched case-insensitively by the server).
        to: String,
        /// The text.
        msg: String,
    },
    /// Add media: `id` is the provider's id (`dQw4w9WgXcQ` for `yt`), not
    /// a URL, except for `fi`, `cm` and `hl`, which take the URL.
    Queue {
        /// The provider id.
        id: String,
        /// The provider type (`yt`, `vi`, `sc`, `fi`…).
        #[serde(rename = "type")]
        kind: String,
        /// Where.
        #[serde(default)]
        pos: QueuePosition,
        /// Removed after playing.
        #[serde(default)]
        temp: bool,
    },
    /// Remove a playlist item.
    Delete {
        /// Its uid.
        uid: u64,
    },
    /// Move a playlist item.
    MoveMedia {
        /// Its uid.
        from: u64,
        /// Where to.
        after: Position,
    },
    /// Play an item now.
    JumpTo {
        /// Its uid.
        uid: u64,
    },
    /// Skip to the next item.
    PlayNext,
    /// Vote to skip the current item.
    Voteskip,
    /// Make `name` the leader (`""` for none). The name must match exactly.
    AssignLeader {
        /// The user.
        name: String,
    },
    /// Toggle the bot's AFK flag (the `/afk` command).
    ToggleAfk,
    /// Open a poll (closing any open one).
    NewPoll {
        /// The question.
        title: String,
        /// The options (1 to 50).
        options: Vec<String>,
        /// Hide the counts until it closes.
        #[serde(default)]
        hidden: bool,
        /// Close it after this many seconds (1 to 86400).
        #[serde(default)]
        timeout: Option<u32>,
        /// Keep votes of users who leave.
        #[serde(default)]
        retain_votes: bool,
    },
    /// Vote in the open poll.
    Vote {
        /// The option's index.
        option: u32,
    },
    /// Close the open poll.
    ClosePoll,
    /// Kick a user (`/kick`).
    Kick {
        /// The user.
        name: String,
        /// Why (may be empty).
        #[serde(default)]
        reason: String,
    },
    /// Ban a user by name (`/ban`).
    Ban {
        /// The user.
        name: String,
        /// Why (may be empty).
        #[serde(default)]
        reason: String,
    },
    /// Ban a user's name and IP (`/ipban`).
    IpBan {
        /// The user.
        name: String,
        /// Why (may be empty).
        #[serde(default)]
        reason: String,
    },
    /// Mute a user (`/mute`).
    Mute {
        /// The user.
        name: String,
    },
    /// Shadow-mute a user (`/smute`).
    ShadowMute {
        /// The user.
        name: String,
    },
    /// Lift a mute or shadow mute (`/unmute`).
    Unmute {
        /// The user.
        name: String,
    },
}

/// `text` as a line to say, never a CyTube chat command: the server runs
/// a line starting with `/` (`/kick`, `/ban`, `/clear`…) with the bot's
/// rank, so such a line gets a zero-width space in front (white space and
/// control characters before the `/`, which the server would turn into
/// spaces, are dropped). Every chat line and PM frame passes here, after
/// splitting, so no module can be made to moderate by what it repeats;
/// moderation goes through the typed actions.
///
/// ```
/// use daz_cytube::action::said_as_written;
///
/// assert_eq!(said_as_written("/kick bob"), "\u{200B}/kick bob");
/// assert_eq!(said_as_written(" \u{1}/ban bob"), "\u{200B}/ban bob");
/// assert_eq!(said_as_written("hi /kick bob"), "hi /kick bob");
/// ```
#[must_use]
pub fn said_as_written(text: &str) -> std::borrow::Cow<'_, str> {
    let start = text.trim_start_matches(|c: char| c.is_whitespace() || c.is_control());
    if start.starts_with('/') {
        std::borrow::Cow::Owned(format!("{GUARD}{start}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// What [`said_as_written`] puts before a line that would be a command.
pub const GUARD: char = '\u{200B}';

/// Live media types: `queue` of these needs `playlistaddlive`.
const LIVE_TYPES: [&str; 5] = ["li", "tw", "rt", "cu", "hl"];

fn valid_name(name: &str) -> bool {
    (1..=20).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Action {
    /// The action's name, as in `cytube.send.<name>`.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Chat { .. } => "chat",
            Self::Pm { .. } => "pm",
            Self::Queue { .. } => "queue",
            Self::Delete { .. } => "delete",
            Self::MoveMedia { .. } => "move_media",
            Self::JumpTo { .. } => "jump_to",
            Self::PlayNext => "play_next",
            Self::Voteskip => "voteskip",
            Self::AssignLeader { .. } => "assign_leader",
            Self::ToggleAfk => "toggle_afk",
            Self::NewPoll { .. } => "new_poll",
            Self::Vote { .. } => "vote",
            Self::ClosePoll => "close_poll",
            Self::Kick { .. } => "kick",
            Self::Ban { .. } => "ban",
            Self::IpBan { .. } => "ip_ban",
            Self::Mute { .. } => "mute",
            Self::ShadowMute { .. } => "shadow_mute",
            Self::Unmute { .. } => "unmute",
        }
    }

    /// The permission nodes the action needs, all of them.
    #[must_use]
    pub fn nodes(&self) -> Vec<&'static str> {
        match self {
            Self::Chat { .. } | Self::ToggleAfk => vec!["chat"],
            Self::Pm { .. } => Vec::new(),
            Self::Queue {
                kind, pos, temp, ..
            } => {
                let mut nodes = vec!["playlistadd"];
                if *pos == QueuePosition::Next {
                    nodes.push("playlistnext");
                }
                if !temp {
                    nodes.push("addnontemp");
                }
                match kind.as_str() {
                    "yp" => nodes.push("playlistaddlist"),
                    "cu" => nodes.extend(["playlistaddlive", "playlistaddcustom"]),
                    "fi" | "cm" => nodes.push("playlistaddrawfile"),
                    k if LIVE_TYPES.contains(&k) => nodes.push("playlistaddlive"),
                    _ => {}
                }
                nodes
            }
            Self::Delete { .. } => vec!["playlistdelete"],
            Self::MoveMedia { .. } => vec!["playlistmove"],
            Self::JumpTo { .. } | Self::PlayNext => vec!["playlistjump"],
            Self::Voteskip => vec!["voteskip"],
            Self::AssignLeader { .. } => vec!["leaderctl"],
            Self::NewPoll { .. } | Self::ClosePoll => vec!["pollctl"],
            Self::Vote { .. } => vec!["pollvote"],
            Self::Kick { .. } => vec!["kick"],
            Self::Ban { .. } | Self::IpBan { .. } => vec!["ban"],
            Self::Mute { .. } | Self::ShadowMute { .. } | Self::Unmute { .. } => vec!["mute"],
        }
    }

    /// Checks the action against the bot's standing, so a frame the server
    /// would ignore (or kick for) is never sent.
    ///
    /// # Errors
    ///
    /// [`Error::NotPermitted`] naming the node and the rank it needs;
    /// [`Error::NotPermitted`] too when the bot is not logged in, or
    /// voteskip is off in the channel.
    ///
    /// ```
    /// use daz_core::chat::Rank;
    /// use daz_cytube::action::{Action, Standing};
    ///
    /// let guest = Standing::new(Rank::GUEST);
    /// assert!(Action::Chat { msg: "hi".into() }.check(&guest).is_ok());
    /// let err = Action::Delete { uid: 3 }.check(&guest).unwrap_err();
    /// assert!(err.to_string().contains("playlistdelete"));
    /// ```
    pub fn check(&self, standing: &Standing) -> Result<()> {
        let refuse = |reason: String| Error::NotPermitted {
            action: self.name(),
            reason,
        };
        if !standing.rank.at_least(Rank::GUEST) {
            return Err(refuse("the bot is not logged in".to_owned()));
        }
        if *self == Self::Voteskip && !standing.voteskip_allowed {
            return Err(refuse("voteskip is turned off in this channel".to_owned()));
        }
        for node in self.nodes() {
            if !standing.allows(node) {
                let effective = standing.effective_node(node);
                let needed = standing.node(&effective);
                return Err(refuse(format!(
                    "permission {effective:?} needs rank {needed} ({}); the bot has {}",
                    needed.name(),
                    standing.rank
                )));
            }
        }
        Ok(())
    }

    /// Checks the action's own values (what the server would drop or
    /// refuse whatever the rank).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAction`] saying what is wrong.
    pub fn validate(&self) -> Result<()> {
        let bad = |reason: &str| {
            Err(Error::InvalidAction {
                action: self.name(),
                reason: reason.to_owned(),
            })
        };
        match self {
            Self::Chat { msg } | Self::Pm { msg, .. } if msg.trim().is_empty() => {
                bad("the message is empty; the server drops blank lines")
            }
            Self::Pm { to, .. } if !valid_name(to) => bad("the recipient is not a valid user name"),
            Self::Queue { id, kind, .. } if id.is_empty() || kind.is_empty() => {
                bad("a queued item needs an id and a type")
            }
            Self::NewPoll {
                title,
                options,
                timeout,
                ..
            } => {
                if title.chars().count() > 255 {
                    return bad("a poll title has at most 255 characters");
                }
                if options.is_empty() || options.len() > 50 {
                    return bad("a poll has 1 to 50 options");
                }
                if options
                    .iter()
                    .any(|o| o.is_empty() || o.chars().count() > 255)
                {
                    return bad("each poll option has 1 to 255 characters");
                }
                if timeout.is_some_and(|t| !(1..=86_400).contains(&t)) {
                    return bad("a poll timeout is 1 to 86400 seconds");
                }
                Ok(())
            }
            Self::Kick { name, .. }
            | Self::Ban { name, .. }
            | Self::IpBan { name, .. }
            | Self::Mute { name }
            | Self::ShadowMute { name }
            | Self::Unmute { name }
                if !valid_name(name) =>
            {
                bad("not a valid user name")
            }
            Self::AssignLeader { name } if !name.is_empty() && !valid_name(name) => {
                bad("not a valid user name (use \"\" to remove the leader)")
            }
            _ => Ok(()),
        }
    }

    /// The `42[...]` frame that does it.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidAction`] from [`validate`](Self::validate).
    ///
    /// ```
    /// use daz_cytube::action::Action;
    ///
    /// assert_eq!(Action::Chat { msg: "hi".into() }.frame()?, r#"42["chatMsg",{"msg":"hi"}]"#);
    /// assert_eq!(
    ///     Action::Kick { name: "troll".into(), reason: "spam".into() }.frame()?,
    ///     r#"42["chatMsg",{"msg":"/kick troll spam"}]"#,
    /// );
    /// # Ok::<(), daz_cytube::Error>(())
    /// ```
    pub fn frame(&self) -> Result<String> {
        self.validate()?;
        let command = |text: String| event_frame("chatMsg", Some(&json!({ "msg": text })));
        let with_reason = |verb: &str, name: &str, reason: &str| {
            command(format!("/{verb} {name} {reason}").trim_end().to_owned())
        };
        match self {
            Self::Chat { msg } => {
                event_frame("chatMsg", Some(&json!({ "msg": said_as_written(msg) })))
            }
            Self::Pm { to, msg } => event_frame(
                "pm",
                Some(&json!({ "to": to, "msg": said_as_written(msg) })),
            ),
            Self::Queue {
                id,
                kind,
                pos,
                temp,
            } => event_frame(
                "queue",
                Some(&json!({ "id": id, "type": kind, "pos": pos, "temp": temp })),
            ),
            Self::Delete { uid } => event_frame("delete", Some(uid)),
            Self::MoveMedia { from, after } => {
                event_frame("moveMedia", Some(&json!({ "from": from, "after": after })))
            }
            Self::JumpTo { uid } => event_frame("jumpTo", Some(uid)),
            Self::PlayNext => event_frame::<Value>("playNext", None),
            Self::Voteskip => event_frame::<Value>("voteskip", None),
            Self::AssignLeader { name } => {
                event_frame("assignLeader", Some(&json!({ "name": name })))
            }
            Self::ToggleAfk => command("/afk".to_owned()),
            Self::NewPoll {
                title,
                options,
                hidden,
                timeout,
                retain_votes,
            } => {
                let mut poll = json!({ "title": title, "opts": options, "obscured": hidden });
                if let (Some(t), Some(map)) = (timeout, poll.as_object_mut()) {
                    map.insert("timeout".to_owned(), json!(t));
                }
                if let (true, Some(map)) = (retain_votes, poll.as_object_mut()) {
                    map.insert("retainVotes".to_owned(), json!(true));
                }
                event_frame("newPoll", Some(&poll))
            }
            Self::Vote { option } => event_frame("vote", Some(&json!({ "option": option }))),
            Self::ClosePoll => event_frame::<Value>("closePoll", None),
            Self::Kick { name, reason } => with_reason("kick", name, reason),
            Self::Ban { name, reason } => with_reason("ban", name, reason),
            Self::IpBan { name, reason } => with_reason("ipban", name, reason),
            Self::Mute { name } => command(format!("/mute {name}")),
            Self::ShadowMute { name } => command(format!("/smute {name}")),
            Self::Unmute { name } => command(format!("/unmute {name}")),
        }
    }

    /// Whether the action is a chat line (counts against the flood limit).
    #[must_use]
    pub fn is_chat(&self) -> bool {
        !matches!(
            self,
            Self::Queue { .. }
                | Self::Delete { .. }
                | Self::MoveMedia { .. }
                | Self::JumpTo { .. }
                | Self::PlayNext
                | Self::Voteskip
                | Self::AssignLeader { .. }
                | Self::NewPoll { .. }
                | Self::Vote { .. }
                | Self::ClosePoll
        )
    }
}

#[cfg(test)]
mod tests;
