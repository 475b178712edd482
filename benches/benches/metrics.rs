//! Metrics: what recording costs, and how long `/metrics` takes.
//!
//! - Module fan-out: four modules each handle every event; the runtime
//!   records events, handler time and mailbox depth per event. Without a
//!   recorder, and with a Prometheus recorder (target: at most 10% slower).
//! - Bus fan-out: four subscribers on the bus itself, which records
//!   nothing per event (its totals are read when `/metrics` is), with and
//!   without a recorder.
//! - `GET /metrics` over HTTP on a bot with 50 modules and the series of 10
//!   CyTube rooms, beside rendering the same recorder directly (target:
//!   under 5 ms).
//!
//! Run with: `cargo bench -p daz-bench --bench metrics` (add `-- --quick`
//! for a smoke run, `-- --events N` or `-- --rounds N`). The rounds
//! without a recorder come first: a process cannot remove its recorder.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use daz_bench::{Options, compare, median, per_second, rate};
use daz_core::admin::{AdminHttp, Prometheus};
use daz_core::{
    Bot, Config, Context, Event, EventBus, Format, Manifest, Module, ModuleInfo, ModuleResult,
    Pattern, SubscribeOptions, Topic,
};

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

const TOPIC: Topic = Topic::from_static("bench.chat");

/// Counts what it handles.
struct Sink {
    manifest: Manifest,
    seen: Arc<AtomicU64>,
}

impl ModuleInfo for Sink {
    fn manifest(&self) -> Manifest {
        self.manifest.clone()
    }
}

