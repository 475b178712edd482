//! What the bot says and records about commands: build errors for
//! collisions and bad settings, audit events, failures, unreachable
//! modules, a custom rejection handler, and commands handled by hand.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/bank.rs"]
mod bank;

use bank::{Bank, bank};
use daz_core::chat::Rank;
use daz_core::command::{
    AuditOutcome, CommandAudit, CommandRouter, CommandSpec, CommandWords, CommandWordsQuery,
    Invocation, ROUTER, Reason,
};
use daz_core::testing::Harness;
use daz_core::{
    Bot, Config, Context, Error, Event, EventPayload, Format, Manifest, Module, ModuleInfo,
    ModuleResult, Pattern,
};

/// A module offering the commands given, handled by hand in `handle`.
struct Plain {
    name: &'static str,
    commands: Vec<CommandSpec>,
}

impl ModuleInfo for Plain {
    fn manifest(&self) -> Manifest {
        Manifest::builder(self.name).build().unwrap()
    }

    fn commands(&self) -> Vec<CommandSpec> {
        self.commands.clone()
    }
}

#[daz_core::async_trait]
impl Module for Plain {
    async fn handle(&mut self, ctx: &mut Context, event: Event) -> ModuleResult {
        let call = event.payload::<Invocation>()?;
        let text = format!(
            "{} ran {} with {:?} ({})",
            call.user,
            call.command,
            call.args,
            event.topic()
        );
        ctx.send(
            daz_core::chat::BRIDGE,
            daz_core::chat::SendChat::new(&call.room, &text),
        )?;
        Ok(())
    }
}

fn plain(name: &'static str, commands: &[(&str, &[&str])]) -> Plain {
    Plain {
        name,
        commands: commands
            .iter()
            .map(|(n, aliases)| {
                CommandSpec::builder(*n)
                    .aliases(aliases.iter().copied())
                    .build()
                    .unwrap()
            })
            .collect(),
    }
}

