//! Who may do what: the channel's permission table, with the server's
//! defaults, and the check an action must pass before it is sent.

use daz_core::chat::Rank;

use crate::event::Permissions;

/// The server's default permission table (`src/channel/permissions.js`),
/// used for nodes the channel has not sent.
pub const DEFAULT_PERMISSIONS: [(&str, f64); 42] = [
    ("seeplaylist", -1.0),
    ("playlistadd", 1.5),
    ("playlistnext", 1.5),
    ("playlistmove", 1.5),
    ("playlistdelete", 2.0),
    ("playlistjump", 1.5),
    ("playlistaddlist", 1.5),
    ("oplaylistadd", -1.0),
    ("oplaylistnext", 1.5),
    ("oplaylistmove", 1.5),
    ("oplaylistdelete", 2.0),
    ("oplaylistjump", 1.5),
    ("oplaylistaddlist", 1.5),
    ("playlistaddcustom", 3.0),
    ("playlistaddrawfile", 2.0),
    ("playlistaddlive", 1.5),
    ("exceedmaxlength", 2.0),
    ("addnontemp", 2.0),
    ("settemp", 2.0),
    ("playlistshuffle", 2.0),
    ("playlistclear", 2.0),
    ("pollctl", 1.5),
    ("pollvote", -1.0),
    ("viewhiddenpoll", 1.5),
    ("voteskip", -1.0),
    ("viewvoteskip", 1.5),
    ("mute", 1.5),
    ("kick", 1.5),
    ("ban", 2.0),
    ("motdedit", 3.0),
    ("filteredit", 3.0),
    ("filterimport", 3.0),
    ("emoteedit", 3.0),
    ("emoteimport", 3.0),
    ("playlistlock", 2.0),
    ("leaderctl", 2.0),
    ("drink", 1.5),
    ("chat", 0.0),
    ("chatclear", 2.0),
    ("exceedmaxitems", 2.0),
    ("deletefromchannellib", 2.0),
    ("exceedmaxdurationperuser", 2.0),
];

/// What the bot knows of its standing in a channel: its rank, the
/// permission table, and the settings actions depend on.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Standing {
    /// The bot's effective rank (`rank` events); -1 until logged in.
    pub rank: Rank,
    /// The channel's permission table (`setPermissions`).
    pub permissions: Permissions,
    /// The playlist is locked (`setPlaylistLocked`).
    pub playlist_locked: bool,
    /// Voteskip is allowed (`channelOpts.allow_voteskip`).
    pub voteskip_allowed: bool,
}

impl Standing {
    /// A standing with `rank`, the default permission table, an unlocked
    /// playlist and voteskip allowed.
    #[must_use]
    pub fn new(rank: Rank) -> Self {
        Self {
            rank,
            permissions: Permissions::new(),
            playlist_locked: false,
            voteskip_allowed: true,
        }
    }

    /// The lowest rank for `node`: the table's value, else the server's
    /// default, else (an unknown node) nobody below site admin.
    #[must_use]
    pub fn node(&self, node: &str) -> Rank {
        self.permissions.get(node).copied().unwrap_or_else(|| {
            DEFAULT_PERMISSIONS
                .iter()
                .find(|(n, _)| *n == node)
                .map_or(Rank::SITE_ADMIN, |(_, r)| Rank::new(*r))
        })
    }

    /// The node that applies for `node` now: for playlist nodes, the
    /// `o`-prefixed one while the playlist is unlocked, where one exists.
    #[must_use]
    pub fn effective_node(&self, node: &'static str) -> String {
        if !self.playlist_locked && node.starts_with("playlist") {
            let open = format!("o{node}");
            let exists = self.permissions.contains_key(&open)
                || DEFAULT_PERMISSIONS.iter().any(|(n, _)| *n == open);
            if exists {
                return open;
            }
        }
        node.to_owned()
    }

    /// Whether the bot passes `node` (after the unlocked-playlist rule).
    #[must_use]
    pub fn allows(&self, node: &'static str) -> bool {
        self.rank.at_least(self.node(&self.effective_node(node)))
    }
}
