use super::*;
use daz_core::chat::Rank;
use daz_core::testing::Harness;

#[tokio::test(start_paused = true)]
async fn answers_ping_and_ignores_the_rest() {
    let mut room = Harness::builder().module(Ping).build().await.unwrap();
    room.join("ann", Rank::REGISTERED).await;
    room.say("ann", "hello").await;
    room.say("ann", " !ping ").await;
    room.say("bob", "!pingpong").await;
    assert_eq!(room.said(), ["pong, ann"]);
    room.shutdown().await;
}
