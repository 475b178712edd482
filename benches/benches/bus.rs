//! Event bus benchmarks: fan-out, a stalled subscriber, routing scale and
//! request/response, each beside its raw tokio baseline.
//!
//! Run with: `cargo bench -p daz-bench --bench bus` (add `-- --quick` for a
//! smoke run, `-- --events N`, or `-- --only fanout|routing|request`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use daz_bench::{Options, compare, per_second, percentile, rate};
use daz_core::{Event, EventBus, Pattern, SubscribeOptions, Topic};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};

#[derive(Serialize, Deserialize, daz_core::Event)]
#[event(topic = "cytube.event.chatMsg")]
struct Chat {
    n: u64,
}

/// The fan-out publishers (daz and baseline alike) yield to the scheduler
/// this often, as a real publisher awaiting its socket does.
const YIELD_EVERY: u64 = 256;

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// One publisher, `subs` subscribers, `n` events through daz. Returns the
/// elapsed time and the total drops.
async fn daz_fanout(n: u64, subs: usize, stalled: bool) -> Fallible<(Duration, u64)> {
    let bus = EventBus::new();
    let capacity = usize::try_from(n)?;
    let mut tasks = Vec::new();
    for i in 0..subs {
        let pattern = if i % 2 == 0 {
            "cytube.event.*"
        } else {
            "cytube.>"
        };
        let mut sub = bus.subscribe(
            Pattern::new(pattern)?,
            SubscribeOptions::new().capacity(capacity),
        )?;
        tasks.push(tokio::spawn(async move {
            let mut got = 0;
            while got < n {
                if sub.recv().await.is_none() {
                    break;
                }
                got += 1;
            }
            got
        }));
    }
    let _stalled = if stalled {
        Some(bus.subscribe(
            Pattern::new("cytube.>")?,
            SubscribeOptions::new().capacity(1024),
        )?)
    } else {
        None
    };
    let start = Instant::now();
    let publisher = bus.clone();
    tokio::spawn(async move {
        for i in 0..n {
            publisher.publish(Event::new(Chat { n: i }));
            if i % YIELD_EVERY == YIELD_EVERY - 1 {
                tokio::task::yield_now().await;
            }
        }
    })
    .await?;
    for task in tasks {
        let got = task.await?;
        if got != n {
            return Err(format!("a subscriber got {got} of {n}").into());
        }
    }
    Ok((start.elapsed(), bus.stats().dropped))
}

/// The same through per-subscriber tokio mpsc channels of one `Arc`.
async fn mpsc_fanout(n: u64, subs: usize) -> Fallible<(Duration, u64)> {
    let capacity = usize::try_from(n)?;
    let mut senders = Vec::new();
    let mut tasks = Vec::new();
    for _ in 0..subs {
        let (tx, mut rx) = mpsc::channel::<Arc<Chat>>(capacity);
        senders.push(tx);
        tasks.push(tokio::spawn(async move {
            let mut got = 0;
            while got < n && rx.recv().await.is_some() {
                got += 1;
            }
            got
        }));
    }
    let start = Instant::now();
    let drops = tokio::spawn(async move {
        let mut drops = 0u64;
        for i in 0..n {
            let chat = Arc::new(Chat { n: i });
            for tx in &senders {
                if tx.try_send(Arc::clone(&chat)).is_err() {
                    drops += 1;
                }
            }
            if i % YIELD_EVERY == YIELD_EVERY - 1 {
                tokio::task::yield_now().await;
            }
        }
        drops
    })
    .await?;
    for task in tasks {
        let got = task.await?;
        if got != n {
            return Err(format!("a baseline subscriber got {got} of {n}").into());
        }
    }
    Ok((start.elapsed(), drops))
}

async fn fanout(opts: Options) -> Fallible {
    let n = opts.events;
    println!("== fan-out: 1 publisher, {n} events, lossless");
    let mut four_sub_rate = 0.0;
    for subs in [1usize, 4, 16] {
        let deliveries = n * subs as u64;
        let (daz, daz_drops) = daz_fanout(n, subs, false).await?;
        let (raw, raw_drops) = mpsc_fanout(n, subs).await?;
        let (daz_rate, raw_rate) = (per_second(deliveries, daz), per_second(deliveries, raw));
        let ratio = daz_rate / raw_rate;
        if subs == 4 {
            four_sub_rate = daz_rate;
        }
        let name = format!("fan-out to {subs} (drops daz {daz_drops}, raw {raw_drops})");
        let target = if subs == 1 { "none" } else { ">= 0.50" };
        compare(
            &name,
            &rate(daz_rate),
            &rate(raw_rate),
            ratio,
            target,
            subs == 1 || ratio >= 0.5,
        );
        if daz_drops + raw_drops > 0 {
            return Err("lossless mode dropped events".into());
        }
    }
    let (elapsed, drops) = daz_fanout(n, 4, true).await?;
    let others = per_second(n * 4, elapsed);
    let expected = n.saturating_sub(1024);
    println!(
        "stalled subscriber (cap 1024) beside 4 others: others {} ({:.2}x the unstalled run), drops {drops} (exactly n - 1024 = {expected}: {})",
        rate(others),
        others / four_sub_rate,
        drops == expected
    );
    if drops != expected {
        return Err(format!("stalled subscriber dropped {drops}, expected {expected}").into());
    }
    Ok(())
}

