//! How the runtime restarts failing modules and how long it waits for
//! them to stop.

use std::collections::VecDeque;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::duration::duration_serde;
use crate::{Error, Result};

/// Runtime settings: the `[runtime]` section of the config file.
///
/// ```toml
/// [runtime]
/// shutdown_timeout = "30s"
///
/// [runtime.restart]
/// max_failures = 10
/// window = "10m"
/// initial_backoff = "500ms"
/// max_backoff = "1m"
/// jitter = 0.2
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RuntimeConfig {
    /// How long each module's `stop` may take on shutdown, disable or
    /// restart before it is abandoned (default 30 s).
    #[serde(with = "duration_serde")]
    pub shutdown_timeout: Duration,
    /// When failing modules are restarted.
    pub restart: RestartPolicy,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            shutdown_timeout: Duration::from_secs(30),
            restart: RestartPolicy::default(),
        }
    }
}

/// Restart with exponential backoff and jitter; give up (leave the module
/// degraded) after `max_failures` within `window`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct RestartPolicy {
    /// Failures within `window` after which the module is left degraded
    /// (default 10).
    pub max_failures: u32,
    /// The window failures are counted in (default 10 min).
    #[serde(with = "duration_serde")]
    pub window: Duration,
    /// Wait before the first restart (default 500 ms); doubled for each
    /// further failure in the window.
    #[serde(with = "duration_serde")]
    pub initial_backoff: Duration,
    /// Longest wait between restarts (default 1 min).
    #[serde(with = "duration_serde")]
    pub max_backoff: Duration,
    /// Random spread of each wait, as a fraction (default 0.2: ±20 %).
    pub jitter: f64,
}

impl Default for RestartPolicy {
    fn default() -> Self {
        Self {
            max_failures: 10,
            window: Duration::from_secs(600),
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(60),
            jitter: 0.2,
        }
    }
}

impl RuntimeConfig {
    /// Checks the values make sense.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming the key.
    pub fn validate(&self) -> Result<()> {
        let bad = |key: &str, reason: &str| {
            Err(Error::InvalidConfig {
                key: format!("runtime.{key}"),
                reason: reason.to_owned(),
            })
        };
        let r = &self.restart;
        if r.max_failures == 0 {
            return bad("restart.max_failures", "must be at least 1");
        }
        if r.window.is_zero() {
            return bad("restart.window", "must be longer than 0s");
        }
        if r.max_backoff < r.initial_backoff {
            return bad(
                "restart.max_backoff",
                "must not be shorter than restart.initial_backoff",
            );
        }
        if !(0.0..=1.0).contains(&r.jitter) {
            return bad("restart.jitter", "must be between 0.0 and 1.0");
        }
        Ok(())
    }
}

/// Failures of one module within the policy's window.
#[derive(Debug)]
pub(crate) struct Failures {
    policy: RestartPolicy,
    times: VecDeque<Instant>,
}

impl Failures {
    pub(crate) fn new(policy: RestartPolicy) -> Self {
        Self {
            policy,
            times: VecDeque::new(),
        }
    }

    /// Records a failure now; returns the failures within the window.
    pub(crate) fn record(&mut self) -> u32 {
        let now = Instant::now();
        self.times.push_back(now);
        while let Some(first) = self.times.front() {
            if now.duration_since(*first) > self.policy.window {
                self.times.pop_front();
            } else {
                break;
            }
        }
        u32::try_from(self.times.len()).unwrap_or(u32::MAX)
    }

    pub(crate) fn exhausted(&self, count: u32) -> bool {
        count >= self.policy.max_failures
    }

    pub(crate) fn reset(&mut self) {
        self.times.clear();
    }

    /// The wait before the next attempt after the `count`th failure:
    /// `initial · 2^(count-1)`, capped, spread by the jitter.
    pub(crate) fn backoff(&self, count: u32) -> Duration {
        let p = &self.policy;
        let doublings = count.saturating_sub(1).min(30);
        let base = p
            .initial_backoff
            .saturating_mul(1u32 << doublings)
            .min(p.max_backoff);
        let spread = (random_unit() * 2.0 - 1.0) * p.jitter;
        base.mul_f64((1.0 + spread).max(0.0))
    }
}

/// A number in `[0, 1)`, random enough to spread restarts apart.
fn random_unit() -> f64 {
    let bits = RandomState::new().hash_one(std::time::SystemTime::now());
    // 53 random bits make an exactly representable fraction.
    (bits >> 11) as f64 / (1u64 << 53) as f64
}
