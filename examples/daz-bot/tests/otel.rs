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
}
