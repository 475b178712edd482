//! A frame past `MAX_FRAME` from the server ends the connection with an
//! error, read no further than its header: a peer cannot make the bot
//! buffer without end. The peer is a raw WebSocket server, since a real
//! Socket.IO server would not send such a frame.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use daz_cytube::connection::{Connection, LinkEvent, MAX_FRAME};
use futures::SinkExt;
use tokio_tungstenite::tungstenite::Message;

const OPEN: &str =
    r#"0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}"#;

/// A server that opens, sends a frame of `size` bytes, then a small one.
async fn server(size: usize) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut ws = tokio_tungstenite::accept_async(tcp).await.unwrap();
        ws.send(Message::text(OPEN)).await.unwrap();
        let big = format!("42[\"chatMsg\",\"{}\"]", "x".repeat(size));
        // The client may hang up part way: not this side's failure.
        let _ = ws.send(Message::text(big)).await;
        let _ = ws.send(Message::text("3")).await;
    });
    format!("ws://127.0.0.1:{port}/socket.io/?EIO=4&transport=websocket")
}

async fn first_event(url: &str) -> LinkEvent {
    let mut conn = Connection::open(url, Duration::from_secs(5)).await.unwrap();
    tokio::time::timeout(Duration::from_secs(30), conn.next())
        .await
        .expect("the connection reports something")
        .expect("an event")
}

#[tokio::test]
async fn a_frame_over_the_cap_closes_the_connection_with_an_error() {
    let event = first_event(&server(MAX_FRAME + 1).await).await;
    let LinkEvent::Closed(err) = event else {
        panic!("expected the connection to close, got {event:?}")
    };
    let text = err.to_string();
    assert!(
        text.contains("too long") || text.contains("too big") || text.contains("size"),
        "{text}"
    );
}

#[tokio::test]
async fn a_frame_under_the_cap_is_read() {
    let event = first_event(&server(64 * 1024).await).await;
    assert!(
        matches!(event, LinkEvent::Frame(_) | LinkEvent::BadFrame(_)),
        "{event:?}"
    );
}
