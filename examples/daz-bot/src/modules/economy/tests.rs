use super::*;
use crate::modules::testkit::{self, config, eventually, said_after};
use daz_core::chat::Rank;
use daz_core::testing::Harness;

/// Cooldowns off, so the tests need not wait for them in real time.
const NO_COOLDOWNS: &str = "[commands.flood]\nburst = 100\n\
    [commands.commands.give]\nuser_cooldown = \"0s\"\n\
    [commands.commands.balance]\nuser_cooldown = \"0s\"\n\
    [commands.commands.top]\nroom_cooldown = \"0s\"\n";

async fn bot(db: &Database, toml: &str) -> Harness {
    let builder = Harness::builder()
        .config(config(&format!("{NO_COOLDOWNS}{toml}")))
        .module(Economy::new(db));
    testkit::ready(builder, "economy").await
}

async fn coins(db: &Database, user: &str) -> Option<i64> {
    Store::new(db)
        .balance("lobby", user)
        .await
        .unwrap()
        .map(|(_, c)| c)
}

#[tokio::test]
async fn giving_moves_coins_with_a_fee_and_refuses_what_it_cannot_do() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = bot(&db, "[economy]\nfee_percent = 10\nmax_give = 500\n").await;
    room.say("ann", "hi").await;
    room.say("Bob", "hello").await;
    assert!(eventually(|| async { coins(&db, "bob").await == Some(100) }).await);
    let lines = [
        "!give bob 20",
        "!give ann 5",
        "!give zed 5",
        "!give bob 0",
        "!give bob 600",
        "!give bob 90",
        "!give bob lots",
        "!balance",
        "!bal BOB",
        "!balance zed",
    ];
    for (i, line) in lines.iter().enumerate() {
        room.say("ann", line).await;
        said_after(&room, i + 1).await;
    }
    let said = said_after(&room, lines.len()).await;
    assert_eq!(
        said,
        [
            "ann gave 20 coins to bob (fee 2); ann has 78 coins left.",
            "ann: you cannot give to yourself.",
            "ann: zed has no account here yet.",
            "ann: give from 1 to 500 coins.",
            "ann: give from 1 to 500 coins.",
            "ann: that needs 99 coins with the fee; you have 78.",
            "ann: <amount>: \"lots\" is not a whole number. Usage: !give <to> <amount>",
            "ann has 78 coins.",
            "Bob has 120 coins.",
            "zed has no coins yet.",
        ]
    );
    let daz_sql::Pool::Sqlite(p) = db.pool() else {
        unreachable!("in memory")
    };
    let ledger: Vec<(String, String, i64, i64)> =
        sqlx::query_as("SELECT from_key, to_key, amount, fee FROM daz_economy_ledger")
            .fetch_all(p)
            .await
            .unwrap();
    assert_eq!(ledger, [("ann".into(), "bob".into(), 20, 2)]);
    room.shutdown().await;
}

#[tokio::test]
async fn top_lists_the_richest_and_grant_needs_an_admin() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    let mut room = bot(&db, "").await;
    room.say("ann", "!top").await;
    assert_eq!(said_after(&room, 1).await, ["Top coins: 1. ann 100"]);
    room.say("bob", "hi").await;
    room.say("bob", "!grant bob 1000").await;
    assert_eq!(said_after(&room, 2).await.len(), 2, "refused by rank");
    room.set_rank("ann", Rank::ADMIN).await;
    room.say("ann", "!grant bob 50").await;
    room.say("ann", "!grant cat 50").await;
    room.say("ann", "!grant ann -1000").await;
    room.say("ann", "!top").await;
    let said = said_after(&room, 6).await;
    assert_eq!(
        said[2..],
        [
            "bob now has 150 coins.",
            "cat has no account here yet.",
            "ann now has 0 coins.",
            "Top coins: 1. bob 150, 2. ann 0",
        ]
    );
    assert!(said[1].contains("admin"), "{said:?}");
    room.shutdown().await;
}

#[tokio::test]
async fn the_daily_bonus_pays_only_recently_active_users() {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    // Every second, for the test.
    let mut room = bot(
        &db,
        "[economy]\ndaily_at = \"* * * * * *\"\ndaily_bonus = 7\n",
    )
    .await;
    let store = Store::new(&db);
    let long_ago = chrono::Utc::now().timestamp_millis() - 2 * 86_400_000;
    store.active("lobby", "old", 100, long_ago).await.unwrap();
    room.say("ann", "hi").await;
    let said = said_after(&room, 1).await;
    assert_eq!(said, ["Daily bonus: 1 active user(s) got 7 coins."]);
    assert!(eventually(|| async { coins(&db, "ann").await >= Some(107) }).await);
    assert_eq!(coins(&db, "old").await, Some(100));
    room.shutdown().await;
}

#[tokio::test]
async fn bad_settings_fail_the_build_with_the_reason() {
    for (toml, reason) in [
        ("[economy]\nfee_percent = 101\n", "fee_percent"),
        ("[economy]\nmin_give = 5\nmax_give = 2\n", "max_give"),
        ("[economy]\ndaily_at = \"at noon\"\n", "daily_at"),
        ("[economy]\ntimezone = \"Mars/Olympus\"\n", "timezone"),
        ("[economy]\nstart = -1\n", "negative"),
        ("[economy]\nfees = 1\n", "fees"),
    ] {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        let built = daz_core::Bot::builder()
            .config(config(toml))
            .module(Economy::new(&db))
            .build();
        let error = built.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            error.contains("economy") && error.contains(reason),
            "{toml}: {error}"
        );
    }
}

/// Fifty transfers at once from one account: on PostgreSQL they really
/// race; none may take a balance below zero or lose a coin.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_gives_never_overdraw() {
    for db in daz_sql::testing::test_databases().await.unwrap() {
        migrate(&db, "economy", store::TABLES).await.unwrap();
        let store = Store::new(&db);
        for user in ["ann", "bob"] {
            store.active("lobby", user, 100, 0).await.unwrap();
        }
        let gives = (0..50).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                let give = Give {
                    room: "lobby",
                    from: "ann",
                    to: "bob",
                    amount: 10,
                    fee: 1,
                    at_ms: i,
                };
                store.give(&give).await.map_err(|e| e.to_string())
            })
        });
        let outcomes = futures_join(gives.collect()).await;
        let done = outcomes
            .iter()
            .filter(|o| matches!(o, Transfer::Done { .. }))
            .count();
        assert_eq!(done, 9, "{:?}: 9 × 11 fits in 100", db.backend());
        assert_eq!(coins(&db, "ann").await, Some(1));
        assert_eq!(coins(&db, "bob").await, Some(190));
    }
}

async fn futures_join(
    tasks: Vec<tokio::task::JoinHandle<Result<Transfer, String>>>,
) -> Vec<Transfer> {
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap().unwrap());
    }
    out
}
