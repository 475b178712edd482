//! The join handshake against a real Socket.IO server replaying what the
//! CyTube server sent in the recordings.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/server.rs"]
mod server;

use std::time::Duration;

use daz_core::Secret;
use daz_core::chat::Rank;
use daz_cytube::Error;
use daz_cytube::connection::{Connection, LinkEvent};
use daz_cytube::event::ServerEvent;
use daz_cytube::session::{JoinSettings, Login, join};
use serde_json::json;
use server::{Options, Replay, TestServer};

const TIMEOUT: Duration = Duration::from_secs(5);

async fn connect(server: &TestServer) -> Connection {
    Connection::open(&server.url(), TIMEOUT).await.unwrap()
}

fn registered() -> Login {
    Login::Registered {
        name: "testbot".into(),
        password: Secret::new("testbot-pass-1"),
    }
}

#[tokio::test]
async fn a_registered_bot_joins_in_the_recommended_order() {
    let server = TestServer::start(
        Replay::from_capture("registered-basic-raw-ws.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let mut conn = connect(&server).await;
    assert_eq!(conn.settings().ping_interval, 25_000);
    let joined = join(&mut conn, &JoinSettings::new("testchan", registered()))
        .await
        .unwrap();
    assert_eq!(joined.name.as_deref(), Some("testbot"));
    assert!(!joined.guest);
    assert_eq!(joined.rank, Rank::REGISTERED);
    let backlog = joined.events.iter().filter(|r| r.backlog).count();
    assert_eq!(
        backlog, 15,
        "the recorded backlog (the server keeps 15 lines)"
    );
    assert!(
        joined
            .events
            .iter()
            .all(|r| !r.backlog || matches!(r.event, ServerEvent::ChatMsg(_)))
    );
    assert_eq!(
        server.received(),
        [
            ("joinChannel".to_owned(), Some(json!({"name": "testchan"}))),
            (
                "login".to_owned(),
                Some(json!({"name": "testbot", "pw": "testbot-pass-1"}))
            ),
        ]
    );
    conn.close().await;
}

#[tokio::test]
async fn a_guest_joins_and_the_login_may_come_first() {
    let server = TestServer::start(
        Replay::from_capture("login-immediately-after-join.jsonl", "guest"),
        Options::default(),
    )
    .await;
    let mut conn = connect(&server).await;
    let login = Login::Guest {
        name: "Fasty2qa".into(),
    };
    let joined = join(&mut conn, &JoinSettings::new("testchan", login))
        .await
        .unwrap();
    assert_eq!(joined.name.as_deref(), Some("Fasty2qa"));
    assert!(joined.guest);
    assert_eq!(joined.rank, Rank::GUEST);
    assert!(
        joined
            .events
            .iter()
            .any(|r| matches!(r.event, ServerEvent::Userlist(_)))
    );
}

#[tokio::test]
async fn a_refused_login_is_a_typed_error() {
    let server = TestServer::start(
        Replay::from_capture("login-bad-password.jsonl", "bot"),
        Options::default(),
    )
    .await;
    let mut conn = connect(&server).await;
    let login = Login::Registered {
        name: "testbot".into(),
        password: Secret::new("definitely-wrong"),
    };
    let err = join(&mut conn, &JoinSettings::new("testchan", login))
        .await
        .unwrap_err();
    let Error::Login { name, reason } = &err else {
        panic!("{err}")
    };
    assert_eq!(name, "testbot");
    assert_eq!(reason, "Invalid username/password combination");
    assert!(
        !err.to_string().contains("definitely-wrong"),
        "the password never shows: {err}"
    );
}

#[tokio::test]
async fn a_taken_guest_name_is_a_typed_error() {
    let server = TestServer::start(
        Replay::from_capture("guest-name-taken.jsonl", "B"),
        Options::default(),
    )
    .await;
    let mut conn = connect(&server).await;
    let err = join(
        &mut conn,
        &JoinSettings::new(
            "testchan",
            Login::Guest {
                name: "Takeneehh".into(),
            },
        ),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("already in use"), "{err}");
}

#[tokio::test]
async fn a_refused_connect_is_a_typed_error() {
    let options = Options {
        refuse: Some("Rate limit exceeded".into()),
        ..Options::default()
    };
    let server = TestServer::start(Replay::default(), options).await;
    let mut conn = connect(&server).await;
    let err = join(&mut conn, &JoinSettings::new("testchan", Login::Anonymous))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Refused { message } if message == "Rate limit exceeded"),
        "{err}"
    );
}

#[tokio::test]
async fn a_kick_during_the_join_is_a_typed_error() {
    let replay = Replay::default().then(
        "joinChannel",
        vec![(
            "kick".into(),
            Some(json!({"reason": "You are banned from this channel."})),
        )],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let mut conn = connect(&server).await;
    let err = join(&mut conn, &JoinSettings::new("testchan", Login::Anonymous))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Kicked { reason: Some(r) } if r == "You are banned from this channel."),
        "{err}"
    );
}

