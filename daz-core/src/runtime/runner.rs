//! One module's task: init, start, the mailbox loop, stop — with panics
//! caught and failures restarted per the [`RestartPolicy`].

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use tokio::sync::{mpsc, oneshot};
use tracing::Instrument;

use super::metrics::ModuleMetrics;
use super::policy::{Failures, RestartPolicy};
use super::shared::Shared;
use crate::module::Context;
use crate::{
    Config, Event, EventBus, Health, Module, ModuleState, Scheduler, SubscribeOptions, Subscription,
};
use crate::{EventPayload as _, Tick};

/// How often a running module is asked for its health between events.
const HEALTH_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// What the supervisor tells a runner.
#[derive(Debug)]
pub(crate) enum Command {
    /// Start (or restart after degradation).
    Start,
    /// Stop; answer on the channel once stopped.
    Stop(oneshot::Sender<()>),
}

/// A state change, for the supervisor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Report {
    pub(crate) index: usize,
    pub(crate) state: ModuleState,
}

/// What every runner of a bot shares.
pub(crate) struct Services {
    pub(crate) bus: EventBus,
    pub(crate) scheduler: Scheduler,
    pub(crate) config: Arc<Config>,
    pub(crate) policy: RestartPolicy,
    pub(crate) reports: mpsc::UnboundedSender<Report>,
}

enum Ended {
    Stopped(oneshot::Sender<()>),
    Failed(String),
    /// The supervisor is gone: stop and end the task.
    Exit,
}

pub(crate) struct Runner {
    index: usize,
    module: Box<dyn Module>,
    shared: Arc<Shared>,
    bus: EventBus,
    scheduler: Scheduler,
    config: Arc<Config>,
    commands: mpsc::UnboundedReceiver<Command>,
    reports: mpsc::UnboundedSender<Report>,
    failures: Failures,
    metrics: ModuleMetrics,
}

