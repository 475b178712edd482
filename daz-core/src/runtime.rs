//! The runtime: [`Bot`] runs modules as supervised tasks.

mod commands;
mod control;
mod graph;
mod metrics;
mod policy;
mod runner;
mod shared;
mod store;
mod supervisor;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, watch};

pub use control::{ControlRequest, HealthSummary, ModuleList, TaskList};
pub use policy::{RestartPolicy, RuntimeConfig};
pub use shared::ModuleStatus;
pub use store::{MemoryRuntimeStore, RuntimeStore};
pub use supervisor::ShutdownReport;

pub(crate) use graph::CONTROL_INBOX;
pub(crate) use runner::panic_message;
use runner::{Runner, Services};
use shared::Shared;
use supervisor::{Slot, Supervisor};

use crate::{
    Clock, Config, Event, EventBus, Manifest, MemoryTaskStore, Module, ModuleInfo, Result,
    Scheduler, SubscribeOptions, Subscription, TaskStore,
};

/// A bot: modules, the bus they share, and the supervisor that runs them.
///
/// ```
/// use daz_core::{Bot, Context, Module, ModuleResult};
///
/// /// Says hello when it starts.
/// #[derive(Module)]
/// #[module(name = "hello")]
/// struct Hello;
///
/// #[daz_core::async_trait]
/// impl Module for Hello {
///     async fn start(&mut self, ctx: &mut Context) -> ModuleResult {
///         tracing::info!("{} started", ctx.name());
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let bot = Bot::builder().module(Hello).build()?;
/// let handle = bot.handle();
/// let running = tokio::spawn(bot.run());
/// // ... later, or on SIGINT/SIGTERM:
/// handle.stop();
/// let report = running.await??;
/// assert!(report.abandoned.is_empty());
/// # Ok(()) }
/// ```
pub struct Bot {
    bus: EventBus,
    scheduler: Scheduler,
    /// The runtime's control inbox, opened when the bot is built so control
    /// requests wait for the supervisor instead of failing.
    control: Subscription,
    config: Arc<Config>,
    runtime: RuntimeConfig,
    modules: Vec<(Arc<Shared>, Box<dyn Module>)>,
    graph: graph::Graph,
    stop_tx: watch::Sender<bool>,
    store: Option<Arc<dyn RuntimeStore>>,
}

/// Builds a [`Bot`]; see [`Bot::builder`].
#[must_use]
#[derive(Default)]
pub struct BotBuilder {
    bus: Option<EventBus>,
    clock: Option<Clock>,
    task_store: Option<Arc<dyn TaskStore>>,
    runtime_store: Option<Arc<dyn RuntimeStore>>,
    config: Config,
    runtime: Option<RuntimeConfig>,
    modules: Vec<Box<dyn Module>>,
    router: Option<crate::command::CommandRouter>,
}

impl BotBuilder {
    /// Uses `bus` (default: a new [`EventBus`] with default settings).
    pub fn bus(mut self, bus: EventBus) -> Self {
        self.bus = Some(bus);
        self
    }

    /// Sets the scheduler's clock (default [`Clock::system`]; use
    /// [`Clock::starting_at`] under `tokio::time::pause`).
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// Keeps durable one-shots in `store` (default: a [`MemoryTaskStore`],
    /// which does not survive the process; `daz-sql` provides a database
    /// one).
    pub fn task_store(mut self, store: impl TaskStore) -> Self {
        self.task_store = Some(Arc::new(store));
        self
    }

    /// Keeps the choices operators make at run time (modules enabled or
    /// disabled) in `store`, and applies them at start (default: none
    /// kept; `daz-sql` provides a database one).
    pub fn runtime_store(mut self, store: impl RuntimeStore) -> Self {
        self.runtime_store = Some(Arc::new(store));
        self
    }

    /// Uses `config` (default: empty, every section at its defaults). The
    /// `runtime` and `bus` sections set up the bot; each module's section
    /// is checked when the bot is built.
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Sets the runtime settings, instead of the config's `[runtime]`.
    pub fn runtime(mut self, runtime: RuntimeConfig) -> Self {
        self.runtime = Some(runtime);
        self
    }

    /// Adds a module.
    pub fn module(self, module: impl Module) -> Self {
        self.boxed_module(Box::new(module))
    }

