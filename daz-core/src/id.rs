//! [`EventId`]: unique identifiers for events and request correlation.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A 128-bit identifier, unique across processes: 64 random bits chosen once
/// per process followed by a 64-bit counter. Printed as 32 hex digits.
///
/// Used for [`Event::id`](crate::Event::id) and for correlation ids, which
/// must not collide when requests cross processes (over NATS).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId {
    // Two words rather than a `u128`, so the id is 8-aligned and events
    // carry no padding for it.
    high: u64,
    low: u64,
}

static COUNTER: AtomicU64 = AtomicU64::new(1);
static PROCESS: OnceLock<u64> = OnceLock::new();

fn process_prefix() -> u64 {
    *PROCESS.get_or_init(|| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u32(std::process::id());
        if let Ok(since) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            hasher.write_u128(since.as_nanos());
        }
        hasher.finish()
    })
}

impl EventId {
    /// A fresh identifier, never returned before by this process.
    #[must_use]
    pub fn next() -> Self {
        Self {
            high: process_prefix(),
            low: COUNTER.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// The identifier as a number.
    #[must_use]
    pub const fn as_u128(self) -> u128 {
        ((self.high as u128) << 64) | self.low as u128
    }

    /// Wraps a number received from elsewhere (a remote peer).
    #[must_use]
    #[allow(
        clippy::cast_possible_truncation,
        reason = "splitting into halves keeps every bit"
    )]
    pub const fn from_u128(id: u128) -> Self {
        Self {
            high: (id >> 64) as u64,
            low: id as u64,
        }
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}", self.high, self.low)
    }
}

impl fmt::Debug for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "EventId({self})")
    }
}

impl FromStr for EventId {
    type Err = std::num::ParseIntError;

    /// Parses the 32-hex-digit form that `Display` prints.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u128::from_str_radix(s, 16).map(Self::from_u128)
    }
}

impl Serialize for EventId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for EventId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
