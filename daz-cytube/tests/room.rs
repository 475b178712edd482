//! A kept room against a real Socket.IO server replaying recorded CyTube
//! transcripts: events and backlog, chat, PM, the throttle, cooldowns,
//! refused actions, kicks and reconnects.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/server.rs"]
mod server;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use daz_core::Secret;
use daz_core::chat::{Rank, utf16_len};
use daz_cytube::Error;
use daz_cytube::action::Action;
use daz_cytube::event::ServerEvent;
use daz_cytube::reconnect::{CycleState, MemoryReconnectStore, ReconnectStore};
use daz_cytube::room::{Endpoint, Room, RoomConfig, RoomEvent, Sent};
use daz_cytube::session::Login;
use serde_json::json;
use server::{Options, Replay, TestServer};

fn config(server_url: &str, login: Login) -> RoomConfig {
    let mut config = RoomConfig::new("testchan", login);
    config.endpoint = Endpoint::Socket(server_url.to_owned());
    config.connect_timeout = Duration::from_secs(5);
    config
}

fn bot() -> Login {
    Login::Registered {
        name: "testbot".into(),
        password: Secret::new("testbot-pass-1"),
    }
}

async fn next(room: &mut Room) -> RoomEvent {
    tokio::time::timeout(Duration::from_secs(5), room.next())
        .await
        .unwrap()
        .unwrap()
}

/// Reads events until `pick` matches one.
async fn until<T>(room: &mut Room, mut pick: impl FnMut(&RoomEvent) -> Option<T>) -> T {
    loop {
        let event = next(room).await;
        if let Some(found) = pick(&event) {
            return found;
        }
    }
}

/// Now, in Unix milliseconds.
fn unix_ms() -> i64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    i64::try_from(now.unwrap().as_millis()).unwrap()
}

/// A server that accepts TCP and hangs up, so every attempt fails: its
/// URL, and the attempts it saw.
async fn hanging_up() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let attempts = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&attempts);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(tcp);
        }
    });
    let url = format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    (url, attempts)
}

