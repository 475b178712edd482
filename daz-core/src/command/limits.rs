//! Rate limits: the per-user flood limit and the per-command cooldowns.
//! Entries that have run out are swept, so the maps stay as large as the
//! set of users recently active.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use super::rejection::CooldownScope;
use super::settings::FloodConfig;
use super::spec::Cooldowns;

/// Sweep expired entries after this many updates.
const SWEEP_EVERY: u32 = 4096;

/// The longest wait kept: any longer is as good as forever.
const LONGEST: Duration = Duration::from_secs(100 * 365 * 86_400);

/// `now + wait`, never overflowing.
pub(crate) fn later(now: Instant, wait: Duration) -> Instant {
    now.checked_add(wait.min(LONGEST)).unwrap_or(now)
}

/// `burst` commands in a row, then one per `interval` (GCRA: each user
/// has a theoretical arrival time that each command pushes forward).
#[derive(Debug)]
pub(crate) struct Flood {
    interval: Duration,
    /// How far ahead of now the arrival time may run.
    tolerance: Duration,
    users: HashMap<String, Instant>,
    updates: u32,
}

impl Flood {
    pub(crate) fn new(config: FloodConfig) -> Self {
        Self {
            interval: config.interval,
            tolerance: config
                .interval
                .checked_mul(config.burst.saturating_sub(1))
                .unwrap_or(LONGEST),
            users: HashMap::new(),
            updates: 0,
        }
    }

    /// Counts one command by `user` (lower-cased); `false` if over the
    /// limit (then it is not counted).
    pub(crate) fn allow(&mut self, user: &str, now: Instant) -> bool {
        self.sweep(now);
        let arrival = self.users.get(user).map_or(now, |t| (*t).max(now));
        if arrival.duration_since(now) > self.tolerance {
            return false;
        }
        let next = later(arrival, self.interval);
        match self.users.get_mut(user) {
            Some(slot) => *slot = next,
            None => {
                self.users.insert(user.to_owned(), next);
            }
        }
        true
    }

    fn sweep(&mut self, now: Instant) {
        self.updates += 1;
        if self.updates >= SWEEP_EVERY {
            self.updates = 0;
            self.users.retain(|_, arrival| *arrival > now);
        }
    }

    #[cfg(test)]
    pub(crate) fn tracked(&self) -> usize {
        self.users.len()
    }
}

/// When each command may run again: per user and room, per room, and
/// across rooms.
#[derive(Debug, Default)]
pub(crate) struct CooldownTable {
    users: HashMap<(usize, String, String), Instant>,
    rooms: HashMap<(usize, String), Instant>,
    global: HashMap<usize, Instant>,
    updates: u32,
}

impl CooldownTable {
    /// The longest running cooldown of `command` for `user` in `room`.
    pub(crate) fn remaining(
        &self,
        command: usize,
        cooldowns: Cooldowns,
        room: &str,
        user: &str,
        now: Instant,
    ) -> Option<(CooldownScope, Duration)> {
        let left = |until: Option<&Instant>| {
            until
                .map(|t| t.saturating_duration_since(now))
                .filter(|d| !d.is_zero())
        };
        let user_left = cooldowns
            .user
            .and_then(|_| left(self.users.get(&(command, room.to_owned(), user.to_owned()))));
        let room_left = cooldowns
            .room
            .and_then(|_| left(self.rooms.get(&(command, room.to_owned()))));
        let global_left = cooldowns
            .global
            .and_then(|_| left(self.global.get(&command)));
        [
            (CooldownScope::User, user_left),
            (CooldownScope::Room, room_left),
            (CooldownScope::Global, global_left),
        ]
        .into_iter()
        .filter_map(|(scope, left)| left.map(|d| (scope, d)))
        .max_by_key(|(_, d)| *d)
    }

    /// Starts the cooldowns of `command` after a use.
    pub(crate) fn start(
        &mut self,
        command: usize,
        cooldowns: Cooldowns,
        room: &str,
        user: &str,
        now: Instant,
    ) {
        self.sweep(now);
        if let Some(d) = cooldowns.user {
            self.users
                .insert((command, room.to_owned(), user.to_owned()), later(now, d));
        }
        if let Some(d) = cooldowns.room {
            self.rooms.insert((command, room.to_owned()), later(now, d));
        }
        if let Some(d) = cooldowns.global {
            self.global.insert(command, later(now, d));
        }
    }

    fn sweep(&mut self, now: Instant) {
        self.updates += 1;
        if self.updates >= SWEEP_EVERY {
            self.updates = 0;
            self.users.retain(|_, until| *until > now);
            self.rooms.retain(|_, until| *until > now);
            self.global.retain(|_, until| *until > now);
        }
    }

    #[cfg(test)]
    pub(crate) fn tracked(&self) -> usize {
        self.users.len() + self.rooms.len() + self.global.len()
    }
}

#[cfg(test)]
mod tests;
