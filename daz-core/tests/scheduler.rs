//! The scheduler: ticks reach the owner's `handle` at the right paused
//! times, in exact counts; tasks die with their module; pause, resume,
//! cancel and list; cron across DST in a running bot.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use daz_core::schedule::Schedule;
use daz_core::testing::Harness;
use daz_core::{Clock, Context, Event, Module, ModuleResult, ModuleState, TaskOptions, Tick};

type Ticks = Arc<Mutex<Vec<(String, DateTime<Utc>)>>>;

/// Notes a tick's task name and due time.
fn record(ticks: &Ticks, event: &Event) -> daz_core::Result<()> {
    let tick = event.payload::<Tick>()?;
    ticks
        .lock()
        .unwrap()
        .push((tick.name.to_string(), tick.due));
    Ok(())
}

/// Schedules what it is given in `init` and records every tick.
#[derive(daz_core::Module)]
#[module(name = "timer")]
struct Timer {
    plan: Vec<(&'static str, Schedule)>,
    ticks: Ticks,
}

#[daz_core::async_trait]
impl Module for Timer {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        for (name, schedule) in &self.plan {
            ctx.schedule(name, schedule.clone(), TaskOptions::new())?;
        }
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        record(&self.ticks, &event)?;
        Ok(())
    }
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()
}

async fn harness(plan: Vec<(&'static str, Schedule)>, at: DateTime<Utc>) -> (Harness, Ticks) {
    let ticks = Ticks::default();
    let timer = Timer {
        plan,
        ticks: Arc::clone(&ticks),
    };
    let room = Harness::builder()
        .clock(Clock::starting_at(at))
        .module(timer)
        .build()
        .await
        .unwrap();
    (room, ticks)
}

fn count(ticks: &Ticks, name: &str) -> usize {
    dues(ticks, name).len()
}

/// The due times of `name`'s ticks, in the order they arrived.
fn dues(ticks: &Ticks, name: &str) -> Vec<DateTime<Utc>> {
    ticks
        .lock()
        .unwrap()
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, due)| *due)
        .collect()
}

