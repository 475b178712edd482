//! What operators change at run time lasts: a module disabled before a
//! restart stays disabled after it, and a change that cannot be saved is
//! refused whole.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/probe.rs"]
mod probe;

use std::collections::BTreeMap;

use daz_core::{
    Bot, BotHandle, Error, MemoryRuntimeStore, ModuleState, RuntimeStore, ShutdownReport,
};
use probe::{Probe, log, wait_for};

type Run = tokio::task::JoinHandle<daz_core::Result<ShutdownReport>>;

fn start(store: impl RuntimeStore) -> (BotHandle, Run) {
    let l = log();
    let bot = Bot::builder()
        .runtime_store(store)
        .module(Probe::new("greeting", &[], &l))
        .module(Probe::new("economy", &[], &l))
        .build()
        .unwrap();
    let handle = bot.handle();
    (handle, tokio::spawn(bot.run_until(std::future::pending())))
}

async fn stop(handle: &BotHandle, run: Run) {
    handle.stop();
    run.await.unwrap().unwrap();
}

async fn state(handle: &BotHandle, module: &str) -> (bool, ModuleState) {
    let list = handle.modules().await.unwrap();
    let status = list.get(module).unwrap();
    (status.enabled, status.state)
}

#[tokio::test]
async fn a_module_disabled_before_a_restart_stays_disabled() {
    let store = MemoryRuntimeStore::new();
    let (handle, run) = start(store.clone());
    wait_for(&handle, "greeting", ModuleState::Running).await;
    handle.disable("greeting").await.unwrap();
    stop(&handle, run).await;

    let (handle, run) = start(store.clone());
    // The other module running shows the start is through: greeting would
    // have started before it (start order is the order added).
    wait_for(&handle, "economy", ModuleState::Running).await;
    assert_eq!(
        state(&handle, "greeting").await,
        (false, ModuleState::Registered)
    );
    handle.enable("greeting").await.unwrap();
    wait_for(&handle, "greeting", ModuleState::Running).await;
    stop(&handle, run).await;

    let (handle, run) = start(store.clone());
    wait_for(&handle, "greeting", ModuleState::Running).await;
    assert_eq!(
        store.load_enabled().await.unwrap(),
        BTreeMap::from([("greeting".to_owned(), true)])
    );
    stop(&handle, run).await;
}

/// A store whose database is away.
struct Away;

#[daz_core::async_trait]
impl RuntimeStore for Away {
    async fn load_enabled(&self) -> daz_core::Result<BTreeMap<String, bool>> {
        Err(Error::Storage {
            what: "reading which modules are enabled".into(),
            source: "connection refused".into(),
        })
    }

    async fn save_enabled(&self, module: &str, _enabled: bool) -> daz_core::Result<()> {
        Err(Error::Storage {
            what: format!("saving {module:?}"),
            source: "connection refused".into(),
        })
    }
}

#[tokio::test]
async fn a_choice_that_cannot_be_saved_is_refused_and_changes_nothing() {
    // An unreadable store starts everything as configured.
    let (handle, run) = start(Away);
    wait_for(&handle, "greeting", ModuleState::Running).await;
    let err = handle.disable("greeting").await.unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("could not be saved") && text.contains("connection refused"),
        "{text}"
    );
    assert_eq!(
        state(&handle, "greeting").await,
        (true, ModuleState::Running)
    );
    stop(&handle, run).await;
}
