//! The `kryten` module: a daz bot on the Socket.IO CyTube test server
//! stands in for kryten-robot on the real NATS server. A NATS client
//! checks the subjects and JSON byte for byte; the real kryten-py client
//! (`DAZ_TEST_KRYTEN_PYTHON`, a Python with kryten-py 0.17.5, which
//! `.ci/run` makes) hears chat and answers in the channel.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/peers.rs"]
mod peers;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

use daz_core::{Bot, BotHandle, Config, Event, Format, ModuleState};
use daz_cytube::bridge::{CytubeBridge, RoomSnapshot, StateQuery};
use daz_cytube::kryten::Kryten;
use futures::StreamExt;
use peers::nats_url;
use serde_json::{Value, json};
use server::{Options, Replay, TestServer};
use tokio::io::AsyncBufReadExt;

/// Kryten's subjects have no prefix: one test at a time on the server.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn replay() -> Replay {
    let user = |name: &str, rank: u8| json!({"name": name, "rank": rank, "profile": {"image": "ann.png", "text": "hi"}, "meta": {"afk": false, "muted": false}});
    Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").also(
        "login",
        vec![
            ("addUser".into(), Some(user("ann", 1))),
            ("addUser".into(), Some(user("bob", 2))),
        ],
    )
}

type Running = tokio::task::JoinHandle<daz_core::Result<daz_core::ShutdownReport>>;

