//! The `cytube` module end to end: a real Socket.IO server plays CyTube; a
//! chat command typed in the channel reaches a `#[commands]` module through
//! the bus and its answer goes back to the channel.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use daz_core::chat::{ChatMessage, Rank, SendChat};
use daz_core::command::CommandContext;
use daz_core::{
    Bot, Config, Event, EventBus, Format, Module, ModuleResult, Pattern, SubscribeOptions, commands,
};
use daz_cytube::action::Action;
use daz_cytube::bridge::{
    CytubeBridge, CytubeEvent, RoomAction, RoomSnapshot, SendOutcome, StateQuery,
};
use daz_cytube::event::ServerEvent;
use serde_json::json;
use server::{Options, Replay, TestServer};

/// Answers `!ping`.
#[derive(Default, daz_core::Module)]
#[module(name = "ping", commands)]
struct Ping;

#[commands]
impl Ping {
    /// Checks the bot is listening.
    #[command]
    async fn ping(&mut self, ctx: &mut CommandContext<'_>) -> ModuleResult {
        ctx.reply(format!("pong, {}", ctx.user()))?;
        Ok(())
    }
}

#[daz_core::async_trait]
impl Module for Ping {}

async fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..500 {
        if let Some(found) = check() {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for {what}");
}

// One thread: socketioxide runs each event's handler as a task, and on one
// thread they run in arrival order, as CyTube answers.
#[tokio::test]
async fn a_command_typed_in_the_channel_is_answered_in_the_channel() {
    let ann = json!({"name": "ann", "rank": 1, "profile": {"image": "", "text": ""}, "meta": {"afk": false, "muted": false}});
    let replay = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").also(
        "login",
        vec![
            ("addUser".into(), Some(ann)),
            (
                "chatMsg".into(),
                Some(json!({"username": "ann", "msg": "!ping", "meta": {}, "time": 1})),
            ),
        ],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let config = Config::parse(
        &format!(
            "[[cytube.rooms]]\nchannel = \"testchan\"\nuser = \"RawGuestbtt2\"\nsocket = \"{}\"",
            server.url()
        ),
        Format::Toml,
    )
    .unwrap();
    let bus = EventBus::new();
    let mut seen = bus
        .subscribe(
            Pattern::new("cytube.event.>").unwrap(),
            SubscribeOptions::new().capacity(10_000),
        )
        .unwrap();
    let bot = Bot::builder()
        .bus(bus.clone())
        .config(config)
        .module(CytubeBridge::new())
        .module(Ping)
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));

    // The answer went back to the channel as a chat frame.
    wait_for("the pong", || {
        server.received().into_iter().find(|(name, payload)| {
            name == "chatMsg" && payload.as_ref().unwrap()["msg"] == "pong, ann"
        })
    })
    .await;

    // A line that would be a CyTube command is said as written instead.
    bus.send("cytube", Event::new(SendChat::new("testchan", "/kick ann")))
        .unwrap();
    wait_for("the literal line", || {
        server.received().into_iter().find(|(name, payload)| {
            name == "chatMsg" && payload.as_ref().unwrap()["msg"] == "\u{200B}/kick ann"
        })
    })
    .await;

    // What was published: the backlog line as chat history, the permission
    // table as a typed CyTube event.
    let events: Vec<Event> = std::iter::from_fn(|| seen.try_recv()).collect();
    let backlog = events
        .iter()
        .filter_map(|e| e.payload::<ChatMessage>().ok())
        .find(|m| m.text == "hello from smoke")
        .unwrap();
    assert!(backlog.backlog);
    let ping = events
        .iter()
        .filter_map(|e| e.payload::<ChatMessage>().ok())
        .find(|m| m.text == "!ping")
        .unwrap();
    assert!(!ping.backlog && !ping.own);
    assert_eq!(ping.rank, Rank::REGISTERED);
    assert!(
        events
            .iter()
            .any(|e| e.topic().as_str() == "cytube.event.setPermissions"
                && matches!(
                    e.payload::<CytubeEvent>().unwrap().event,
                    ServerEvent::SetPermissions(_)
                ))
    );

    // The state and the refusal answer over bus requests.
    let reply = bus
        .request(
            "cytube",
            Event::new(StateQuery::new("testchan")),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    let snapshot = reply.payload::<RoomSnapshot>().unwrap();
    assert!(snapshot.connected);
    assert!(snapshot.users.iter().any(|u| u.name == "ann"));
    let refused = bus
        .request(
            "cytube",
            Event::new(RoomAction::new("testchan", Action::Delete { uid: 1 })),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert!(
        matches!(refused.payload::<SendOutcome>().unwrap().clone(), SendOutcome::Refused { reason } if reason.contains("playlistdelete"))
    );
    let unknown = bus
        .request(
            "cytube",
            Event::new(RoomAction::new("elsewhere", Action::Voteskip)),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert!(matches!(
        unknown.payload::<SendOutcome>().unwrap().clone(),
        SendOutcome::Refused { .. }
    ));

    handle.stop();
    let report = running.await.unwrap().unwrap();
    assert!(report.abandoned.is_empty());
}

#[test]
fn bad_room_settings_fail_the_build() {
    for (toml, needle) in [
        ("[[cytube.rooms]]\nchannel = \"bad name\"", "channel name"),
        (
            "[[cytube.rooms]]\nchannel = \"a\"\n[[cytube.rooms]]\nchannel = \"A\"",
            "twice",
        ),
        (
            "[[cytube.rooms]]\nchannel = \"a\"\nuser = \"no spaces\"",
            "not a valid CyTube name",
        ),
        (
            "[[cytube.rooms]]\nchannel = \"a\"\npassword = \"x\"",
            "needs a user",
        ),
        (
            "[[cytube.rooms]]\nchannel = \"a\"\nsocket = \"http://x\"",
            "ws://",
        ),
        ("[cytube]\nsite = \"ftp://x\"", "http"),
        (
            "[[cytube.rooms]]\nchannel = \"a\"\ncolour = \"red\"",
            "colour",
        ),
    ] {
        let config = Config::parse(toml, Format::Toml).unwrap();
        let err = Bot::builder()
            .config(config)
            .module(CytubeBridge::new())
            .build()
            .unwrap_err();
        assert!(err.to_string().contains(needle), "{toml}: {err}");
    }
}

#[tokio::test]
async fn each_room_is_kept_on_its_own() {
    let good = TestServer::start(
        Replay::from_capture("guest-basic-raw-ws.jsonl", "guest"),
        Options::default(),
    )
    .await;
    let banned = TestServer::start(
        Replay::default().then(
            "joinChannel",
            vec![("kick".into(), Some(json!({"reason": "You're banned!"})))],
        ),
        Options::default(),
    )
    .await;
    let toml = format!(
        "[[cytube.rooms]]\nchannel = \"testchan\"\nuser = \"RawGuestbtt2\"\nsocket = \"{}\"\n\
         [[cytube.rooms]]\nchannel = \"elsewhere\"\nsocket = \"{}\"",
        good.url(),
        banned.url()
    );
    let bus = EventBus::new();
    let bot = Bot::builder()
        .bus(bus.clone())
        .config(Config::parse(&toml, Format::Toml).unwrap())
        .module(CytubeBridge::new())
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    for _ in 0..500 {
        let list = handle.modules().await.unwrap();
        if list
            .get("cytube")
            .is_some_and(|m| m.state == daz_core::ModuleState::Running)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let ask = |room: &'static str| {
        let bus = bus.clone();
        async move {
            let reply = bus
                .request(
                    "cytube",
                    Event::new(StateQuery::new(room)),
                    Duration::from_secs(5),
                )
                .await
                .unwrap();
            reply.payload::<RoomSnapshot>().unwrap().clone()
        }
    };
    for _ in 0..500 {
        if ask("testchan").await.connected && banned.received().len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(ask("testchan").await.connected);
    assert!(!ask("elsewhere").await.connected);
    // The healthy room still works beside the stopped one.
    let sent = bus
        .request(
            "cytube",
            Event::new(RoomAction::new(
                "testchan",
                Action::Chat {
                    msg: "still here".into(),
                },
            )),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(
        sent.payload::<SendOutcome>().unwrap().clone(),
        SendOutcome::Sent
    );
    let list = handle.modules().await.unwrap();
    let health = format!("{:?}", list.get("cytube").unwrap().health);
    assert!(
        health.contains("elsewhere") && health.contains("banned") && !health.contains("testchan"),
        "{health}"
    );
    handle.stop();
    running.await.unwrap().unwrap();
}
