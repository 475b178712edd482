//! Cooldowns, the flood limit and confirmations, with paused time and
//! exact counts at the boundaries.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/bank.rs"]
mod bank;

use std::time::Duration;

use bank::bank;
use daz_core::chat::{ChatMessage, Rank};
use daz_core::{Event, EventPayload};

const MS: Duration = Duration::from_millis(1);

#[tokio::test(start_paused = true)]
async fn a_user_cooldown_ends_exactly_on_time() {
    let mut room = bank().await;
    // Each `say` and `advance` lets 1 ms pass to settle.
    room.say("ann", "!balance").await; // at 0
    room.advance(Duration::from_secs(10) - MS * 3).await;
    room.say("ann", "!balance").await; // at 10 s - 1 ms
    room.say("ann", "!balance").await; // at 10 s
    room.say("bob", "!balance").await; // per user: bob is free
    assert_eq!(
        room.said(),
        [
            "ann has 5",
            "ann: you can use !balance again in 1s.",
            "ann has 5",
            "bob has 5",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_room_cooldown_holds_everyone_in_the_room() {
    let mut room = bank().await;
    room.join("ann", Rank::LEADER).await;
    room.join("bob", Rank::MODERATOR).await;
    room.say("ann", "!skip").await;
    room.advance(Duration::from_secs(12)).await;
    room.say("bob", "!skip").await;
    room.advance(Duration::from_secs(18)).await;
    room.say("bob", "!skip").await;
    let said = room.said();
    assert_eq!(said.len(), 3, "{said:?}");
    assert_eq!(said[0], "skipped by ann");
    assert_eq!(said[1], "bob: !skip can be used again in 18s.");
    assert_eq!(said[2], "skipped by bob");
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_global_cooldown_holds_every_room() {
    let mut room = bank().await;
    room.join("ann", Rank::MODERATOR).await;
    room.say("ann", "!announce first").await;
    // The same command from another room, 59 s later.
    room.advance(Duration::from_secs(59)).await;
    let elsewhere = ChatMessage::new("cinema", "cat", Rank::ADMIN, "!announce second");
    room.bus()
        .publish(Event::builder(ChatMessage::TOPIC).payload(elsewhere.clone()));
    room.settle().await;
    room.advance(Duration::from_secs(1)).await;
    room.bus()
        .publish(Event::builder(ChatMessage::TOPIC).payload(elsewhere));
    room.settle().await;
    assert_eq!(
        room.take_said()
            .into_iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>(),
        [
            r#"Chat { room: "lobby", text: "announcement: first" }"#,
            r#"Chat { room: "cinema", text: "cat: !announce can be used again in 1s." }"#,
            r#"Chat { room: "cinema", text: "announcement: second" }"#,
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn refused_commands_do_not_start_a_cooldown() {
    let mut room = bank().await;
    room.say("ann", "!balance not-a_name!").await; // bad argument
    room.say("ann", "!balance").await;
    assert_eq!(room.said().len(), 2);
    assert_eq!(room.said()[1], "ann has 5");
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_flood_limit_silently_drops_commands_over_the_burst() {
    let mut room = bank().await;
    // Default: 5 in a row, then one per 3 s, across all commands.
    for _ in 0..4 {
        room.say("ann", "!hello").await;
    }
    for i in 0..4 {
        room.say("ann", &format!("!roll {i}")).await;
    }
    room.say("bob", "!hello").await;
    assert_eq!(
        room.said(),
        ["hello", "hello", "hello", "hello", "rolled a d0", "hello"]
    );
    room.advance(Duration::from_secs(3)).await;
    room.say("ann", "!hello").await;
    room.say("ann", "!hello").await;
    assert_eq!(room.said().len(), 7);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_confirmed_command_runs_once() {
    let mut room = bank().await;
    room.join("mod", Rank::MODERATOR).await;
    room.say("mod", "!ban troll spamming links").await;
    room.say("someone", "!confirm").await; // not theirs to confirm
    room.advance(Duration::from_secs(29)).await;
    room.say("mod", "!confirm").await;
    room.say("mod", "!confirm").await; // nothing left
    assert_eq!(
        room.said(),
        [
            "mod: say !confirm within 30s to go ahead with !ban.",
            "someone: there is nothing to confirm.",
            "banned troll (spamming links), ban #1",
            "mod: there is nothing to confirm.",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_confirmation_times_out() {
    let mut room = bank().await;
    room.join("mod", Rank::MODERATOR).await;
    room.say("mod", "!ban troll").await;
    room.advance(Duration::from_secs(30)).await;
    room.say("mod", "!confirm").await;
    assert_eq!(
        room.said(),
        [
            "mod: say !confirm within 30s to go ahead with !ban.",
            "mod: there is nothing to confirm.",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_refused_command_is_not_held_for_confirmation() {
    let mut room = bank().await;
    room.join("ann", Rank::REGISTERED).await;
    room.say("ann", "!ban troll").await;
    room.say("ann", "!confirm").await;
    assert_eq!(
        room.said(),
        [
            "ann: !ban is for moderator and up.",
            "ann: there is nothing to confirm.",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn help_and_confirm_count_towards_the_flood_limit() {
    let mut room = bank().await;
    for _ in 0..4 {
        room.say("ann", "!confirm").await;
    }
    room.say("ann", "!help").await;
    room.say("ann", "!confirm").await;
    room.say("ann", "!help").await;
    let said = room.said();
    assert_eq!(said.len(), 5, "{said:?}");
    assert!(
        said[..4]
            .iter()
            .all(|s| s == "ann: there is nothing to confirm.")
    );
    assert!(said[4].starts_with("Commands: "), "{said:?}");
    room.shutdown().await;
}
