//! Logger throughput on PostgreSQL: 1,000,000 chat events through the
//! `logger` module (bus → batches → UNNEST inserts) against raw `COPY FROM
//! STDIN` of the same rows with sqlx, and against one INSERT per event
//! (sampled: a full million would take minutes). Also the process's peak
//! memory during the logger run.
//!
//! Needs PostgreSQL: `DAZ_TEST_POSTGRES_URL` (as `.ci/run` sets it).
//! Run with: `cargo bench -p daz-bench --bench sql` (add `-- --quick`).

use std::time::{Duration, Instant};

use daz_bench::{Options, compare, per_second, rate};
use daz_core::chat::{ChatMessage, Rank};
use daz_core::{Bot, Config, Event, EventBus, EventPayload, Format};
use daz_sql::{Database, Logger, Pool};

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Peak resident memory of this process so far (`VmHWM`), in KiB.
fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(str::to_owned)
        })
        .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

fn pg(db: &Database) -> Fallible<&sqlx::PgPool> {
    match db.pool() {
        Pool::Postgres(p) => Ok(p),
        _ => Err("not PostgreSQL".into()),
    }
}

async fn count(db: &Database) -> Fallible<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM daz_chat_log")
        .fetch_one(pg(db)?)
        .await?)
}

async fn truncate(db: &Database) -> Fallible {
    sqlx::query("TRUNCATE daz_chat_log")
        .execute(pg(db)?)
        .await?;
    Ok(())
}

fn message(i: usize) -> ChatMessage {
    ChatMessage::new(
        "lobby",
        &format!("user{}", i % 97),
        Rank::REGISTERED,
        &format!("chat line number {i}, hello"),
    )
}

async fn through_logger(db: &Database, n: usize) -> Fallible<Duration> {
    let config = Config::parse(
        "[logger]\nbatch_size = 20000\nflush_every = \"200ms\"\nbuffer = 2000000\nusers = false\nmedia = false\nevents = []",
        Format::Toml,
    )?;
    // Room for the whole burst in the logger's mailbox: the bus drops (and
    // counts) what a full mailbox cannot take.
    let mut bus_config = daz_core::BusConfig::default();
    bus_config.default_capacity = n + 1024;
    let bus = EventBus::builder().config(bus_config).build()?;
    let logger = Logger::new(db);
    let stats = logger.stats_handle();
    let bot = Bot::builder()
        .bus(bus.clone())
        .config(config)
        .module(logger)
        .build()?;
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    while handle
        .modules()
        .await?
        .get("logger")
        .is_none_or(|m| m.state != daz_core::ModuleState::Running)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let started = Instant::now();
    for i in 0..n {
        bus.publish(Event::builder(ChatMessage::TOPIC).payload(message(i)));
        if i % 512 == 511 {
            tokio::task::yield_now().await;
        }
    }
    handle.stop();
    running.await??;
    let took = started.elapsed();
    let s = stats.get();
    if s.written != u64::try_from(n)? || s.dropped != 0 {
        return Err(format!(
            "the logger wrote {} of {n} rows ({} dropped)",
            s.written, s.dropped
        )
        .into());
    }
    Ok(took)
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

async fn through_copy(db: &Database, n: usize) -> Fallible<Duration> {
    let started = Instant::now();
    let mut conn = pg(db)?.acquire().await?;
    let mut copy = conn
        .copy_in_raw("COPY daz_chat_log (at_ms, room, user_name, rank, text, html, pm) FROM STDIN")
        .await?;
    let mut chunk = String::new();
    for i in 0..n {
        let m = message(i);
        let at = chrono::Utc::now().timestamp_millis();
        chunk.push_str(&format!(
            "{at}\t{}\t{}\t{}\t{}\t\\N\tf\n",
            escape(&m.room),
            escape(&m.user),
            m.rank.value(),
            escape(&m.text)
        ));
        if chunk.len() > 1 << 20 {
            copy.send(std::mem::take(&mut chunk).into_bytes()).await?;
        }
    }
    copy.send(chunk.into_bytes()).await?;
    let rows = copy.finish().await?;
    if rows != u64::try_from(n)? {
        return Err(format!("COPY wrote {rows} of {n}").into());
    }
    Ok(started.elapsed())
}

async fn one_insert_each(db: &Database, n: usize) -> Fallible<Duration> {
    let started = Instant::now();
    for i in 0..n {
        let m = message(i);
        sqlx::query("INSERT INTO daz_chat_log (at_ms, room, user_name, rank, text, html, pm) VALUES ($1, $2, $3, $4, $5, NULL, false)")
            .bind(chrono::Utc::now().timestamp_millis())
            .bind(&m.room)
            .bind(&m.user)
            .bind(m.rank.value())
            .bind(&m.text)
            .execute(pg(db)?)
            .await?;
    }
    Ok(started.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Fallible {
    let options = Options::from_args(1_000_000, &["logger"])?;
    let Ok(url) = std::env::var("DAZ_TEST_POSTGRES_URL") else {
        println!("sql: skipped (set DAZ_TEST_POSTGRES_URL to a PostgreSQL database)");
        return Ok(());
    };
    let admin = Database::connect(&url).await?;
    let schema = format!("daz_bench_{}", std::process::id());
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(pg(&admin)?)
        .await?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(pg(&admin)?)
        .await?;
    let sep = if url.contains('?') { '&' } else { '?' };
    let db = Database::connect(&format!("{url}{sep}options=-csearch_path%3D{schema}")).await?;
    let n = usize::try_from(options.events)?;
    println!("sql: {n} chat events into daz_chat_log on PostgreSQL");

    let before = peak_kib();
    let logger = through_logger(&db, n).await?;
    let peak = peak_kib();
    if count(&db).await? != i64::try_from(n)? {
        return Err("the table does not hold every row".into());
    }
    truncate(&db).await?;
    let copy = through_copy(&db, n).await?;
    truncate(&db).await?;
    let sample = (n / 50).clamp(1000, 20_000);
    let inserts = one_insert_each(&db, sample).await?;

    let (logger_rate, copy_rate, insert_rate) = (
        per_second(options.events, logger),
        per_second(options.events, copy),
        per_second(u64::try_from(sample)?, inserts),
    );
    let vs_copy = logger_rate / copy_rate;
    compare(
        "logger vs raw COPY",
        &rate(logger_rate),
        &rate(copy_rate),
        vs_copy,
        ">= 0.5",
        vs_copy >= 0.5,
    );
    let vs_insert = logger_rate / insert_rate;
    compare(
        &format!("logger vs one INSERT each ({sample} sampled)"),
        &rate(logger_rate),
        &rate(insert_rate),
        vs_insert,
        ">= 10",
        vs_insert >= 10.0,
    );
    println!(
        "peak memory: {} MiB before, {} MiB after the logger run",
        before / 1024,
        peak / 1024
    );
    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
        .execute(pg(&admin)?)
        .await?;
    Ok(())
}
