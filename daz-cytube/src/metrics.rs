//! Per-room metrics through the `metrics` facade (a no-op without a
//! recorder). Every series carries the label `room`.

use std::time::Instant;

use metrics::{Counter, Gauge, Histogram, counter, gauge, histogram};

/// The series, for docs and tests.
pub const NAMES: &[&str] = &[
    "daz_cytube_connected",
    "daz_cytube_reconnects_total",
    "daz_cytube_frames_in_total",
    "daz_cytube_frames_out_total",
    "daz_cytube_throttled_total",
    "daz_cytube_cooldowns_total",
    "daz_cytube_users",
    "daz_cytube_ping_gap_seconds",
];

/// What one connection counts: frames each way, and the gap between the
/// server's pings (EIO 4: the server pings every `pingInterval`; a longer
/// gap is a slow or stalled link).
#[derive(Clone)]
pub(crate) struct LinkMetrics {
    pub(crate) frames_in: Counter,
    pub(crate) frames_out: Counter,
    ping_gap: Histogram,
    last_ping: Option<Instant>,
}

impl LinkMetrics {
    pub(crate) fn new(room: &str) -> Self {
        let room = room.to_owned();
        Self {
            frames_in: counter!(NAMES[2], "room" => room.clone()),
            frames_out: counter!(NAMES[3], "room" => room.clone()),
            ping_gap: histogram!(NAMES[7], "room" => room),
            last_ping: None,
        }
    }

    /// A ping arrived now.
    pub(crate) fn ping(&mut self) {
        let now = Instant::now();
        if let Some(last) = self.last_ping.replace(now) {
            self.ping_gap.record(now.duration_since(last).as_secs_f64());
        }
    }
}

/// What one room counts across its connections.
pub(crate) struct RoomMetrics {
    connected: Gauge,
    reconnects: Counter,
    pub(crate) throttled: Counter,
    pub(crate) cooldowns: Counter,
    users: Gauge,
}

impl RoomMetrics {
    pub(crate) fn new(room: &str) -> Self {
        let room = room.to_owned();
        Self {
            connected: gauge!(NAMES[0], "room" => room.clone()),
            reconnects: counter!(NAMES[1], "room" => room.clone()),
            throttled: counter!(NAMES[4], "room" => room.clone()),
            cooldowns: counter!(NAMES[5], "room" => room.clone()),
            users: gauge!(NAMES[6], "room" => room),
        }
    }

    /// Joined (`true`) or lost (`false`).
    pub(crate) fn connected(&self, joined: bool) {
        self.connected.set(if joined { 1.0 } else { 0.0 });
        if !joined {
            self.users.set(0.0);
        }
    }

    /// A reconnect is scheduled.
    pub(crate) fn reconnecting(&self) {
        self.reconnects.increment(1);
    }

    /// The user list now has `n` users.
    #[allow(
        clippy::cast_precision_loss,
        reason = "a user count fits an f64 exactly"
    )]
    pub(crate) fn users(&self, n: usize) {
        self.users.set(n as f64);
    }
}