    /// Adds a boxed module.
    pub fn boxed_module(mut self, module: Box<dyn Module>) -> Self {
        self.modules.push(module);
        self
    }

    /// Uses `router` as the `commands` module, to change how refused
    /// commands are answered (default: a [`CommandRouter`](crate::command::CommandRouter)
    /// with the default replies, added when any module offers commands).
    pub fn command_router(mut self, router: crate::command::CommandRouter) -> Self {
        self.router = Some(router);
        self
    }

    /// Checks the modules and their dependencies and builds the bot.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidModuleName`](crate::Error::InvalidModuleName),
    /// [`Error::DuplicateModule`](crate::Error::DuplicateModule),
    /// [`Error::MissingDependency`](crate::Error::MissingDependency) or
    /// [`Error::DependencyCycle`](crate::Error::DependencyCycle) naming the
    /// modules; [`Error::ConfigValue`](crate::Error::ConfigValue) or
    /// [`Error::InvalidConfig`](crate::Error::InvalidConfig) for a bad
    /// setting, an unknown section, or a module section its type rejects.
    pub fn build(mut self) -> Result<Bot> {
        let runtime = match self.runtime {
            Some(runtime) => runtime,
            None => self.config.section("runtime")?,
        };
        runtime.validate()?;
        let handlers = commands::assemble(&self.config, &mut self.modules, self.router.take())?;
        let manifests: Vec<_> = self.modules.iter().map(|m| m.manifest()).collect();
        let graph = graph::resolve(&manifests)?;
        self.config
            .check_sections(manifests.iter().map(Manifest::name))?;
        for module in &self.modules {
            module.check_config(&self.config)?;
        }
        let bus = match self.bus {
            Some(bus) => bus,
            None => EventBus::builder()
                .config(self.config.section("bus")?)
                .build()?,
        };
        let modules = manifests
            .into_iter()
            .zip(self.modules)
            .zip(handlers)
            .enumerate()
            .map(|(i, ((manifest, module), handlers))| {
                let critical = manifest.is_critical() || !graph.dependents[i].is_empty();
                (Arc::new(Shared::new(manifest, critical, handlers)), module)
            })
            .collect();
        let (stop_tx, _) = watch::channel(false);
        let control = bus.inbox(CONTROL_INBOX, SubscribeOptions::new())?;
        let store = self
            .task_store
            .unwrap_or_else(|| Arc::new(MemoryTaskStore::new()));
        let clock = self.clock.unwrap_or_else(Clock::system);
        let scheduler = Scheduler::with_store(bus.clone(), clock, store);
        Ok(Bot {
            control,
            scheduler,
            bus,
            config: Arc::new(self.config),
            runtime,
            modules,
            graph,
            stop_tx,
            store: self.runtime_store,
        })
    }
}

impl Bot {
    /// A builder: add modules, then [`build`](BotBuilder::build).
    pub fn builder() -> BotBuilder {
        BotBuilder::default()
    }

    /// The bus the modules share.
    #[must_use]
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// The scheduler the modules share.
    #[must_use]
    pub fn scheduler(&self) -> &Scheduler {
        &self.scheduler
    }

    /// A handle to stop and control the bot once it runs.
    #[must_use]
    pub fn handle(&self) -> BotHandle {
        BotHandle {
            bus: self.bus.clone(),
            stop: self.stop_tx.clone(),
        }
    }

    /// Runs the bot until [`BotHandle::stop`], a
    /// [`ControlRequest::Shutdown`], SIGINT (Ctrl-C) or SIGTERM; then stops
    /// the modules in reverse dependency order.
    ///
    /// # Errors
    ///
    /// None yet; the `Result` leaves room for failures of the run itself.
    pub async fn run(self) -> Result<ShutdownReport> {
        self.run_until(os_signal()).await
    }