#[tokio::test(start_paused = true)]
async fn intervals_and_one_shots_fire_exact_counts() {
    let plan = vec![
        (
            "every10s",
            Schedule::every(Duration::from_secs(10)).unwrap(),
        ),
        ("once", Schedule::after(Duration::from_secs(25)).unwrap()),
    ];
    let (room, ticks) = harness(plan, start()).await;
    room.advance(Duration::from_millis(9_990)).await;
    assert_eq!(count(&ticks, "every10s"), 0, "not before its time");
    room.advance(Duration::from_millis(20)).await;
    assert_eq!(count(&ticks, "every10s"), 1);
    room.advance(Duration::from_secs(90)).await;
    assert_eq!(count(&ticks, "every10s"), 10, "at 10, 20, ... 100 s");
    assert_eq!(count(&ticks, "once"), 1);
    let dues = dues(&ticks, "every10s");
    let expected: Vec<DateTime<Utc>> = (1..=10)
        .map(|k| start() + chrono::Duration::seconds(10 * k))
        .collect();
    assert_eq!(dues, expected, "no drift");
    let tasks = room.handle().bus().stats(); // the bus is untouched by timers
    assert_eq!(tasks.dropped, 0);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn cron_across_midnight_and_a_dst_change() {
    // Berlin falls back on 2026-10-25: the 02:30 job must run once.
    let plan = vec![
        (
            "nightly",
            Schedule::cron("0 30 2 * * *", "Europe/Berlin").unwrap(),
        ),
        (
            "midnight",
            Schedule::cron("0 0 0 * * *", "Europe/Berlin").unwrap(),
        ),
    ];
    let at = Utc.with_ymd_and_hms(2026, 10, 24, 12, 0, 0).unwrap();
    let (room, ticks) = harness(plan, at).await;
    room.advance(Duration::from_secs(3 * 86_400)).await;
    let nightly = dues(&ticks, "nightly");
    assert_eq!(
        nightly,
        [
            Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 26, 1, 30, 0).unwrap(),
            Utc.with_ymd_and_hms(2026, 10, 27, 1, 30, 0).unwrap(),
        ]
    );
    assert_eq!(count(&ticks, "midnight"), 3);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn pause_resume_cancel_and_list() {
    let plan = vec![("beat", Schedule::every(Duration::from_secs(1)).unwrap())];
    let (room, ticks) = harness(plan, start()).await;
    let scheduler = room.scheduler().clone();
    let task = scheduler.list(Some("timer"))[0].clone();
    assert_eq!(task.name, "beat");
    room.advance(Duration::from_millis(3_500)).await;
    assert_eq!(count(&ticks, "beat"), 3);

    assert!(scheduler.pause(task.id));
    room.advance(Duration::from_secs(10)).await;
    assert_eq!(count(&ticks, "beat"), 3, "paused");
    let listed = &scheduler.list(None)[0];
    assert!(listed.paused && listed.next_run.is_none());
    assert_eq!(listed.runs, 3);

    assert!(scheduler.resume(task.id));
    room.advance(Duration::from_millis(1_000)).await;
    assert_eq!(count(&ticks, "beat"), 4, "missed runs skipped, not burst");
    assert!(scheduler.cancel(task.id));
    assert!(!scheduler.cancel(task.id));
    room.advance(Duration::from_secs(5)).await;
    assert_eq!(count(&ticks, "beat"), 4);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_module_that_stops_leaves_no_task_behind() {
    let plan = vec![("beat", Schedule::every(Duration::from_secs(1)).unwrap())];
    let (room, ticks) = harness(plan, start()).await;
    let scheduler = room.scheduler().clone();
    room.advance(Duration::from_millis(2_500)).await;
    assert_eq!(scheduler.list(None).len(), 1);
    room.handle().disable("timer").await.unwrap();
    room.settle().await;
    assert_eq!(
        room.state("timer").await.unwrap(),
        Some(ModuleState::Stopped)
    );
    assert!(
        scheduler.list(None).is_empty(),
        "stopping removed its tasks"
    );
    room.advance(Duration::from_secs(5)).await;
    assert_eq!(count(&ticks, "beat"), 2);

    // Re-enabled, init schedules it again: one task, not two.
    room.handle().enable("timer").await.unwrap();
    room.settle().await;
    assert_eq!(scheduler.list(None).len(), 1);
    room.shutdown().await;
}

#[test]
fn schedules_with_no_future_run_are_refused() {
    let bus = daz_core::EventBus::new();
    let scheduler = daz_core::Scheduler::new(bus, Clock::starting_at(start()));
    let past = Schedule::cron("0 0 0 1 1 * 2020", "UTC").unwrap();
    let err = scheduler
        .schedule("m", "old", past, TaskOptions::new())
        .unwrap_err();
    assert!(err.to_string().contains("no future run"), "{err}");
}

/// Takes 2.5 s over each tick of a task due every second.
#[derive(daz_core::Module)]
#[module(name = "slow")]
struct Slow {
    options: TaskOptions,
    ticks: Ticks,
}

#[daz_core::async_trait]
impl Module for Slow {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.schedule(
            "beat",
            Schedule::every(Duration::from_secs(1))?,
            self.options.clone(),
        )?;
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        record(&self.ticks, &event)?;
        tokio::time::sleep(Duration::from_millis(2_500)).await;
        Ok(())
    }
}

/// Due times (seconds after the start) handled within 10.2 s by a slow
/// owner under `options`, and the task's skipped count.
async fn busy_owner(options: TaskOptions) -> (Vec<i64>, u64) {
    let ticks = Ticks::default();
    let slow = Slow {
        options,
        ticks: Arc::clone(&ticks),
    };
    let room = Harness::builder()
        .clock(Clock::starting_at(start()))
        .module(slow)
        .build()
        .await
        .unwrap();
    room.advance(Duration::from_millis(10_200)).await;
    let skipped = room.scheduler().list(None)[0].skipped;
    let dues = ticks
        .lock()
        .unwrap()
        .iter()
        .map(|(_, due)| (*due - start()).num_seconds())
        .collect();
    room.shutdown().await;
    (dues, skipped)
}

#[tokio::test(start_paused = true)]
async fn a_busy_owner_gets_one_tick_at_a_time_per_the_missed_policy() {
    // Skip: handled at 1 (busy until 3.5), 4 (until 6.5), 7 (until 9.5),
    // 10; the six runs due meanwhile are skipped.
    let (dues, skipped) = busy_owner(TaskOptions::new()).await;
    assert_eq!(dues, [1, 4, 7, 10]);
    assert_eq!(skipped, 6);

    // Run once: one catch-up as soon as the owner is done, carrying the
    // first missed due time.
    let (dues, skipped) = busy_owner(TaskOptions::new().missed(daz_core::Missed::RunOnce)).await;
    assert_eq!(dues, [1, 2, 4, 6]);
    assert_eq!(skipped, 0);

    // Overlap: every tick is queued; the owner works through them.
    let (dues, _) = busy_owner(TaskOptions::new().overlap(true)).await;
    assert_eq!(dues, [1, 2, 3, 4], "handled so far, 2.5 s each");
}

#[tokio::test(start_paused = true)]
async fn tasks_are_listed_paused_resumed_and_cancelled_over_the_bus() {
    use daz_core::ControlRequest;
    let plan = vec![
        ("beat", Schedule::every(Duration::from_secs(1)).unwrap()),
        ("slow", Schedule::every(Duration::from_secs(60)).unwrap()),
    ];
    let (room, ticks) = harness(plan, start()).await;
    let handle = room.handle();
    let list = handle
        .tasks(ControlRequest::Tasks {
            module: Some("timer".into()),
        })
        .await
        .unwrap();
    let names: Vec<&str> = list.tasks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["beat", "slow"]);
    let beat = list.tasks[0].id;
    assert_eq!(
        list.tasks[0].next_run,
        Some(start() + chrono::Duration::seconds(1))
    );

    let paused = handle
        .tasks(ControlRequest::PauseTask { task: beat })
        .await
        .unwrap();
    assert!(paused.tasks[0].paused);
    room.advance(Duration::from_secs(5)).await;
    assert_eq!(count(&ticks, "beat"), 0);
    handle
        .tasks(ControlRequest::ResumeTask { task: beat })
        .await
        .unwrap();
    room.advance(Duration::from_millis(1_500)).await;
    assert_eq!(count(&ticks, "beat"), 1);
    let left = handle
        .tasks(ControlRequest::CancelTask { task: beat })
        .await
        .unwrap();
    assert_eq!(left.tasks.len(), 1);
    let err = handle
        .tasks(ControlRequest::CancelTask { task: beat })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no task by that id"), "{err}");
    assert!(
        handle
            .tasks(ControlRequest::Tasks {
                module: Some("nobody".into())
            })
            .await
            .unwrap()
            .tasks
            .is_empty()
    );
    room.shutdown().await;
}

