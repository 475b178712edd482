//! The soak's schedule: start everything, play the channel, inject the
//! faults on time, drain, and gather the figures.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use daz_core::{Bot, BotHandle, Config, Format};
use futures::StreamExt;

use crate::channel::Channel;
use crate::checks::{self, Secrets};
use crate::faulty::{Panicker, Staller};
use crate::figures::Figures;
use crate::proxy::Proxy;

/// One minute of faults.
const PERIOD: Duration = Duration::from_secs(60);
const RATE: u32 = 200;

/// `host:port` of a `scheme://[user@]host:port/...` URL.
fn address(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    rest.split(['/', '?']).next().unwrap_or(rest).to_owned()
}

fn config(channel: &Channel, nats_port: u16, prefix: &str, s: &Secrets) -> Config {
    let toml = format!(
        r#"{defaults}
[logger]
chat = true
users = true
media = true
events = ["daz.command.audit"]
buffer = 500000

[runtime.restart]
max_failures = 1000000
initial_backoff = "10ms"
max_backoff = "50ms"

[cytube]
reconnect = {{ initial = "250ms", max = "4s", jitter = 0.2, attempts = 1000 }}

[[cytube.rooms]]
channel = "testchan"
user = "RawGuestbtt2"
password = "{cytube}"
socket = "{url}"

[commands.flood]
burst = 100000

[nats]
url = "nats://127.0.0.1:{nats_port}"
prefix = "{prefix}"
token = "{nats}"
export = ["cytube.event.chatMsg"]

[admin]
bind = "127.0.0.1:0"
token = "{admin}"
"#,
        defaults = daz_bot::compose::DEFAULTS.replace(
            "[logger]\nchat = true\nusers = true\nmedia = true\nevents = [\"daz.command.audit\"]\n",
            ""
        ),
        cytube = s.cytube,
        url = channel.url(),
        nats = s.nats,
        admin = s.admin,
    );
    Config::parse(&toml, Format::Toml).unwrap()
}

