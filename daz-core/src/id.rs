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
pub struct EventId(u128);

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
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self((u128::from(process_prefix()) << 64) | u128::from(n))
    }

    /// The identifier as a number.
    #[must_use]
    pub const fn as_u128(self) -> u128 {
        self.0
    }

    /// Wraps a number received from elsewhere (a remote peer).
    #[must_use]
    pub const fn from_u128(id: u128) -> Self {
        Self(id)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
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
        u128::from_str_radix(s, 16).map(Self)
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
