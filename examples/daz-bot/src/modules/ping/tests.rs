use super::*;
use daz_core::chat::Rank;
use daz_core::testing::Harness;

#[tokio::test(start_paused = true)]
async fn answers_ping_and_ignores_the_rest() {
    let mut room = Harness::builder().module(Ping).build().await.unwrap();
    room.join("ann", Rank::REGISTERED).await;
    room.say("ann", "hello").await;
    room.say("ann", "!ping").await;
    room.say("bob", "!pingpong").await;
    room.pm("bob", "!P").await;
    assert_eq!(room.said(), ["pong, ann"]);
    assert_eq!(room.pms_to("bob"), ["pong, bob"]);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn ping_has_a_short_cooldown() {
    let mut room = Harness::builder().module(Ping).build().await.unwrap();
    room.say("ann", "!ping").await;
    room.say("ann", "!ping").await;
    room.advance(std::time::Duration::from_secs(2)).await;
    room.say("ann", "!ping").await;
    assert_eq!(
        room.said(),
        [
            "pong, ann",
            "ann: you can use !ping again in 2s.",
            "pong, ann"
        ]
    );
    room.shutdown().await;
}
