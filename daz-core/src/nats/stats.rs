//! What the transport counts, readable as [`NatsStats`] and exported as
//! metrics.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use metrics::{Counter, Gauge};
use serde::Serialize;

/// A snapshot of the transport's counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct NatsStats {
    /// Whether the server connection is up.
    pub connected: bool,
    /// Times the connection came back after a loss.
    pub reconnects: u64,
    /// Local events published to NATS.
    pub exported: u64,
    /// Events from NATS published on the local bus.
    pub imported: u64,
    /// Local events that matched an export pattern but were not put on
    /// NATS because the connection was down.
    pub not_forwarded: u64,
    /// Events that could not be carried: unreadable messages from NATS,
    /// or local events that could not be written (a line break in a
    /// header, a payload that is not JSON).
    pub malformed: u64,
    /// Sends to a remote inbox that the peer refused or that no peer
    /// received.
    pub undelivered: u64,
    /// Sends and requests carried to remote inboxes.
    pub forwarded: u64,
    /// Requests and sends from peers delivered to local inboxes.
    pub served: u64,
    /// The peers heard from.
    pub peers: Vec<String>,
}

/// The live counters, shared by the transport's tasks and its handle.
#[derive(Default)]
pub(crate) struct Shared {
    pub(crate) connected: AtomicBool,
    ever_connected: AtomicBool,
    pub(crate) reconnects: AtomicU64,
    pub(crate) exported: AtomicU64,
    pub(crate) imported: AtomicU64,
    pub(crate) not_forwarded: AtomicU64,
    pub(crate) malformed: AtomicU64,
    pub(crate) undelivered: AtomicU64,
    pub(crate) forwarded: AtomicU64,
    pub(crate) served: AtomicU64,
    pub(crate) peers: Mutex<Vec<String>>,
    metrics: Mutex<Option<Arc<Metrics>>>,
}

/// The `metrics` handles, made once the transport starts (so they go to
/// the recorder installed then).
pub(crate) struct Metrics {
    pub(crate) exported: Counter,
    pub(crate) imported: Counter,
    pub(crate) not_forwarded: Counter,
    pub(crate) malformed: Counter,
    pub(crate) undelivered: Counter,
    pub(crate) connected: Gauge,
    pub(crate) peers: Gauge,
}

impl Metrics {
    fn new() -> Self {
        Self {
            exported: metrics::counter!("daz_nats_events_total", "direction" => "out"),
            imported: metrics::counter!("daz_nats_events_total", "direction" => "in"),
            not_forwarded: metrics::counter!("daz_nats_not_forwarded_total"),
            malformed: metrics::counter!("daz_nats_malformed_total"),
            undelivered: metrics::counter!("daz_nats_undelivered_total"),
            connected: metrics::gauge!("daz_nats_connected"),
            peers: metrics::gauge!("daz_nats_peers"),
        }
    }
}

/// Adds one to `counter` and to its metric.
pub(crate) fn count(counter: &AtomicU64, metric: &Counter) {
    counter.fetch_add(1, Ordering::Relaxed);
    metric.increment(1);
}

impl Shared {
    pub(crate) fn metrics(&self) -> Arc<Metrics> {
        let mut slot = self.metrics.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(slot.get_or_insert_with(|| Arc::new(Metrics::new())))
    }

    pub(crate) fn set_connected(&self, up: bool) {
        let was = self.connected.swap(up, Ordering::Relaxed);
        if up && !was && self.ever_connected.swap(true, Ordering::Relaxed) {
            self.reconnects.fetch_add(1, Ordering::Relaxed);
        }
        self.metrics().connected.set(f64::from(u8::from(up)));
    }

    pub(crate) fn set_peers(&self, peers: Vec<String>) {
        #[allow(clippy::cast_precision_loss, reason = "a handful of peers")]
        self.metrics().peers.set(peers.len() as f64);
        *self.peers.lock().unwrap_or_else(PoisonError::into_inner) = peers;
    }

    pub(crate) fn snapshot(&self) -> NatsStats {
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        NatsStats {
            connected: self.connected.load(Ordering::Relaxed),
            reconnects: n(&self.reconnects),
            exported: n(&self.exported),
            imported: n(&self.imported),
            not_forwarded: n(&self.not_forwarded),
            malformed: n(&self.malformed),
            undelivered: n(&self.undelivered),
            forwarded: n(&self.forwarded),
            served: n(&self.served),
            peers: self
                .peers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }
}
