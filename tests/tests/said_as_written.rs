//! Nothing a user types makes the bot run a CyTube chat command with its
//! rank: reminders, custom-command templates and PM replies, split into
//! lines anywhere, reach the server with no line starting with `/`.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/example_bot.rs"]
mod example_bot;
#[path = "support/joined.rs"]
mod joined;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

use daz_sql::Database;
use example_bot::{replay, say, start, stop};
use serde_json::json;
use server::{Options, TestServer};

/// A 13-character guest and a moderator join too.
fn channel() -> server::Replay {
    let user = |name: &str, rank: u8| json!({"name": name, "rank": rank, "profile": {"image": "", "text": ""}, "meta": {"afk": false, "muted": false}});
    replay().also(
        "login",
        vec![
            ("addUser".into(), Some(user("guestname1234", 0))),
            ("addUser".into(), Some(user("moderatorname1", 2))),
        ],
    )
}

/// Every chat line and PM text the bot sent.
fn lines(server: &TestServer) -> Vec<(String, String)> {
    server
        .received()
        .into_iter()
        .filter(|(name, _)| name == "chatMsg" || name == "pm")
        .filter_map(|(name, p)| Some((name, p?["msg"].as_str()?.to_owned())))
        .collect()
}

/// Waits until the bot sent a line (chat or PM) equal to `line`.
async fn sends(server: &TestServer, line: &str) {
    for _ in 0..1000 {
        if lines(server).iter().any(|(_, l)| l == line) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the bot never sent {line:?}; it sent {:?}", lines(server));
}

async fn pm(server: &TestServer, user: &str, text: &str) {
    let frame = json!({"username": user, "msg": text, "meta": {}, "time": 1, "to": "RawGuestbtt2"});
    server.io.emit("pm", &frame).await.unwrap();
}

#[tokio::test]
async fn no_line_from_a_reminder_a_template_or_a_pm_runs_as_a_command() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.prepare().await.unwrap();
    let server = TestServer::start(channel(), Options::default()).await;
    let (handle, running) = start(&server, &db).await;
    let filler = "x".repeat(290);

    // The example: the reminder goes out as two lines.
    say(
        &server,
        "guestname1234",
        &format!("!remindme 1s {filler} /kick bob"),
    )
    .await;
    sends(&server, "\u{200B}/kick bob").await;

    // A template echoing the user's words, split where the user chose.
    say(
        &server,
        "moderatorname1",
        "!addcom echo {user} says: {args}",
    )
    .await;
    sends(&server, "moderatorname1: added !echo.").await;
    let words = "y".repeat(300);
    say(
        &server,
        "guestname1234",
        &format!("!echo {words} /ban moderatorname1"),
    )
    .await;
    sends(&server, "\u{200B}/ban moderatorname1").await;

    // A reminder asked for by PM comes back as PMs, guarded the same way.
    pm(
        &server,
        "moderatorname1",
        &format!("!remindme 1s {filler} /clear"),
    )
    .await;
    sends(&server, "\u{200B}/clear").await;

    for (kind, line) in lines(&server) {
        assert!(!line.starts_with('/'), "the bot ran {kind} {line:?}");
    }
    stop(handle, running).await;
    server.stop();
}
