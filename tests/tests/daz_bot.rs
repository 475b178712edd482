//! daz-bot end to end: its bundled modules on a real Socket.IO server
//! playing CyTube (from recorded frames) and on each database. A `!give`
//! typed in the channel changes the balances in the database and the
//! answer comes back to the channel; a reminder pending while the bot
//! restarts is still delivered.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/example_bot.rs"]
mod example_bot;
#[path = "support/joined.rs"]
mod joined;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

use daz_sql::{Database, with_pool};
use example_bot::{bot_says, replay, say, start, stop};
use server::{Options, TestServer};

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
