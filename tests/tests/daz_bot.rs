//! daz-bot end to end: its bundled modules on a real Socket.IO server
//! playing CyTube (from recorded frames) and on each database. A `!give`
//! typed in the channel changes the balances in the database and the
//! answer comes back to the channel; a reminder pending while the bot
//! restarts is still delivered.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/joined.rs"]
mod joined;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

use daz_core::{Bot, BotHandle, Config, Format, ModuleState, ShutdownReport};
use daz_sql::{Database, with_pool};
use joined::joined;
use serde_json::json;
use server::{Options, Replay, TestServer};

type Running = tokio::task::JoinHandle<daz_core::Result<ShutdownReport>>;

/// The bot as `daz-bot run` composes it, in the test server's channel.
async fn start(server: &TestServer, db: &Database) -> (BotHandle, Running) {
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

async fn stop(handle: BotHandle, running: Running) {
    handle.stop();
    let report = running.await.unwrap().unwrap();
    assert!(report.abandoned.is_empty(), "{:?}", report.abandoned);
}

/// ann and bob are in the channel.
fn replay() -> Replay {
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
async fn say(server: &TestServer, user: &str, text: &str) {
    let frame = json!({"username": user, "msg": text, "meta": {}, "time": 1});
    server.io.emit("chatMsg", &frame).await.unwrap();
}

/// Waits for the bot to say `text` in the channel.
async fn bot_says(server: &TestServer, text: &str) {
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

async fn balances(db: &Database) -> Result<Vec<(String, i64)>, Box<dyn std::error::Error>> {
    Ok(with_pool!(db, p => {
        sqlx::query_as("SELECT user_key, coins FROM daz_economy_balances ORDER BY user_key")
            .fetch_all(p)
            .await?
    }))
}

async fn chat_lines(db: &Database, text: &str) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(with_pool!(db, p => {
        sqlx::query_scalar("SELECT COUNT(*) FROM daz_chat_log WHERE text = $1")
            .bind(text)
            .fetch_one(p)
            .await?
    }))
}

async fn balances_become(db: &Database, want: &[(&str, i64)]) {
    let want: Vec<(String, i64)> = want.iter().map(|(u, c)| ((*u).to_owned(), *c)).collect();
    let mut have = Vec::new();
    for _ in 0..1000 {
        have = balances(db).await.unwrap();
        if have == want {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("balances {have:?}, wanted {want:?}");
}

// One thread: socketioxide runs each event's handler as a task, and on one
// thread they run in arrival order, as CyTube answers.
#[tokio::test]
async fn give_changes_the_balances_and_a_reminder_survives_a_restart() {
    for db in daz_sql::testing::test_databases().await.unwrap() {
        db.prepare().await.unwrap();
        let server = TestServer::start(replay(), Options::default()).await;
        let (handle, running) = start(&server, &db).await;
        say(&server, "ann", "hi all").await;
        say(&server, "bob", "hello").await;
        balances_become(&db, &[("ann", 100), ("bob", 100)]).await;
        say(&server, "ann", "!give bob 30").await;
        bot_says(
            &server,
            "ann gave 30 coins to bob (fee 2); ann has 68 coins left.",
        )
        .await;
        balances_become(&db, &[("ann", 68), ("bob", 130)]).await;
        say(&server, "bob", "!give ann 500").await;
        bot_says(
            &server,
            "bob: that needs 525 coins with the fee; you have 130.",
        )
        .await;
        balances_become(&db, &[("ann", 68), ("bob", 130)]).await;

        say(&server, "ann", "!remindme 2s tea").await;
        bot_says(&server, "OK ann, I will remind you in 2s.").await;
        stop(handle, running).await;
        // The bot is back (a new connection, the channel joined again).
        let (handle, running) = start(&server, &db).await;
        bot_says(&server, "ann: reminder: tea").await;
        let chat_logged = chat_lines(&db, "!give bob 30").await.unwrap();
        assert_eq!(
            chat_logged,
            1,
            "{:?}: the chat log keeps it once",
            db.backend()
        );
        stop(handle, running).await;
        server.stop();
    }
}
