//! The bot runtime: build checks, start and stop order, requests, rooms,
//! tracked tasks and the shutdown deadline.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/probe.rs"]
mod probe;

use std::time::Duration;

use daz_core::{
    Bot, Context, Error, Event, EventBus, Lifecycle, Module, ModuleResult, ModuleState, Pattern,
    RuntimeConfig, SubscribeOptions, Topic,
};
use probe::{Fault, Hook, Probe, calls, log, wait_for};

#[test]
fn modules_are_object_safe() {
    fn assert_send<T: Send + 'static>() {}
    assert_send::<Box<dyn Module>>();
    assert_send::<Bot>();
    let boxed: Box<dyn Module> = Box::new(Probe::new("a", &[], &log()));
    assert_eq!(daz_core::ModuleInfo::manifest(&boxed).name(), "a");
}

#[test]
fn build_names_missing_dependencies_cycles_and_duplicates() {
    let l = log();
    let err = Bot::builder()
        .module(Probe::new("economy", &["sql"], &l))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "module \"economy\" requires \"sql\", which is not added to the bot; add it or remove the requirement"
    );
    let err = Bot::builder()
        .module(Probe::new("a", &["b"], &l))
        .module(Probe::new("b", &["a"], &l))
        .build()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "modules require each other in a cycle: a -> b -> a"
    );
    let err = Bot::builder()
        .module(Probe::new("a", &[], &l))
        .module(Probe::new("a", &[], &l))
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::DuplicateModule { .. }));
}

#[tokio::test(start_paused = true)]
async fn modules_start_in_dependency_order_and_stop_in_reverse() {
    let l = log();
    let bot = Bot::builder()
        .module(Probe::new("economy", &["sql", "cytube"], &l))
        .module(Probe::new("cytube", &[], &l))
        .module(Probe::new("sql", &[], &l))
        .build()
        .unwrap();
    let handle = bot.handle();
    let mut lifecycle = bot
        .bus()
        .subscribe(
            Pattern::new("daz.lifecycle.economy").unwrap(),
            SubscribeOptions::new(),
        )
        .unwrap();
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    wait_for(&handle, "economy", ModuleState::Running).await;
    let list = handle.modules().await.unwrap();
    let names: Vec<&str> = list.modules.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["cytube", "sql", "economy"]);
    handle.stop();
    let report = run.await.unwrap().unwrap();
    assert!(report.abandoned.is_empty());
    assert_eq!(
        calls(&l),
        [
            "cytube.init",
            "cytube.start",
            "sql.init",
            "sql.start",
            "economy.init",
            "economy.start",
            "economy.stop",
            "sql.stop",
            "cytube.stop"
        ]
    );
    let mut states = Vec::new();
    while let Some(event) = lifecycle.try_recv() {
        states.push(event.payload::<Lifecycle>().unwrap().state);
    }
    use ModuleState::*;
    assert_eq!(states, [Initializing, Ready, Running, Stopping, Stopped]);
}

/// Echoes requests, fails on "bad", counts events of its rooms.
#[derive(daz_core::Module, Default)]
#[module(name = "echo", rooms = ["lobby"])]
struct Echo {
    seen: Vec<String>,
}

#[daz_core::async_trait]
impl Module for Echo {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::new("chat.*")?)?;
        let mut ticker = ctx.bus().subscribe(
            Pattern::new("never")?,
            SubscribeOptions::new().owner("echo"),
        )?;
        // A helper task that lives as long as the module.
        ctx.spawn(async move {
            let _ = ticker.recv().await;
        });
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        self.seen.push(event.room().unwrap_or("-").to_owned());
        ctx.publish_event(ctx.event(Topic::new("echo.seen")?).payload(self.seen.len()));
        Ok(())
    }

    async fn handle_request(&mut self, _ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        let text = request.payload::<String>()?;
        if *text == "bad" {
            return Err("bad request".into());
        }
        Ok(Event::builder(Topic::new("echo.reply")?).payload(text.to_uppercase()))
    }
}