async fn until_joined(handle: &BotHandle, limit: Duration) {
    let deadline = Instant::now() + limit;
    while !crate::joined::joined(handle, Duration::from_secs(2)).await {
        assert!(
            Instant::now() < deadline,
            "the bot did not join the channel"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A one-threaded runtime on its own thread, for the test server.
fn server_thread() -> tokio::runtime::Handle {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let handle = runtime.handle().clone();
    std::thread::spawn(move || runtime.block_on(std::future::pending::<()>()));
    handle
}

/// Lets `proxy` accept again (on the server thread, where it runs).
async fn restore(server: &tokio::runtime::Handle, proxy: &Arc<Proxy>) {
    let proxy = Arc::clone(proxy);
    server
        .spawn(async move { proxy.restore().await })
        .await
        .unwrap();
}

async fn at(start: Instant, offset: Duration) {
    tokio::time::sleep_until((start + offset).into()).await;
}

/// Runs the soak: a warm-up minute, then `length` (whole minutes), each
/// minute with every fault; returns its figures.
pub(crate) async fn soak(measured: Duration, postgres: &str, nats: &str) -> Figures {
    let length = measured + PERIOD;
    let secrets = Secrets::new();
    let log = checks::capture_output();
    // The server and the proxies on a thread of their own, one-threaded:
    // socketioxide runs each client event's handler as a task, and on one
    // thread they run in arrival order, as CyTube answers them. The bot's
    // runtime then holds the bot's tasks only.
    let server = server_thread();
    let (pg_at, nats_at) = (address(postgres), address(nats));
    let pg_proxy = Arc::new(
        server
            .spawn(async move { Proxy::start(&pg_at).await })
            .await
            .unwrap(),
    );
    let nats_proxy = Arc::new(
        server
            .spawn(async move { Proxy::start(&nats_at).await })
            .await
            .unwrap(),
    );
    let (scheme, rest) = postgres.split_once("://").unwrap();
    let user = rest
        .rsplit_once('@')
        .map_or("postgres", |(u, _)| u.split(':').next().unwrap_or(u));
    let database = rest.split_once('/').map_or("test", |(_, d)| d);
    let proxied = format!(
        "{scheme}://{user}:{}@127.0.0.1:{}/{database}",
        secrets.postgres, pg_proxy.port
    );
    let db = daz_sql::testing::scratch_postgres(&proxied).await.unwrap();
    db.prepare().await.unwrap();

    // A NATS client of the test's own, straight to the server: counts the
    // chat lines the bot exported.
    let prefix = format!("soak{}", daz_core::EventId::next());
    let client = async_nats::connect(nats).await.unwrap();
    let mut exported = client
        .subscribe(format!("{prefix}.cytube.event.chatMsg"))
        .await
        .unwrap();
    let forwarded = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&forwarded);
    let counting = tokio::spawn(async move {
        while exported.next().await.is_some() {
            counter.fetch_add(1, Ordering::Relaxed);
        }
    });

    let channel = server.spawn(Channel::start()).await.unwrap();
    let config = config(&channel, nats_proxy.port, &prefix, &secrets);
    let admin = daz_bot::compose::admin(&config).unwrap().unwrap();
    let admin_address = admin.address();
    let panics = Arc::new(AtomicU64::new(0));
    let bot: Bot = daz_bot::compose::bot(config, &db)
        .module(daz_bot::compose::bridge(&db))
        .module(admin)
        .module(Panicker {
            every: 997,
            seen: Arc::clone(&panics),
        })
        .module(Staller {
            every: 2000,
            stall: Duration::from_secs(6),
            seen: 0,
        })
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    daz_bot::compose::until_running(&handle, Duration::from_secs(30))
        .await
        .unwrap();
    until_joined(&handle, Duration::from_secs(30)).await;

    let start = Instant::now();
    channel.open(true);
    let playing = server.spawn(Arc::clone(&channel).play(RATE, start + length));
    let mut figures = Figures::default();
    let samples: Arc<std::sync::Mutex<Vec<checks::Usage>>> = Arc::default();
    let series = Arc::clone(&samples);
    let tallied = Arc::clone(&channel);
    let sampling = tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(5)).await;
            series.lock().unwrap().push(checks::Usage::now());
            // Folds in the bot's replies, so the server does not keep them.
            tallied.replies();
        }
    });
    let periods = u32::try_from(length.as_secs() / PERIOD.as_secs()).unwrap_or(1);
    for period in 0..periods {
        let base = start + PERIOD * period;
        if period == 1 {
            at(base, Duration::ZERO).await;
            // After the warm-up minute, which went through every fault
            // once: buffers and pools are at their working size.
            figures.warm = checks::Usage::settled().await;
        }
        at(base, Duration::from_secs(10)).await;
        let outage = Arc::clone(&channel);
        let dropped = server
            .spawn(async move { outage.outage(Duration::from_secs(4)).await })
            .await
            .unwrap();
        until_joined(&handle, Duration::from_secs(30)).await;
        channel.open(true);
        figures
            .outages
            .push(checks::attempts_after(dropped, &channel.attempts));
        at(base, Duration::from_secs(20)).await;
        pg_proxy.cut();
        at(base, Duration::from_secs(28)).await;
        nats_proxy.cut();
        at(base, Duration::from_secs(33)).await;
        restore(&server, &nats_proxy).await;
        at(base, Duration::from_secs(50)).await;
        restore(&server, &pg_proxy).await;
        println!(
            "soak: minute {} of {periods}: {} chat lines sent",
            period + 1,
            channel.script.chat_sent.load(Ordering::SeqCst)
        );
    }
    playing.await.unwrap();

    figures.played = checks::Usage::now();
    checks::drain(&channel, &db).await;
    figures.end = checks::Usage::settled().await;
    sampling.abort();
    figures.samples = samples.lock().unwrap().clone();
    figures
        .gather(
            &channel,
            &db,
            &handle,
            admin_address.get().expect("the admin API listens").port(),
            &secrets,
        )
        .await;
    figures.forwarded = forwarded.load(Ordering::Relaxed);
    figures.panicker_lines = panics.load(Ordering::SeqCst);
    handle.stop();
    let report = running.await.unwrap().unwrap();
    figures.abandoned = report.abandoned.clone();
    counting.abort();
    figures.secrets_seen = secrets.found_in(&log.read());
    figures
}