    /// Like [`run`](Self::run), but stops when `stop` completes instead of
    /// on signals.
    ///
    /// # Errors
    ///
    /// As [`run`](Self::run).
    pub async fn run_until(self, stop: impl Future<Output = ()>) -> Result<ShutdownReport> {
        let (report_tx, reports) = mpsc::unbounded_channel();
        let services = Services {
            bus: self.bus.clone(),
            scheduler: self.scheduler.clone(),
            config: Arc::clone(&self.config),
            policy: self.runtime.restart.clone(),
            reports: report_tx,
        };
        let mut slots = Vec::with_capacity(self.modules.len());
        for (index, (shared, module)) in self.modules.into_iter().enumerate() {
            let (runner, commands) = Runner::new(index, module, Arc::clone(&shared), &services);
            slots.push(Slot::new(shared, commands, tokio::spawn(runner.run())));
        }
        drop(services);
        let mut stop_rx = self.stop_tx.subscribe();
        let stopped = async move {
            tokio::select! {
                () = stop => {}
                _ = stop_rx.wait_for(|stop| *stop) => {}
            }
        };
        let timer = tokio::spawn(self.scheduler.clone().run());
        let supervisor = Supervisor {
            scheduler: self.scheduler.clone(),
            bus: self.bus,
            config: self.runtime,
            graph: self.graph,
            slots,
            reports,
            control: self.control,
            abandoned: Vec::new(),
            store: self.store,
        };
        let report = supervisor.run(stopped).await;
        timer.abort();
        Ok(report)
    }
}

async fn os_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; stopping on Ctrl-C only");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Stops and controls a running [`Bot`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct BotHandle {
    bus: EventBus,
    stop: watch::Sender<bool>,
}

/// How long handle requests wait for the supervisor.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(60);

impl BotHandle {
    /// Asks the bot to stop gracefully; `run` returns once it has.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// The bus of the bot.
    #[must_use]
    pub fn bus(&self) -> &EventBus {
        &self.bus
    }

    /// Sends a control request and returns the module list after it.
    ///
    /// # Errors
    ///
    /// [`Error::ControlRefused`](crate::Error::ControlRefused) (inside
    /// [`Error::RequestFailed`](crate::Error::RequestFailed)) when refused;
    /// [`Error::UnknownTarget`](crate::Error::UnknownTarget) once the bot
    /// has ended. A request made before [`Bot::run`] starts waits for it (up
    /// to a minute).
    pub async fn control(&self, request: ControlRequest) -> Result<ModuleList> {
        self.ask(request).await
    }

    /// Sends `request` to the runtime's control inbox and reads the reply
    /// as `T`.
    async fn ask<T>(&self, request: ControlRequest) -> Result<T>
    where
        T: serde::de::DeserializeOwned + Clone + Send + Sync + 'static,
    {
        let reply = self
            .bus
            .request(CONTROL_INBOX, Event::new(request), CONTROL_TIMEOUT)
            .await?;
        Ok(reply.payload::<T>()?.into_owned())
    }

    /// Every module's status, in start order.
    ///
    /// # Errors
    ///
    /// As [`control`](Self::control).
    pub async fn modules(&self) -> Result<ModuleList> {
        self.control(ControlRequest::List).await
    }

    /// Enables `module`.
    ///
    /// # Errors
    ///
    /// As [`control`](Self::control).
    pub async fn enable(&self, module: &str) -> Result<ModuleList> {
        self.control(ControlRequest::Enable {
            module: module.to_owned(),
        })
        .await
    }

    /// Disables `module`: stops it and keeps it stopped.
    ///
    /// # Errors
    ///
    /// As [`control`](Self::control); refused while a running module
    /// requires it.
    pub async fn disable(&self, module: &str) -> Result<ModuleList> {
        self.control(ControlRequest::Disable {
            module: module.to_owned(),
        })
        .await
    }

    /// Sends a scheduler request ([`ControlRequest::Tasks`],
    /// [`PauseTask`](ControlRequest::PauseTask), [`ResumeTask`](ControlRequest::ResumeTask)
    /// or [`CancelTask`](ControlRequest::CancelTask)) and returns the tasks
    /// after it.
    ///
    /// # Errors
    ///
    /// As [`control`](Self::control); refused for an unknown task.
    pub async fn tasks(&self, request: ControlRequest) -> Result<TaskList> {
        self.ask(request).await
    }

    /// Restarts `module` (also how a degraded module is retried).
    ///
    /// # Errors
    ///
    /// As [`control`](Self::control); refused while a running module
    /// requires it.
    pub async fn restart(&self, module: &str) -> Result<ModuleList> {
        self.control(ControlRequest::Restart {
            module: module.to_owned(),
        })
        .await
    }
}

impl std::fmt::Debug for Bot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.modules.iter().map(|(s, _)| &*s.name).collect();
        f.debug_struct("Bot")
            .field("modules", &names)
            .finish_non_exhaustive()
    }
}
