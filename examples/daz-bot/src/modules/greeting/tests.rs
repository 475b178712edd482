use std::time::Duration;

use super::*;
use daz_core::chat::Rank;
use daz_core::testing::Harness;
use daz_core::{Config, Format};

async fn harness(settings: &str) -> Harness {
    let config = Config::parse(&format!("[greeting]\n{settings}"), Format::Toml).unwrap();
    Harness::builder()
        .config(config)
        .module(Greeting::default())
        .build()
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn greets_in_turn_with_per_user_and_room_cooldowns() {
    let mut room = harness("templates = [\"Welcome, {user}!\", \"Hi {user}, enjoy {room}!\"]\nper_user = \"1h\"\nglobal = \"10s\"").await;
    room.join("ann", Rank::GUEST).await;
    room.join("bob", Rank::GUEST).await; // within the room's 10 s
    room.advance(Duration::from_secs(10)).await;
    room.join("bob", Rank::GUEST).await;
    room.advance(Duration::from_secs(10)).await;
    room.join("ann", Rank::GUEST).await; // within her hour
    room.advance(Duration::from_secs(3600)).await;
    room.join("ann", Rank::GUEST).await;
    assert_eq!(
        room.said(),
        ["Welcome, ann!", "Hi bob, enjoy lobby!", "Welcome, ann!"]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_backlog_the_bot_and_ignored_users_are_not_greeted() {
    let mut room = harness("ignore = [\"OtherBot\"]\nglobal = \"0s\"").await;
    for (name, backlog, own) in [
        ("old", true, false),
        ("daz", false, true),
        ("otherbot", false, false),
    ] {
        let mut joined = UserJoined::new("lobby", name, Rank::GUEST);
        joined.backlog = backlog;
        joined.own = own;
        room.bus()
            .publish(Event::builder(UserJoined::TOPIC).payload(joined));
    }
    room.settle().await;
    room.join("ann", Rank::GUEST).await;
    assert_eq!(room.said(), ["Welcome, ann!"]);
    room.shutdown().await;
}
