//! What the live server showed: the bot's own `addUser` (logged in after
//! the join) is not a guest to greet; `[server]` notices are not chat;
//! `playlist []` (clearPlaylist) ends what played; the bot's rank is the
//! channel's, from its own entry, not the login's.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/example_bot.rs"]
mod example_bot;
#[path = "support/joined.rs"]
mod joined;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

use daz_core::chat::Rank;
use daz_core::{BotHandle, Event};
use daz_cytube::bridge::{RoomSnapshot, StateQuery};
use daz_sql::Database;
use example_bot::{bot_says, say, start, stop};
use serde_json::{Value, json};
use server::{Options, TestServer};

fn user(name: &str, rank: u8) -> Value {
    json!({"name": name, "rank": rank, "profile": {"image": "", "text": ""}, "meta": {"afk": false, "muted": false}})
}

/// The bot's login completes after the join: the server then sends its
/// own `addUser` (with its channel rank) and, to moderators, a `[server]`
/// join notice.
/// Then ann and bob join.
fn channel() -> server::Replay {
    server::Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").also(
        "login",
        vec![
            ("addUser".into(), Some(user("RawGuestbtt2", 2))),
            (
                "chatMsg".into(),
                Some(json!({"username": "[server]", "msg": "RawGuestbtt2 joined (aliases: RawGuestbtt2)", "meta": {"addClass": "server-whisper", "addClassToNameAndTimestamp": true}, "time": 2})),
            ),
            ("addUser".into(), Some(user("ann", 1))),
            ("addUser".into(), Some(user("bob", 1))),
        ],
    )
}

async fn snapshot(handle: &BotHandle) -> RoomSnapshot {
    let query = Event::new(StateQuery::new("testchan"));
    let reply = handle
        .bus()
        .request("cytube", query, Duration::from_secs(5))
        .await
        .unwrap();
    reply.payload::<RoomSnapshot>().unwrap().clone()
}

/// Waits until the room's state passes `check`.
async fn state_until(handle: &BotHandle, what: &str, check: impl Fn(&RoomSnapshot) -> bool) {
    let mut last = None;
    for _ in 0..500 {
        let now = snapshot(handle).await;
        if check(&now) {
            return;
        }
        last = Some(now);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the room never showed {what}: {last:?}");
}

fn chat_lines(server: &TestServer) -> Vec<String> {
    server
        .received()
        .into_iter()
        .filter(|(name, _)| name == "chatMsg")
        .filter_map(|(_, p)| Some(p?["msg"].as_str()?.to_owned()))
        .collect()
}

#[tokio::test]
async fn the_bot_knows_itself_and_the_server_is_not_a_user() {
    let server = TestServer::start(channel(), Options::default()).await;
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.prepare().await.unwrap();
    let (handle, running) = start(&server, &db).await;

    // Its rank is the channel's, from its own entry (the login said 0).
    state_until(&handle, "the bot at rank 2", |s| s.rank == Rank::MODERATOR).await;

    // The first arrival after the bot's own addUser is greeted: the bot
    // took no greeting (nor the room's 10 s gap between greetings).
    bot_says(&server, "Welcome, ann!").await;
    assert!(
        !chat_lines(&server)
            .iter()
            .any(|l| l.contains("RawGuestbtt2")),
        "{:?}",
        chat_lines(&server)
    );

    // The [server] notice made no account: only ann is on the list.
    say(&server, "ann", "hello all").await;
    say(&server, "ann", "!top").await;
    let top = loop_until_line(&server, "Top coins: ").await;
    assert_eq!(top, "Top coins: 1. ann 100", "{:?}", chat_lines(&server));
    // Nor a chat-log row: ann's lines are there, no one else's.
    let users = logged_users(&db, 2).await;
    assert_eq!(users, ["ann", "ann"]);

    // clearPlaylist: what played ends with the playlist.
    let item = json!({"media": {"id": "abc", "title": "Song", "seconds": 60, "duration": "01:00", "type": "yt", "meta": {}}, "uid": 7, "temp": false, "queueby": "ann"});
    server.io.emit("playlist", &json!([item])).await.unwrap();
    server.io.emit("setCurrent", &json!(7)).await.unwrap();
    let media = json!({"id": "abc", "title": "Song", "seconds": 60, "duration": "01:00", "type": "yt", "meta": {}, "currentTime": 0, "paused": false});
    server.io.emit("changeMedia", &media).await.unwrap();
    state_until(&handle, "Song playing", |s| {
        s.now_playing
            .as_ref()
            .is_some_and(|n| n.media.title == "Song")
    })
    .await;
    server.io.emit("playlist", &json!([])).await.unwrap();
    state_until(&handle, "nothing playing", |s| {
        s.now_playing.is_none() && s.playlist.is_empty()
    })
    .await;

    stop(handle, running).await;
}

/// Waits until the chat log holds `rows` rows of others' chat; their
/// speakers, in order.
async fn logged_users(db: &Database, rows: usize) -> Vec<String> {
    let daz_sql::Pool::Sqlite(pool) = db.pool() else {
        panic!("a SQLite database")
    };
    let mut users = Vec::new();
    for _ in 0..500 {
        users = sqlx::query_scalar::<_, String>(
            "SELECT user_name FROM daz_chat_log WHERE user_name <> 'RawGuestbtt2' ORDER BY id",
        )
        .fetch_all(pool)
        .await
        .unwrap_or_default();
        if users.len() >= rows {
            return users;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the chat log holds only {users:?}");
}

/// Waits for a line the bot said that starts with `prefix`.
async fn loop_until_line(server: &TestServer, prefix: &str) -> String {
    for _ in 0..1000 {
        if let Some(line) = chat_lines(server)
            .into_iter()
            .find(|l| l.starts_with(prefix))
        {
            return line;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the bot never said {prefix:?}…: {:?}", chat_lines(server));
}
