//! Bots that talk over NATS: each is a "process" of its own (its own bus
//! and its own NATS connection), with modules that record what reaches
//! them.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use daz_core::nats::{NatsHandle, NatsTransport};
use daz_core::{
    Bot, BotHandle, Config, Context, Event, Format, Module, ModuleResult, Pattern, ShutdownReport,
};
use serde::{Deserialize, Serialize};
use tokio::task::JoinHandle;

/// A numbered demo event.
#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "demo.ping")]
pub(crate) struct Ping {
    pub(crate) n: u64,
}

/// A question for the weather module.
#[derive(Debug, Clone, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "weather.ask")]
pub(crate) struct Ask {
    pub(crate) city: String,
    pub(crate) sleep_ms: u64,
}

/// Its answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, daz_core::Event)]
#[event(topic = "weather.forecast")]
pub(crate) struct Forecast {
    pub(crate) city: String,
    pub(crate) celsius: i32,
    pub(crate) version: u32,
}

/// What a module saw: topic, ping number, origin tag.
pub(crate) type Seen = Arc<Mutex<Vec<(String, u64, Option<String>)>>>;

/// Records every `demo.>` event.
#[derive(daz_core::Module)]
#[module(name = "collector")]
pub(crate) struct Collector {
    pub(crate) seen: Seen,
}

#[daz_core::async_trait]
impl Module for Collector {
    async fn init(&mut self, ctx: &mut Context) -> ModuleResult {
        ctx.subscribe(Pattern::new("demo.>")?)?;
        Ok(())
    }

    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        let n = event.payload::<Ping>().map(|p| p.n).unwrap_or(u64::MAX);
        let origin = event.tags().get(daz_core::nats::ORIGIN_TAG).cloned();
        self.seen
            .lock()
            .unwrap()
            .push((event.topic().to_string(), n, origin));
        Ok(())
    }
}

/// Answers `weather.ask` requests (Paris: "no such city") and records the
/// pings sent to it, in order.
#[derive(daz_core::Module)]
#[module(name = "weather")]
pub(crate) struct Weather {
    pub(crate) version: u32,
    pub(crate) sent: Seen,
}

#[daz_core::async_trait]
impl Module for Weather {
    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        let n = event.payload::<Ping>()?.n;
        let source = event.source().map(str::to_owned);
        self.sent
            .lock()
            .unwrap()
            .push((event.topic().to_string(), n, source));
        Ok(())
    }

    async fn handle_request(&mut self, _ctx: &mut Context, request: Event) -> ModuleResult<Event> {
        let ask = request.payload::<Ask>()?;
        if ask.city == "Paris" {
            return Err("no such city".into());
        }
        tokio::time::sleep(Duration::from_millis(ask.sleep_ms)).await;
        Ok(Event::new(Forecast {
            city: ask.city.clone(),
            celsius: 21,
            version: self.version,
        }))
    }
}

/// The NATS server the tests use; `None` (the test returns) outside CI
/// when it is not configured.
pub(crate) fn nats_url() -> Option<String> {
    daz_core::testing::service("DAZ_TEST_NATS_URL")
}

/// A subject prefix no other test run uses.
pub(crate) fn unique_prefix(test: &str) -> String {
    format!("daztest.{test}.p{}", daz_core::EventId::next())
}

/// A running bot.
pub(crate) struct Peer {
    pub(crate) handle: BotHandle,
    pub(crate) nats: NatsHandle,
    task: JoinHandle<ShutdownReport>,
}

impl Peer {
    /// Starts a bot named `name` with `[nats]` settings `extra` and `modules`.
    pub(crate) fn start(
        url: &str,
        prefix: &str,
        name: &str,
        extra: &str,
        modules: Vec<Box<dyn Module>>,
    ) -> Self {
        let toml = format!(
            "[nats]\nurl = \"{url}\"\nprefix = \"{prefix}\"\nname = \"{name}\"\n\
             announce_every = \"200ms\"\n{extra}\n"
        );
        let config = Config::parse(&toml, Format::Toml).unwrap();
        let transport = NatsTransport::new();
        let nats = transport.handle();
        let mut builder = Bot::builder().config(config).module(transport);
        for module in modules {
            builder = builder.boxed_module(module);
        }
        let bot = builder.build().unwrap();
        let handle = bot.handle();
        let task =
            tokio::spawn(async move { bot.run_until(std::future::pending()).await.unwrap() });
        Self { handle, nats, task }
    }

    /// Stops the bot and waits for it.
    pub(crate) async fn stop(self) {
        self.handle.stop();
        tokio::time::timeout(Duration::from_secs(10), self.task)
            .await
            .expect("the bot stops")
            .unwrap();
    }

    /// Waits until this peer knows `peer`.
    pub(crate) async fn knows(&self, peer: &str) {
        let nats = self.nats.clone();
        let peer = peer.to_owned();
        eventually("the peer is announced", move || {
            nats.stats().peers.contains(&peer)
        })
        .await;
    }
}

/// Polls `check` every 10 ms for up to 10 s.
pub(crate) async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
