//! Which peer has which inboxes: each process announces its own on
//! `_daz.<prefix>.dir`, when they change and every `announce_every`; a
//! peer not heard from for three periods is forgotten, one that says
//! goodbye at once.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// One announcement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Announce {
    /// The announcing process.
    pub(crate) name: String,
    /// The inboxes it serves.
    #[serde(default)]
    pub(crate) inboxes: BTreeSet<String>,
    /// It has just arrived: everyone should announce.
    #[serde(default)]
    pub(crate) hello: bool,
    /// It is leaving.
    #[serde(default)]
    pub(crate) bye: bool,
}

struct Peer {
    inboxes: BTreeSet<String>,
    seen: Instant,
}

/// The peers heard from.
pub(crate) struct Directory {
    own: String,
    ttl: Duration,
    peers: BTreeMap<String, Peer>,
}

impl Directory {
    pub(crate) fn new(own: String, announce_every: Duration) -> Self {
        Self {
            own,
            ttl: announce_every.saturating_mul(3),
            peers: BTreeMap::new(),
        }
    }

    /// Takes in `a`; `true` if the set of remote inboxes changed. Names
    /// that are not module names (which could not be subjects) are
    /// ignored.
    pub(crate) fn apply(&mut self, mut a: Announce, now: Instant) -> bool {
        if a.name == self.own {
            return false;
        }
        a.inboxes
            .retain(|name| crate::module::check_name(name).is_ok());
        let before = self.inboxes();
        if a.bye {
            self.peers.remove(&a.name);
        } else {
            self.peers.insert(
                a.name,
                Peer {
                    inboxes: a.inboxes,
                    seen: now,
                },
            );
        }
        before != self.inboxes()
    }

    /// Forgets peers not heard from for three periods; `true` if the set
    /// of remote inboxes changed.
    pub(crate) fn expire(&mut self, now: Instant) -> bool {
        let before = self.inboxes();
        let ttl = self.ttl;
        self.peers
            .retain(|_, p| now.saturating_duration_since(p.seen) <= ttl);
        before != self.inboxes()
    }

    /// Every inbox some peer serves.
    pub(crate) fn inboxes(&self) -> BTreeSet<String> {
        self.peers
            .values()
            .flat_map(|p| p.inboxes.iter().cloned())
            .collect()
    }

    /// The peers' names.
    pub(crate) fn peers(&self) -> Vec<String> {
        self.peers.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announce(name: &str, inboxes: &[&str]) -> Announce {
        Announce {
            name: name.to_owned(),
            inboxes: inboxes.iter().map(|s| (*s).to_owned()).collect(),
            hello: false,
            bye: false,
        }
    }

    #[test]
    fn peers_come_change_expire_and_leave() {
        let t0 = Instant::now();
        let mut d = Directory::new("me".into(), Duration::from_secs(2));
        assert!(
            !d.apply(announce("me", &["x"]), t0),
            "own announcements are ignored"
        );
        assert!(d.apply(announce("b", &["weather", "a.b", "x y", ""]), t0));
        assert_eq!(
            d.inboxes().into_iter().collect::<Vec<_>>(),
            ["weather"],
            "bad names ignored"
        );
        assert!(!d.apply(announce("b", &["weather"]), t0), "nothing changed");
        assert!(d.apply(announce("c", &["dice"]), t0));
        assert_eq!(
            d.inboxes().into_iter().collect::<Vec<_>>(),
            ["dice", "weather"]
        );
        assert!(
            !d.expire(t0 + Duration::from_secs(6)),
            "6 s is within three periods"
        );
        assert!(
            !d.apply(announce("c", &["dice"]), t0 + Duration::from_secs(5)),
            "c is seen again"
        );
        assert!(
            d.expire(t0 + Duration::from_secs(7)),
            "b is forgotten after 6 s"
        );
        assert_eq!(d.peers(), ["c"]);
        let mut bye = announce("c", &[]);
        bye.bye = true;
        assert!(d.apply(bye, t0 + Duration::from_secs(8)));
        assert!(d.inboxes().is_empty());
    }
}
