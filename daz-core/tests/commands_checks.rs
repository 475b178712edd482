//! The router's checks: ranks (room and PM), scope, aliases, backlog,
//! module rooms, and the operator's allow/deny lists and overrides.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/bank.rs"]
mod bank;

use bank::{Bank, bank};
use daz_core::chat::{ChatMessage, Rank};
use daz_core::testing::Harness;
use daz_core::{Config, EventPayload, Format};

#[tokio::test(start_paused = true)]
async fn rank_boundaries_are_inclusive() {
    let mut room = bank().await;
    for (user, rank) in [
        ("guest", 0.0),
        ("member", 1.0),
        ("almost", 1.49),
        ("leader", 1.5),
    ] {
        room.join(user, Rank::new(rank)).await;
    }
    room.say("guest", "!give bob 1").await;
    room.say("member", "!give bob 1").await;
    room.say("almost", "!skip").await;
    room.say("leader", "!skip").await;
    assert_eq!(
        room.said(),
        [
            "guest: !give is for registered and up.",
            "member gave bob 1",
            "almost: !skip is for leader and up.",
            "skipped by leader",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_pm_is_checked_against_the_rank_in_the_room() {
    let mut room = bank().await;
    room.join("ann", Rank::GUEST).await;
    // A PM claiming a high rank: the router uses ann's rank in the room.
    let mut forged = ChatMessage::new("lobby", "ann", Rank::SITE_ADMIN, "!announce hi").private();
    forged.backlog = false;
    room.bus()
        .publish(daz_core::Event::builder(forged.topic()).payload(forged));
    room.settle().await;
    assert_eq!(
        room.pms_to("ann"),
        ["ann: !announce is for moderator and up."]
    );
    assert!(room.said().is_empty(), "refusals of PMs go back by PM");

    room.set_rank("ANN", Rank::MODERATOR).await;
    room.pm("ann", "!announce hi").await;
    assert_eq!(room.pms_to("ann").last().unwrap(), "announcement: hi");
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_pm_from_someone_not_in_the_room_counts_as_a_guest() {
    let room = bank().await;
    let pm = ChatMessage::new("lobby", "stranger", Rank::OWNER, "!give bob 1").private();
    room.bus()
        .publish(daz_core::Event::builder(ChatMessage::TOPIC).payload(pm.clone()));
    room.settle().await;
    assert_eq!(
        room.pms_to("stranger"),
        ["stranger: !give is for registered and up."]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn replies_go_back_the_way_the_command_came() {
    let mut room = bank().await;
    room.join("ann", Rank::REGISTERED).await;
    room.pm("ann", "!give bob 2").await;
    room.say("ann", "!give bob 3").await;
    assert_eq!(room.pms_to("ann"), ["ann gave bob 2"]);
    assert_eq!(room.said(), ["ann gave bob 3"]);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn pm_only_and_room_only_commands() {
    let mut room = bank().await;
    room.say("ann", "!secret").await;
    room.pm("ann", "!secret").await;
    room.pm("ann", "!roll").await;
    room.say("ann", "!roll 20").await;
    assert_eq!(
        room.said(),
        ["ann: !secret works only by PM.", "rolled a d20"]
    );
    assert_eq!(
        room.pms_to("ann"),
        ["the secret is 42", "ann: !roll works only in the room."]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn aliases_and_case_run_the_same_command() {
    let mut room = bank().await;
    room.join("ann", Rank::REGISTERED).await;
    room.say("ann", "!pay bob 1").await;
    room.say("ann", "!GIVE bob 2").await;
    room.say("ann", "!Pay bob 3").await;
    assert_eq!(
        room.said(),
        ["ann gave bob 1", "ann gave bob 2", "ann gave bob 3"]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn non_commands_unknown_commands_and_backlog_are_ignored() {
    let mut room = bank().await;
    room.join("ann", Rank::OWNER).await;
    room.say("ann", "hello !give bob 1").await;
    room.say("ann", "!unknown thing").await;
    room.say("ann", "!").await;
    room.say("ann", " !give bob 1").await;
    let mut old = ChatMessage::new("lobby", "ann", Rank::OWNER, "!give bob 1");
    old.backlog = true;
    room.bus()
        .publish(daz_core::Event::builder(ChatMessage::TOPIC).payload(old));
    room.settle().await;
    assert!(room.said().is_empty(), "{:?}", room.said());
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn commands_of_a_module_limited_to_other_rooms_are_not_offered() {
    /// Only in the cinema.
    #[derive(Default, daz_core::Module)]
    #[module(name = "cinema", rooms = ["cinema"], commands)]
    struct Cinema;

    #[daz_core::commands]
    impl Cinema {
        /// Plays a film.
        #[command]
        async fn film(
            &mut self,
            ctx: &mut daz_core::command::CommandContext<'_>,
        ) -> daz_core::ModuleResult {
            ctx.reply("rolling")?;
            Ok(())
        }
    }

    #[daz_core::async_trait]
    impl daz_core::Module for Cinema {}

    let mut room = Harness::builder().module(Cinema).build().await.unwrap();
    room.say("ann", "!film").await;
    room.say("ann", "!help").await;
    assert_eq!(room.said(), ["There are no commands for you here."]);
    room.shutdown().await;
}

fn config(toml: &str) -> Config {
    Config::parse(toml, Format::Toml).unwrap()
}

#[tokio::test(start_paused = true)]
async fn operator_overrides_rank_lists_prefixes_and_ignore() {
    let settings = r#"
        [commands]
        prefix = "?"
        ignore = ["OtherBot"]
        [commands.rooms.lobby]
        prefix = "$"
        [commands.commands.give]
        min_rank = "moderator"
        allow = ["Ann"]
        deny = ["troll"]
        [commands.commands.hello]
        disabled = true
    "#;
    let mut room = Harness::builder()
        .config(config(settings))
        .module(Bank::default())
        .build()
        .await
        .unwrap();
    room.join("ann", Rank::GUEST).await;
    room.join("bob", Rank::REGISTERED).await;
    room.join("troll", Rank::OWNER).await;
    room.join("otherbot", Rank::OWNER).await;
    room.say("ann", "!give bob 1").await; // wrong prefix in this room
    room.say("ann", "?give bob 1").await; // the global prefix is replaced here
    room.say("ann", "$give bob 1").await; // allowed whatever her rank
    room.say("bob", "$give ann 1").await; // below the raised rank
    room.say("troll", "$give ann 1").await; // denied whatever their rank
    room.say("otherbot", "$give ann 1").await; // ignored
    room.say("bob", "$hello").await; // disabled: as if unknown
    assert_eq!(
        room.said(),
        [
            "ann gave bob 1",
            "bob: $give is for moderator and up.",
            "troll: you may not use $give.",
        ]
    );
    room.shutdown().await;
}

/// The security campaign's rank cases: an alias, a PM, and the bot's own
/// line (a custom command's text, say) never get past a rank check.
#[tokio::test(start_paused = true)]
async fn rank_checks_hold_through_aliases_pms_and_the_bots_own_lines() {
    let mut room = bank().await;
    room.join("guest", Rank::GUEST).await;
    room.join("mod", Rank::MODERATOR).await;
    room.say("guest", "!pay bob 5").await;
    room.say("guest", "!PAY bob 5").await;
    room.pm("guest", "!ban bob").await;
    room.pm("stranger", "!announce free coins").await;
    // The bot's own line, as the bridge marks it: a moderator-ranked bot
    // saying a command (from a template a user controls) runs nothing.
    let mut own = ChatMessage::new("lobby", "bot", Rank::OWNER, "!announce owned");
    own.own = true;
    room.bus().publish(
        daz_core::Event::builder(own.topic())
            .source(daz_core::chat::BRIDGE)
            .room("lobby")
            .payload(own),
    );
    room.settle().await;
    // The same line from a user of that rank does run (so the one above
    // was skipped for being the bot's own).
    room.join("owner", Rank::OWNER).await;
    room.say("owner", "!announce owned").await;
    let said = room.said();
    assert_eq!(
        said,
        [
            "guest: !give is for registered and up.",
            "guest: !give is for registered and up.",
            "announcement: owned",
        ],
        "{said:?}"
    );
    assert_eq!(
        room.pms_to("guest"),
        ["guest: !ban is for moderator and up."]
    );
    assert_eq!(
        room.pms_to("stranger"),
        ["stranger: !announce is for moderator and up."]
    );
    room.shutdown().await;
}
