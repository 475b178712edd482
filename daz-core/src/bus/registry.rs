//! Every subscription of a bus: the pattern trie, the inbox names, and the
//! patterns each subscription holds.

use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use super::stats::SubscriberStats;
use super::subscriber::{Delivery, Subscriber, SubscriptionId};
use super::trie::Trie;
use crate::{Error, Event, Pattern, Result};

struct Entry {
    sub: Arc<Subscriber>,
    patterns: Vec<Pattern>,
}

#[derive(Default)]
pub(crate) struct Registry {
    /// Deliveries to subscriptions since removed.
    retired_deliveries: u64,
    trie: Trie<Arc<Subscriber>>,
    entries: BTreeMap<SubscriptionId, Entry>,
    inboxes: HashMap<Arc<str>, Arc<Subscriber>, BuildHasherDefault<NameHasher>>,
}

/// FNV-1a: inbox names are short and chosen by the bot's code (module
/// names), so a keyed hash's cost buys nothing on every `send`.
#[derive(Default)]
struct NameHasher(u64);

impl Hasher for NameHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for byte in bytes {
            hash = (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What one publish did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fanout {
    pub(crate) matched: u64,
    pub(crate) delivered: u64,
    pub(crate) dropped: u64,
}

impl Fanout {
    fn count(&mut self, delivery: Delivery) {
        match delivery {
            Delivery::Delivered => self.delivered += 1,
            Delivery::Dropped => self.dropped += 1,
            Delivery::Skipped => {}
        }
    }
}

/// Ids of multi-pattern subscribers already reached by one publish; inline
/// for the usual handful, spilling to the heap past that.
struct Seen {
    inline: [SubscriptionId; 8],
    len: usize,
    spill: Vec<SubscriptionId>,
}

impl Seen {
    fn new() -> Self {
        Self {
            inline: [SubscriptionId(0); 8],
            len: 0,
            spill: Vec::new(),
        }
    }

    /// `true` the first time `id` is inserted.
    fn insert(&mut self, id: SubscriptionId) -> bool {
        if self.inline[..self.len].contains(&id) || self.spill.contains(&id) {
            return false;
        }
        if self.len < self.inline.len() {
            self.inline[self.len] = id;
            self.len += 1;
        } else {
            self.spill.push(id);
        }
        true
    }
}

impl Registry {
    /// Adds a subscriber with its first pattern (none for a bare inbox).
    pub(crate) fn insert(&mut self, sub: Arc<Subscriber>, pattern: Option<Pattern>) -> Result<()> {
        if let Some(name) = &sub.inbox {
            if self.inboxes.contains_key(name) {
                return Err(Error::InboxTaken {
                    name: name.to_string(),
                });
            }
            self.inboxes.insert(Arc::clone(name), Arc::clone(&sub));
        }
        let mut patterns = Vec::new();
        if let Some(pattern) = pattern {
            self.trie.insert(&pattern, Arc::clone(&sub));
            patterns.push(pattern);
        }
        self.entries.insert(sub.id, Entry { sub, patterns });
        Ok(())
    }

    /// Adds `pattern` to a subscription; `false` if it no longer exists.
    /// Adding a pattern it already has changes nothing.
    pub(crate) fn add_pattern(&mut self, id: SubscriptionId, pattern: Pattern) -> bool {
        let Some(entry) = self.entries.get_mut(&id) else {
            return false;
        };
        if !entry.patterns.contains(&pattern) {
            self.trie.insert(&pattern, Arc::clone(&entry.sub));
            entry.patterns.push(pattern);
            entry.sub.set_multi(entry.patterns.len() > 1);
        }
        true
    }

    /// Removes `pattern` from a subscription; `true` if it had it.
    pub(crate) fn remove_pattern(&mut self, id: SubscriptionId, pattern: &Pattern) -> bool {
        let Some(entry) = self.entries.get_mut(&id) else {
            return false;
        };
        let before = entry.patterns.len();
        entry.patterns.retain(|p| p != pattern);
        if entry.patterns.len() == before {
            return false;
        }
        self.trie.remove(pattern, |s| s.id == id);
        entry.sub.set_multi(entry.patterns.len() > 1);
        true
    }

    /// Removes a subscription and closes its mailbox.
    pub(crate) fn remove(&mut self, id: SubscriptionId) -> bool {
        let Some(entry) = self.entries.remove(&id) else {
            return false;
        };
        for pattern in &entry.patterns {
            self.trie.remove(pattern, |s| s.id == id);
        }
        if let Some(name) = &entry.sub.inbox {
            self.inboxes.remove(name);
        }
        entry.sub.mailbox.close();
        self.retired_deliveries += entry.sub.delivered();
        true
    }

    /// Removes every subscription owned by `owner`; returns how many.
    pub(crate) fn remove_owner(&mut self, owner: &str) -> usize {
        let ids: Vec<SubscriptionId> = self
            .entries
            .values()
            .filter(|e| e.sub.owner.as_deref() == Some(owner))
            .map(|e| e.sub.id)
            .collect();
        ids.into_iter().filter(|id| self.remove(*id)).count()
    }

    pub(crate) fn inbox(&self, name: &str) -> Option<&Arc<Subscriber>> {
        self.inboxes.get(name)
    }

    pub(crate) fn patterns(&self, id: SubscriptionId) -> Vec<Pattern> {
        self.entries
            .get(&id)
            .map(|e| e.patterns.clone())
            .unwrap_or_default()
    }

    /// Number of pattern registrations in the trie.
    pub(crate) fn pattern_count(&self) -> usize {
        self.trie.len()
    }

    /// Delivers `event` to every matching subscriber, once each. The last
    /// one gets the caller's reference, so a publish to one subscriber
    /// costs no reference-count traffic.
    pub(crate) fn publish(&self, event: Event) -> Fanout {
        let mut out = Fanout::default();
        let mut seen = Seen::new();
        let mut previous: Option<&Arc<Subscriber>> = None;
        let room = event.room();
        self.trie.visit(event.topic(), &mut |sub| {
            if sub.is_multi() && !seen.insert(sub.id) {
                return;
            }
            out.matched += 1;
            if !sub.accepts_room(room) {
                return;
            }
            if let Some(previous) = previous.replace(sub) {
                out.count(previous.deliver(event.clone()));
            }
        });
        if let Some(last) = previous {
            out.count(last.deliver(event));
        }
        out
    }

    /// Events ever placed in a mailbox of this bus.
    pub(crate) fn delivered(&self) -> u64 {
        self.entries
            .values()
            .map(|e| e.sub.delivered())
            .sum::<u64>()
            + self.retired_deliveries
    }

    pub(crate) fn stats(&self) -> Vec<SubscriberStats> {
        self.entries.values().map(Entry::stats).collect()
    }

    pub(crate) fn subscriber_stats(&self, id: SubscriptionId) -> Option<SubscriberStats> {
        self.entries.get(&id).map(Entry::stats)
    }
}

impl Entry {
    fn stats(&self) -> SubscriberStats {
        let patterns = self
            .patterns
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect();
        SubscriberStats::of(&self.sub, patterns)
    }
}