#[tokio::test]
async fn a_channel_password_is_sent_when_asked_for() {
    let burst =
        Replay::from_capture("guest-basic-raw-ws.jsonl", "guest").replies["joinChannel"][0].clone();
    let replay = Replay::default()
        .then(
            "joinChannel",
            vec![("needPassword".into(), Some(json!(false)))],
        )
        .then(
            "channelPassword",
            [vec![("cancelNeedPassword".into(), None)], burst].concat(),
        );
    let server = TestServer::start(replay, Options::default()).await;
    let mut conn = connect(&server).await;
    let mut settings = JoinSettings::new("secret", Login::Anonymous);
    settings.channel_password = Some(Secret::new("hunter2"));
    let joined = join(&mut conn, &settings).await.unwrap();
    assert!(
        joined
            .events
            .iter()
            .any(|r| r.event == ServerEvent::CancelNeedPassword)
    );
    assert_eq!(
        server.received()[1],
        ("channelPassword".to_owned(), Some(json!("hunter2")))
    );

    // Without one, the error says what to configure.
    let replay = Replay::default().then(
        "joinChannel",
        vec![("needPassword".into(), Some(json!(false)))],
    );
    let server = TestServer::start(replay, Options::default()).await;
    let mut conn = connect(&server).await;
    let err = join(&mut conn, &JoinSettings::new("secret", Login::Anonymous))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::ChannelPassword { given: false, .. }),
        "{err}"
    );
}

#[tokio::test]
async fn bad_names_are_refused_before_connecting_further() {
    let server = TestServer::start(Replay::default(), Options::default()).await;
    let mut conn = connect(&server).await;
    let err = join(
        &mut conn,
        &JoinSettings::new(
            "testchan",
            Login::Guest {
                name: "no spaces".into(),
            },
        ),
    )
    .await
    .unwrap_err();
    assert!(matches!(err, Error::Login { .. }), "{err}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn the_client_answers_the_servers_pings() {
    let options = Options {
        ping_interval: Duration::from_millis(100),
        ping_timeout: Duration::from_millis(150),
        ..Options::default()
    };
    let server = TestServer::start(
        Replay::from_capture("guest-basic-raw-ws.jsonl", "guest"),
        options,
    )
    .await;
    let mut conn = connect(&server).await;
    join(
        &mut conn,
        &JoinSettings::new(
            "testchan",
            Login::Guest {
                name: "RawGuestbtt2".into(),
            },
        ),
    )
    .await
    .unwrap();
    // Many ping intervals later the session is still up: every ping was answered.
    let watch = tokio::time::timeout(Duration::from_millis(1200), async {
        loop {
            match conn.next().await {
                None | Some(LinkEvent::Closed(_)) => break,
                Some(_) => {}
            }
        }
    })
    .await;
    assert!(watch.is_err(), "the connection ended");
    conn.send(r#"42["chatMsg",{"msg":"still here"}]"#.to_owned())
        .await
        .unwrap();
    // The server taking the line is the proof it kept the session.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !server.received().iter().any(|(name, _)| name == "chatMsg") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the server never took the line"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        server.received().last().unwrap(),
        &("chatMsg".to_owned(), Some(json!({"msg": "still here"})))
    );
}

#[tokio::test]
async fn a_silent_server_is_noticed_by_the_watchdog() {
    // A half-open peer: it opens the session, then never sends a ping.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = tokio::spawn(async move {
        use futures::SinkExt;
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        let open = r#"0{"sid":"s","upgrades":[],"pingInterval":100,"pingTimeout":100,"maxPayload":1000000}"#;
        ws.send(tokio_tungstenite::tungstenite::Message::text(open))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(10)).await;
    });
    let url = format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    let mut conn = Connection::open(&url, TIMEOUT).await.unwrap();
    let started = std::time::Instant::now();
    let ended = tokio::time::timeout(Duration::from_secs(3), async {
        loop {
            match conn.next().await {
                None => break None,
                Some(LinkEvent::Closed(e)) => break Some(e),
                Some(_) => {}
            }
        }
    })
    .await
    .expect("the client noticed the silence");
    assert!(matches!(ended, Some(Error::Timeout { .. })), "{ended:?}");
    assert!(started.elapsed() >= Duration::from_millis(200));
    peer.abort();
}

#[tokio::test]
async fn a_tls_failure_is_an_error_not_a_panic() {
    // A plain TCP peer where TLS is expected: the handshake fails cleanly,
    // which also shows a TLS crypto provider is built in.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = tokio::spawn(async move {
        use tokio::io::AsyncWriteExt;
        let (mut tcp, _) = listener.accept().await.unwrap();
        let _ = tcp.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    });
    let url = format!("wss://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket");
    let err = Connection::open(&url, TIMEOUT).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err}");
    peer.abort();
}
