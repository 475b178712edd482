//! Discovery against an HTTP server answering as the recorded CyTube web
//! server did.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::time::Duration;

use axum::http::StatusCode;
use axum::response::IntoResponse;
use daz_cytube::Error;
use daz_cytube::discovery::{candidates, fetch, socket_url};
use daz_cytube::event::SocketConfig;
use serde_json::Value;

/// Serves the recorded `/socketconfig` answers; returns the base URL.
async fn recorded_site() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/captures/socketconfig-http.json");
    let answers: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
        let answers = answers.clone();
        async move {
            let key = uri.path().to_owned();
            match answers.get(&key) {
                Some(a) => (
                    StatusCode::from_u16(u16::try_from(a["status"].as_u64().unwrap()).unwrap())
                        .unwrap(),
                    a["body"].as_str().unwrap().to_owned(),
                )
                    .into_response(),
                None => (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error":"boom"}"#.to_owned(),
                )
                    .into_response(),
            }
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://127.0.0.1:{port}")
}

const TIMEOUT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn the_recorded_socketconfig_reads_and_picks_its_server() {
    let base = recorded_site().await;
    let config = fetch(&base, "testchan", TIMEOUT).await.unwrap();
    let picks = candidates(&config, false);
    assert_eq!(picks.len(), 1);
    assert_eq!(
        socket_url(&picks[0].url),
        "ws://127.0.0.1:1337/socket.io/?EIO=4&transport=websocket"
    );
}

#[tokio::test]
async fn errors_name_the_cause() {
    let base = recorded_site().await;
    let err = fetch(&base, "bad name!", TIMEOUT).await.unwrap_err();
    assert!(
        err.to_string().contains("not a valid channel name"),
        "{err}"
    );
    let err = fetch(&base, "missing", TIMEOUT).await.unwrap_err();
    assert!(
        matches!(&err, Error::Discovery { reason, .. } if reason.contains("500") && reason.contains("boom")),
        "{err}"
    );
    let err = fetch("http://127.0.0.1:1", "testchan", TIMEOUT)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Discovery { .. }), "{err}");
}

#[test]
fn secure_servers_come_first_on_an_https_site() {
    let config: SocketConfig = serde_json::from_str(
        r#"{"servers":[
            {"url":"http://example.com:1337","secure":false},
            {"url":"https://example.com:8443","secure":true},
            {"url":"https://example6:8443","secure":true,"ipv6":true},
            {"url":"http://example6:1337","secure":false,"ipv6":true},
            {"url":"","secure":true}
        ]}"#,
    )
    .unwrap();
    let urls = |https| {
        candidates(&config, https)
            .into_iter()
            .map(|s| s.url)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        urls(true),
        [
            "https://example.com:8443",
            "http://example.com:1337",
            "https://example6:8443",
            "http://example6:1337"
        ]
    );
    assert_eq!(
        urls(false),
        [
            "http://example.com:1337",
            "https://example.com:8443",
            "https://example6:8443",
            "http://example6:1337"
        ]
    );
}

#[tokio::test]
async fn an_answer_over_the_cap_is_refused_without_reading_it_all() {
    use daz_cytube::discovery::MAX_SOCKETCONFIG_BYTES;
    let big = "x".repeat(MAX_SOCKETCONFIG_BYTES + 1);
    // One with its length given, one streaming without end and no length.
    let app = axum::Router::new()
        .route(
            "/sized/socketconfig/testchan.json",
            axum::routing::get(move || {
                let big = big.clone();
                async move { big }
            }),
        )
        .route(
            "/endless/socketconfig/testchan.json",
            axum::routing::get(|| async {
                let chunks = futures::stream::repeat_with(|| {
                    Ok::<_, std::io::Error>(axum::body::Bytes::from(vec![b' '; 4096]))
                });
                axum::body::Body::from_stream(chunks)
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    for site in ["sized", "endless"] {
        let base = format!("http://127.0.0.1:{port}/{site}");
        let err = fetch(&base, "testchan", TIMEOUT).await.unwrap_err();
        assert!(
            matches!(&err, Error::Discovery { reason, .. } if reason.contains("longer than 65536 bytes")),
            "{site}: {err}"
        );
    }
}
