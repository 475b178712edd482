//! `daz-dice`, the example's remote module binary, joins a bot over the
//! real NATS server (`DAZ_TEST_NATS_URL`): a `!roll` said in the bot's
//! channel is answered by the other process; killed and started again,
//! it answers again while the bot never stopped.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use daz_core::chat::{CHAT_TOPIC, ChatMessage, Rank, SendChat};
use daz_core::nats::NatsTransport;
use daz_core::{Bot, Config, Context, Event, Format, Module, ModuleResult};
use tokio::process::{Child, Command};

/// Stands in for the CyTube bridge: records what the bot says.
#[derive(daz_core::Module)]
#[module(name = "cytube")]
struct FakeBridge {
    said: Arc<Mutex<Vec<String>>>,
}

#[daz_core::async_trait]
impl Module for FakeBridge {
    async fn handle(&mut self, _ctx: &mut Context, event: Event) -> ModuleResult {
        if let Ok(chat) = event.payload::<SendChat>() {
            self.said.lock().unwrap().push(chat.text.clone());
        }
        Ok(())
    }
}

fn dice(url: &str, prefix: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_daz-dice"))
        .args(["--url", url, "--prefix", prefix])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn until(what: &str, limit: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(start.elapsed() < limit, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Says `!roll 4d1` as `user` until the bot answers (the remote router
/// may still be starting) and returns the answer.
async fn roll(bus: &daz_core::EventBus, said: &Arc<Mutex<Vec<String>>>, user: &str) -> String {
    let expected = format!("{user} rolls 4d1: 4 (1 + 1 + 1 + 1)");
    let start = Instant::now();
    loop {
        let chat = ChatMessage::new("lobby", user, Rank::new(1.0), "!roll 4d1");
        bus.publish(Event::builder(CHAT_TOPIC).room("lobby").payload(chat));
        tokio::time::sleep(Duration::from_millis(200)).await;
        if said.lock().unwrap().contains(&expected) {
            return expected;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no answer: {:?}",
            said.lock().unwrap()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remote_module_answers_and_is_replaced_while_the_bot_runs() {
    let Some(url) = daz_core::testing::service("DAZ_TEST_NATS_URL") else {
        return;
    };
    let prefix = format!("daztest.dice.p{}", daz_core::EventId::next());
    let toml = format!(
        "[nats]\nurl = \"{url}\"\nprefix = \"{prefix}\"\nname = \"bot\"\n\
         announce_every = \"200ms\"\nexport = [\"cytube.event.>\"]\n"
    );
    let said = Arc::new(Mutex::new(Vec::new()));
    let transport = NatsTransport::new();
    let nats = transport.handle();
    let bot = Bot::builder()
        .config(Config::parse(&toml, Format::Toml).unwrap())
        .module(transport)
        .module(FakeBridge { said: said.clone() })
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    let bus = handle.bus().clone();

    let mut first = dice(&url, &prefix);
    until("the dice process joins", Duration::from_secs(20), || {
        nats.stats().peers.iter().any(|p| p == "dice")
    })
    .await;
    let answer = roll(&bus, &said, "ann").await;
    assert_eq!(answer, "ann rolls 4d1: 4 (1 + 1 + 1 + 1)");

    // Killed without a goodbye: the bot forgets it after three periods.
    first.kill().await.unwrap();
    until(
        "the bot forgets the dead process",
        Duration::from_secs(10),
        || nats.stats().peers.is_empty(),
    )
    .await;

    let _second = dice(&url, &prefix);
    let answer = roll(&bus, &said, "bob").await;
    assert_eq!(answer, "bob rolls 4d1: 4 (1 + 1 + 1 + 1)");
    assert!(!running.is_finished(), "the bot ran throughout");
    handle.stop();
    running.await.unwrap().unwrap();
}
