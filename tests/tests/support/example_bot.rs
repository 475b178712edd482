//! The example bot as `daz-bot run` composes it, on the test server, and
//! what tests do with it: say, wait for an answer.

#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support"
)]

use std::time::Duration;

use daz_core::{Bot, BotHandle, Config, Format, ModuleState, ShutdownReport};
use daz_sql::Database;
use serde_json::json;

use crate::joined::joined;
use crate::server::{Replay, TestServer};

pub(crate) type Running = tokio::task::JoinHandle<daz_core::Result<ShutdownReport>>;

/// The bot as `daz-bot run` composes it, in the test server's channel.
pub(crate) async fn start(server: &TestServer, db: &Database) -> (BotHandle, Running) {
    let toml = format!(
        "{}\n[[cytube.rooms]]\nchannel = \"testchan\"\nuser = \"RawGuestbtt2\"\nsocket = \"{}\"\n\
         [commands.flood]\nburst = 100\n",
        daz_bot::compose::DEFAULTS,
        server.url()
    );
    let config = Config::parse(&toml, Format::Toml).unwrap();
    let bot: Bot = daz_bot::compose::bot(config, db)
        .module(daz_bot::compose::bridge(db))
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    for _ in 0..1000 {
        let list = handle.modules().await.unwrap();
        if list.modules.iter().all(|m| m.state == ModuleState::Running)
            && joined(&handle, Duration::from_secs(5)).await
        {
            return (handle, running);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the bot did not start: {:?}", handle.modules().await);
}

pub(crate) async fn stop(handle: BotHandle, running: Running) {
    handle.stop();
    let report = running.await.unwrap().unwrap();
    assert!(report.abandoned.is_empty(), "{:?}", report.abandoned);
}

/// ann and bob are in the channel.
pub(crate) fn replay() -> Replay {
    let user = |name: &str| json!({"name": name, "rank": 1, "profile": {"image": "", "text": ""}, "meta": {"afk": false, "muted": false}});
    Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").also(
        "login",
        vec![
            ("addUser".into(), Some(user("ann"))),
            ("addUser".into(), Some(user("bob"))),
        ],
    )
}

/// `user` says `text` in the channel.
pub(crate) async fn say(server: &TestServer, user: &str, text: &str) {
    let frame = json!({"username": user, "msg": text, "meta": {}, "time": 1});
    server.io.emit("chatMsg", &frame).await.unwrap();
}

/// Waits for the bot to say `text` in the channel.
pub(crate) async fn bot_says(server: &TestServer, text: &str) {
    for _ in 0..1000 {
        let said = server.received();
        if said
            .iter()
            .any(|(name, p)| name == "chatMsg" && p.as_ref().is_some_and(|p| p["msg"] == text))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let chat: Vec<_> = server
        .received()
        .into_iter()
        .filter(|(name, _)| name == "chatMsg")
        .collect();
    panic!("the bot never said {text:?}; it said {chat:?}");
}