#[tokio::test]
async fn requests_rooms_and_tracked_tasks() {
    let bus = EventBus::new();
    let bot = Bot::builder()
        .bus(bus.clone())
        .module(Echo::default())
        .build()
        .unwrap();
    let handle = bot.handle();
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    wait_for(&handle, "echo", ModuleState::Running).await;

    let ask = |text: &str| {
        Event::builder(Topic::new("echo.ask").unwrap())
            .room("lobby")
            .payload(text.to_owned())
    };
    let reply = bus
        .request("echo", ask("hi"), Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(*reply.payload::<String>().unwrap(), "HI");
    let err = bus
        .request("echo", ask("bad"), Duration::from_secs(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::RequestFailed { ref message, .. } if message == "bad request"),
        "{err}"
    );

    let mut seen = bus
        .subscribe(Pattern::new("echo.seen").unwrap(), SubscribeOptions::new())
        .unwrap();
    for room in ["movies", "lobby", "movies", "lobby"] {
        bus.publish(
            Event::builder(Topic::new("chat.msg").unwrap())
                .room(room)
                .build(),
        );
    }
    let mut counts = Vec::new();
    while counts.len() < 2 {
        let event = tokio::time::timeout(Duration::from_secs(5), seen.recv())
            .await
            .unwrap()
            .unwrap();
        counts.push(*event.payload::<usize>().unwrap());
        assert_eq!(event.source(), Some("echo"));
    }
    assert_eq!(counts, [1, 2], "only lobby events reach a lobby module");

    let status = handle.modules().await.unwrap();
    let echo = status.get("echo").unwrap();
    assert_eq!((echo.events, echo.errors), (4, 1));
    let owned = |bus: &EventBus| {
        bus.stats()
            .subscribers
            .iter()
            .filter(|s| s.owner.as_deref() == Some("echo"))
            .count()
    };
    assert_eq!(owned(&bus), 2, "inbox and the helper's subscription");

    handle.stop();
    run.await.unwrap().unwrap();
    assert_eq!(
        owned(&bus),
        0,
        "stop removed the module's subscriptions and aborted its task"
    );
}

#[tokio::test(start_paused = true)]
async fn a_module_overrunning_the_deadline_is_abandoned_and_the_rest_still_stop() {
    let l = log();
    let mut runtime = RuntimeConfig::default();
    runtime.shutdown_timeout = Duration::from_secs(2);
    let bot = Bot::builder()
        .runtime(runtime)
        .module(Probe::new("base", &[], &l))
        .module(Probe::new("stuck", &["base"], &l).fault(Hook::Stop, Fault::Hang, u32::MAX))
        .module(Probe::new("other", &[], &l))
        .build()
        .unwrap();
    let handle = bot.handle();
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    wait_for(&handle, "other", ModuleState::Running).await;
    let started = tokio::time::Instant::now();
    handle.stop();
    let report = run.await.unwrap().unwrap();
    assert_eq!(report.abandoned, ["stuck"]);
    assert_eq!(started.elapsed(), Duration::from_secs(2));
    let stops: Vec<String> = calls(&l)
        .into_iter()
        .filter(|c| c.ends_with(".stop"))
        .collect();
    assert_eq!(stops, ["other.stop", "stuck.stop", "base.stop"]);
}

#[tokio::test(start_paused = true)]
async fn a_graceful_stop_first_handles_what_is_queued() {
    let l = log();
    let bot = Bot::builder()
        .module(Probe::new("m", &[], &l).subscribe("poke"))
        .build()
        .unwrap();
    let (handle, bus) = (bot.handle(), bot.bus().clone());
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    wait_for(&handle, "m", ModuleState::Running).await;
    for _ in 0..100 {
        bus.publish(Event::builder(Topic::new("poke").unwrap()).build());
    }
    handle.stop();
    run.await.unwrap().unwrap();
    let c = calls(&l);
    assert_eq!(c.iter().filter(|c| *c == "m.handle").count(), 100);
    assert_eq!(c.last().map(String::as_str), Some("m.stop"));
}

/// Ticks a shared counter from a task spawned through its context.
#[derive(daz_core::Module)]
#[module(name = "ticker")]
struct Ticker(std::sync::Arc<std::sync::atomic::AtomicU64>);

#[daz_core::async_trait]
impl Module for Ticker {
    async fn start(&mut self, ctx: &mut Context) -> ModuleResult {
        let ticks = std::sync::Arc::clone(&self.0);
        ctx.spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                ticks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        });
        assert_eq!(ctx.tasks(), 1);
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn tasks_spawned_through_the_context_end_with_the_module() {
    use std::sync::atomic::Ordering::Relaxed;
    let ticks = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let bot = Bot::builder()
        .module(Ticker(std::sync::Arc::clone(&ticks)))
        .build()
        .unwrap();
    let handle = bot.handle();
    let run = tokio::spawn(bot.run_until(std::future::pending()));
    wait_for(&handle, "ticker", ModuleState::Running).await;
    tokio::time::sleep(Duration::from_millis(105)).await;
    assert!(ticks.load(Relaxed) >= 10, "the task ran");
    handle.disable("ticker").await.unwrap();
    wait_for(&handle, "ticker", ModuleState::Stopped).await;
    let after_stop = ticks.load(Relaxed);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        ticks.load(Relaxed),
        after_stop,
        "no tick after the module stopped"
    );
    handle.stop();
    run.await.unwrap().unwrap();
}
