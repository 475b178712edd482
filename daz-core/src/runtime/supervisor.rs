//! The supervisor: starts modules in dependency order, stops dependents of
//! a module that went down and starts them again when it is back, answers
//! control requests, and shuts everything down in reverse order.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::control::{ControlRequest, ModuleList, TaskList};
use super::graph::Graph;
use super::policy::RuntimeConfig;
use super::runner::{Command, Report};
use super::shared::Shared;
use super::store::RuntimeStore;
use crate::{Error, Event, EventBus, ModuleState, Scheduler, Subscription, TaskId};

pub(crate) struct Slot {
    pub(crate) shared: Arc<Shared>,
    pub(crate) commands: mpsc::UnboundedSender<Command>,
    pub(crate) task: Option<JoinHandle<()>>,
    /// Start was sent and no stop since (the runner is attempting, running
    /// or backing off).
    active: bool,
    /// Start was sent and the module has not reported running, stopped or
    /// degraded yet; the next module waits for it.
    starting: bool,
}

impl Slot {
    pub(crate) fn new(
        shared: Arc<Shared>,
        commands: mpsc::UnboundedSender<Command>,
        task: JoinHandle<()>,
    ) -> Self {
        Self {
            shared,
            commands,
            task: Some(task),
            active: false,
            starting: false,
        }
    }
}

/// What the bot's run ended with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Modules whose `stop` overran the shutdown deadline and were
    /// abandoned.
    pub abandoned: Vec<String>,
}

pub(crate) struct Supervisor {
    pub(crate) bus: EventBus,
    pub(crate) scheduler: Scheduler,
    pub(crate) config: RuntimeConfig,
    pub(crate) graph: Graph,
    pub(crate) slots: Vec<Slot>,
    pub(crate) reports: mpsc::UnboundedReceiver<Report>,
    pub(crate) control: Subscription,
    pub(crate) abandoned: Vec<String>,
    /// Where enabled/disabled choices are kept, if anywhere.
    pub(crate) store: Option<Arc<dyn RuntimeStore>>,
}

