//! [`ChannelState`]: a mirror of a channel, kept from the event stream
//! (protocol reference §9.10): lists are replaced, never appended; names
//! compare case-insensitively.

use std::collections::BTreeMap;

use daz_core::chat::Rank;

use crate::action::Standing;
use crate::event::{
    ChannelOpts, Emote, NowPlaying, Permissions, PlaylistItem, Poll, Position, ServerEvent, User,
};

/// What the bot knows of a channel.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ChannelState {
    /// The bot's own effective rank (-1 until logged in): from `rank`
    /// events, and from the user list and rank changes naming the bot (a
    /// channel rank arrives after the login, which carries the site-wide
    /// one).
    pub rank: Rank,
    /// The name the bot is logged in as, to know itself in the user list.
    pub me: Option<String>,
    /// Users by lower-cased name.
    pub users: BTreeMap<String, User>,
    /// The leader's name, if any.
    pub leader: Option<String>,
    /// The playlist, in order.
    pub playlist: Vec<PlaylistItem>,
    /// The uid playing now.
    pub current: Option<u64>,
    /// What plays now, and where.
    pub now_playing: Option<NowPlaying>,
    /// The playlist is locked.
    pub playlist_locked: bool,
    /// The channel's options.
    pub options: ChannelOpts,
    /// The permission table.
    pub permissions: Permissions,
    /// The emotes.
    pub emotes: Vec<Emote>,
    /// The message of the day (HTML).
    pub motd: String,
    /// Sockets in the channel, anonymous ones included.
    pub usercount: u64,
    /// The open poll.
    pub poll: Option<Poll>,
    /// The channel is unregistered (its state is lost when it empties).
    pub unregistered: bool,
}

fn key(name: &str) -> String {
    name.to_lowercase()
}

impl ChannelState {
    /// An empty mirror for a bot logged in as `me` (`None`: anonymous).
    #[must_use]
    pub fn for_bot(me: Option<&str>) -> Self {
        Self {
            me: me.map(str::to_owned),
            ..Self::default()
        }
    }

    fn is_me(&self, name: &str) -> bool {
        self.me
            .as_deref()
            .is_some_and(|me| me.eq_ignore_ascii_case(name))
    }

    /// The user called `name` (any case).
    #[must_use]
    pub fn user(&self, name: &str) -> Option<&User> {
        self.users.get(&key(name))
    }

    /// The bot's standing, for checking actions.
    #[must_use]
    pub fn standing(&self) -> Standing {
        let mut standing = Standing::new(self.rank);
        standing.permissions = self.permissions.clone();
        standing.playlist_locked = self.playlist_locked;
        standing.voteskip_allowed = self.options.allow_voteskip;
        standing
    }

    fn index_of(&self, uid: u64) -> Option<usize> {
        self.playlist.iter().position(|i| i.uid == uid)
    }

    fn insert_after(&mut self, item: PlaylistItem, after: Position) {
        let at = match after {
            Position::Prepend => 0,
            Position::Append => self.playlist.len(),
            Position::After(uid) => self.index_of(uid).map_or(self.playlist.len(), |i| i + 1),
        };
        self.playlist.insert(at, item);
    }