/// Time to publish `n` events with `extra` non-matching subscriptions
/// registered and one matching subscriber drained as it goes.
fn routing(n: u64, extra: usize) -> Fallible<Duration> {
    let bus = EventBus::new();
    let mut keep = Vec::with_capacity(extra);
    for i in 0..extra {
        let p = match i % 3 {
            0 => format!("other{i}.event.>"),
            1 => format!("cytube.event.name{i}"),
            _ => format!("cytube.*.name{i}"),
        };
        keep.push(bus.subscribe(Pattern::new(p)?, SubscribeOptions::new())?);
    }
    let mut sub = bus.subscribe(
        Pattern::new("cytube.event.chatMsg")?,
        SubscribeOptions::new(),
    )?;
    let topic = Topic::new("cytube.event.chatMsg")?;
    let start = Instant::now();
    for i in 0..n {
        bus.publish(Event::builder(topic.clone()).payload(Chat { n: i }));
        if i % 512 == 511 {
            while sub.try_recv().is_some() {}
        }
    }
    let elapsed = start.elapsed();
    if bus.stats().dropped != 0 {
        return Err("routing benchmark dropped events".into());
    }
    Ok(elapsed)
}

fn routing_scale(opts: Options) -> Fallible {
    let n = opts.events;
    println!("== routing scale: publish {n} events, 10 vs 10,000 non-matching subscriptions");
    let small = routing(n, 10)?;
    let large = routing(n, 10_000)?;
    let (small_ns, large_ns) = (
        small.as_nanos() as f64 / n as f64,
        large.as_nanos() as f64 / n as f64,
    );
    let ratio = large_ns / small_ns;
    compare(
        "publish cost, 10,000 vs 10 others",
        &format!("{large_ns:.0} ns"),
        &format!("{small_ns:.0} ns"),
        ratio,
        "<= 1.50",
        ratio <= 1.5,
    );
    Ok(())
}

async fn daz_round_trips(n: u64) -> Fallible<Vec<Duration>> {
    let bus = EventBus::new();
    let mut inbox = bus.inbox("echo", SubscribeOptions::new())?;
    let responder = bus.clone();
    let server = tokio::spawn(async move {
        while let Some(request) = inbox.recv().await {
            if responder.reply(&request, request.clone()).is_err() {
                break;
            }
        }
    });
    let mut times = Vec::with_capacity(usize::try_from(n)?);
    for i in 0..n {
        let start = Instant::now();
        bus.request("echo", Event::new(Chat { n: i }), Duration::from_secs(5))
            .await?;
        times.push(start.elapsed());
    }
    server.abort();
    Ok(times)
}

async fn raw_round_trips(n: u64) -> Fallible<Vec<Duration>> {
    let (tx, mut rx) = mpsc::channel::<(Arc<Chat>, oneshot::Sender<Arc<Chat>>)>(1024);
    let server = tokio::spawn(async move {
        while let Some((chat, reply)) = rx.recv().await {
            if reply.send(chat).is_err() {
                break;
            }
        }
    });
    let mut times = Vec::with_capacity(usize::try_from(n)?);
    for i in 0..n {
        let start = Instant::now();
        let (reply_tx, reply_rx) = oneshot::channel();
        tx.send((Arc::new(Chat { n: i }), reply_tx)).await?;
        reply_rx.await?;
        times.push(start.elapsed());
    }
    server.abort();
    Ok(times)
}

async fn request_response(opts: Options) -> Fallible {
    let n = (opts.events / 10).max(1000);
    println!(
        "== request/response: {n} sequential round trips (after {} warm-up)",
        n / 10
    );
    daz_round_trips(n / 10).await?;
    raw_round_trips(n / 10).await?;
    let mut daz = daz_round_trips(n).await?;
    let mut raw = raw_round_trips(n).await?;
    daz.sort_unstable();
    raw.sort_unstable();
    for (label, p, target) in [("p50", 50.0, None), ("p99", 99.0, Some(3.0))] {
        let (d, r) = (percentile(&daz, p), percentile(&raw, p));
        let ratio = d.as_secs_f64() / r.as_secs_f64().max(f64::MIN_POSITIVE);
        let (target_text, met) = match target {
            Some(t) => (format!("<= {t:.2}"), ratio <= t),
            None => ("none".to_owned(), true),
        };
        compare(
            &format!("round trip {label}"),
            &format!("{:.1} us", d.as_secs_f64() * 1e6),
            &format!("{:.1} us", r.as_secs_f64() * 1e6),
            ratio,
            &target_text,
            met,
        );
    }
    Ok(())
}

fn main() -> Fallible {
    let opts = Options::from_args(1_000_000, &["fanout", "routing", "request"])?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    if opts.runs("fanout") {
        runtime.block_on(fanout(opts))?;
    }
    if opts.runs("routing") {
        routing_scale(opts)?;
    }
    if opts.runs("request") {
        runtime.block_on(request_response(opts))?;
    }
    Ok(())
}
