use proptest::prelude::*;
use serde_json::{Value, json};

use super::{Incoming, Packet, event_frame, pong, repair_surrogates};
use crate::event::{Position, ServerEvent};

fn event(json: &str) -> ServerEvent {
    ServerEvent::from_json(json).unwrap()
}

#[test]
fn a_chat_line_cut_inside_an_emoji_still_decodes() {
    // What the server sent for 319 'a's and an emoji (reference §1.7).
    let frame = format!(
        r#"42["chatMsg",{{"username":"ann","msg":"{}\ud83d","meta":{{}},"time":1}}]"#,
        "a".repeat(319)
    );
    let raw = frame.strip_prefix("42").unwrap();
    assert!(
        serde_json::from_str::<Value>(raw).is_err(),
        "serde_json refuses it as is"
    );
    let Incoming::Event(ServerEvent::ChatMsg(chat)) = Incoming::decode(&frame).unwrap() else {
        panic!("not a chat line")
    };
    assert_eq!(chat.text.chars().count(), 320);
    assert!(chat.text.ends_with('\u{fffd}'));
}

#[test]
fn surrogate_repair_keeps_pairs_and_escaped_backslashes() {
    assert_eq!(repair_surrogates(r#""\udc00x""#), r#""\ufffdx""#);
    assert_eq!(repair_surrogates(r#""\uD83D\uDE00""#), r#""\uD83D\uDE00""#);
    assert_eq!(repair_surrogates(r#""\uD83D\u0041""#), r#""\ufffd\u0041""#);
    assert_eq!(repair_surrogates(r#""\\uD83D""#), r#""\\uD83D""#);
    assert_eq!(repair_surrogates(r#""\u12""#), r#""\u12""#);
}

#[test]
fn type_hazards_are_tolerated() {
    let ServerEvent::ChannelOpts(opts) = event(
        r#"["channelOpts",{"new_user_chat_delay":"10","new_user_chat_link_delay":"0","password":false,"chat_antiflood_params":{"burst":"4","sustained":1,"cooldown":4}}]"#,
    ) else {
        panic!()
    };
    assert_eq!(opts.new_user_chat_delay, 10.0);
    assert_eq!(opts.password, None);
    assert_eq!(opts.chat_antiflood_params.burst, 4.0);
    let ServerEvent::ChannelOpts(opts) = event(r#"["channelOpts",{"password":"hunter2"}]"#) else {
        panic!()
    };
    assert_eq!(
        opts.password.as_ref().map(daz_core::Secret::expose),
        Some("hunter2")
    );
    // Held as a secret: not in Debug, nor in the JSON a state answer sends.
    let shown = format!("{opts:?} {}", serde_json::to_string(&opts).unwrap());
    assert!(
        !shown.contains("hunter2") && shown.contains("<redacted>"),
        "{shown}"
    );
    let ServerEvent::Usercount(n) = event(r#"["usercount","5"]"#) else {
        panic!()
    };
    assert_eq!(n.0, 5.0);
    let ServerEvent::Rank(rank) = event(r#"["rank","1.5"]"#) else {
        panic!()
    };
    assert_eq!(rank.value(), 1.5);
    let ServerEvent::Kick(kick) = event(r#"["kick",{}]"#) else {
        panic!()
    };
    assert_eq!(kick.reason, None);
    let ServerEvent::Login(login) = event(r#"["login",{"success":false,"error":{}}]"#) else {
        panic!()
    };
    assert_eq!(login.error_text().as_deref(), Some("(no reason given)"));
    assert_eq!(event(r#"["closePoll",null]"#), ServerEvent::ClosePoll);
    assert_eq!(event(r#"["closePoll"]"#), ServerEvent::ClosePoll);
    let ServerEvent::Queue(queued) = event(
        r#"["queue",{"item":{"media":{"id":"x","title":"T","seconds":60,"duration":"01:00","type":"yt","meta":{}},"uid":7,"temp":true,"queueby":""},"after":"prepend"}]"#,
    ) else {
        panic!()
    };
    assert_eq!((queued.item.uid, queued.after), (7, Position::Prepend));
    let ServerEvent::NewPoll(poll) = event(
        r#"["newPoll",{"title":"t","options":["a","b"],"counts":[1,"2?"],"initiator":"ann","timestamp":5}]"#,
    ) else {
        panic!()
    };
    assert_eq!(poll.counts.len(), 2);
}

#[test]
fn pseudo_users_text_is_kept_raw() {
    let ServerEvent::ChatMsg(chat) = event(
        r#"["chatMsg",{"username":"[server]","msg":"bob joined (aliases: a&b)","meta":{"addClass":"server-whisper"},"time":1}]"#,
    ) else {
        panic!()
    };
    assert_eq!(chat.text, "bob joined (aliases: a&b)");
    assert_eq!(chat.meta.add_class.as_deref(), Some("server-whisper"));
}

#[test]
fn unknown_and_malformed_events_are_kept() {
    assert_eq!(
        event(r#"["brandNew",{"x":1}]"#),
        ServerEvent::Unknown {
            name: "brandNew".into(),
            data: json!({"x": 1})
        }
    );
    assert_eq!(
        event(r#"["brandNew"]"#),
        ServerEvent::Unknown {
            name: "brandNew".into(),
            data: Value::Null
        }
    );
    let ServerEvent::Malformed { name, data, .. } = event(r#"["chatMsg",5]"#) else {
        panic!()
    };
    assert_eq!((name.as_str(), data), ("chatMsg", json!(5)));
    let ServerEvent::Malformed { .. } = event(r#"["userlist"]"#) else {
        panic!()
    };
    for bad in ["[]", "{}", "[5]", "not json", "[\"x\",1", ""] {
        assert!(ServerEvent::from_json(bad).is_err(), "{bad}");
    }
}

#[test]
fn control_frames() {
    assert_eq!(
        Incoming::decode("2").unwrap(),
        Incoming::Ping(String::new())
    );
    assert_eq!(pong("probe"), "3probe");
    assert_eq!(
        Incoming::decode(r#"44{"message":"Rate limit exceeded"}"#).unwrap(),
        Incoming::Refused {
            message: "Rate limit exceeded".into()
        }
    );
    assert_eq!(
        Incoming::decode(r#"44"banned""#).unwrap(),
        Incoming::Refused {
            message: "banned".into()
        }
    );
    assert_eq!(
        Incoming::decode("40").unwrap(),
        Incoming::Connected { sid: None }
    );
    assert_eq!(Incoming::decode("41").unwrap(), Incoming::Disconnected);
    assert_eq!(
        Incoming::decode("4312[{}]").unwrap(),
        Incoming::Ack {
            id: 12,
            args: vec![json!({})]
        }
    );
    assert_eq!(Incoming::decode("6").unwrap(), Incoming::Ignored);
    for bad in [
        "",
        "9",
        "4",
        "42",
        "42x",
        "43[1]",
        "451-[\"x\"]",
        "b4AAA",
        "40/chat,",
        "0{",
        "4299999999999999999999[1]",
    ] {
        assert!(Incoming::decode(bad).is_err(), "{bad:?}");
    }
    assert_eq!(
        event_frame("pm", Some(&json!({"to": "ann", "msg": "hi"}))).unwrap(),
        r#"42["pm",{"msg":"hi","to":"ann"}]"#
    );
}

fn packet_strategy() -> impl Strategy<Value = (u8, Option<u64>, String)> {
    (0u8..11, proptest::option::of(any::<u64>()), "\\PC{0,40}")
}

fn build(kind: u8, id: Option<u64>, data: &str, json: &str) -> Packet<'static> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    match kind {
        0 => Packet::Open(leak(data.to_owned())),
        1 => Packet::Close,
        2 => Packet::Ping(leak(data.to_owned())),
        3 => Packet::Pong(leak(data.to_owned())),
        4 => Packet::Upgrade,
        5 => Packet::Noop,
        6 => Packet::Connect(leak(json.replace(['/'], ""))),
        7 => Packet::Disconnect,
        8 => Packet::Event {
            ack: id,
            json: leak(json.to_owned()),
        },
        9 => Packet::Ack {
            id: id.unwrap_or(0),
            json: leak(json.to_owned()),
        },
        _ => Packet::ConnectError(leak(json.replace(['/'], ""))),
    }
}

proptest! {
    #[test]
    fn packets_round_trip((kind, id, data) in packet_strategy()) {
        let json = format!("[{}]", serde_json::to_string(&data).unwrap());
        let packet = build(kind, id, &data, &json);
        let frame = packet.encode();
        prop_assert_eq!(Packet::decode(&frame).unwrap(), packet);
    }

    #[test]
    fn no_bytes_make_the_decoder_panic(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Incoming::decode(&text);
        let _ = ServerEvent::from_json(&text);
        let mut framed = String::from("42");
        framed.push_str(&text);
        let _ = Incoming::decode(&framed);
    }

    #[test]
    fn no_frame_makes_the_decoder_panic(frame in "\\PC{0,60}") {
        let _ = Incoming::decode(&frame);
    }

    #[test]
    fn no_event_json_makes_the_decoder_panic(body in "[\\[\\]{}\",:0-9a-zA-Z\\\\u ]{0,60}") {
        let _ = Incoming::decode(&format!("42{body}"));
        let _ = ServerEvent::from_json(&body);
    }

    #[test]
    fn any_utf16_units_read_after_repair(units in proptest::collection::vec(any::<u16>(), 0..12)) {
        let escaped: String = units.iter().map(|u| format!("\\u{u:04x}")).collect();
        let json = format!("[\"x\",\"{escaped}\"]");
        let repaired = repair_surrogates(&json);
        prop_assert!(serde_json::from_str::<Value>(&repaired).is_ok(), "{}", repaired);
    }

    #[test]
    fn chat_lines_survive_a_round_trip(name in "[a-z_]{1,20}", text in "\\PC{0,80}") {
        let frame = event_frame("chatMsg", Some(&json!({"username": name, "msg": text, "meta": {}, "time": 1}))).unwrap();
        let Incoming::Event(ServerEvent::ChatMsg(chat)) = Incoming::decode(&frame).unwrap() else {
            return Err(TestCaseError::fail("not a chat line"));
        };
        prop_assert_eq!(chat.msg, text);
        prop_assert_eq!(chat.username, name);
    }
}

#[test]
fn a_payload_starting_with_a_slash_keeps_the_default_namespace() -> crate::Result<()> {
    let packet = Packet::decode("40/,/abc")?;
    assert_eq!(packet, Packet::Connect("/abc"));
    assert_eq!(packet.encode(), "40/,/abc");
    assert_eq!(Packet::decode(&packet.encode())?, packet);
    let error = Packet::ConnectError("/x");
    assert_eq!(Packet::decode(&error.encode())?, error);
    assert_eq!(Packet::Connect("{}").encode(), "40{}");
    Ok(())
}
