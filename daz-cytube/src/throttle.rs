//! The outbound throttle: keeps the bot's chat lines and PMs under the
//! server's flood limiter (protocol reference §7.5), so no line is dropped.
//!
//! The server allows `burst` lines in a row, then one per `1000/sustained`
//! ms, and forgets the run after `cooldown` seconds of quiet. [`Throttle`]
//! models that limiter for the bot's own lines, with a safety margin
//! (the server times arrivals, not sends), and stops sending for the time a
//! `cooldown` frame gives.

use std::time::Duration;

use daz_core::chat::Rank;
use tokio::time::Instant;

use crate::event::ChannelOpts;

/// The parameters of a flood limiter.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct FloodParams {
    /// Lines in a row.
    pub burst: u32,
    /// Then this long between lines.
    pub interval: Duration,
    /// Quiet that resets the run.
    pub cooldown: Duration,
}

impl FloodParams {
    /// The limit every user has, chat and PM alike: 20 in a row, then 10 a
    /// second, reset after 2 s.
    pub const ALWAYS: Self = Self {
        burst: 20,
        interval: Duration::from_millis(100),
        cooldown: Duration::from_secs(2),
    };

    /// The channel's `chat_antiflood` default: 4 in a row, then 1 a
    /// second, reset after 4 s.
    pub const CHANNEL_DEFAULT: Self = Self {
        burst: 4,
        interval: Duration::from_secs(1),
        cooldown: Duration::from_secs(4),
    };

    /// The limit that applies to a bot of `rank` in a channel with `opts`:
    /// the channel's antiflood settings when they are on and the bot is
    /// below moderator, else [`ALWAYS`](Self::ALWAYS). Unusable channel
    /// values (zero or negative) fall back to the channel default.
    #[must_use]
    pub fn for_channel(opts: &ChannelOpts, rank: Rank) -> Self {
        if !opts.chat_antiflood || rank.at_least(Rank::MODERATOR) {
            return Self::ALWAYS;
        }
        let p = opts.chat_antiflood_params;
        let usable =
            p.burst.is_finite() && p.burst >= 1.0 && p.sustained.is_finite() && p.sustained > 0.0;
        if !usable {
            return Self::CHANNEL_DEFAULT;
        }
        // The server caps burst at 20 and sustained at 10.
        let burst = p.burst.min(20.0).floor();
        let sustained = p.sustained.min(10.0);
        let cooldown = if p.cooldown.is_finite() && p.cooldown > 0.0 {
            p.cooldown.min(3600.0)
        } else {
            burst / sustained
        };
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "burst is a whole number from 1 to 20"
        )]
        let burst = burst as u32;
        Self {
            burst,
            interval: Duration::from_secs_f64(1.0 / sustained),
            cooldown: Duration::from_secs_f64(cooldown),
        }
    }
}

/// How much slower than the server's limit the bot sends.
pub const DEFAULT_MARGIN: Duration = Duration::from_millis(50);

/// The bot's side of the server's flood limiter, shared by chat and PMs.
///
/// ```
/// use daz_cytube::throttle::{FloodParams, Throttle};
/// use tokio::time::Instant;
///
/// let mut throttle = Throttle::new(FloodParams::ALWAYS);
/// let t0 = Instant::now();
/// for _ in 0..20 {
///     assert_eq!(throttle.ready_at(t0), t0);
///     throttle.sent(t0);
/// }
/// // The 21st line waits for the sustained rate (plus the margin).
/// assert_eq!(throttle.ready_at(t0), t0 + std::time::Duration::from_millis(150));
/// ```
#[derive(Debug, Clone)]
pub struct Throttle {
    params: FloodParams,
    margin: Duration,
    count: u32,
    last: Option<Instant>,
    blocked_until: Option<Instant>,
}

impl Throttle {
    /// A throttle for `params` with [`DEFAULT_MARGIN`].
    #[must_use]
    pub fn new(params: FloodParams) -> Self {
        Self {
            params,
            margin: DEFAULT_MARGIN,
            count: 0,
            last: None,
            blocked_until: None,
        }
    }

    /// Uses `params` from now on (after `channelOpts` or a rank change).
    pub fn set_params(&mut self, params: FloodParams) {
        self.params = params;
        self.count = self.count.min(params.burst);
    }

    /// The parameters in use.
    #[must_use]
    pub fn params(&self) -> FloodParams {
        self.params
    }

    fn quiet_enough(&self, last: Instant, now: Instant) -> bool {
        now.saturating_duration_since(last) > self.params.cooldown + self.margin
    }

    /// When the next line may be sent, at the earliest `now`.
    #[must_use]
    pub fn ready_at(&self, now: Instant) -> Instant {
        let blocked = self.blocked_until.filter(|t| *t > now).unwrap_or(now);
        let by_rate = match self.last {
            None => now,
            Some(last) if self.quiet_enough(last, now) || self.count < self.params.burst => now,
            Some(last) => (last + self.params.interval + self.margin).max(now),
        };
        blocked.max(by_rate)
    }

    /// Records a line sent at `at`.
    pub fn sent(&mut self, at: Instant) {
        self.count = match self.last {
            Some(last) if !self.quiet_enough(last, at) => {
                (self.count + 1).min(self.params.burst.max(1))
            }
            _ => 1,
        };
        self.last = Some(at);
    }

    /// The server sent `cooldown`: the last line was dropped. Sends stop
    /// for `wait` plus the margin, and the run counts as full.
    pub fn cooldown(&mut self, now: Instant, wait: Duration) {
        let until = now + wait.min(Duration::from_secs(60)) + self.margin;
        self.blocked_until = Some(self.blocked_until.map_or(until, |t| t.max(until)));
        self.count = self.params.burst;
        self.last = Some(now);
    }
}

#[cfg(test)]
mod tests;
