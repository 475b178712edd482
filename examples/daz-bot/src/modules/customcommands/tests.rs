use super::*;
use crate::modules::testkit::{self, config, said_after};
use daz_core::chat::Rank;
use daz_core::testing::Harness;

async fn bot(db: &Database, toml: &str) -> Harness {
    let toml = format!("[commands.flood]\nburst = 100\n{toml}");
    let builder = Harness::builder()
        .config(config(&toml))
        .module(CustomCommands::new(db));
    let mut room = testkit::ready(builder, "customcommands").await;
    room.join("mod", Rank::MODERATOR).await;
    room
}

async fn db() -> Database {
    let db = Database::connect("sqlite::memory:").await.unwrap();
    db.prepare().await.unwrap();
    db
}

/// Says each line in turn, waiting for its answer, and returns them.
async fn exchange(room: &mut Harness, user: &str, lines: &[&str]) -> Vec<String> {
    let before = room.said().len();
    for (i, line) in lines.iter().enumerate() {
        room.say(user, line).await;
        said_after(room, before + i + 1).await;
    }
    room.said().split_off(before)
}

#[tokio::test]
async fn moderators_add_change_and_remove_commands_at_run_time() {
    let db = db().await;
    let mut room = bot(&db, "").await;
    let said = exchange(
        &mut room,
        "mod",
        &[
            "!addcom hug {user} hugs {args}",
            "!addcom !Wave {user} waves ({uses})",
            "!addcom help nope",
            "!addcom Commands nope",
            "!addcom bad! x",
            "!addcom kick /kick {args}",
            "!addcom x {usr}",
            "!addcom empty",
            "!commands",
        ],
    )
    .await;
    assert_eq!(
        said,
        [
            "mod: added !hug.",
            "mod: added !wave.",
            "mod: help is a command of the bot already.",
            "mod: commands is a command of the bot already.",
            "mod: a name is 1-30 letters, digits, _ or -.",
            "mod: it may not start with / (CyTube would run it as a command).",
            "mod: unknown placeholder {usr}; use {user}, {args}, {room}, {uses}.",
            "mod: <text>: missing. Usage: !addcom <name> <text...>",
            "Custom commands: !hug, !wave",
        ]
    );
    let said = exchange(
        &mut room,
        "ann",
        &["!HUG bob and {user}", "!wave", "!addcom x y"],
    )
    .await;
    assert_eq!(said[..2], ["ann hugs bob and {user}", "ann waves (1)"]);
    assert!(said[2].contains("moderator"), "{said:?}");
    // Used again at once: within the command's cooldown, nothing.
    room.say("ann", "!wave").await;
    let said = exchange(
        &mut room,
        "mod",
        &[
            "!addcom hug {user} squeezes {args}",
            "!delcom wave",
            "!delcom wave",
            "!addcom pat {user} pats {args}",
        ],
    )
    .await;
    assert_eq!(
        said,
        [
            "mod: changed !hug.",
            "mod: removed wave.",
            "mod: there is no custom command wave.",
            "mod: added !pat.",
        ]
    );
    room.say("ann", "!wave").await;
    room.pm("ann", "!pat you").await;
    // The PM came after !wave: once it is answered, !wave was handled.
    assert!(testkit::eventually(|| async { !room.pms_to("ann").is_empty() }).await);
    assert_eq!(room.pms_to("ann"), ["ann pats you"]);
    assert_eq!(
        room.said().len(),
        16,
        "no answer to !wave: {:?}",
        room.said()
    );
    room.shutdown().await;
}

#[tokio::test]
async fn commands_survive_a_restart_and_follow_the_room_prefix() {
    let db = db().await;
    let mut room = bot(&db, "").await;
    let said = exchange(
        &mut room,
        "mod",
        &["!addcom rules Be kind, {user}.", "!rules"],
    )
    .await;
    assert_eq!(said, ["mod: added !rules.", "Be kind, mod."]);
    room.shutdown().await;
    let mut room = bot(&db, "[commands.rooms.lobby]\nprefix = \"$\"\n").await;
    room.say("ann", "!rules").await;
    let said = exchange(&mut room, "ann", &["$rules", "$commands"]).await;
    assert_eq!(said, ["Be kind, ann.", "Custom commands: $rules"]);
    let stored: Option<Custom> = StateStore::new(&db, "customcommands")
        .get("lobby/rules")
        .await
        .unwrap();
    assert_eq!(stored.map(|c| (c.by, c.uses)), Some(("mod".to_owned(), 2)));
    room.shutdown().await;
}
