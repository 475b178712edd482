//! Every frame recorded from a real CyTube server decodes: server frames to
//! typed events (or `Unknown`), none malformed, none refused.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

use std::collections::BTreeMap;
use std::path::Path;

use daz_cytube::codec::{Incoming, Packet};
use daz_cytube::event::ServerEvent;
use serde_json::Value;

/// Every recorded frame: (file, direction, frame). Polling bodies hold
/// several packets separated by `\x1e`.
fn frames() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/captures");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        for line in std::fs::read_to_string(&path).unwrap().lines() {
            let record: Value = serde_json::from_str(line).unwrap();
            let Some(frame) = record["frame"].as_str() else {
                continue;
            };
            let polling = record["transport"] == "polling";
            let dir = record["dir"].as_str().unwrap().to_owned();
            for packet in frame.split('\u{1e}') {
                // A polling "ok" body is HTTP, not a packet.
                if polling && packet == "ok" {
                    continue;
                }
                out.push((name.clone(), dir.clone(), packet.to_owned()));
            }
        }
    }
    out
}

#[test]
fn every_recorded_server_frame_decodes() {
    let mut events: BTreeMap<String, usize> = BTreeMap::new();
    let mut count = 0;
    for (file, dir, frame) in frames() {
        if dir != "in" {
            continue;
        }
        count += 1;
        let incoming = Incoming::decode(&frame)
            .unwrap_or_else(|e| panic!("{file}: {frame:?} did not decode: {e}"));
        if let Incoming::Event(event) = &incoming {
            assert!(
                !matches!(event, ServerEvent::Malformed { .. }),
                "{file}: {frame} is malformed: {event:?}"
            );
            *events.entry(event.name().to_owned()).or_default() += 1;
        }
    }
    assert!(count > 900, "only {count} frames read");
    // Every recorded event name is typed (none fell to Unknown).
    for name in events.keys() {
        assert!(ServerEvent::is_known(name), "{name} is not typed");
    }
    assert!(events["chatMsg"] > 300, "{events:?}");
}

#[test]
fn every_recorded_frame_takes_apart_and_encodes_back() {
    for (file, _, frame) in frames() {
        // The invalid-frames scenario sends garbage on purpose.
        if file.starts_with("invalid-frames") {
            continue;
        }
        let packet = Packet::decode(&frame).unwrap_or_else(|e| panic!("{file}: {frame:?}: {e}"));
        assert_eq!(packet.encode(), frame, "{file}");
    }
}

fn first_event(file: &str, name: &str) -> ServerEvent {
    frames()
        .into_iter()
        .filter(|(f, d, _)| f == file && d == "in")
        .find_map(|(_, _, frame)| match Incoming::decode(&frame).unwrap() {
            Incoming::Event(e) if e.name() == name => Some(e),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no {name} in {file}"))
}

#[test]
fn recorded_events_carry_their_values() {
    let ServerEvent::SetPermissions(perms) =
        first_event("registered-basic-raw-ws.jsonl", "setPermissions")
    else {
        unreachable!()
    };
    assert_eq!(perms["playlistdelete"].value(), 2.0);
    assert_eq!(perms["seeplaylist"].value(), -1.0);
    assert_eq!(perms["chat"].value(), 0.0);

    let ServerEvent::Login(login) = first_event("login-bad-password.jsonl", "login") else {
        unreachable!()
    };
    assert!(!login.success);
    assert!(login.error_text().is_some());

    let ServerEvent::ChannelOpts(opts) =
        first_event("registered-basic-raw-ws.jsonl", "channelOpts")
    else {
        unreachable!()
    };
    assert!(opts.chat_antiflood_params.burst > 0.0, "{opts:?}");
}

#[test]
fn every_recorded_event_survives_a_json_round_trip() {
    let mut checked = 0;
    for (file, dir, frame) in frames() {
        if dir != "in" {
            continue;
        }
        let Ok(Incoming::Event(event)) = Incoming::decode(&frame) else {
            continue;
        };
        let json = serde_json::to_string(&event).unwrap();
        let back = ServerEvent::from_json(&json).unwrap();
        assert_eq!(back, event, "{file}: {frame}");
        let value: ServerEvent =
            serde_json::from_value(serde_json::to_value(&event).unwrap()).unwrap();
        assert_eq!(value, event, "{file}: {frame}");
        checked += 1;
    }
    assert!(checked > 800);
}
