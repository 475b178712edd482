//! A module whose hooks fail on demand and record every call, for the
//! runtime tests.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use daz_core::{
    BotHandle, Context, Event, Manifest, Module, ModuleInfo, ModuleResult, ModuleState, Pattern,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Hook {
    Init,
    Start,
    Handle,
    Request,
    Stop,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    Err,
    Panic,
    /// Never returns (for the shutdown deadline).
    Hang,
}

/// Calls in order, as `"<module>.<hook>"`.
pub(crate) type Log = Arc<Mutex<Vec<String>>>;

pub(crate) struct Probe {
    manifest: Manifest,
    log: Log,
    /// Hook → (fault, how many more times to inject it; `u32::MAX` = always).
    faults: HashMap<Hook, (Fault, u32)>,
    subscribe: Option<&'static str>,
    pub(crate) handled: u64,
}

impl Probe {
    pub(crate) fn new(name: &str, requires: &[&str], log: &Log) -> Self {
        Self {
            manifest: Manifest::builder(name)
                .requires(requires.iter().copied())
                .build()
                .unwrap(),
            log: Arc::clone(log),
            faults: HashMap::new(),
            subscribe: None,
            handled: 0,
        }
    }

    pub(crate) fn rooms(mut self, rooms: &[&str]) -> Self {
        self.manifest = Manifest::builder(self.manifest.name())
            .requires(self.manifest.requires().to_vec())
            .rooms(rooms.iter().copied())
            .build()
            .unwrap();
        self
    }

    pub(crate) fn fault(mut self, hook: Hook, fault: Fault, times: u32) -> Self {
        self.faults.insert(hook, (fault, times));
        self
    }

    pub(crate) fn subscribe(mut self, pattern: &'static str) -> Self {
        self.subscribe = Some(pattern);
        self
    }

    async fn enter(&mut self, hook: Hook) -> ModuleResult {
        let name = self.manifest.name().to_owned();
        self.log
            .lock()
            .unwrap()
            .push(format!("{name}.{}", format!("{hook:?}").to_lowercase()));
        let Some((fault, left)) = self.faults.get_mut(&hook) else {
            return Ok(());
        };
        if *left == 0 {
            return Ok(());
        }
        if *left != u32::MAX {
            *left -= 1;
        }
        match *fault {
            Fault::Err => Err(format!("{name} {hook:?} failed on purpose").into()),
            Fault::Panic => panic!("{name} {hook:?} panicked on purpose"),
            Fault::Hang => {
                std::future::pending::<()>().await;
                Ok(())
            }
        }
    }
}

impl ModuleInfo for Probe {
    fn manifest(&self) -> Manifest {
        self.manifest.clone()
    }
}

#[daz_core::async_trait]
impl Module for Probe {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        if let Some(pattern) = self.subscribe {
            ctx.subscribe(Pattern::new(pattern)?)?;
        }
        self.enter(Hook::Init).await
    }

    async fn start(&mut self, _ctx: &mut Context) -> ModuleResult {
        self.enter(Hook::Start).await
    }

    async fn handle(&mut self, _ctx: &mut Context, _event: Event) -> ModuleResult {
        self.handled += 1;
        self.enter(Hook::Handle).await
    }

    async fn handle_request(&mut self, _ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        self.enter(Hook::Request).await?;
        Ok(request)
    }

    async fn stop(&mut self, _ctx: &mut Context) -> ModuleResult {
        self.enter(Hook::Stop).await
    }
}

pub(crate) fn log() -> Log {
    Arc::new(Mutex::new(Vec::new()))
}

pub(crate) fn calls(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

/// Waits (in paused or real time) until `module` is in `state`.
pub(crate) async fn wait_for(handle: &BotHandle, module: &str, state: ModuleState) {
    for _ in 0..10_000 {
        if let Ok(list) = handle.modules().await
            && list.get(module).is_some_and(|m| m.state == state)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let list = handle.modules().await.unwrap();
    panic!("{module} never reached {state:?}: {:?}", list.get(module));
}
