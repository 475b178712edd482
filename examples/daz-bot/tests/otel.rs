//! With the `otel` feature, `[log.otel]` sends the event and command spans
//! to an OTLP/HTTP collector (here a stand-in that keeps what it is sent).

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::routing::post;

#[test]
fn spans_reach_the_collector() {
    let received: Arc<Mutex<Vec<u8>>> = Arc::default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let app = Router::new().route(
        "/v1/traces",
        post({
            let received = Arc::clone(&received);
            move |body: Bytes| async move {
                received.lock().unwrap().extend_from_slice(&body);
                ""
            }
        }),
    );
    runtime.spawn(async move { axum::serve(listener, app).await });

    let config = std::env::temp_dir().join(format!("daz-bot-otel-{}.toml", std::process::id()));
    std::fs::write(
        &config,
        format!(
            "[log]\nlevel = \"info\"\n[log.otel]\nendpoint = \"http://127.0.0.1:{port}/v1/traces\"\nservice = \"otel-test-bot\"\n"
        ),
    )
    .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_daz-bot"))
        .args([
            "--config",
            config.to_str().unwrap(),
            "--database",
            "sqlite::memory:",
            "console",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"!ping\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let _ = std::fs::remove_file(&config);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("pong, you"));

    // OTLP protobuf keeps strings as they are: the span names, attribute
    // keys and values, and the service name are in the bytes.
    let body = received.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&body);
    for needle in [
        "otel-test-bot",
        "event_id",
        "command",
        "command.ping.ping",
        "ping",
    ] {
        assert!(
            text.contains(needle),
            "{needle} in what the collector got ({} bytes)",
            body.len()
        );
    }

    // One trace: every module's span for the chat line (the router's,
    // the chat log's, seen's…), the ping module's span for the command
    // event and the command span share a trace id.
    let command = spans(&body, b"command");
    assert_eq!(command.len(), 1, "one command span");
    let events = spans(&body, b"event");
    let same = events.iter().filter(|t| **t == command[0]).count();
    assert!(
        same >= 3,
        "the chat line's and the command's event spans are in the command's trace ({same})"
    );
}

/// The trace ids of the spans named `name` in an OTLP protobuf request: a
/// span is `0a 10 <trace id>` … `2a <len> <name>` (fields 1 and 5).
fn spans(body: &[u8], name: &[u8]) -> Vec<[u8; 16]> {
    let mut tag = vec![0x2a, u8::try_from(name.len()).unwrap()];
    tag.extend_from_slice(name);
    let mut found = Vec::new();
    let mut last_trace: Option<[u8; 16]> = None;
    let mut i = 0;
    while i + 2 < body.len() {
        if body[i] == 0x0a && body[i + 1] == 0x10 && i + 18 <= body.len() {
            last_trace = Some(body[i + 2..i + 18].try_into().unwrap());
            i += 18;
            continue;
        }
        if body[i..].starts_with(&tag) {
            if let Some(trace) = last_trace.take() {
                found.push(trace);
            }
            i += tag.len();
            continue;
        }
        i += 1;
    }
    found
}