async fn start(server: &TestServer, url: &str, channel: &str) -> (BotHandle, Running) {
    let toml = format!(
        "[[cytube.rooms]]\nchannel = \"{channel}\"\nuser = \"RawGuestbtt2\"\nsocket = \"{}\"\n\
         [kryten]\nurl = \"{url}\"\ndomain = \"cytu.be\"\n",
        server.url()
    );
    let bot = Bot::builder()
        .config(Config::parse(&toml, Format::Toml).unwrap())
        .module(CytubeBridge::new())
        .module(Kryten::new())
        .build()
        .unwrap();
    let handle = bot.handle();
    let running = tokio::spawn(bot.run_until(std::future::pending()));
    for _ in 0..1000 {
        let started = handle
            .modules()
            .await
            .is_ok_and(|l| l.modules.iter().all(|m| m.state == ModuleState::Running));
        let query = Event::new(StateQuery::new(channel));
        let joined = handle
            .bus()
            .request("cytube", query, Duration::from_secs(5))
            .await
            .is_ok_and(|r| {
                r.payload::<RoomSnapshot>()
                    .is_ok_and(|s| s.connected && s.users.len() >= 2)
            });
        if started && joined {
            return (handle, running);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the bot did not start: {:?}", handle.modules().await);
}

fn said(server: &TestServer) -> Vec<String> {
    server
        .received()
        .into_iter()
        .filter(|(name, _)| name == "chatMsg")
        .filter_map(|(_, p)| p.and_then(|p| p["msg"].as_str().map(str::to_owned)))
        .collect()
}

async fn server_hears(server: &TestServer, text: &str) {
    for _ in 0..500 {
        if said(server).iter().any(|s| s == text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the server never got {text:?}: {:?}", said(server));
}

async fn command(client: &async_nats::Client, request: Value) -> Value {
    let reply = client
        .request("kryten.robot.command", request.to_string().into())
        .await
        .unwrap();
    serde_json::from_slice(&reply.payload).unwrap()
}

// One thread: socketioxide runs each event's handler as a task, in order.
#[tokio::test]
async fn kryten_services_get_events_and_commands_run_for_the_right_channel() {
    let Some(url) = nats_url() else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(replay(), Options::default()).await;
    let channel = "Test_Chan";
    let (bot, running) = start(&server, &url, channel).await;
    let client = async_nats::connect(&url).await.unwrap();
    let mut chat = client
        .subscribe("kryten.events.cytube.test_chan.chatmsg")
        .await
        .unwrap();
    client.flush().await.unwrap();

    let frame =
        json!({"username": "ann", "msg": "hello kryten", "meta": {}, "time": 1_700_000_000_000u64});
    server.io.emit("chatMsg", &frame).await.unwrap();
    // The capture's join backlog may still be on its way: skip to our line.
    let envelope: Value = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let msg = chat.next().await.unwrap();
            let envelope: Value = serde_json::from_slice(&msg.payload).unwrap();
            if envelope["payload"]["msg"] == "hello kryten" {
                return envelope;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(envelope["event_name"], "chatMsg");
    // CyTube's JSON as daz reads it: the fields it sent, flags it left
    // out written as false.
    let payload = &envelope["payload"];
    for key in ["username", "msg", "time"] {
        assert_eq!(payload[key], frame[key], "{key}");
    }
    assert_eq!(payload["meta"]["shadow"], false);
    assert_eq!(envelope["channel"], channel);
    assert_eq!(envelope["domain"], "cytu.be");
    let stamp = envelope["timestamp"].as_str().unwrap();
    assert!(stamp.ends_with("+00:00") && stamp.len() == 32, "{stamp}");
    let id = envelope["correlation_id"].as_str().unwrap();
    assert_eq!(
        id.split('-').map(str::len).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );

    let meta = json!({"channel": "test_chan", "domain": "cytu.be", "source": "test"});
    let say = json!({"service": "robot", "command": "say", "args": {"message": "hi from a service"}, "meta": meta});
    let reply = command(&client, say).await;
    assert_eq!(
        reply,
        json!({"service": "robot", "command": "say", "success": true, "data": {"success": true}})
    );
    server_hears(&server, "hi from a service").await;

    // A chat line is said as written, never run as a CyTube command.
    let kick = json!({"command": "say", "args": {"message": "/kick ann"}, "meta": meta});
    assert_eq!(command(&client, kick).await["success"], true);
    server_hears(&server, "\u{200B}/kick ann").await;

    // Moderation goes through the bridge's permission check: a guest may not kick.
    let kick = json!({"command": "kick", "args": {"username": "ann"}, "meta": meta});
    let reply = command(&client, kick).await;
    assert_eq!(reply["success"], false, "{reply}");
    assert!(reply["error"].as_str().unwrap().contains("kick"), "{reply}");

    let users = command(&client, json!({"command": "state.userlist", "meta": meta})).await;
    let names: Vec<&str> = users["data"]["userlist"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|u| u["name"].as_str())
        .collect();
    assert!(names.contains(&"ann") && names.contains(&"bob"), "{users}");
    let bob = command(&client, json!({"command": "state.user", "username": "BOB"})).await;
    assert_eq!(
        bob["data"]["user"]["rank"], 2,
        "whole ranks as integers: {bob}"
    );
    assert_eq!(bob["data"]["profile"]["image"], "ann.png");

    let ping = command(
        &client,
        json!({"service": "robot", "command": "system.ping"}),
    )
    .await;
    assert_eq!(ping["data"]["pong"], true);
    assert_eq!(ping["data"]["cytube_connected"], true);
    assert_eq!(ping["data"]["channel"], channel);

    let unknown = command(&client, json!({"command": "setChannelCSS", "meta": meta})).await;
    assert_eq!(unknown["success"], false);
    assert_eq!(
        unknown["error"],
        "daz does not carry the Kryten command \"setChannelCSS\""
    );

    // Another channel's command, and another service's, go unanswered.
    for other in [
        json!({"command": "say", "args": {"message": "not mine"}, "meta": {"channel": "elsewhere", "domain": "cytu.be"}}),
        json!({"command": "say", "args": {"message": "not mine"}, "meta": {"channel": channel, "domain": "other.tv"}}),
        json!({"service": "llm", "command": "say", "args": {"message": "not mine"}}),
    ] {
        let asked = async_nats::Request::new()
            .payload(other.to_string().into())
            .timeout(Some(Duration::from_millis(300)));
        let err = client
            .send_request("kryten.robot.command", asked)
            .await
            .err();
        assert_eq!(
            err.map(|e| e.kind()),
            Some(async_nats::client::RequestErrorKind::TimedOut)
        );
    }

    // The older command subjects, and the bot's rank.
    let legacy = json!({"action": "chat", "data": {"msg": "legacy hello"}});
    client
        .publish(
            "kryten.commands.cytube.test_chan.chat",
            legacy.to_string().into(),
        )
        .await
        .unwrap();
    server_hears(&server, "legacy hello").await;
    let level = client
        .request("cytube.user_level.cytu.be.test_chan", "{}".into())
        .await
        .unwrap();
    let level: Value = serde_json::from_slice(&level.payload).unwrap();
    assert_eq!(level["success"], true, "{level}");
    assert!(!said(&server).contains(&"not mine".to_owned()));
    bot.stop();
    running.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_real_kryten_py_client_hears_chat_and_answers() {
    let Some(url) = nats_url() else { return };
    let Some(python) = daz_core::testing::service("DAZ_TEST_KRYTEN_PYTHON") else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().await;
    let server = TestServer::start(replay(), Options::default()).await;
    let (bot, running) = start(&server, &url, "pychan").await;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/kryten/service.py");
    let mut child = tokio::process::Command::new(python)
        .arg(script)
        .env("KRYTEN_NATS_URL", &url)
        .env("KRYTEN_CHANNEL", "pychan")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut next = async || -> Value {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("kryten-py answers in time")
            .unwrap()
            .expect("kryten-py printed a line");
        serde_json::from_str(&line).unwrap()
    };
    let ping = next().await;
    assert_eq!(ping["ping"]["pong"], true, "{ping}");
    assert_eq!(ping["ping"]["channel"], "pychan");
    let frame = json!({"username": "ann", "msg": "hello kryten-py", "meta": {}, "time": 1});
    server.io.emit("chatMsg", &frame).await.unwrap();
    let heard = next().await;
    assert_eq!(
        heard["chat"],
        json!({"username": "ann", "message": "hello kryten-py", "rank": 0, "channel": "pychan", "domain": "cytu.be"})
    );
    server_hears(&server, "hello back from kryten-py").await;
    let user = next().await;
    assert_eq!(user["user"]["name"], "bob", "{user}");
    assert_eq!(user["user"]["rank"], 2, "{user}");
    let status = tokio::time::timeout(Duration::from_secs(10), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success());
    bot.stop();
    running.await.unwrap().unwrap();
}
