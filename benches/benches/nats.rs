//! The NATS transport against bare async-nats on the same server
//! (`DAZ_TEST_NATS_URL`, default `nats://127.0.0.1:4222`):
//!
//! - Round trip: a module in one bot requests a module in another bot
//!   (its own bus and connection, as another process would have), one
//!   request at a time; beside a bare async-nats request answered by a
//!   bare subscriber with the same JSON. Target: p99 at most 1.5× the bare
//!   p99.
//! - Bridged events: events published on a bot's bus and exported, until
//!   a subscriber on NATS has them all; beside a bare client publishing
//!   the same JSON to the same subscriber. Target: at least 0.7× the bare
//!   rate. Also printed: daz against a bare client carrying daz's
//!   headers, and a bare client with one 1-byte header against none (what
//!   async-nats charges for any header, the floor under an envelope in
//!   headers).
//!
//! Run with: `cargo bench -p daz-bench --bench nats` (add `-- --quick`
//! for a smoke run, `-- --events N` or `-- --rounds N`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use daz_bench::{Options, compare, median, per_second, percentile, rate};
use daz_core::nats::NatsTransport;
use daz_core::{Bot, BotHandle, Config, Context, Event, Format, Module, ModuleResult};
use futures::StreamExt;
use serde::{Deserialize, Serialize};

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "bench.chat")]
struct Chat {
    user: String,
    text: String,
    n: u64,
}

fn chat(n: u64) -> Chat {
    Chat {
        user: "ann".into(),
        text: "hello there, how is everyone doing tonight?".into(),
        n,
    }
}

/// Answers every request with what it was asked.
#[derive(daz_core::Module)]
#[module(name = "echo")]
struct Echo;

#[daz_core::async_trait]
impl Module for Echo {
    async fn handle_request(&mut self, _ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        Ok(Event::new(request.payload::<Chat>()?.into_owned()))
    }
}

fn start(url: &str, prefix: &str, name: &str, extra: &str, echo: bool) -> Fallible<BotHandle> {
    let toml = format!(
        "[nats]\nurl = \"{url}\"\nprefix = \"{prefix}\"\nname = \"{name}\"\n\
         announce_every = \"200ms\"\n{extra}\n"
    );
    let mut builder = Bot::builder()
        .config(Config::parse(&toml, Format::Toml)?)
        .module(NatsTransport::new());
    if echo {
        builder = builder.module(Echo);
    }
    let bot = builder.build()?;
    let handle = bot.handle();
    tokio::spawn(bot.run_until(std::future::pending()));
    Ok(handle)
}

