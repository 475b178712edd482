//! What the runtime knows about each module, shared by its runner, the
//! supervisor and status requests.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::{Event, EventBus, Health, Lifecycle, Manifest, ModuleState};

#[derive(Debug, Default)]
pub(crate) struct Counter(AtomicU64);

impl Counter {
    pub(crate) fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) events: Counter,
    pub(crate) errors: Counter,
    pub(crate) panics: Counter,
    pub(crate) failures: Counter,
    pub(crate) restarts: Counter,
    pub(crate) handler_nanos: Counter,
}

impl Counters {
    pub(crate) fn record_handled(&self, took: Duration) {
        self.events.inc();
        self.handler_nanos
            .add(u64::try_from(took.as_nanos()).unwrap_or(u64::MAX));
    }
}

struct Status {
    state: ModuleState,
    reason: Option<String>,
    health: Health,
    last_error: Option<String>,
}

pub(crate) struct Shared {
    pub(crate) name: Arc<str>,
    pub(crate) manifest: Manifest,
    /// Marked critical, or required by another module.
    pub(crate) critical: bool,
    pub(crate) counters: Counters,
    pub(crate) enabled: AtomicBool,
    /// The module's command handlers, by command name.
    pub(crate) commands: super::commands::Handlers,
    status: Mutex<Status>,
}

fn lock(m: &Mutex<Status>) -> MutexGuard<'_, Status> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(
        manifest: Manifest,
        critical: bool,
        commands: super::commands::Handlers,
    ) -> Self {
        Self {
            commands,
            name: manifest.name().into(),
            manifest,
            critical,
            counters: Counters::default(),
            enabled: AtomicBool::new(true),
            status: Mutex::new(Status {
                state: ModuleState::Registered,
                reason: None,
                health: Health::Healthy,
                last_error: None,
            }),
        }
    }

    pub(crate) fn state(&self) -> ModuleState {
        lock(&self.status).state
    }

    pub(crate) fn is_enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Records the new state and publishes it on `daz.lifecycle.<module>`.
    pub(crate) fn set_state(&self, state: ModuleState, reason: Option<String>, bus: &EventBus) {
        {
            let mut status = lock(&self.status);
            status.state = state;
            status.reason.clone_from(&reason);
        }
        let topic = Lifecycle::topic_for(&self.name);
        bus.publish(Event::builder(topic).source("daz").payload(Lifecycle {
            module: self.name.to_string(),
            state,
            reason,
        }));
    }

    pub(crate) fn set_health(&self, health: Health) {
        let mut status = lock(&self.status);
        if status.health != health {
            status.health = health;
        }
    }

    pub(crate) fn set_last_error(&self, error: String) {
        lock(&self.status).last_error = Some(error);
    }

    pub(crate) fn status(&self) -> ModuleStatus {
        let status = lock(&self.status);
        let c = &self.counters;
        ModuleStatus {
            name: self.name.to_string(),
            version: self.manifest.version().to_owned(),
            description: self.manifest.description().to_owned(),
            requires: self.manifest.requires().to_vec(),
            critical: self.critical,
            enabled: self.is_enabled(),
            state: status.state,
            reason: status.reason.clone(),
            health: status.health.clone(),
            last_error: status.last_error.clone(),
            events: c.events.get(),
            errors: c.errors.get(),
            panics: c.panics.get(),
            failures: c.failures.get(),
            restarts: c.restarts.get(),
            handler_seconds: Duration::from_nanos(c.handler_nanos.get()).as_secs_f64(),
        }
    }
}

/// A snapshot of one module, as status requests return it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ModuleStatus {
    /// The module's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its description.
    pub description: String,
    /// The modules it requires.
    pub requires: Vec<String>,
    /// Marked critical, or required by another module: while it is not
    /// running the bot is unhealthy.
    pub critical: bool,
    /// Whether it is enabled (a disabled module stays stopped).
    pub enabled: bool,
    /// Its state.
    pub state: ModuleState,
    /// Why it is in that state, for failures and restarts.
    pub reason: Option<String>,
    /// What it last reported from `health()`.
    pub health: Health,
    /// The last error a handler returned.
    pub last_error: Option<String>,
    /// Events and requests handled.
    pub events: u64,
    /// Handler errors (`Err` from `handle` or `handle_request`).
    pub errors: u64,
    /// Panics caught in its hooks.
    pub panics: u64,
    /// Failures (panics, and `Err` from `init` or `start`).
    pub failures: u64,
    /// Restarts after failures.
    pub restarts: u64,
    /// Total time spent in handlers.
    pub handler_seconds: f64,
}
