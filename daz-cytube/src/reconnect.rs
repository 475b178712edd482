//! Reconnecting: exponential backoff with jitter, N attempts per cycle then
//! a long cooldown, the reaction to each kick reason (protocol reference
//! §9.1), and a [`ReconnectStore`] so the cycle survives a restart of the
//! bot (no reconnect storm after a crash loop).

use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::Result;

/// What to do after a kick.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KickReaction {
    /// Reconnect on the normal backoff.
    Retry,
    /// Reconnect soon (the channel is reloading; log in first).
    RetrySoon,
    /// Wait a long time first, and alert the operator: a moderator's kick,
    /// or a duplicate login (two processes on one account would kick each
    /// other forever).
    WaitLong {
        /// Why, for the alert.
        why: &'static str,
    },
    /// Do not reconnect: banned, a bad channel name, a bug in the bot.
    Stop {
        /// Why, for the operator.
        why: &'static str,
    },
}

/// The reaction to a kick with `reason` (absent for a link-blacklist kick).
///
/// ```
/// use daz_cytube::reconnect::{KickReaction, react_to_kick};
///
/// assert!(matches!(react_to_kick(Some("Duplicate login")), KickReaction::WaitLong { .. }));
/// assert!(matches!(react_to_kick(Some("You're banned!")), KickReaction::Stop { .. }));
/// assert_eq!(react_to_kick(Some("Channel reloading")), KickReaction::RetrySoon);
/// ```
#[must_use]
pub fn react_to_kick(reason: Option<&str>) -> KickReaction {
    let Some(reason) = reason else {
        return KickReaction::Retry;
    };
    match reason {
        "Duplicate login" => KickReaction::WaitLong {
            why: "another session logged in with the same name (two bots on one account?)",
        },
        "You are banned from this channel." | "You're banned!" => KickReaction::Stop {
            why: "the bot is banned from the channel",
        },
        "Invalid channel name" => KickReaction::Stop {
            why: "the channel name is invalid; fix the configuration",
        },
        "This channel has banned connections from Tor." => KickReaction::Stop {
            why: "the channel bans Tor connections",
        },
        "Channel deleted" => KickReaction::Stop {
            why: "the channel was deleted",
        },
        "anonymous user" | "Channel reloading" => KickReaction::RetrySoon,
        "Channel shutting down" | "Rate limit exceeded" => KickReaction::Retry,
        "Too many connections from your IP address" => KickReaction::WaitLong {
            why: "too many connections from this IP address",
        },
        r if r.starts_with("Channel was banned")
            || r.starts_with("Channel could not be loaded: Channel is banned") =>
        {
            KickReaction::Stop {
                why: "the channel is banned",
            }
        }
        r if r.starts_with("Channel could not be loaded") => KickReaction::Retry,
        r if r.starts_with("Attempted ") => KickReaction::Stop {
            why: "the server kicked the bot for a forbidden action (a bug in a module)",
        },
        _ => KickReaction::WaitLong {
            why: "a moderator kicked the bot",
        },
    }
}

/// The backoff settings (`[cytube.reconnect]`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct ReconnectPolicy {
    /// The first delay (default 1 s).
    #[serde(with = "daz_core::duration_serde")]
    pub initial: Duration,
    /// The longest delay within a cycle (default 2 min).
    #[serde(with = "daz_core::duration_serde")]
    pub max: Duration,
    /// Attempts per cycle (default 10).
    pub attempts: u32,
    /// The pause after a cycle failed (default 30 min).
    #[serde(with = "daz_core::duration_serde")]
    pub cycle_cooldown: Duration,
    /// The wait after a moderator's kick or a duplicate login (default 10 min).
    #[serde(with = "daz_core::duration_serde")]
    pub long_wait: Duration,
    /// The wait for "reconnect soon" (default 2 s).
    #[serde(with = "daz_core::duration_serde")]
    pub soon: Duration,
    /// Up to this share of each delay is added at random (default 0.2).
    pub jitter: f64,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        Self {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(120),
            attempts: 10,
            cycle_cooldown: Duration::from_secs(30 * 60),
            long_wait: Duration::from_secs(10 * 60),
            soon: Duration::from_secs(2),
            jitter: 0.2,
        }
    }
}

/// Where a room is in its reconnect cycle; saved in a [`ReconnectStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CycleState {
    /// Failed attempts in this cycle.
    pub attempts: u32,
    /// Cycles that ran out.
    pub cycles: u32,
    /// When the next attempt is due (Unix time, milliseconds), while the
    /// room waits: a cooldown or a long wait after a kick outlives a
    /// restart of the bot.
    #[serde(default)]
    pub next_attempt_ms: Option<i64>,
}