async fn roundtrip(url: &str, options: Options) -> Fallible {
    let n = options.events.min(20_000);
    let prefix = format!("dazbench.rt.p{}", daz_core::EventId::next());
    let a = start(url, &prefix, "a", "", false)?;
    let b = start(url, &prefix, "b", "", true)?;
    let bus = a.bus().clone();
    let ready = Instant::now();
    while bus.send("echo", Event::new(chat(0))).is_err() {
        if ready.elapsed() > Duration::from_secs(10) {
            return Err("the echo module never appeared".into());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let client = async_nats::connect(url).await?;
    let mut sub = client.subscribe(format!("{prefix}.bare.echo")).await?;
    let server = client.clone();
    tokio::spawn(async move {
        while let Some(msg) = sub.next().await {
            if let (Some(reply), Ok(chat)) =
                (msg.reply, serde_json::from_slice::<Chat>(&msg.payload))
                && let Ok(body) = serde_json::to_vec(&chat)
            {
                let _ = server.publish(reply, body.into()).await;
            }
        }
    });
    let asker = async_nats::connect(url).await?;
    let (mut daz_p99, mut bare_p99, mut daz_p50, mut bare_p50) = (vec![], vec![], vec![], vec![]);
    for _ in 0..options.rounds {
        let mut daz = Vec::with_capacity(usize::try_from(n)?);
        for i in 0..n {
            let started = Instant::now();
            let reply = bus
                .request("echo", Event::new(chat(i)), Duration::from_secs(5))
                .await?;
            let _ = reply.payload::<Chat>()?;
            daz.push(started.elapsed());
        }
        let mut bare = Vec::with_capacity(daz.len());
        for i in 0..n {
            let started = Instant::now();
            let body = serde_json::to_vec(&chat(i))?;
            let msg = asker
                .request(format!("{prefix}.bare.echo"), body.into())
                .await?;
            let _: Chat = serde_json::from_slice(&msg.payload)?;
            bare.push(started.elapsed());
        }
        daz.sort();
        bare.sort();
        daz_p99.push(percentile(&daz, 99.0).as_secs_f64() * 1e6);
        bare_p99.push(percentile(&bare, 99.0).as_secs_f64() * 1e6);
        daz_p50.push(percentile(&daz, 50.0).as_secs_f64() * 1e6);
        bare_p50.push(percentile(&bare, 50.0).as_secs_f64() * 1e6);
    }
    let (d50, b50) = (median(daz_p50), median(bare_p50));
    let (d99, b99) = (median(daz_p99), median(bare_p99));
    let us = |v: f64| format!("{v:.0} µs");
    compare(
        "request round trip p50, daz vs bare",
        &us(d50),
        &us(b50),
        d50 / b50,
        "(reported)",
        true,
    );
    let ratio = d99 / b99;
    compare(
        "request round trip p99, daz vs bare",
        &us(d99),
        &us(b99),
        ratio,
        "<= 1.5",
        ratio <= 1.5,
    );
    a.stop();
    b.stop();
    Ok(())
}

/// Counts messages on `subject` until `n` have come.
async fn counter(client: &async_nats::Client, subject: String) -> Fallible<Arc<AtomicU64>> {
    let count = Arc::new(AtomicU64::new(0));
    let mut sub = client.subscribe(subject).await?;
    let seen = Arc::clone(&count);
    tokio::spawn(async move {
        while sub.next().await.is_some() {
            seen.fetch_add(1, Ordering::Relaxed);
        }
    });
    client.flush().await?;
    Ok(count)
}

async fn until(count: &AtomicU64, n: u64) -> Fallible {
    let started = Instant::now();
    while count.load(Ordering::Relaxed) < n {
        if started.elapsed() > Duration::from_secs(60) {
            return Err(format!("only {} of {n} arrived", count.load(Ordering::Relaxed)).into());
        }
        tokio::time::sleep(Duration::from_micros(200)).await;
    }
    Ok(())
}

/// Publishes `n` chat events from a bare client on `subject`, with
/// `headers` if any, until the watcher has them all; events a second.
async fn bare_rate(
    client: &async_nats::Client,
    subject: &str,
    headers: Option<&async_nats::HeaderMap>,
    n: u64,
    arrived: (&AtomicU64, u64),
) -> Fallible<f64> {
    let started = Instant::now();
    for i in 0..n {
        let body = serde_json::to_vec(&chat(i))?;
        match headers {
            Some(h) => {
                client
                    .publish_with_headers(subject.to_owned(), h.clone(), body.into())
                    .await?;
            }
            None => client.publish(subject.to_owned(), body.into()).await?,
        }
    }
    client.flush().await?;
    until(arrived.0, arrived.1).await?;
    Ok(per_second(n, started.elapsed()))
}

async fn bridged(url: &str, options: Options) -> Fallible {
    let n = options.events;
    let prefix = format!("dazbench.ev.p{}", daz_core::EventId::next());
    let extra = format!("export = [\"bench.>\"]\ncapacity = {}", n + 16);
    let bot = start(url, &prefix, "a", &extra, false)?;
    let watcher = async_nats::connect(url).await?;
    let daz_count = counter(&watcher, format!("{prefix}.bench.chat")).await?;
    let bare_count = counter(&watcher, format!("{prefix}.bare.chat")).await?;
    let headed_count = counter(&watcher, format!("{prefix}.headed.chat")).await?;
    let one_count = counter(&watcher, format!("{prefix}.one.chat")).await?;
    // The headers daz puts on a published event, for the second baseline.
    let mut envelope = async_nats::HeaderMap::new();
    envelope.insert("Daz-Id", daz_core::EventId::next().to_string().as_str());
    envelope.insert("Daz-Origin", "a");
    envelope.insert("Daz-Time", "1700000000123456789");
    // The least any envelope in headers adds: one short header.
    let mut one = async_nats::HeaderMap::new();
    one.insert("D", "1");
    let bare = async_nats::connect(url).await?;
    tokio::time::sleep(Duration::from_millis(300)).await; // the transport connects
    let mut rates: [Vec<f64>; 4] = Default::default();
    for round in 0..options.rounds {
        let done = n * u64::try_from(round + 1)?;
        let started = Instant::now();
        for i in 0..n {
            bot.bus().publish(Event::new(chat(i)));
        }
        until(&daz_count, done).await?;
        rates[0].push(per_second(n, started.elapsed()));
        let subject = format!("{prefix}.bare.chat");
        rates[1].push(bare_rate(&bare, &subject, None, n, (&bare_count, done)).await?);
        let subject = format!("{prefix}.headed.chat");
        let arrived = (&*headed_count, done);
        rates[2].push(bare_rate(&bare, &subject, Some(&envelope), n, arrived).await?);
        let subject = format!("{prefix}.one.chat");
        rates[3].push(bare_rate(&bare, &subject, Some(&one), n, (&one_count, done)).await?);
    }
    let [d, b, h, o] = rates.map(median);
    let ratio = d / b;
    compare(
        "events bridged to NATS, daz vs bare publish",
        &rate(d),
        &rate(b),
        ratio,
        ">= 0.7",
        ratio >= 0.7,
    );
    compare(
        "events bridged, daz vs bare with daz's headers",
        &rate(d),
        &rate(h),
        d / h,
        "(reported)",
        true,
    );
    // Not daz: what async-nats charges for any header at all, the floor
    // under an envelope carried in headers.
    compare(
        "bare with one 1-byte header vs bare, no header",
        &rate(o),
        &rate(b),
        o / b,
        "(reported)",
        true,
    );
    bot.stop();
    Ok(())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Fallible {
    let options = Options::from_args(100_000, &["roundtrip", "bridged"])?;
    let url = std::env::var("DAZ_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into());
    if options.runs("roundtrip") {
        roundtrip(&url, options).await?;
    }
    if options.runs("bridged") {
        bridged(&url, options).await?;
    }
    Ok(())
}