fn build_error(bot: daz_core::BotBuilder) -> String {
    match bot.build() {
        Ok(_) => panic!("the bot was built"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn colliding_names_and_aliases_fail_the_build_naming_both() {
    let names = build_error(
        Bot::builder()
            .module(plain("music", &[("skip", &[])]))
            .module(plain("votes", &[("skip", &[])])),
    );
    assert!(names.contains("\"skip\""), "{names}");
    assert!(names.contains("module \"music\" (!skip)"), "{names}");
    assert!(names.contains("module \"votes\" (!skip)"), "{names}");

    let alias = build_error(
        Bot::builder()
            .module(plain("music", &[("skip", &["next"])]))
            .module(plain("queue", &[("NEXT", &[])])),
    );
    assert!(alias.contains("\"next\""), "{alias}");
    assert!(
        alias.contains("module \"music\" (!skip)") && alias.contains("module \"queue\" (!next)"),
        "{alias}"
    );

    let builtin = build_error(Bot::builder().module(plain("docs", &[("help", &[])])));
    assert!(
        builtin.contains("the command router's built-in !help"),
        "{builtin}"
    );
}

#[test]
fn bad_command_words_and_settings_fail_the_build() {
    for word in ["two words", "", "!skip", "x".repeat(33).as_str(), "ü"] {
        let error = CommandSpec::builder(word).build().unwrap_err();
        assert!(
            matches!(error, Error::InvalidCommand { .. }),
            "{word:?}: {error}"
        );
    }
    let alias = CommandSpec::builder("ok")
        .aliases(["no way"])
        .build()
        .unwrap_err();
    assert!(alias.to_string().contains("\"no way\""), "{alias}");

    let cases = [
        ("[commands]\nprefix = \"\"", "commands.prefix"),
        ("[commands]\nprefix = \"! \"", "commands.prefix"),
        (
            "[commands.rooms.lobby]\nprefix = \"toolongprefix\"",
            "commands.rooms.lobby.prefix",
        ),
        ("[commands.flood]\nburst = 0", "commands.flood.burst"),
        (
            "[commands.flood]\ninterval = \"0s\"",
            "commands.flood.interval",
        ),
        (
            "[commands.commands.nosuch]\nmin_rank = 2",
            "commands.commands.nosuch",
        ),
        ("[commands.commands.give]\nmin_rank = \"mod\"", "min_rank"),
        (
            "[commands.commands.give]\nmin_rank = -1",
            "commands.commands.give.min_rank",
        ),
        ("[commands.commands.give]\ncooldown = \"1s\"", "cooldown"),
        ("[commands]\nprefx = \"!\"", "prefx"),
    ];
    for (toml, key) in cases {
        let config = Config::parse(toml, Format::Toml).unwrap();
        let error = build_error(Bot::builder().config(config).module(Bank::default()));
        assert!(error.contains(key), "{toml:?}: {error}");
    }
}

#[tokio::test(start_paused = true)]
async fn a_module_without_the_macro_gets_the_invocation() {
    let mut room = Harness::builder()
        .module(plain("music", &[("skip", &["next"])]))
        .build()
        .await
        .unwrap();
    room.say("ann", "!NEXT  now please ").await;
    assert_eq!(
        room.said(),
        ["ann ran skip with \"now please\" (command.music.skip)"]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_router_says_which_words_are_taken() {
    let config = Config::parse("[commands.rooms.movies]\nprefix = \"$\"", Format::Toml).unwrap();
    let room = Harness::builder()
        .config(config)
        .module(plain("music", &[("skip", &["next"]), ("Queue", &[])]))
        .build()
        .await
        .unwrap();
    let ask = |r: &str| {
        room.bus().request(
            ROUTER,
            Event::builder(CommandWordsQuery::TOPIC).payload(CommandWordsQuery::new(r)),
            std::time::Duration::from_secs(1),
        )
    };
    let lobby = ask("lobby").await.unwrap();
    let words = lobby.payload::<CommandWords>().unwrap();
    assert_eq!(words.prefix, "!");
    assert_eq!(words.words, ["confirm", "help", "next", "queue", "skip"]);
    assert!(words.taken("SKIP") && !words.taken("dance"));
    let movies = ask("movies").await.unwrap();
    assert_eq!(movies.payload::<CommandWords>().unwrap().prefix, "$");
    let wrong = room
        .bus()
        .request(
            ROUTER,
            Event::builder(CommandAudit::TOPIC).payload(()),
            std::time::Duration::from_secs(1),
        )
        .await;
    let error = wrong.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(error.contains("daz.command.words"), "{error}");
    room.shutdown().await;
}

fn outcomes(room: &mut Harness) -> Vec<(String, AuditOutcome)> {
    room.published(&Pattern::from(CommandAudit::TOPIC))
        .iter()
        .map(|e| {
            let audit = e.payload::<CommandAudit>().unwrap();
            (
                format!("{} {} {}", audit.user, audit.command, audit.args),
                audit.outcome.clone(),
            )
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn every_command_is_audited_with_its_outcome() {
    let mut room = bank().await;
    room.join("mod", Rank::MODERATOR).await;
    room.published(&Pattern::new(">").unwrap());
    room.say("ann", "!hello").await;
    room.say("ann", "!give bob 1").await;
    room.say("ann", "!broken").await;
    room.say("mod", "!ban troll").await;
    room.say("mod", "!confirm").await;
    let rejected = |reason: &str| AuditOutcome::Rejected {
        reason: reason.to_owned(),
    };
    assert_eq!(
        outcomes(&mut room),
        [
            ("ann hello ".to_owned(), AuditOutcome::Ran),
            ("ann give bob 1".to_owned(), rejected("rank")),
            (
                "ann broken ".to_owned(),
                AuditOutcome::Failed {
                    error: "the vault is locked".to_owned()
                }
            ),
            (
                "mod ban troll".to_owned(),
                AuditOutcome::AwaitingConfirmation
            ),
            ("mod ban troll".to_owned(), AuditOutcome::Ran),
        ]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_failing_command_is_answered_and_counted() {
    let mut room = bank().await;
    room.say("ann", "!broken").await;
    assert_eq!(room.said(), ["ann: sorry, !broken failed."]);
    let modules = room.handle().modules().await.unwrap();
    let status = modules.get("bank").unwrap();
    assert_eq!(status.errors, 1);
    assert_eq!(status.last_error.as_deref(), Some("the vault is locked"));
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_command_of_a_stopped_module_is_unavailable() {
    let mut room = bank().await;
    room.handle().disable("bank").await.unwrap();
    room.say("ann", "!hello").await;
    room.handle().enable("bank").await.unwrap();
    room.settle().await;
    room.say("ann", "!hello").await;
    assert_eq!(
        room.said(),
        ["ann: !hello is unavailable right now.", "hello"]
    );
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn the_rejection_handler_can_be_replaced() {
    let router = CommandRouter::new().on_reject(|r| match &r.reason {
        Reason::Rank { needed, had } => {
            Some(format!("nope ({had} < {needed}) {} {}", r.command, r.room))
        }
        _ => None,
    });
    let mut room = Harness::builder()
        .command_router(router)
        .module(Bank::default())
        .build()
        .await
        .unwrap();
    room.say("ann", "!give bob 1").await;
    room.say("ann", "!balance x y").await;
    assert_eq!(room.said(), ["nope (0 < 1) !give lobby"]);
    room.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn cooldowns_survive_a_restart_of_the_router() {
    let mut room = bank().await;
    room.say("ann", "!balance").await;
    room.handle().restart("commands").await.unwrap();
    room.settle().await;
    room.say("ann", "!balance").await;
    assert_eq!(
        room.said(),
        ["ann has 5", "ann: you can use !balance again in 10s."]
    );
    room.shutdown().await;
}

/// A command that panics, and one that shows the module came back.
#[derive(Default, daz_core::Module)]
#[module(name = "crashy", commands)]
struct Crashy {
    starts: u32,
}

#[daz_core::commands]
impl Crashy {
    /// Panics.
    #[command]
    async fn crash(&mut self, _ctx: &mut daz_core::command::CommandContext<'_>) -> ModuleResult {
        panic!("the vault door fell off");
    }

    /// Says how often the module started.
    #[command]
    async fn starts(&mut self, ctx: &mut daz_core::command::CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("started {} times", self.starts))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Crashy {
    async fn init(&mut self, _ctx: &mut Context) -> ModuleResult {
        self.starts += 1;
        Ok(())
    }
}

#[tokio::test(start_paused = true)]
async fn a_panicking_command_is_answered_then_its_module_restarts() {
    let mut room = Harness::builder()
        .module(Crashy::default())
        .build()
        .await
        .unwrap();
    room.published(&Pattern::new(">").unwrap());
    room.say("_ann_", "!crash").await;
    assert_eq!(room.said(), ["\u{FF3F}ann\u{FF3F}: sorry, !crash failed."]);
    let audits: Vec<AuditOutcome> = room
        .published(&Pattern::from(CommandAudit::TOPIC))
        .iter()
        .map(|e| e.payload::<CommandAudit>().unwrap().outcome.clone())
        .collect();
    assert_eq!(
        audits,
        [AuditOutcome::Failed {
            error: "panicked: the vault door fell off".to_owned()
        }]
    );
    // The runtime restarts it after the backoff, as for any panic.
    for _ in 0..100 {
        let modules = room.handle().modules().await.unwrap();
        if modules.get("crashy").unwrap().restarts == 1 {
            break;
        }
        room.advance(std::time::Duration::from_millis(100)).await;
    }
    let modules = room.handle().modules().await.unwrap();
    let status = modules.get("crashy").unwrap();
    assert_eq!((status.panics, status.restarts), (1, 1));
    room.say("bob", "!starts").await;
    assert_eq!(room.said()[1], "started 2 times");
    room.shutdown().await;
}