    /// Updates the mirror from one event.
    pub fn apply(&mut self, event: &ServerEvent) {
        match event {
            ServerEvent::Rank(rank) => self.rank = *rank,
            ServerEvent::Userlist(users) => {
                self.users = users.iter().map(|u| (key(&u.name), u.clone())).collect();
                if let Some(me) = users.iter().find(|u| self.is_me(&u.name)) {
                    self.rank = me.rank;
                }
            }
            ServerEvent::AddUser(user) => {
                if self.is_me(&user.name) {
                    self.rank = user.rank;
                }
                self.users.insert(key(&user.name), user.clone());
            }
            ServerEvent::UserLeave(user) => {
                self.users.remove(&key(&user.name));
            }
            ServerEvent::Usercount(n) => {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a count"
                )]
                let count = n.0.max(0.0) as u64;
                self.usercount = count;
            }
            ServerEvent::SetUserMeta(change) => {
                if let Some(user) = self.users.get_mut(&key(&change.name)) {
                    user.meta = change.meta.clone();
                }
            }
            ServerEvent::SetAfk(change) => {
                if let Some(user) = self.users.get_mut(&key(&change.name)) {
                    user.meta.afk = change.afk;
                }
            }
            ServerEvent::SetUserRank(change) => {
                if self.is_me(&change.name) {
                    self.rank = change.rank;
                }
                if let Some(user) = self.users.get_mut(&key(&change.name)) {
                    user.rank = change.rank;
                }
            }
            ServerEvent::SetUserProfile(change) => {
                if let Some(user) = self.users.get_mut(&key(&change.name)) {
                    user.profile = change.profile.clone();
                }
            }
            ServerEvent::SetLeader(name) => {
                self.leader = (!name.is_empty()).then(|| name.clone());
            }
            ServerEvent::Playlist(items) => {
                self.playlist = items.clone();
                // `clearPlaylist` sends only `playlist []`: what played is
                // gone with the item (a new one comes with `changeMedia`).
                if self.current.is_some_and(|uid| self.index_of(uid).is_none()) {
                    self.current = None;
                    self.now_playing = None;
                }
            }
            ServerEvent::Queue(queued) => self.insert_after(queued.item.clone(), queued.after),
            ServerEvent::Delete(uid) => {
                if let Some(i) = self.index_of(uid.uid) {
                    self.playlist.remove(i);
                }
            }
            ServerEvent::MoveVideo(moved) => {
                if let Some(i) = self.index_of(moved.from) {
                    let item = self.playlist.remove(i);
                    self.insert_after(item, moved.after);
                }
            }
            ServerEvent::SetTemp(change) => {
                if let Some(i) = self.index_of(change.uid) {
                    self.playlist[i].temp = change.temp;
                }
            }
            ServerEvent::SetCurrent(uid) => {
                #[allow(
                    clippy::cast_possible_truncation,
                    clippy::cast_sign_loss,
                    reason = "a uid"
                )]
                let uid = uid.0.max(0.0) as u64;
                self.current = Some(uid);
            }
            ServerEvent::ChangeMedia(media) => self.now_playing = Some(media.clone()),
            ServerEvent::MediaUpdate(update) => {
                if let Some(now) = self.now_playing.as_mut() {
                    now.current_time = update.current_time;
                    now.paused = update.paused;
                }
            }
            ServerEvent::SetPlaylistLocked(locked) => self.playlist_locked = *locked,
            ServerEvent::ChannelOpts(opts) => self.options = (**opts).clone(),
            ServerEvent::SetPermissions(table) => self.permissions = table.clone(),
            ServerEvent::EmoteList(emotes) => self.emotes = emotes.clone(),
            ServerEvent::UpdateEmote(emote) => {
                match self.emotes.iter_mut().find(|e| e.name == emote.name) {
                    Some(slot) => *slot = emote.clone(),
                    None => self.emotes.push(emote.clone()),
                }
            }
            ServerEvent::RenameEmote(emote) => {
                let old = emote.old.clone().unwrap_or_default();
                if let Some(slot) = self.emotes.iter_mut().find(|e| e.name == old) {
                    *slot = Emote {
                        old: None,
                        ..emote.clone()
                    };
                }
            }
            ServerEvent::RemoveEmote(emote) => self.emotes.retain(|e| e.name != emote.name),
            ServerEvent::SetMotd(motd) => self.motd.clone_from(motd),
            ServerEvent::NewPoll(poll) | ServerEvent::UpdatePoll(poll) => {
                self.poll = Some(poll.clone())
            }
            ServerEvent::ClosePoll => self.poll = None,
            ServerEvent::ChannelNotRegistered => self.unregistered = true,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
