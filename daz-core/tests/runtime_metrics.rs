//! Per-module metrics reach the `metrics` recorder, and health is data.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/probe.rs"]
mod probe;

use std::time::Duration;

use daz_core::{Bot, Event, Health, ModuleState, Topic};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};
use probe::{Fault, Hook, Probe, log, wait_for};

type Row = (
    CompositeKey,
    Option<metrics::Unit>,
    Option<metrics::SharedString>,
    DebugValue,
);

fn value<'a>(
    snapshot: &'a [Row],
    kind: MetricKind,
    name: &str,
    module: &str,
) -> Option<&'a DebugValue> {
    snapshot
        .iter()
        .find(|(key, _, _, _)| {
            key.kind() == kind
                && key.key().name() == name
                && key
                    .key()
                    .labels()
                    .any(|l| l.key() == "module" && l.value() == module)
        })
        .map(|(_, _, _, v)| v)
}

#[test]
fn modules_record_events_errors_restarts_and_handler_time() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    metrics::with_local_recorder(&recorder, || {
        runtime.block_on(async {
            let l = log();
            let flaky = Probe::new("flaky", &[], &l)
                .subscribe("poke")
                .fault(Hook::Handle, Fault::Err, 2)
                .fault(Hook::Request, Fault::Panic, 1);
            let bot = Bot::builder().module(flaky).build().unwrap();
            let (handle, bus) = (bot.handle(), bot.bus().clone());
            let run = tokio::spawn(bot.run_until(std::future::pending()));
            wait_for(&handle, "flaky", ModuleState::Running).await;
            for _ in 0..5 {
                bus.publish(Event::builder(Topic::new("poke").unwrap()).build());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
            let ask = Event::builder(Topic::new("ask").unwrap()).payload(1u8);
            assert!(
                bus.request("flaky", ask, Duration::from_secs(5))
                    .await
                    .is_err()
            );
            tokio::time::sleep(Duration::from_secs(2)).await;
            wait_for(&handle, "flaky", ModuleState::Running).await;

            let summary = handle.modules().await.unwrap().health();
            assert_eq!(summary.overall, Health::Healthy);
            assert_eq!(summary.modules.get("flaky"), Some(&Health::Healthy));
            handle.disable("flaky").await.unwrap();
            wait_for(&handle, "flaky", ModuleState::Stopped).await;
            // Disabled modules are left out of the health summary.
            assert_eq!(
                handle.modules().await.unwrap().health().overall,
                Health::Healthy
            );
            handle.stop();
            run.await.unwrap().unwrap();
        });
    });
    let snapshot = snapshotter.snapshot().into_vec();
    let counter = |name| match value(&snapshot, MetricKind::Counter, name, "flaky") {
        Some(DebugValue::Counter(n)) => *n,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        counter("daz_module_events_total"),
        6,
        "5 events and 1 request"
    );
    assert_eq!(counter("daz_module_errors_total"), 2);
    assert_eq!(counter("daz_module_panics_total"), 1);
    assert_eq!(counter("daz_module_failures_total"), 1);
    assert_eq!(counter("daz_module_restarts_total"), 1);
    assert_eq!(counter("daz_module_mailbox_dropped_total"), 0);
    match value(
        &snapshot,
        MetricKind::Histogram,
        "daz_module_handler_seconds",
        "flaky",
    ) {
        Some(DebugValue::Histogram(samples)) => assert_eq!(samples.len(), 6),
        other => panic!("handler histogram: {other:?}"),
    }
    assert!(matches!(
        value(
            &snapshot,
            MetricKind::Gauge,
            "daz_module_mailbox_depth",
            "flaky"
        ),
        Some(DebugValue::Gauge(_))
    ));
}

/// Runs `first` (which always fails `init`, degrading at once) and
/// `second`.
fn one_failure_degrades(
    first: Probe,
    second: Probe,
) -> (
    daz_core::BotHandle,
    tokio::task::JoinHandle<daz_core::Result<daz_core::ShutdownReport>>,
) {
    let mut runtime = daz_core::RuntimeConfig::default();
    runtime.restart.max_failures = 1;
    let bot = Bot::builder()
        .runtime(runtime)
        .module(first.fault(Hook::Init, Fault::Panic, u32::MAX))
        .module(second)
        .build()
        .unwrap();
    let handle = bot.handle();
    (handle, tokio::spawn(bot.run_until(std::future::pending())))
}

#[tokio::test(start_paused = true)]
async fn a_degraded_optional_module_only_degrades_the_bot() {
    let l = log();
    let (handle, run) =
        one_failure_degrades(Probe::new("optional", &[], &l), Probe::new("fine", &[], &l));
    wait_for(&handle, "optional", ModuleState::Degraded).await;
    wait_for(&handle, "fine", ModuleState::Running).await;
    let summary = handle.modules().await.unwrap().health();
    assert_eq!(
        summary.overall,
        Health::Degraded("optional is degraded".into())
    );
    handle.stop();
    run.await.unwrap().unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_degraded_module_degrades_the_bot_and_a_stopped_one_is_unhealthy() {
    let l = log();
    let (handle, run) = one_failure_degrades(
        Probe::new("bad", &[], &l),
        Probe::new("needs_bad", &["bad"], &l),
    );
    wait_for(&handle, "bad", ModuleState::Degraded).await;
    let list = handle.modules().await.unwrap();
    assert!(
        list.get("bad").unwrap().critical,
        "required by another module"
    );
    assert!(!list.get("needs_bad").unwrap().critical);
    let summary = list.health();
    assert!(
        matches!(summary.modules["bad"], Health::Unhealthy(ref r) if r == "bad is degraded"),
        "a degraded critical module makes the bot unhealthy: {summary:?}"
    );
    assert!(
        matches!(summary.modules["needs_bad"], Health::Unhealthy(ref r) if r == "needs_bad is registered")
    );
    assert!(matches!(summary.overall, Health::Unhealthy(_)));
    handle.stop();
    run.await.unwrap().unwrap();
}
