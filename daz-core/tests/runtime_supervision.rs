//! Supervision as a failure matrix: each hook × (`Err`, panic) → state,
//! counters, restarts, backoff timing and dependents, in paused time.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/probe.rs"]
mod probe;

use std::time::Duration;

use daz_core::{
    Bot, BotHandle, Error, Event, EventBus, ModuleState, ModuleStatus, RuntimeConfig, Topic,
};
use probe::{Fault, Hook, Log, Probe, calls, log, wait_for};
use tokio::task::JoinHandle;
use tokio::time::Instant;

type Running = (
    BotHandle,
    EventBus,
    JoinHandle<daz_core::Result<daz_core::ShutdownReport>>,
);

fn runtime(max_failures: u32) -> RuntimeConfig {
    let mut config = RuntimeConfig::default();
    config.restart.max_failures = max_failures;
    config.restart.jitter = 0.0;
    config
}

fn start(probes: Vec<Probe>, config: RuntimeConfig) -> Running {
    let mut builder = Bot::builder().runtime(config);
    for probe in probes {
        builder = builder.module(probe);
    }
    let bot = builder.build().unwrap();
    let (handle, bus) = (bot.handle(), bot.bus().clone());
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    (handle, bus, run)
}

async fn status(handle: &BotHandle, module: &str) -> ModuleStatus {
    handle.modules().await.unwrap().get(module).unwrap().clone()
}

fn poke(bus: &EventBus) {
    bus.publish(Event::builder(Topic::new("poke").unwrap()).build());
}

fn ask() -> Event {
    Event::builder(Topic::new("ask").unwrap()).payload(1u32)
}

/// Runs one cell of the matrix: `hook` fails once with `fault`; returns the
/// status after the module is running again, and the call log.
async fn once(hook: Hook, fault: Fault) -> (ModuleStatus, Log, Duration) {
    let l = log();
    let probe = Probe::new("m", &[], &l)
        .subscribe("poke")
        .fault(hook, fault, 1);
    let (handle, bus, run) = start(vec![probe], runtime(10));
    let began = Instant::now();
    match hook {
        Hook::Init | Hook::Start => {}
        Hook::Handle => {
            wait_for(&handle, "m", ModuleState::Running).await;
            poke(&bus);
        }
        Hook::Request => {
            wait_for(&handle, "m", ModuleState::Running).await;
            let err = bus
                .request("m", ask(), Duration::from_secs(5))
                .await
                .unwrap_err();
            assert!(matches!(err, Error::RequestFailed { .. }), "{err}");
        }
        Hook::Stop => unreachable!("stop is tested on shutdown"),
    }
    // Give a restart its time, then wait until running.
    tokio::time::sleep(Duration::from_millis(100)).await;
    wait_for(&handle, "m", ModuleState::Running).await;
    let elapsed = began.elapsed();
    let status = status(&handle, "m").await;
    handle.stop();
    run.await.unwrap().unwrap();
    (status, l, elapsed)
}

#[tokio::test(start_paused = true)]
async fn init_and_start_failures_restart_after_the_backoff() {
    for hook in [Hook::Init, Hook::Start] {
        for fault in [Fault::Err, Fault::Panic] {
            let (status, l, elapsed) = once(hook, fault).await;
            let cell = format!("{hook:?} × {fault:?}");
            assert_eq!((status.failures, status.restarts), (1, 1), "{cell}");
            assert_eq!(
                status.panics, 0,
                "{cell}: hook panics outside handlers are failures"
            );
            assert!(
                elapsed >= Duration::from_millis(500),
                "{cell}: waited {elapsed:?}"
            );
            let c = calls(&l);
            let expected: &[&str] = if hook == Hook::Init {
                &["m.init", "m.init", "m.start"]
            } else {
                // A failed start is followed by stop, to undo init.
                &["m.init", "m.start", "m.stop", "m.init", "m.start"]
            };
            assert_eq!(&c[..expected.len()], expected, "{cell}");
            assert!(
                status.reason.is_none(),
                "{cell}: running again clears the reason"
            );
        }
    }
}

