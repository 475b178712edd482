//! The admin HTTP API over real HTTP on 127.0.0.1: tokens, modules and
//! their control, scheduler tasks, rooms from a Socket.IO server playing
//! CyTube, readiness that flips when that server goes away, Prometheus
//! text, and no secret in any response or log line.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

#[path = "support/admin_bot.rs"]
mod admin_bot;
#[path = "../../daz-cytube/tests/support/server.rs"]
mod server;

use std::time::Duration;

use admin_bot::{AdminBot, CHANNEL_PASSWORD, ROOM_PASSWORD, TOKEN};
use daz_core::testing::CapturedLogs;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn module<'a>(list: &'a Value, name: &str) -> &'a Value {
    list["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["name"] == name)
        .unwrap()
}

#[tokio::test]
async fn the_admin_api_serves_and_guards_the_running_bot() {
    let logs = CapturedLogs::new();
    let subscriber = tracing_subscriber::fmt()
        .with_writer({
            let logs = logs.clone();
            move || logs.clone()
        })
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut bot = AdminBot::start().await;
    // Liveness is open; everything else needs the token.
    let (status, body) = bot.api.call("GET", "/health/live", None).await;
    assert_eq!(
        (status, body.as_str()),
        (StatusCode::OK, r#"{"status":"live"}"#)
    );
    assert_eq!(
        bot.api.call("GET", "/modules", None).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        bot.api.call("GET", "/metrics", Some("wrong-token")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bot.api
            .call("POST", "/modules/ticker/disable", Some(""))
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        bot.api.call("GET", "/nowhere", Some(TOKEN)).await.0,
        StatusCode::NOT_FOUND
    );

    // Ready once the room is joined.
    let mut ready = (StatusCode::IM_A_TEAPOT, Value::Null);
    for _ in 0..500 {
        ready = bot.api.json("GET", "/health/ready").await;
        if ready.0 == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        ready,
        (StatusCode::OK, json!({"ready": true, "reasons": []}))
    );

    // Modules, and their control.
    let (status, list) = bot.api.json("GET", "/modules").await;
    assert_eq!(status, StatusCode::OK);
    for name in ["ticker", "cytube", "admin"] {
        assert_eq!(module(&list, name)["state"], "running", "{name}");
    }
    let (status, one) = bot.api.json("GET", "/modules/ticker").await;
    assert_eq!(
        (status, one["name"].clone()),
        (StatusCode::OK, json!("ticker"))
    );
    assert_eq!(
        bot.api.json("GET", "/modules/nope").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bot.api.json("POST", "/modules/nope/restart").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bot.api.json("POST", "/modules/ticker/explode").await.0,
        StatusCode::NOT_FOUND
    );
    let (status, refusal) = bot.api.json("POST", "/modules/admin/disable").await;
    assert_eq!(status, StatusCode::CONFLICT, "{refusal}");
    assert!(
        refusal["error"]
            .as_str()
            .unwrap()
            .contains("cannot stop itself")
    );
    let (status, after) = bot.api.json("POST", "/modules/ticker/disable").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(module(&after, "ticker")["enabled"], false);
    let (status, after) = bot.api.json("POST", "/modules/ticker/enable").await;
    assert_eq!(
        (status, module(&after, "ticker")["enabled"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (status, after) = bot.api.json("POST", "/modules/ticker/restart").await;
    assert_eq!(status, StatusCode::OK, "{after}");

    // Scheduler tasks.
    let mut task = Value::Null;
    for _ in 0..500 {
        let (_, tasks) = bot.api.json("GET", "/scheduler/tasks").await;
        if let Some(t) = tasks["tasks"]
            .as_array()
            .and_then(|t| t.iter().find(|t| t["name"] == "hourly"))
        {
            task = t.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let id = task["id"].as_u64().expect("the ticker's task");
    let (status, tasks) = bot
        .api
        .json("POST", &format!("/scheduler/tasks/{id}/pause"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let paused = tasks["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .unwrap();
    assert_eq!(paused["paused"], true, "{paused}");
    assert_eq!(
        bot.api
            .json("POST", &format!("/scheduler/tasks/{id}/resume"))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        bot.api
            .json("POST", "/scheduler/tasks/999999/pause")
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        bot.api.json("POST", "/scheduler/tasks/x/pause").await.0,
        StatusCode::NOT_FOUND
    );

    // Rooms.
    let (status, rooms) = bot.api.json("GET", "/rooms").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(rooms["rooms"][0]["room"], "testchan");
    assert_eq!(rooms["rooms"][0]["connected"], true);
    let (status, users) = bot.api.json("GET", "/rooms/testchan/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        users["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["name"] == "ann"),
        "{users}"
    );
    let (status, playlist) = bot.api.json("GET", "/rooms/testchan/playlist").await;
    assert_eq!(status, StatusCode::OK);
    assert!(playlist["playlist"].is_array(), "{playlist}");
    assert_eq!(
        bot.api.json("GET", "/rooms/elsewhere/users").await.0,
        StatusCode::NOT_FOUND
    );

    // Prometheus text: every sample line reads, and the modules' series are there.
    let (status, text) = bot.api.call("GET", "/metrics", Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
        assert!(series.starts_with("daz_"), "{line}");
    }
    assert!(
        text.contains("daz_module_restarts_total{module=\"ticker\"}"),
        "{text}"
    );
    assert!(
        text.contains("daz_module_events_total{module=\"cytube\"}"),
        "{text}"
    );
    for series in [
        "daz_bus_published_total ",
        "daz_cytube_connected{room=\"testchan\"} 1",
        "daz_cytube_frames_in_total{room=\"testchan\"} ",
        "daz_cytube_frames_out_total{room=\"testchan\"} ",
        "daz_cytube_users{room=\"testchan\"} ",
        "daz_scheduler_tasks 1",
        "daz_module_handler_seconds{module=\"cytube\",quantile=\"0.5\"} ",
    ] {
        assert!(text.contains(series), "{series} in {text}");
    }

    // The CyTube server goes away: not ready, with the reason.
    bot.crash_server().await;
    let mut unready = (StatusCode::OK, Value::Null);
    for _ in 0..500 {
        unready = bot.api.json("GET", "/health/ready").await;
        if unready.0 == StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(unready.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(unready.1["ready"], false);
    assert!(
        unready.1["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("cytube: testchan"),
        "{}",
        unready.1
    );

    let api = bot.stop().await;
    let logs = logs.text();
    assert!(
        logs.contains("admin API listening"),
        "the logs were captured"
    );
    for secret in [TOKEN, ROOM_PASSWORD, CHANNEL_PASSWORD] {
        assert!(!logs.contains(secret), "a secret in the logs");
        assert!(
            api.bodies.iter().all(|b| !b.contains(secret)),
            "a secret in a response"
        );
    }
}
