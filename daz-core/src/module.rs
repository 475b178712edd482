//! [`Module`]: the unit a bot is built from.

mod context;
mod manifest;
mod name;
mod state;

use async_trait::async_trait;

pub use context::Context;
pub(crate) use context::ReplyLater;
pub use manifest::{Manifest, ManifestBuilder};
pub use name::assert_module_name;
pub use name::{RESERVED_MODULE_NAMES, module_name_problem};
pub use state::{Health, Lifecycle, ModuleState};

pub(crate) use manifest::check_name;

use crate::{BoxError, Config, Event};

/// What a module hook returns: any error type converts with `?`, and a
/// string works too (`Err("no such user".into())`).
pub type ModuleResult<T = ()> = Result<T, BoxError>;

/// Says who a module is. Written by [`#[derive(Module)]`](macro@crate::Module)
/// from its attributes and doc comment, or by hand.
pub trait ModuleInfo {
    /// The module's manifest. Called once when the bot is built.
    fn manifest(&self) -> Manifest;

    /// Checks the module's section of `config` when the bot is built, so a
    /// bad value fails startup. `#[derive(Module)]` with `config = Type`
    /// reads the section as `Type`; the default refuses any section, since
    /// the module declares no configuration.
    ///
    /// # Errors
    ///
    /// [`Error::ConfigValue`](crate::Error::ConfigValue) naming the key.
    fn check_config(&self, config: &Config) -> crate::Result<()> {
        let name = self.manifest().name().to_owned();
        if config.has_section(&name) {
            return Err(crate::Error::ConfigValue {
                origin: config
                    .path()
                    .map_or_else(|| "(text)".to_owned(), |p| format!("in {}", p.display())),
                key: name,
                reason: "this module takes no configuration; remove the section, or declare \
                         its type with #[module(config = Type)]"
                    .to_owned(),
            });
        }
        Ok(())
    }

    /// The chat commands the module offers. `#[module(commands)]` returns
    /// those of its `#[commands]` block; the default offers none. Called
    /// once when the bot is built, which checks names and collisions.
    fn commands(&self) -> Vec<crate::command::CommandSpec> {
        Vec::new()
    }
}

/// A module: one task, one mailbox, its own state.
///
/// The runtime calls the hooks in order — `init`, `start`, then `handle` or
/// `handle_request` for each event in the mailbox, one at a time, then
/// `stop` — always with `&mut self`, so module state needs no locks. Every
/// hook has a default except the manifest ([`ModuleInfo`]).
///
/// **Failures.** A panic in any hook is caught: the bot never dies from a
/// module. What each `Err` and panic does is on each hook below, and
/// written out in the book's *Bus and runtime semantics* chapter. A
/// "failure" is counted towards the restart budget: after
/// `restart.max_failures` (default 10) within `restart.window` the module is
/// left [`Degraded`](ModuleState::Degraded) and the rest of the bot goes on.
///
/// ```
/// use daz_core::{Context, Event, Module, ModuleResult, Pattern};
///
/// /// Counts chat lines.
/// #[derive(Default, Module)]
/// #[module(name = "counter")]
/// struct Counter { lines: u64 }
///
/// #[daz_core::async_trait]
/// impl Module for Counter {
///     async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
///         ctx.subscribe(Pattern::new("cytube.event.chatMsg")?)?;
///         Ok(())
///     }
///
///     async fn handle(&mut self, _ctx: &mut Context, _event: Event) -> ModuleResult {
///         self.lines += 1;
///         Ok(())
///     }
/// }
/// ```
#[async_trait]
pub trait Module: ModuleInfo + std::any::Any + Send + 'static {
    /// Prepares the module: subscribe, spawn helpers, load state.
    ///
    /// `Err` or panic: a failure; the module is stopped (its subscriptions
    /// and tasks removed) and `init` is tried again after a backoff.
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        let _ = ctx;
        Ok(())
    }

    /// Called once `init` succeeded, before the first event.
    ///
    /// `Err` or panic: a failure, as for `init`.
    async fn start(&mut self, ctx: &mut Context) -> ModuleResult {
        let _ = ctx;
        Ok(())
    }

    /// Handles one event from the mailbox (subscribed events and sends).
    ///
    /// `Err`: logged and counted; the module goes on with the next event.
    /// Panic: a failure; the module is stopped, and re-initialized and
    /// started after a backoff.
    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let _ = (ctx, event);
        Ok(())
    }

    /// Answers a request addressed to this module; the returned event is
    /// the reply.
    ///
    /// `Err`: the requester gets [`Error::RequestFailed`](crate::Error::RequestFailed)
    /// with the message; counted like a `handle` error. Panic: a failure, as
    /// for `handle` (the requester's request times out or fails).
    async fn handle_request(&mut self, ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        Err(format!(
            "{} answers no requests (got {})",
            ctx.name(),
            request.topic()
        )
        .into())
    }

    /// Called when the module stops: on shutdown, when disabled, and before
    /// a restart. Its spawned tasks are aborted after it returns.
    ///
    /// `Err` or panic: logged; the module is stopped all the same. Overrunning
    /// the shutdown deadline: the module is abandoned and reported `Failed`.
    async fn stop(&mut self, ctx: &mut Context) -> ModuleResult {
        let _ = ctx;
        Ok(())
    }

    /// How the module is doing, for status requests and the health summary.
    /// Keep it cheap: it is called from the module's own task.
    ///
    /// Panic: caught; reported as unhealthy.
    fn health(&self) -> Health {
        Health::Healthy
    }
}

impl ModuleInfo for Box<dyn Module> {
    fn manifest(&self) -> Manifest {
        (**self).manifest()
    }

    fn check_config(&self, config: &Config) -> crate::Result<()> {
        (**self).check_config(config)
    }

    fn commands(&self) -> Vec<crate::command::CommandSpec> {
        (**self).commands()
    }
}