async fn received_after(server: &TestServer, count: usize, within: Duration) -> Vec<server::Frame> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let got = server.received();
        if got.len() >= count || tokio::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn a_room_joins_marks_the_backlog_and_mirrors_the_channel() {
    let server = TestServer::start(
        Replay::from_capture("registered-basic-raw-ws.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let mut room = Room::start(config(&server.url(), bot()));
    assert_eq!(
        next(&mut room).await,
        RoomEvent::Joined {
            name: Some("testbot".into()),
            rank: Rank::REGISTERED
        }
    );
    let mut backlog = 0;
    let mut live_chat = 0;
    // The join burst, then what followed the login in the recording.
    until(&mut room, |e| match e {
        RoomEvent::Event {
            event: ServerEvent::ChatMsg(_),
            backlog: true,
        } => {
            backlog += 1;
            None
        }
        RoomEvent::Event {
            event: ServerEvent::ChatMsg(_),
            backlog: false,
        } => {
            live_chat += 1;
            None
        }
        RoomEvent::Event {
            event: ServerEvent::SetUserRank(_),
            ..
        } => Some(()),
        _ => None,
    })
    .await;
    assert_eq!((backlog, live_chat), (15, 0));
    let state = room.handle().state().await.unwrap();
    assert_eq!(state.rank, Rank::FOUNDER);
    assert_eq!(state.user("TESTBOT").unwrap().rank, Rank::FOUNDER);
    assert_eq!(state.permissions["chat"], Rank::GUEST);
    assert!(state.playlist_locked);
    room.stop().await;
}

#[tokio::test]
async fn chat_and_pm_are_sent_and_long_lines_split() {
    let server = TestServer::start(
        Replay::from_capture("registered-basic-raw-ws.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let mut room = Room::start(config(&server.url(), bot()));
    until(&mut room, |e| {
        matches!(e, RoomEvent::Joined { .. }).then_some(())
    })
    .await;
    let handle = room.handle();
    assert_eq!(
        handle
            .send(Action::Chat {
                msg: "hello from testbot".into()
            })
            .await
            .unwrap(),
        Sent::Sent
    );
    handle
        .send(Action::Pm {
            to: "PmGuestxc2i".into(),
            msg: "psst".into(),
        })
        .await
        .unwrap();
    let long = "word ".repeat(130);
    handle
        .send(Action::Chat { msg: long.clone() })
        .await
        .unwrap();
    let got = received_after(&server, 6, Duration::from_secs(3)).await;
    let sent: Vec<_> = got.iter().skip(2).collect();
    assert_eq!(
        sent[0],
        &(
            "chatMsg".to_owned(),
            Some(json!({"msg": "hello from testbot"}))
        )
    );
    assert_eq!(
        sent[1],
        &(
            "pm".to_owned(),
            Some(json!({"msg": "psst", "to": "PmGuestxc2i"}))
        )
    );
    let pieces: Vec<String> = sent[2..]
        .iter()
        .map(|(_, p)| p.as_ref().unwrap()["msg"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(pieces.len(), 3);
    assert!(pieces.iter().all(|p| utf16_len(p) <= 320));
    assert_eq!(pieces.join(" "), long.trim_end());
    room.stop().await;
}

#[tokio::test]
async fn the_throttle_sends_everything_at_the_servers_pace() {
    let server = TestServer::start(
        Replay::from_capture("registered-basic-raw-ws.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let mut room = Room::start(config(&server.url(), bot()));
    until(&mut room, |e| {
        matches!(e, RoomEvent::Joined { .. }).then_some(())
    })
    .await;
    let handle = room.handle();
    let started = std::time::Instant::now();
    let mut queued = 0;
    for i in 0..25 {
        if let Sent::Queued { .. } = handle
            .send(Action::Chat {
                msg: format!("line {i}"),
            })
            .await
            .unwrap()
        {
            queued += 1;
        }
    }
    assert_eq!(queued, 5, "20 go at once, 5 wait");
    let got = received_after(&server, 27, Duration::from_secs(5)).await;
    let lines: Vec<_> = got.iter().filter(|(name, _)| name == "chatMsg").collect();
    assert_eq!(lines.len(), 25, "none dropped");
    assert!(
        started.elapsed() >= Duration::from_millis(5 * 150),
        "paced: {:?}",
        started.elapsed()
    );
    room.stop().await;
}

#[tokio::test]
async fn a_cooldown_frame_makes_the_room_wait_and_resend() {
    let replay = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest")
        .first("chatMsg", vec![("cooldown".into(), Some(json!(300)))]);
    let server = TestServer::start(replay, Options::default()).await;
    let mut room = Room::start(config(
        &server.url(),
        Login::Guest {
            name: "RawGuestbtt2".into(),
        },
    ));
    until(&mut room, |e| {
        matches!(e, RoomEvent::Joined { .. }).then_some(())
    })
    .await;
    let handle = room.handle();
    handle
        .send(Action::Chat {
            msg: "dropped once".into(),
        })
        .await
        .unwrap();
    until(&mut room, |e| {
        matches!(
            e,
            RoomEvent::Event {
                event: ServerEvent::Cooldown(_),
                ..
            }
        )
        .then_some(())
    })
    .await;
    let sent_at = std::time::Instant::now();
    let got = received_after(&server, 4, Duration::from_secs(3)).await;
    let lines: Vec<_> = got.iter().filter(|(name, _)| name == "chatMsg").collect();
    assert_eq!(lines.len(), 2, "{got:?}");
    assert_eq!(lines[0], lines[1]);
    assert!(sent_at.elapsed() >= Duration::from_millis(250));
    room.stop().await;
}

#[tokio::test]
async fn actions_the_bot_may_not_do_are_refused_unsent() {
    let server = TestServer::start(
        Replay::from_capture("guest-basic-raw-ws.jsonl", "guest"),
        Options::default(),
    )
    .await;
    let mut room = Room::start(config(
        &server.url(),
        Login::Guest {
            name: "RawGuestbtt2".into(),
        },
    ));
    until(&mut room, |e| {
        matches!(e, RoomEvent::Joined { .. }).then_some(())
    })
    .await;
    let handle = room.handle();
    let err = handle
        .send(Action::AssignLeader { name: "ann".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotPermitted { .. }), "{err}");
    let err = handle
        .send(Action::Chat { msg: "   ".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidAction { .. }), "{err}");
    // A line the bot may send, after them: once it arrives, anything sent
    // before it would have arrived too.
    handle
        .send(Action::Chat {
            msg: "allowed".into(),
        })
        .await
        .unwrap();
    let got = received_after(&server, 3, Duration::from_secs(5)).await;
    let names: Vec<&str> = got.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["joinChannel", "login", "chatMsg"], "{got:?}");
    assert_eq!(got[2].1, Some(json!({"msg": "allowed"})));
    room.stop().await;
}

#[tokio::test]
async fn a_duplicate_login_kick_waits_long_and_a_ban_stops() {
    let replay = Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").first(
        "chatMsg",
        vec![("kick".into(), Some(json!({"reason": "Duplicate login"})))],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let mut cfg = config(
        &server.url(),
        Login::Guest {
            name: "RawGuestbtt2".into(),
        },
    );
    cfg.reconnect.long_wait = Duration::from_secs(600);
    let store: Arc<dyn ReconnectStore> = Arc::new(MemoryReconnectStore::default());
    let mut room = Room::with_store(cfg.clone(), Arc::clone(&store));
    until(&mut room, |e| {
        matches!(e, RoomEvent::Joined { .. }).then_some(())
    })
    .await;
    room.handle()
        .send(Action::Chat { msg: "hi".into() })
        .await
        .unwrap();
    let retry_in = until(&mut room, |e| match e {
        RoomEvent::Disconnected { retry_in, reason } => {
            assert!(reason.contains("Duplicate login"), "{reason}");
            Some(*retry_in)
        }
        _ => None,
    })
    .await;
    assert_eq!(retry_in, Duration::from_secs(600));
    let err = room
        .handle()
        .send(Action::Chat { msg: "hi".into() })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotConnected), "{err}");
    room.stop().await;
    // A restart keeps the ten minutes: the new room waits out what is left.
    let mut again = Room::with_store(cfg, store);
    let left = until(&mut again, |e| match e {
        RoomEvent::Disconnected { retry_in, reason } => {
            assert!(reason.contains("saved before the restart"), "{reason}");
            Some(*retry_in)
        }
        RoomEvent::Joined { .. } => panic!("joined at once after the restart"),
        _ => None,
    })
    .await;
    assert!(
        left > Duration::from_secs(590) && left <= Duration::from_secs(600),
        "{left:?}"
    );
    again.stop().await;

    let replay = Replay::default().then(
        "joinChannel",
        vec![("kick".into(), Some(json!({"reason": "You're banned!"})))],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let mut room = Room::start(config(&server.url(), Login::Anonymous));
    let reason = until(&mut room, |e| match e {
        RoomEvent::Stopped { reason } => Some(reason.clone()),
        _ => None,
    })
    .await;
    assert!(reason.contains("banned"), "{reason}");
    assert!(
        tokio::time::timeout(Duration::from_secs(1), room.next())
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn reconnects_follow_the_backoff_and_the_cycle() {
    let (url, attempts) = hanging_up().await;
    let mut cfg = config(&url, Login::Anonymous);
    let policy = &mut cfg.reconnect;
    policy.initial = Duration::from_millis(20);
    policy.max = Duration::from_millis(50);
    policy.attempts = 3;
    policy.cycle_cooldown = Duration::from_millis(200);
    policy.jitter = 0.0;
    let mut room = Room::start(cfg);
    let mut delays = Vec::new();
    while delays.len() < 6 {
        if let RoomEvent::Disconnected { retry_in, .. } = next(&mut room).await {
            delays.push(retry_in.as_millis());
        }
    }
    assert_eq!(delays, [20, 40, 50, 200, 20, 40]);
    assert_eq!(attempts.load(Ordering::SeqCst), 6);
    room.stop().await;
}

#[tokio::test]
async fn a_wait_saved_before_a_restart_is_waited_out() {
    let (url, attempts) = hanging_up().await;
    let store = Arc::new(MemoryReconnectStore::default());
    // The bot went down 28.5 minutes into a 30-minute cycle cooldown.
    let saved = CycleState::new(0, 1).with_next_attempt(Some(unix_ms() + 1_500));
    store.save("testchan", saved).await.unwrap();
    let mut cfg = config(&url, Login::Anonymous);
    cfg.reconnect.initial = Duration::from_millis(20);
    cfg.reconnect.jitter = 0.0;
    let started = tokio::time::Instant::now();
    let mut room = Room::with_store(cfg, Arc::clone(&store) as Arc<dyn ReconnectStore>);
    let RoomEvent::Disconnected { reason, retry_in } = next(&mut room).await else {
        panic!("the room waits first");
    };
    assert!(reason.contains("saved before the restart"), "{reason}");
    assert!(
        retry_in > Duration::from_millis(1_000) && retry_in <= Duration::from_millis(1_500),
        "{retry_in:?}"
    );
    // The first attempt comes after the wait, and fails on the backoff.
    let RoomEvent::Disconnected {
        retry_in: first, ..
    } = next(&mut room).await
    else {
        panic!("the attempt fails");
    };
    assert!(started.elapsed() >= retry_in, "{:?}", started.elapsed());
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert_eq!(first, Duration::from_millis(20));
    // When the next attempt is due is saved with the count.
    let now = unix_ms();
    let state = store.load("testchan").await.unwrap().unwrap();
    assert_eq!((state.attempts, state.cycles), (1, 1));
    let due = state.next_attempt_ms.unwrap();
    assert!(due > now - 1_000 && due <= now + 20, "{due} against {now}");
    room.stop().await;
}