impl CycleState {
    /// `attempts` failed in this cycle, after `cycles` cycles that ran out.
    #[must_use]
    pub fn new(attempts: u32, cycles: u32) -> Self {
        Self {
            attempts,
            cycles,
            next_attempt_ms: None,
        }
    }

    /// The state with the next attempt due at `ms` (Unix milliseconds).
    #[must_use]
    pub fn with_next_attempt(mut self, ms: Option<i64>) -> Self {
        self.next_attempt_ms = ms;
        self
    }
}

impl ReconnectPolicy {
    /// The delay before the next attempt after `state.attempts` failures,
    /// and the state after it; `jitter_unit` in 0..1 picks the jitter.
    /// After `attempts` failures the cycle ends with `cycle_cooldown`.
    #[must_use]
    pub fn next_delay(&self, state: CycleState, jitter_unit: f64) -> (Duration, CycleState) {
        if state.attempts >= self.attempts.max(1) {
            let next = CycleState::new(0, state.cycles.saturating_add(1));
            return (self.cycle_cooldown, next);
        }
        let exponent = i32::try_from(state.attempts.min(30)).unwrap_or(30);
        let base = self.initial.as_secs_f64() * 2f64.powi(exponent);
        let capped = base.min(self.max.as_secs_f64());
        let jitter = capped * self.jitter.clamp(0.0, 1.0) * jitter_unit.clamp(0.0, 1.0);
        let delay = Duration::try_from_secs_f64(capped + jitter).unwrap_or(self.max);
        let next = CycleState::new(state.attempts + 1, state.cycles);
        (delay, next)
    }

    /// The longest wait this policy ever asks for, jitter included.
    #[must_use]
    pub fn longest_wait(&self) -> Duration {
        let longest = self
            .cycle_cooldown
            .max(self.long_wait)
            .max(self.max)
            .max(self.soon);
        longest.mul_f64(1.0 + self.jitter.clamp(0.0, 1.0))
    }

    /// What is left of a wait saved before a restart, at `now_ms` (Unix
    /// milliseconds): `None` when nothing waits or it is over. A saved
    /// time beyond this policy's [`longest_wait`](Self::longest_wait) (a
    /// clock that jumped, a policy shortened since) waits that long only.
    ///
    /// ```
    /// use std::time::Duration;
    /// use daz_cytube::reconnect::{CycleState, ReconnectPolicy};
    ///
    /// let policy = ReconnectPolicy::default();
    /// let saved = CycleState::new(0, 1).with_next_attempt(Some(60_000));
    /// assert_eq!(policy.left_to_wait(&saved, 50_000), Some(Duration::from_secs(10)));
    /// assert_eq!(policy.left_to_wait(&saved, 60_000), None);
    /// ```
    #[must_use]
    pub fn left_to_wait(&self, state: &CycleState, now_ms: i64) -> Option<Duration> {
        let left = state.next_attempt_ms?.saturating_sub(now_ms);
        let left = u64::try_from(left).ok().filter(|ms| *ms > 0)?;
        Some(Duration::from_millis(left).min(self.longest_wait()))
    }
}

/// Keeps each room's reconnect cycle across restarts of the bot.
#[daz_core::async_trait]
pub trait ReconnectStore: Send + Sync + 'static {
    /// The saved state of `room`.
    ///
    /// # Errors
    ///
    /// When the store cannot be read.
    async fn load(&self, room: &str) -> Result<Option<CycleState>>;

    /// Saves the state of `room`.
    ///
    /// # Errors
    ///
    /// When the store cannot be written.
    async fn save(&self, room: &str, state: CycleState) -> Result<()>;
}

/// A [`ReconnectStore`] in memory (the default; `daz-sql` keeps one in the
/// database).
#[derive(Debug, Default)]
pub struct MemoryReconnectStore {
    rooms: Mutex<std::collections::HashMap<String, CycleState>>,
}

#[daz_core::async_trait]
impl ReconnectStore for MemoryReconnectStore {
    async fn load(&self, room: &str) -> Result<Option<CycleState>> {
        let rooms = self
            .rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(rooms.get(room).copied())
    }

    async fn save(&self, room: &str, state: CycleState) -> Result<()> {
        let mut rooms = self
            .rooms
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        rooms.insert(room.to_owned(), state);
        Ok(())
    }
}

#[cfg(test)]
mod tests;
