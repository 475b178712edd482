//! Scheduler benchmark: schedule and fire 100,000 one-shots through daz's
//! scheduler vs. 100,000 bare `tokio::time::sleep` tasks, in paused time
//! (so both run as fast as the CPU allows), and memory per task.
//!
//! Throughput is the median of several rounds of each, run alternately, so
//! one noisy round on a busy machine does not decide the ratio. Memory is
//! measured first, on a fresh heap, with 100,000 tasks whatever the options.
//!
//! Run with: `cargo bench -p daz-bench --bench scheduler` (`-- --quick`
//! for a tenth and three rounds, `-- --events N`, `-- --rounds N`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use daz_bench::{Options, compare, median, per_second, rate};
use daz_core::schedule::Schedule;
use daz_core::{Clock, EventBus, Scheduler, SubscribeOptions, TaskOptions};

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Resident memory of this process, in bytes (Linux).
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

fn delay(i: u64) -> Duration {
    Duration::from_millis(1 + i % 1000)
}

/// Tasks in the memory measurement (the figure).
const MEMORY_TASKS: u64 = 100_000;

/// Schedules `n` one-shots on `scheduler` for the inbox `bench`.
fn schedule(scheduler: &Scheduler, n: u64) -> Fallible {
    for i in 0..n {
        scheduler.schedule(
            "bench",
            "one-shot",
            Schedule::after(delay(i))?,
            TaskOptions::new(),
        )?;
    }
    Ok(())
}

/// Resident bytes per task while `n` one-shots are scheduled.
fn daz_memory(n: u64) -> Fallible<f64> {
    let bus = EventBus::new();
    let scheduler = Scheduler::new(bus, Clock::starting_at(chrono::Utc::now()));
    let before = rss();
    schedule(&scheduler, n)?;
    Ok(rss().saturating_sub(before) as f64 / n as f64)
}

/// Resident bytes per task while `n` bare sleep tasks wait.
async fn bare_memory(n: u64) -> Fallible<f64> {
    let before = rss();
    let tasks: Vec<_> = (0..n)
        .map(|i| tokio::spawn(tokio::time::sleep(delay(i) + Duration::from_secs(3600))))
        .collect();
    let bytes = rss().saturating_sub(before) as f64 / n as f64;
    for task in &tasks {
        task.abort();
    }
    Ok(bytes)
}

/// Schedules and fires `n` one-shots; returns the elapsed time.
async fn daz(n: u64) -> Fallible<Duration> {
    let bus = EventBus::new();
    let mut inbox = bus.inbox(
        "bench",
        SubscribeOptions::new().capacity(usize::try_from(n)?),
    )?;
    let scheduler = Scheduler::new(bus.clone(), Clock::starting_at(chrono::Utc::now()));
    let start = Instant::now();
    schedule(&scheduler, n)?;
    let driver = tokio::spawn(scheduler.clone().run());
    let mut got = 0;
    while got < n {
        if inbox.recv().await.is_none() {
            break;
        }
        got += 1;
    }
    let elapsed = start.elapsed();
    driver.abort();
    if got != n {
        return Err(format!("received {got} of {n} ticks").into());
    }
    Ok(elapsed)
}

/// Spawns `n` bare sleep tasks and waits for them all; returns the
/// elapsed time.
async fn bare(n: u64) -> Fallible<Duration> {
    let fired = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(usize::try_from(n)?);
    for i in 0..n {
        let fired = Arc::clone(&fired);
        tasks.push(tokio::spawn(async move {
            tokio::time::sleep(delay(i)).await;
            fired.fetch_add(1, Ordering::Relaxed);
        }));
    }
    for task in tasks {
        task.await?;
    }
    let elapsed = start.elapsed();
    let got = fired.load(Ordering::Relaxed);
    if got != n {
        return Err(format!("fired {got} of {n}").into());
    }
    Ok(elapsed)
}

fn main() -> Fallible {
    let opts = Options::from_args(100_000, &["oneshots"])?;
    let n = opts.events;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()?;
    println!(
        "== scheduler: schedule and fire {n} one-shots (1–1000 ms), paused time, median of {} rounds",
        opts.rounds
    );
    // Memory first, on a fresh heap: daz, then bare.
    let daz_bytes = {
        let _guard = runtime.enter();
        daz_memory(MEMORY_TASKS)?
    };
    let raw_bytes = runtime.block_on(bare_memory(MEMORY_TASKS))?;
    let (mut daz_rates, mut raw_rates) = (Vec::new(), Vec::new());
    for _ in 0..opts.rounds {
        raw_rates.push(per_second(n, runtime.block_on(bare(n))?));
        daz_rates.push(per_second(n, runtime.block_on(daz(n))?));
    }
    let (daz_rate, raw_rate) = (median(daz_rates), median(raw_rates));
    let ratio = daz_rate / raw_rate;
    compare(
        "schedule+fire throughput",
        &rate(daz_rate),
        &rate(raw_rate),
        ratio,
        ">= 1.00",
        ratio >= 1.0,
    );
    println!(
        "memory per scheduled task ({MEMORY_TASKS} tasks): daz {daz_bytes:.0} B, bare sleep task {raw_bytes:.0} B (target daz < 200 B: {})",
        if daz_bytes < 200.0 { "met" } else { "MISSED" }
    );
    Ok(())
}