#[tokio::test(start_paused = true)]
async fn handler_errors_are_counted_and_panics_restart() {
    let (status, l, _) = once(Hook::Handle, Fault::Err).await;
    assert_eq!(
        (
            status.events,
            status.errors,
            status.failures,
            status.restarts
        ),
        (1, 1, 0, 0)
    );
    assert!(status.last_error.unwrap().contains("failed on purpose"));
    assert_eq!(calls(&l), ["m.init", "m.start", "m.handle", "m.stop"]);

    let (status, l, _) = once(Hook::Handle, Fault::Panic).await;
    assert_eq!((status.panics, status.failures, status.restarts), (1, 1, 1));
    assert_eq!(
        calls(&l)[..6],
        [
            "m.init", "m.start", "m.handle", "m.stop", "m.init", "m.start"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn request_errors_reach_the_requester_and_panics_restart() {
    let (status, _, _) = once(Hook::Request, Fault::Err).await;
    assert_eq!((status.errors, status.failures, status.restarts), (1, 0, 0));
    let (status, l, _) = once(Hook::Request, Fault::Panic).await;
    assert_eq!((status.panics, status.failures, status.restarts), (1, 1, 1));
    assert!(calls(&l).contains(&"m.stop".to_owned()));
}

#[tokio::test(start_paused = true)]
async fn stop_failures_still_stop() {
    for fault in [Fault::Err, Fault::Panic] {
        let l = log();
        let probe = Probe::new("m", &[], &l).fault(Hook::Stop, fault, u32::MAX);
        let (handle, _bus, run) = start(vec![probe], runtime(10));
        wait_for(&handle, "m", ModuleState::Running).await;
        handle.stop();
        let report = run.await.unwrap().unwrap();
        assert!(report.abandoned.is_empty(), "{fault:?}");
        assert_eq!(calls(&l), ["m.init", "m.start", "m.stop"], "{fault:?}");
    }
}

#[tokio::test(start_paused = true)]
async fn repeated_failures_back_off_exponentially_then_degrade() {
    let l = log();
    let failing = Probe::new("bad", &[], &l).fault(Hook::Init, Fault::Err, u32::MAX);
    let fine = Probe::new("fine", &[], &l);
    let began = Instant::now();
    let (handle, _bus, run) = start(vec![failing, fine], runtime(4));
    wait_for(&handle, "bad", ModuleState::Degraded).await;
    // Failures 1, 2, 3 wait 0.5 s, 1 s, 2 s; the 4th degrades at once.
    let waited = began.elapsed();
    assert!(
        waited >= Duration::from_millis(3500) && waited < Duration::from_millis(3600),
        "{waited:?}"
    );
    let bad = status(&handle, "bad").await;
    assert_eq!((bad.failures, bad.restarts), (4, 3));
    assert!(bad.reason.unwrap().contains("init failed"));
    wait_for(&handle, "fine", ModuleState::Running).await;
    assert_eq!(calls(&l).iter().filter(|c| *c == "bad.init").count(), 4);

    // A restart by hand tries again with a fresh budget.
    handle.restart("bad").await.unwrap();
    wait_for(&handle, "bad", ModuleState::Degraded).await;
    assert_eq!(calls(&l).iter().filter(|c| *c == "bad.init").count(), 8);
    handle.stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_failing_dependency_stops_its_dependents_until_it_recovers() {
    let l = log();
    let base = Probe::new("base", &[], &l)
        .subscribe("poke")
        .fault(Hook::Handle, Fault::Panic, 1);
    let top = Probe::new("top", &["base"], &l);
    let other = Probe::new("other", &[], &l);
    let (handle, bus, run) = start(vec![base, top, other], runtime(10));
    wait_for(&handle, "top", ModuleState::Running).await;
    wait_for(&handle, "other", ModuleState::Running).await;
    l.lock().unwrap().clear();
    poke(&bus);
    tokio::time::sleep(Duration::from_millis(100)).await;
    wait_for(&handle, "base", ModuleState::Running).await;
    wait_for(&handle, "top", ModuleState::Running).await;
    assert_eq!(
        calls(&l),
        [
            "base.handle",
            "base.stop",
            "top.stop",
            "base.init",
            "base.start",
            "top.init",
            "top.start"
        ]
    );
    let list = handle.modules().await.unwrap();
    assert_eq!(
        list.get("other").unwrap().restarts,
        0,
        "unrelated modules go on"
    );
    assert_eq!(
        list.get("top").unwrap().failures,
        0,
        "stopping a dependent is not its failure"
    );
    handle.stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn control_requests_enable_disable_restart_with_refusals() {
    let l = log();
    let base = Probe::new("base", &[], &l);
    let top = Probe::new("top", &["base"], &l);
    let (handle, _bus, run) = start(vec![base, top], runtime(10));
    wait_for(&handle, "top", ModuleState::Running).await;

    let err = handle.disable("base").await.unwrap_err();
    assert!(err.to_string().contains("top requires it"), "{err}");
    let err = handle.restart("base").await.unwrap_err();
    assert!(err.to_string().contains("top requires it"), "{err}");
    let err = handle.restart("nobody").await.unwrap_err();
    assert!(err.to_string().contains("no module by that name"), "{err}");

    let list = handle.disable("top").await.unwrap();
    assert!(!list.get("top").unwrap().enabled);
    wait_for(&handle, "top", ModuleState::Stopped).await;
    handle.disable("base").await.unwrap();
    wait_for(&handle, "base", ModuleState::Stopped).await;
    let err = handle.restart("base").await.unwrap_err();
    assert!(err.to_string().contains("disabled"), "{err}");

    handle.enable("top").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        status(&handle, "top").await.state,
        ModuleState::Stopped,
        "waits for base"
    );
    handle.enable("base").await.unwrap();
    wait_for(&handle, "top", ModuleState::Running).await;

    handle.restart("top").await.unwrap();
    wait_for(&handle, "top", ModuleState::Running).await;
    let top_inits = calls(&l).iter().filter(|c| *c == "top.init").count();
    assert_eq!(top_inits, 3);
    assert_eq!(
        handle.modules().await.unwrap().health().overall,
        daz_core::Health::Healthy
    );
    handle.stop();
    run.await.unwrap().unwrap();
}