pub(crate) fn panic_message(panic: &(dyn Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-text panic payload".to_owned());
    format!("panicked: {text}")
}

/// Runs a hook with its panic caught.
async fn guard<F: Future>(hook: F) -> Result<F::Output, String> {
    AssertUnwindSafe(hook)
        .catch_unwind()
        .await
        .map_err(|p| panic_message(&*p))
}

impl Runner {
    pub(crate) fn new(
        index: usize,
        module: Box<dyn Module>,
        shared: Arc<Shared>,
        services: &Services,
    ) -> (Self, mpsc::UnboundedSender<Command>) {
        let (command_tx, commands) = mpsc::unbounded_channel();
        let name = Arc::clone(&shared.name);
        let runner = Self {
            index,
            module,
            shared,
            bus: services.bus.clone(),
            scheduler: services.scheduler.clone(),
            config: Arc::clone(&services.config),
            commands,
            reports: services.reports.clone(),
            failures: Failures::new(services.policy.clone()),
            metrics: ModuleMetrics::new(&name),
        };
        (runner, command_tx)
    }

    fn set(&self, state: ModuleState, reason: Option<String>) {
        self.shared.set_state(state, reason.clone(), &self.bus);
        // The supervisor only goes away when the bot ends.
        let _ = self.reports.send(Report {
            index: self.index,
            state,
        });
    }

    /// The task: idle until started, then attempts, restarts and stops
    /// until the supervisor drops its command channel.
    pub(crate) async fn run(mut self) {
        loop {
            match self.commands.recv().await {
                None => return,
                Some(Command::Stop(ack)) => {
                    let _ = ack.send(());
                    continue;
                }
                Some(Command::Start) => {}
            }
            loop {
                match self.attempt().await {
                    Ended::Exit => return,
                    Ended::Stopped(ack) => {
                        self.set(ModuleState::Stopped, None);
                        let _ = ack.send(());
                        break;
                    }
                    Ended::Failed(reason) => {
                        if !self.after_failure(reason).await {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Counts a failure and waits out the backoff. `true` to try again,
    /// `false` to go idle (degraded, or stopped meanwhile).
    async fn after_failure(&mut self, reason: String) -> bool {
        tracing::warn!(module = %self.shared.name, %reason, "module failed");
        self.shared.counters.failures.inc();
        self.metrics.failure();
        let count = self.failures.record();
        if self.failures.exhausted(count) {
            tracing::error!(module = %self.shared.name, failures = count, "module degraded");
            self.failures.reset();
            self.set(ModuleState::Degraded, Some(reason));
            return false;
        }
        let delay = self.failures.backoff(count);
        let note = format!("{reason}; restarting in {delay:?}");
        self.set(ModuleState::Stopped, Some(note));
        tokio::select! {
            () = tokio::time::sleep(delay) => {}
            command = self.commands.recv() => match command {
                None => return false,
                Some(Command::Stop(ack)) => {
                    let _ = ack.send(());
                    return false;
                }
                Some(Command::Start) => {}
            },
        }
        self.shared.counters.restarts.inc();
        self.metrics.restart();
        true
    }

    async fn attempt(&mut self) -> Ended {
        self.set(ModuleState::Initializing, None);
        let name = Arc::clone(&self.shared.name);
        let mut options = SubscribeOptions::new().owner(Arc::clone(&name));
        if let Some(rooms) = self.shared.manifest.rooms() {
            options = options.rooms(rooms.iter().map(String::as_str));
        }
        let inbox = match self.bus.inbox(&name, options) {
            Ok(inbox) => inbox,
            Err(e) => return Ended::Failed(format!("cannot open its mailbox: {e}")),
        };
        let mut ctx = Context::new(
            Arc::clone(&name),
            self.bus.clone(),
            self.scheduler.clone(),
            Arc::clone(&self.config),
            inbox.id(),
        );
        ctx.limit_to(self.shared.manifest.rooms());
        if let Err(reason) = flatten(guard(self.module.init(&mut ctx)).await) {
            cleanup(&self.bus, &name, &mut ctx, inbox).await;
            return Ended::Failed(format!("init {reason}"));
        }
        self.set(ModuleState::Ready, None);
        if let Err(reason) = flatten(guard(self.module.start(&mut ctx)).await) {
            self.stop_module(&mut ctx, inbox).await;
            return Ended::Failed(format!("start {reason}"));
        }
        if let Err(e) = self.scheduler.restore(&name).await {
            tracing::error!(module = %name, error = %e, "could not restore its durable tasks");
        }
        self.set(ModuleState::Running, None);
        self.refresh_health();
        let mut inbox = inbox;
        // Health can change without an event (a room's connection drops):
        // asked again every second as well as after each event.
        let mut health =
            tokio::time::interval_at(tokio::time::Instant::now() + HEALTH_EVERY, HEALTH_EVERY);
        health.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let ended = loop {
            tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    None => {
                        self.drain(&mut ctx, &mut inbox).await;
                        break Ended::Exit;
                    }
                    Some(Command::Stop(ack)) => {
                        self.drain(&mut ctx, &mut inbox).await;
                        break Ended::Stopped(ack);
                    }
                    Some(Command::Start) => {}
                },
                event = inbox.recv() => match event {
                    None => break Ended::Failed("its mailbox was closed".to_owned()),
                    Some(event) => {
                        if let Err(reason) = self.handle_one(&mut ctx, &inbox, event).await {
                            break Ended::Failed(reason);
                        }
                    }
                },
                _ = health.tick() => self.refresh_health(),
            }
        };
        self.stop_module(&mut ctx, inbox).await;
        ended
    }

    /// Handles one event and records it. `Err` only for a panic.
    async fn handle_one(
        &mut self,
        ctx: &mut Context,
        inbox: &Subscription,
        event: Event,
    ) -> Result<(), String> {
        let started = std::time::Instant::now();
        let tick = (event.topic() == &Tick::TOPIC)
            .then(|| event.payload::<Tick>().ok().map(|t| t.task))
            .flatten();
        let span = tracing::info_span!(
            "event",
            module = &*self.shared.name,
            topic = event.topic().as_str(),
            event_id = %event.id(),
            trace = %event.trace_id(),
            correlation = tracing::field::Empty,
        );
        if let Some(correlation) = event.correlation_id() {
            span.record("correlation", tracing::field::display(correlation));
        }
        crate::spans::made(&span, event.trace_id());
        ctx.set_trace(Some(event.trace_id()));
        let outcome = self.dispatch(ctx, event).instrument(span).await;
        ctx.set_trace(None);
        if let Some(task) = tick {
            self.scheduler.done(task);
        }
        let took = started.elapsed();
        self.shared.counters.record_handled(took);
        self.metrics.handled(took, inbox.queued(), inbox.dropped());
        outcome
    }

    /// Before stopping, handles what is already in the mailbox, so events
    /// published before a graceful stop are not lost. A panic ends the
    /// draining (the module is stopping anyway).
    async fn drain(&mut self, ctx: &mut Context, inbox: &mut Subscription) {
        // A stopping module gets no new ticks (a catch-up tick would
        // otherwise keep the drain going).
        self.scheduler.remove_owner(&self.shared.name);
        while let Some(event) = inbox.try_recv() {
            if let Err(reason) = self.handle_one(ctx, inbox, event).await {
                tracing::warn!(module = %self.shared.name, %reason, "failed while draining before stop");
                break;
            }
        }
    }

    /// Hands one event to `handle` or `handle_request`. `Err` only for a
    /// panic, which ends this attempt.
    async fn dispatch(&mut self, ctx: &mut Context, event: Event) -> Result<(), String> {
        let is_request =
            event.correlation_id().is_some() && event.target() == Some(&*self.shared.name);
        let result = if is_request {
            let outcome = guard(self.module.handle_request(ctx, event.clone())).await;
            match outcome {
                Ok(Ok(reply)) => {
                    // A task of the module's answers it (`reply_later`).
                    if reply.topic() != &crate::module::ReplyLater::TOPIC {
                        let _ = self.bus.reply(&event, reply);
                    }
                    Ok(Ok(()))
                }
                Ok(Err(e)) => {
                    let _ = self.bus.reply_error(&event, e.to_string());
                    Ok(Err(e))
                }
                Err(panic) => {
                    let _ = self
                        .bus
                        .reply_error(&event, format!("{} {panic}", self.shared.name));
                    Err(panic)
                }
            }
        } else if let Some(handler) = self.command_handler(&event) {
            let module: &mut (dyn Any + Send) = &mut *self.module;
            guard(crate::command::run_handler(handler, module, ctx, &event)).await
        } else {
            guard(self.module.handle(ctx, event)).await
        };
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                self.shared.counters.errors.inc();
                self.metrics.error();
                tracing::warn!(module = %self.shared.name, error = %e, "handler error");
                self.shared.set_last_error(e.to_string());
            }
            Err(panic) => {
                self.shared.counters.panics.inc();
                self.metrics.panic();
                return Err(format!("handler {panic}"));
            }
        }
        self.refresh_health();
        Ok(())
    }

    /// The handler for a routed command (`command.<module>.<name>` sent
    /// to this module), if `#[commands]` wrote one.
    fn command_handler(&self, event: &Event) -> Option<crate::command::CommandHandler> {
        if self.shared.commands.is_empty() || event.target() != Some(&*self.shared.name) {
            return None;
        }
        let rest = event.topic().as_str().strip_prefix("command.")?;
        let name = rest.strip_prefix(&*self.shared.name)?.strip_prefix('.')?;
        self.shared.commands.get(name).copied()
    }

    /// Asks the module for its health (also after each event).
    fn refresh_health(&self) {
        let health = std::panic::catch_unwind(AssertUnwindSafe(|| self.module.health()))
            .unwrap_or_else(|p| Health::Unhealthy(format!("health() {}", panic_message(&*p))));
        self.shared.set_health(health);
    }

    /// Calls `stop` (errors and panics logged), then removes what the
    /// module left on the bus and its tasks.
    async fn stop_module(&mut self, ctx: &mut Context, inbox: Subscription) {
        self.metrics.flush();
        self.set(ModuleState::Stopping, None);
        if let Err(reason) = flatten(guard(self.module.stop(ctx)).await) {
            tracing::warn!(module = %self.shared.name, %reason, "stop failed; stopping anyway");
        }
        cleanup(&self.bus, &self.shared.name, ctx, inbox).await;
    }
}

/// Aborts the module's tasks, cancels its scheduled tasks and removes what
/// it left on the bus.
async fn cleanup(bus: &EventBus, name: &str, ctx: &mut Context, inbox: Subscription) {
    ctx.shutdown().await;
    drop(inbox);
    bus.unsubscribe_owner(name);
}

/// Folds a hook's panic and its `Err` into one reason.
fn flatten(outcome: Result<crate::ModuleResult, String>) -> Result<(), String> {
    match outcome {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("failed: {e}")),
        Err(panic) => Err(panic),
    }
}
