//! A kept room recovering: a server restart, a partition change, the
//! guest-login limit, a refused connect; and a queued media item.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use daz_core::Secret;
use daz_cytube::action::{Action, QueuePosition};
use daz_cytube::event::ServerEvent;
use daz_cytube::room::{Endpoint, Room, RoomConfig, RoomEvent};
use daz_cytube::session::Login;
use serde_json::json;
use server::{Options, Replay, TestServer};

fn config(url: &str, login: Login) -> RoomConfig {
    let mut config = RoomConfig::new("testchan", login);
    config.endpoint = Endpoint::Socket(url.to_owned());
    config.connect_timeout = Duration::from_secs(5);
    config.reconnect.initial = Duration::from_millis(20);
    config.reconnect.soon = Duration::from_millis(30);
    config.reconnect.jitter = 0.0;
    config
}

async fn until<T>(room: &mut Room, mut pick: impl FnMut(&RoomEvent) -> Option<T>) -> T {
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), room.next())
            .await
            .unwrap()
            .unwrap();
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

fn joined(event: &RoomEvent) -> Option<()> {
    matches!(event, RoomEvent::Joined { .. }).then_some(())
}

#[tokio::test]
async fn after_a_server_restart_the_room_rejoins() {
    let server = TestServer::start(
        Replay::from_capture("registered-basic-raw-ws.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let login = Login::Registered {
        name: "testbot".into(),
        password: Secret::new("testbot-pass-1"),
    };
    let mut room = Room::start(config(&server.url(), login));
    until(&mut room, joined).await;
    server.drop_connections().await;
    let (reason, retry_in) = until(&mut room, |e| match e {
        RoomEvent::Disconnected { reason, retry_in } => Some((reason.clone(), *retry_in)),
        _ => None,
    })
    .await;
    assert_eq!(retry_in, Duration::from_millis(20), "{reason}");
    until(&mut room, joined).await;
    assert_eq!(server.connections(), 2);
    // After the rejoin the history is replayed again, marked as such.
    let backlog = until(&mut room, |e| match e {
        RoomEvent::Event {
            event: ServerEvent::ChatMsg(_),
            backlog,
        } => Some(*backlog),
        _ => None,
    })
    .await;
    assert!(backlog);
    room.stop().await;
}

#[tokio::test]
async fn a_partition_change_reconnects_soon() {
    let replay = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").first(
        "chatMsg",
        vec![(
            "partitionChange".into(),
            Some(json!({"servers": [{"url": "http://elsewhere:1337", "secure": false}]})),
        )],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let mut room = Room::start(config(
        &server.url(),
        Login::Guest {
            name: "RawGuestbtt2".into(),
        },
    ));
    until(&mut room, joined).await;
    room.handle()
        .send(Action::Chat { msg: "hi".into() })
        .await
        .unwrap();
    let (reason, retry_in) = until(&mut room, |e| match e {
        RoomEvent::Disconnected { reason, retry_in } => Some((reason.clone(), *retry_in)),
        _ => None,
    })
    .await;
    assert!(reason.contains("moved"), "{reason}");
    assert_eq!(retry_in, Duration::from_millis(30));
    until(&mut room, joined).await;
    room.stop().await;
}

#[tokio::test]
async fn the_guest_login_limit_is_waited_out() {
    let replay = Replay::default().then(
        "login",
        vec![(
            "login".into(),
            Some(json!({"success": false, "error": "Guest logins are restricted to one per IP address per 60 seconds."})),
        )],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let mut room = Room::start(config(
        &server.url(),
        Login::Guest {
            name: "somebot".into(),
        },
    ));
    let retry_in = until(&mut room, |e| match e {
        RoomEvent::Disconnected { retry_in, .. } => Some(*retry_in),
        _ => None,
    })
    .await;
    assert_eq!(retry_in, Duration::from_secs(61));
    room.stop().await;
}

#[tokio::test]
async fn a_refused_connect_backs_off_and_a_bad_password_stops() {
    let options = Options {
        refuse: Some("Rate limit exceeded".into()),
        ..Options::default()
    };
    let server = TestServer::start(Replay::default(), options).await;
    let mut room = Room::start(config(&server.url(), Login::Anonymous));
    let (first, second) = (
        until(&mut room, |e| match e {
            RoomEvent::Disconnected { retry_in, reason } => {
                assert!(reason.contains("Rate limit exceeded"), "{reason}");
                Some(*retry_in)
            }
            _ => None,
        })
        .await,
        until(&mut room, |e| match e {
            RoomEvent::Disconnected { retry_in, .. } => Some(*retry_in),
            _ => None,
        })
        .await,
    );
    assert_eq!(
        (first, second),
        (Duration::from_millis(20), Duration::from_millis(40))
    );
    room.stop().await;

    let server = TestServer::start(
        Replay::from_capture("login-bad-password.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let login = Login::Registered {
        name: "testbot".into(),
        password: Secret::new("definitely-wrong"),
    };
    let mut room = Room::start(config(&server.url(), login));
    let reason = until(&mut room, |e| match e {
        RoomEvent::Stopped { reason } => Some(reason.clone()),
        _ => None,
    })
    .await;
    assert!(
        reason.contains("Invalid username/password combination"),
        "{reason}"
    );
    assert!(!reason.contains("definitely-wrong"));
}

#[tokio::test]
async fn a_queued_item_is_sent_as_the_server_reads_it() {
    // The recording queued a custom embed first, then this livestream.
    let recorded = Replay::from_capture("registered-basic-raw-ws.jsonl", "bot");
    let livestream = recorded.replies["queue"][1].clone();
    let server = TestServer::start(recorded.first("queue", livestream), Options::default()).await;
    let login = Login::Registered {
        name: "testbot".into(),
        password: Secret::new("testbot-pass-1"),
    };
    let mut room = Room::start(config(&server.url(), login));
    until(&mut room, joined).await;
    // Wait for the channel rank (5) that follows the login.
    until(&mut room, |e| match e {
        RoomEvent::Event {
            event: ServerEvent::SetUserRank(_),
            ..
        } => Some(()),
        _ => None,
    })
    .await;
    let action = Action::Queue {
        id: "rtmp://127.0.0.1/live/test".into(),
        kind: "rt".into(),
        pos: QueuePosition::End,
        temp: true,
    };
    room.handle().send(action).await.unwrap();
    let queued = until(&mut room, |e| match e {
        RoomEvent::Event {
            event: ServerEvent::Queue(q),
            ..
        } => Some(q.clone()),
        _ => None,
    })
    .await;
    assert_eq!(queued.item.media.id, "rtmp://127.0.0.1/live/test");
    let sent = server
        .received()
        .into_iter()
        .find(|(name, _)| name == "queue")
        .unwrap();
    assert_eq!(
        sent.1.unwrap(),
        json!({"id": "rtmp://127.0.0.1/live/test", "type": "rt", "pos": "end", "temp": true})
    );
    let state = room.handle().state().await.unwrap();
    assert!(
        state
            .playlist
            .iter()
            .any(|i| i.media.id == "rtmp://127.0.0.1/live/test")
    );
    room.stop().await;
}

#[tokio::test]
async fn after_a_crash_the_room_retries_until_the_server_is_back() {
    let recorded = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest");
    let server = TestServer::start(recorded.clone(), Options::default()).await;
    let url = server.url();
    let mut room = Room::start(config(
        &url,
        Login::Guest {
            name: "RawGuestbtt2".into(),
        },
    ));
    until(&mut room, joined).await;
    let port = server.crash().await;
    // Nothing listens: attempts fail and back off, doubling.
    let mut delays = Vec::new();
    while delays.len() < 3 {
        if let RoomEvent::Disconnected { retry_in, .. } =
            tokio::time::timeout(Duration::from_secs(5), room.next())
                .await
                .unwrap()
                .unwrap()
        {
            delays.push(retry_in.as_millis());
        }
    }
    assert_eq!(delays, [20, 40, 80]);
    let server = TestServer::start_on(recorded, Options::default(), port).await;
    until(&mut room, joined).await;
    assert_eq!(server.connections(), 1);
    room.stop().await;
}