impl Supervisor {
    pub(crate) async fn run(mut self, stop: impl Future<Output = ()>) -> ShutdownReport {
        self.apply_saved().await;
        self.reconcile().await;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                biased;
                () = &mut stop => break,
                Some(report) = self.reports.recv() => self.on_report(report),
                Some(request) = self.control.recv() => {
                    if self.on_control(&request).await {
                        break;
                    }
                }
            }
            self.reconcile().await;
        }
        self.shutdown().await
    }

    /// Applies the enabled/disabled choices saved before a restart. An
    /// unreadable store is logged and the bot starts as configured.
    async fn apply_saved(&mut self) {
        let Some(store) = &self.store else {
            return;
        };
        let saved = match store.load_enabled().await {
            Ok(saved) => saved,
            Err(e) => {
                tracing::error!(error = %e, "cannot read which modules were disabled; starting all");
                return;
            }
        };
        for (module, enabled) in saved {
            match self.slots.iter().find(|s| *s.shared.name == *module) {
                Some(slot) => {
                    slot.shared.enabled.store(enabled, Ordering::Relaxed);
                    if !enabled {
                        tracing::info!(%module, "disabled before the restart; left stopped");
                    }
                }
                None => tracing::debug!(%module, "a saved choice for a module this bot lacks"),
            }
        }
    }

    fn on_report(&mut self, report: Report) {
        let slot = &mut self.slots[report.index];
        match report.state {
            ModuleState::Running | ModuleState::Stopped => slot.starting = false,
            ModuleState::Degraded => {
                slot.starting = false;
                slot.active = false;
            }
            _ => {}
        }
    }

    fn state(&self, i: usize) -> ModuleState {
        self.slots[i].shared.state()
    }

    fn should_run(&self, i: usize) -> bool {
        self.slots[i].shared.is_enabled()
            && self.state(i) != ModuleState::Failed
            && self.graph.requires[i]
                .iter()
                .all(|&j| self.state(j) == ModuleState::Running)
    }

    /// Stops what should not run (dependents first), then starts the next
    /// module that should, one at a time in dependency order.
    async fn reconcile(&mut self) {
        let order = self.graph.order.clone();
        for &i in order.iter().rev() {
            if self.slots[i].active && !self.should_run(i) {
                self.stop(i).await;
            }
        }
        if self.slots.iter().any(|s| s.starting) {
            return;
        }
        for &i in &order {
            let idle = matches!(
                self.state(i),
                ModuleState::Registered | ModuleState::Stopped
            );
            if !self.slots[i].active && idle && self.should_run(i) {
                self.start(i);
                return;
            }
        }
    }

    fn start(&mut self, i: usize) {
        let slot = &mut self.slots[i];
        if slot.commands.send(Command::Start).is_ok() {
            slot.active = true;
            slot.starting = true;
        }
    }

    /// Stops module `i`, waiting up to the shutdown timeout; a module that
    /// overruns is abandoned: its task aborted, its state `Failed`.
    async fn stop(&mut self, i: usize) {
        let timeout = self.config.shutdown_timeout;
        let slot = &mut self.slots[i];
        slot.active = false;
        slot.starting = false;
        let (ack, done) = oneshot::channel();
        if slot.commands.send(Command::Stop(ack)).is_err() {
            return;
        }
        if tokio::time::timeout(timeout, done).await.is_err() {
            if let Some(task) = slot.task.take() {
                task.abort();
            }
            let name = slot.shared.name.to_string();
            tracing::error!(module = %name, ?timeout, "module did not stop in time; abandoned");
            slot.shared.set_state(
                ModuleState::Failed,
                Some(format!("did not stop within {timeout:?}; abandoned")),
                &self.bus,
            );
            self.abandoned.push(name);
        }
    }

    fn list(&self) -> ModuleList {
        ModuleList {
            modules: self
                .graph
                .order
                .iter()
                .map(|&i| self.slots[i].shared.status())
                .collect(),
        }
    }

    /// Answers one control request; `true` when it asks for shutdown.
    async fn on_control(&mut self, event: &Event) -> bool {
        let request = match event.payload::<ControlRequest>() {
            Ok(request) => request.into_owned(),
            Err(e) => {
                let _ = self.bus.reply_error(event, e.to_string());
                return false;
            }
        };
        let outcome = match &request {
            ControlRequest::Tasks { module } => {
                let tasks = self.scheduler.list(module.as_deref());
                return self.answer_tasks(event, Ok(TaskList { tasks }));
            }
            ControlRequest::PauseTask { task } => {
                let found = self.scheduler.pause(*task);
                return self.answer_tasks(event, self.task_changed("pause", *task, found));
            }
            ControlRequest::ResumeTask { task } => {
                let found = self.scheduler.resume(*task);
                return self.answer_tasks(event, self.task_changed("resume", *task, found));
            }
            ControlRequest::CancelTask { task } => {
                let found = self.scheduler.cancel(*task);
                return self.answer_tasks(event, self.task_changed("cancel", *task, found));
            }
            ControlRequest::List => Ok(()),
            ControlRequest::Shutdown => {
                let _ = self.bus.reply(event, Event::new(self.list()));
                return true;
            }
            ControlRequest::Enable { module } => match self.find(module, "enable") {
                Ok(i) => self.set_enabled(i, true, "enable").await,
                Err(e) => Err(e),
            },
            ControlRequest::Disable { module } => match self.find_free(module, "disable") {
                Ok(i) => self.set_enabled(i, false, "disable").await,
                Err(e) => Err(e),
            },
            ControlRequest::Restart { module } => match self.find_free(module, "restart") {
                Ok(i) => self.restart(i, module).await,
                Err(e) => Err(e),
            },
        };
        if let Err(e) = outcome {
            let _ = self.bus.reply_error(event, e.to_string());
            return false;
        }
        self.reconcile().await;
        if event.correlation_id().is_some() {
            let _ = self.bus.reply(event, Event::new(self.list()));
        }
        false
    }

    /// Saves, then applies, that module `i` is `enabled`: nothing changes
    /// when it cannot be saved.
    async fn set_enabled(&self, i: usize, enabled: bool, action: &str) -> Result<(), Error> {
        let shared = &self.slots[i].shared;
        if let Some(store) = &self.store {
            store
                .save_enabled(&shared.name, enabled)
                .await
                .map_err(|e| {
                    let reason = format!("the choice could not be saved ({e})");
                    refused(action, &shared.name, &reason)
                })?;
        }
        shared.enabled.store(enabled, Ordering::Relaxed);
        Ok(())
    }

    /// The tasks after a pause, resume or cancel of `task`, or the refusal
    /// when there is no such task.
    fn task_changed(&self, action: &str, task: TaskId, found: bool) -> Result<TaskList, Error> {
        if found {
            Ok(TaskList {
                tasks: self.scheduler.list(None),
            })
        } else {
            Err(refused(
                action,
                &task.to_string(),
                "there is no task by that id",
            ))
        }
    }

    /// Replies to a scheduler request; never a shutdown, so `false`.
    fn answer_tasks(&self, event: &Event, outcome: Result<TaskList, Error>) -> bool {
        let _ = match outcome {
            Ok(list) => self.bus.reply(event, Event::new(list)),
            Err(e) => self.bus.reply_error(event, e.to_string()),
        };
        false
    }

    fn find(&self, module: &str, action: &str) -> Result<usize, Error> {
        self.slots
            .iter()
            .position(|s| &*s.shared.name == module)
            .ok_or_else(|| refused(action, module, "there is no module by that name"))
    }

    /// Finds `module`, refusing when a running module requires it.
    fn find_free(&self, module: &str, action: &str) -> Result<usize, Error> {
        let i = self.find(module, action)?;
        let running: Vec<&str> = self.graph.dependents[i]
            .iter()
            .filter(|&&d| self.slots[d].active)
            .map(|&d| &*self.slots[d].shared.name)
            .collect();
        if running.is_empty() {
            Ok(i)
        } else {
            let reason = format!(
                "{} requires it; {action} or disable that first",
                running.join(", ")
            );
            Err(refused(action, module, &reason))
        }
    }

    async fn restart(&mut self, i: usize, module: &str) -> Result<(), Error> {
        match self.state(i) {
            ModuleState::Failed => Err(refused(
                "restart",
                module,
                "it was abandoned when it did not stop in time",
            )),
            _ if !self.slots[i].shared.is_enabled() => {
                Err(refused("restart", module, "it is disabled; enable it"))
            }
            _ => {
                if self.slots[i].active {
                    self.stop(i).await;
                }
                if self.should_run(i) && self.state(i) != ModuleState::Failed {
                    self.start(i);
                }
                Ok(())
            }
        }
    }

    async fn shutdown(mut self) -> ShutdownReport {
        let order = self.graph.order.clone();
        for &i in order.iter().rev() {
            if self.slots[i].active {
                self.stop(i).await;
            }
        }
        for slot in &mut self.slots {
            // Closing the command channel ends an idle runner.
            let (closed, _) = mpsc::unbounded_channel();
            slot.commands = closed;
            if let Some(task) = slot.task.take() {
                let _ = task.await;
            }
        }
        ShutdownReport {
            abandoned: self.abandoned,
        }
    }
}

fn refused(action: &str, module: &str, reason: &str) -> Error {
    Error::ControlRefused {
        action: action.to_owned(),
        module: module.to_owned(),
        reason: reason.to_owned(),
    }
}
