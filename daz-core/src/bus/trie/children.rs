//! The literal children of a trie node: a short list scanned in order
//! while there are few (the usual case: `cytube`, `command`), a hash map
//! past that.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Children kept in a list up to this many; a hash map beyond.
const FEW: usize = 8;

pub(super) enum Children<N> {
    Few(Vec<(Box<str>, N)>),
    Many(HashMap<Box<str>, N, BuildHasherDefault<SegmentHasher>>),
}

impl<N> Default for Children<N> {
    fn default() -> Self {
        Self::Few(Vec::new())
    }
}

impl<N: Default> Children<N> {
    pub(super) fn get(&self, key: &str) -> Option<&N> {
        match self {
            Self::Few(list) => list.iter().find(|(k, _)| &**k == key).map(|(_, n)| n),
            Self::Many(map) => map.get(key),
        }
    }

    pub(super) fn get_mut(&mut self, key: &str) -> Option<&mut N> {
        match self {
            Self::Few(list) => list.iter_mut().find(|(k, _)| &**k == key).map(|(_, n)| n),
            Self::Many(map) => map.get_mut(key),
        }
    }

    pub(super) fn get_or_default(&mut self, key: &str) -> &mut N {
        if let Self::Few(list) = self
            && list.len() >= FEW
            && !list.iter().any(|(k, _)| &**k == key)
        {
            *self = Self::Many(std::mem::take(list).into_iter().collect());
        }
        match self {
            Self::Few(list) => {
                let at = match list.iter().position(|(k, _)| &**k == key) {
                    Some(at) => at,
                    None => {
                        list.push((key.into(), N::default()));
                        list.len() - 1
                    }
                };
                &mut list[at].1
            }
            Self::Many(map) => map.entry(key.into()).or_default(),
        }
    }

    pub(super) fn remove(&mut self, key: &str) {
        match self {
            Self::Few(list) => list.retain(|(k, _)| &**k != key),
            Self::Many(map) => {
                map.remove(key);
            }
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        match self {
            Self::Few(list) => list.is_empty(),
            Self::Many(map) => map.is_empty(),
        }
    }
}

/// A multiply-rotate hasher for the short segment strings of the trie. The
/// keys are the subscribers' own pattern segments, so a published topic
/// cannot flood a table; it can only miss.
#[derive(Default)]
pub(super) struct SegmentHasher(u64);

impl Hasher for SegmentHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(word))
                .wrapping_mul(K)
                .rotate_left(26);
        }
        let tail = chunks
            .remainder()
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        self.0 = (self.0 ^ tail).wrapping_mul(K).rotate_left(26);
    }

    fn write_u8(&mut self, byte: u8) {
        self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0xf135_7aea_2e62_a9c5);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}
