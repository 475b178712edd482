//! Help generated from the registry, usage on bad arguments, typed
//! arguments, and commands typed through CyTube's HTML filters.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/bank.rs"]
mod bank;

use bank::bank;
use daz_core::chat::{Rank, utf16_len};
use daz_core::command::{CommandSpec, Commands};
use daz_core::testing::Harness;
use daz_core::{Manifest, Module, ModuleInfo};

#[tokio::test(start_paused = true)]
async fn help_lists_only_what_the_asker_may_run() {
    let mut room = bank().await;
    room.join("mod", Rank::MODERATOR).await;
    room.say("guest", "!help").await;
    room.say("mod", "!help").await;
    assert_eq!(
        room.said(),
        [
            "Commands: !balance, !broken, !hello, !roll, !secret, !types. Say !help <command> for more.",
            "Commands: !announce, !balance, !ban, !broken, !give, !hello, !roll, !secret, !skip, !types. Say !help <command> for more.",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn help_for_one_command_shows_usage_summary_and_rules() {
    let mut room = bank().await;
    room.join("mod", Rank::MODERATOR).await;
    room.say("mod", "!help give").await;
    room.say("mod", "!help !PAY").await;
    room.say("mod", "!help ban").await;
    room.say("mod", "!help balance").await;
    room.say("guest", "!help ban").await; // not theirs to run
    room.say("mod", "!help debug-dump").await; // hidden
    room.advance(std::time::Duration::from_secs(3)).await; // the flood limit
    room.say("mod", "!help help").await;
    assert_eq!(
        room.said(),
        [
            "Usage: !give <to> <amount> — Gives coins to another user. Aliases: !pay. For registered and up.",
            "Usage: !give <to> <amount> — Gives coins to another user. Aliases: !pay. For registered and up.",
            "Usage: !ban <who> [reason...] — Bans a user. For moderator and up. Asks you to !confirm.",
            "Usage: !balance [user] — Shows a balance. Cooldown 10s per user.",
            "No command !ban here.",
            "No command !debug-dump here.",
            "Usage: !help [command] — Lists the commands you may use, or explains one. !confirm goes ahead with a command that asked for it.",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn hidden_commands_still_run() {
    let mut room = bank().await;
    room.say("ann", "!debug-dump").await;
    assert_eq!(room.said(), ["bans: 0"]);
    room.shutdown().await;
}

/// Many commands with long names, to overflow one chat line.
struct Many;

impl ModuleInfo for Many {
    fn manifest(&self) -> Manifest {
        Manifest::builder("many").build().unwrap()
    }

    fn commands(&self) -> Vec<CommandSpec> {
        (0..40)
            .map(|i| {
                CommandSpec::builder(format!("a-rather-long-command-name-{i:02}"))
                    .build()
                    .unwrap()
            })
            .collect()
    }
}

#[daz_core::async_trait]
impl Module for Many {}

#[tokio::test(start_paused = true)]
async fn long_help_is_split_into_lines_cytube_keeps_whole() {
    let mut room = Harness::builder().module(Many).build().await.unwrap();
    room.say("ann", "!help").await;
    let said = room.said();
    assert!(said.len() >= 4, "{said:?}");
    for line in &said {
        assert!(utf16_len(line) <= 320, "{} units: {line}", utf16_len(line));
    }
    let all = said.join(" ");
    for i in 0..40 {
        assert!(
            all.contains(&format!("!a-rather-long-command-name-{i:02}")),
            "{i} missing"
        );
    }
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn bad_arguments_are_answered_with_the_usage_line() {
    let mut room = bank().await;
    room.join("ann", Rank::REGISTERED).await;
    room.say("ann", "!give bob ten").await;
    room.say("ann", "!give bob").await;
    room.say("ann", "!give bob 1 2").await;
    room.say("ann", "!give \"bob 1").await;
    room.advance(std::time::Duration::from_secs(10)).await; // past the flood limit
    room.say("ann", "!give bob -5").await;
    room.say("ann", "!give b@d 5").await;
    assert_eq!(
        room.said(),
        [
            "ann: <amount>: \"ten\" is not a whole number. Usage: !give <to> <amount>",
            "ann: <amount>: missing. Usage: !give <to> <amount>",
            "ann: unexpected \"2\". Usage: !give <to> <amount>",
            "ann: <to>: a quote is not closed. Usage: !give <to> <amount>",
            "ann: <amount>: \"-5\" is not a whole number of 0 or more. Usage: !give <to> <amount>",
            "ann: <to>: \"b@d\" is not a user name. Usage: !give <to> <amount>",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn typed_arguments_are_read_in_order() {
    let mut room = bank().await;
    room.say("ann", r#"!types 7 -2 3.5 yes "two words" 1h30m a "b c" d"#)
        .await;
    room.say("ann", "!types 7 -2 3.5 off x 10s").await;
    assert_eq!(
        room.said(),
        [
            r#"7|-2|3.5|true|two words|5400s|["a", "b c", "d"]"#,
            "7|-2|3.5|false|x|10s|[]",
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn arguments_are_read_from_the_decoded_html() {
    let mut room = bank().await;
    room.join("ann", Rank::REGISTERED).await;
    // What CyTube sends for `!give some_user_name 10`: the default filter
    // turned `_user_` into italics.
    room.say_html("ann", "!give some<em>user</em>name 10").await;
    room.say_html("ann", "!ban &lt;script&gt;").await;
    assert_eq!(
        room.said(),
        [
            "ann gave some_user_name 10",
            "ann: !ban is for moderator and up.",
        ]
    );
    room.shutdown().await;
}

#[test]
fn the_macro_writes_specs_from_attributes_and_docs() {
    let specs = <bank::Bank as Commands>::commands();
    let give = specs.iter().find(|s| s.name() == "give").unwrap();
    assert_eq!(give.aliases(), ["pay"]);
    assert_eq!(give.min_rank(), Rank::REGISTERED);
    assert_eq!(give.usage(), "<to> <amount>");
    assert_eq!(
        give.description(),
        "Gives coins to another user.\n\nThe coins leave your balance at once."
    );
    assert!(give.check_args("bob 5").is_ok());
    assert!(give.check_args("bob five").is_err());
    let ban = specs.iter().find(|s| s.name() == "ban").unwrap();
    assert_eq!(ban.confirm(), Some(std::time::Duration::from_secs(30)));
    let dump = specs.iter().find(|s| s.name() == "debug-dump").unwrap();
    assert!(dump.is_hidden());
    assert_eq!(bank::Bank::default().commands().len(), specs.len());
}