#[daz_core::async_trait]
impl Module for Sink {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::from(TOPIC))?;
        Ok(())
    }
    async fn handle(&mut self, _ctx: &mut Context, _event: Event) -> ModuleResult {
        self.seen.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// A bot of `modules` sinks with mailboxes for `n` events, and their
/// shared count.
fn sinks(modules: usize, n: u64) -> Fallible<(Bot, EventBus, Arc<AtomicU64>)> {
    let seen = Arc::new(AtomicU64::new(0));
    let bus = EventBus::new();
    let config = Config::parse(
        &format!("[bus]\ndefault_capacity = {}\n", n + 16),
        Format::Toml,
    )?;
    let mut builder = Bot::builder().bus(bus.clone()).config(config);
    for i in 0..modules {
        builder = builder.module(Sink {
            manifest: Manifest::builder(format!("sink{i}")).build()?,
            seen: Arc::clone(&seen),
        });
    }
    Ok((builder.build()?, bus, seen))
}

/// Waits until every module of `handle`'s bot runs.
async fn running(handle: &daz_core::BotHandle) -> Fallible {
    while handle
        .modules()
        .await?
        .modules
        .iter()
        .any(|m| m.state != daz_core::ModuleState::Running)
    {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    Ok(())
}

/// `n` events through 4 modules: the time until every module handled all.
async fn module_fanout(n: u64) -> Fallible<Duration> {
    let (bot, bus, seen) = sinks(4, n)?;
    let handle = bot.handle();
    let task = tokio::spawn(bot.run_until(std::future::pending()));
    running(&handle).await?;
    let started = Instant::now();
    for i in 0..n {
        bus.publish(Event::builder(TOPIC).json(serde_json::json!(i)));
        if i % 256 == 0 {
            tokio::task::yield_now().await;
        }
    }
    while seen.load(Ordering::Relaxed) < n * 4 {
        tokio::task::yield_now().await;
    }
    let elapsed = started.elapsed();
    handle.stop();
    task.await??;
    Ok(elapsed)
}

/// `n` events to 4 bus subscribers.
async fn bus_fanout(n: u64) -> Fallible<Duration> {
    let bus = EventBus::new();
    let mut subs = Vec::new();
    for _ in 0..4 {
        let options = SubscribeOptions::new().capacity(usize::try_from(n)? + 16);
        subs.push(bus.subscribe(Pattern::from(TOPIC), options)?);
    }
    let started = Instant::now();
    for i in 0..n {
        bus.publish(Event::builder(TOPIC).json(serde_json::json!(i)));
    }
    for sub in &mut subs {
        for _ in 0..n {
            sub.recv().await.ok_or("the subscription ended")?;
        }
    }
    Ok(started.elapsed())
}

/// Module and bus fan-out rates (events/s), medians of `rounds`.
async fn fanouts(n: u64, rounds: usize) -> Fallible<(f64, f64)> {
    let (mut modules, mut bus) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        modules.push(per_second(n * 4, module_fanout(n).await?));
        bus.push(per_second(n * 4, bus_fanout(n).await?));
    }
    Ok((median(modules), median(bus)))
}

/// Fan-out without a recorder, then with the Prometheus recorder
/// installed (a process keeps its recorder, so the rounds cannot
/// alternate).
async fn recording_cost(opts: &Options) -> Fallible<Prometheus> {
    let n = opts.events;
    println!(
        "== recording cost: {n} events, medians of {} rounds",
        opts.rounds
    );
    let (plain, bus_plain) = fanouts(n, opts.rounds).await?;
    let prometheus = Prometheus::install()?;
    let (recorded, bus_recorded) = fanouts(n, opts.rounds).await?;
    let ratio = recorded / plain;
    compare(
        "module fan-out to 4, recorder vs none",
        &rate(recorded),
        &rate(plain),
        ratio,
        ">= 0.90",
        ratio >= 0.9,
    );
    let ratio = bus_recorded / bus_plain;
    compare(
        "bus fan-out to 4, recorder vs none",
        &rate(bus_recorded),
        &rate(bus_plain),
        ratio,
        ">= 0.90",
        ratio >= 0.9,
    );
    if !prometheus
        .render()
        .contains("daz_module_events_total{module=\"sink0\"}")
    {
        return Err("the modules recorded nothing".into());
    }
    Ok(prometheus)
}

/// Milliseconds of `GET /metrics` (p50, p99) and of the bare render (p50).
async fn metrics_page(rounds: usize, prometheus: Prometheus) -> Fallible {
    println!("== GET /metrics: 50 modules, 10 rooms");
    let token = "bench-token-0123456789";
    let config = Config::parse(
        &format!("[admin]\nbind = \"127.0.0.1:0\"\ntoken = \"{token}\"\n"),
        Format::Toml,
    )?;
    let admin = AdminHttp::new().metrics(prometheus.clone());
    let address = admin.address();
    let mut builder = Bot::builder().config(config).module(admin);
    let seen = Arc::new(AtomicU64::new(0));
    for i in 0..49 {
        builder = builder.module(Sink {
            manifest: Manifest::builder(format!("module{i}")).build()?,
            seen: Arc::clone(&seen),
        });
    }
    let bot = builder.build()?;
    let (bus, handle) = (bot.bus().clone(), bot.handle());
    let bot_task = tokio::spawn(bot.run_until(std::future::pending()));
    running(&handle).await?;
    // The series ten rooms keep, as daz-cytube names them.
    for room in 0..10 {
        let room = format!("room{room}");
        for name in daz_cytube::metrics::NAMES {
            if name.ends_with("_seconds") {
                for s in 0..100 {
                    metrics::histogram!(*name, "room" => room.clone()).record(f64::from(s) / 4.0);
                }
            } else if name.ends_with("_total") {
                metrics::counter!(*name, "room" => room.clone()).increment(1000);
            } else {
                metrics::gauge!(*name, "room" => room.clone()).set(12.0);
            }
        }
    }
    for i in 0..10_000 {
        bus.publish(Event::builder(TOPIC).json(serde_json::json!(i)));
    }
    let base = loop {
        if let Some(addr) = address.get() {
            break format!("http://{addr}/metrics");
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    daz_cytube::ensure_tls_provider();
    let http = reqwest::Client::new();
    let (mut page, mut bare) = (Vec::new(), Vec::new());
    let mut size = 0;
    for _ in 0..rounds.max(1) * 20 {
        let started = Instant::now();
        let body = http
            .get(&base)
            .bearer_auth(token)
            .send()
            .await?
            .text()
            .await?;
        page.push(started.elapsed());
        size = body.len();
        let started = Instant::now();
        std::hint::black_box(prometheus.render());
        bare.push(started.elapsed());
    }
    if !(size > 0 && seen.load(Ordering::Relaxed) > 0) {
        return Err("the page or the modules were empty".into());
    }
    page.sort();
    bare.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let (p50, p99) = (
        ms(daz_bench::percentile(&page, 0.5)),
        ms(daz_bench::percentile(&page, 0.99)),
    );
    let raw = ms(daz_bench::percentile(&bare, 0.5));
    println!("page: {size} bytes");
    compare(
        "GET /metrics p50 (HTTP, token, bus totals) vs bare render",
        &format!("{p50:.2} ms"),
        &format!("{raw:.2} ms"),
        raw / p50,
        "p99 < 5 ms",
        p99 < 5.0,
    );
    println!(
        "GET /metrics p99: {p99:.2} ms (target < 5 ms: {})",
        if p99 < 5.0 { "met" } else { "MISSED" }
    );
    handle.stop();
    bot_task.await??;
    Ok(())
}

fn main() -> Fallible {
    let opts = Options::from_args(100_000, &[])?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let prometheus = recording_cost(&opts).await?;
        metrics_page(opts.rounds, prometheus).await
    })
}