/// Cancels its own task on the first tick, and cannot cancel another
/// module's task (whose id the test hands it).
#[derive(daz_core::Module)]
#[module(name = "once_only")]
struct OnceOnly {
    foreign: Arc<Mutex<Option<daz_core::TaskId>>>,
    ticks: Ticks,
}

#[daz_core::async_trait]
impl Module for OnceOnly {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.schedule(
            "beat",
            Schedule::every(Duration::from_secs(1))?,
            TaskOptions::new(),
        )?;
        Ok(())
    }

    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        record(&self.ticks, &event)?;
        let foreign = self.foreign.lock().unwrap().expect("the test set it");
        assert!(!ctx.cancel_task(foreign), "not its task");
        assert!(ctx.cancel_task(event.payload::<Tick>()?.task));
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_module_cancels_only_its_own_tasks() {
    let ticks = Ticks::default();
    let foreign = Arc::new(Mutex::new(None));
    let room = Harness::builder()
        .clock(Clock::starting_at(start()))
        .module(OnceOnly {
            foreign: Arc::clone(&foreign),
            ticks: Arc::clone(&ticks),
        })
        .build()
        .await
        .unwrap();
    let theirs = room
        .scheduler()
        .schedule(
            "someone_else",
            "keep",
            Schedule::every(Duration::from_secs(60)).unwrap(),
            TaskOptions::new(),
        )
        .unwrap();
    *foreign.lock().unwrap() = Some(theirs);
    room.advance(Duration::from_secs(5)).await;
    assert_eq!(count(&ticks, "beat"), 1);
    let left: Vec<String> = room
        .scheduler()
        .list(None)
        .into_iter()
        .map(|t| t.owner)
        .collect();
    assert_eq!(left, ["someone_else"]);
    room.shutdown().await;
}
