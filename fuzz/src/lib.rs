//! What each fuzz target checks, one function per input surface. The
//! fuzz targets (`fuzz_targets/`, run with `cargo +nightly fuzz run <name>`)
//! call these; the regression test (`tests/tests/fuzz_regressions.rs`)
//! includes this file and feeds it every input kept in `regressions/`, so
//! an input that once crashed is checked by `cargo test` forever after.
//!
//! Every function takes any bytes. A panic is a finding: either a panic
//! inside daz (never allowed on outside input) or a broken property
//! asserted here.

use std::time::Duration;

use daz_core::command::{Args, FromArgs, Rest, UserName};
use daz_core::{BusConfig, Config, Format, Pattern, RuntimeConfig, Topic};
use daz_cytube::codec::{Incoming, Packet, repair_surrogates};

/// A WebSocket text frame from the CyTube server: the Engine.IO/Socket.IO
/// packet syntax, what it means to the client (event payloads included),
/// and the surrogate repair applied to event JSON.
///
/// Property: a packet that decodes encodes to a frame that decodes to the
/// same packet.
pub fn frame(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(packet) = Packet::decode(text) {
        let encoded = packet.encode();
        match Packet::decode(&encoded) {
            Ok(again) => assert_eq!(again, packet, "{text:?} encoded as {encoded:?}"),
            Err(e) => panic!("{text:?} decoded, but its encoding {encoded:?} does not: {e}"),
        }
    }
    drop(Incoming::decode(text));
    let repaired = repair_surrogates(text);
    assert!(
        repaired.len() <= text.len(),
        "repairing {text:?} grew it to {repaired:?}"
    );
}

/// A chat command's argument text, read word by word and as every
/// standard parameter type.
///
/// Properties: reading words always ends, each word takes input, and a
/// word read is never longer than the text.
pub fn command_args(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut args = Args::new(text);
    let mut words = 0usize;
    while let Ok(Some(word)) = args.next_word() {
        words += 1;
        assert!(word.len() <= text.len(), "{word:?} from {text:?}");
        assert!(words <= text.len(), "{text:?} gave more words than bytes");
    }
    drop(args.finish());

    read_all::<i64>(text);
    read_all::<u8>(text);
    read_all::<u128>(text);
    read_all::<f64>(text);
    read_all::<bool>(text);
    read_all::<Duration>(text);
    read_all::<UserName>(text);
    read_all::<String>(text);
    read_all::<Option<u32>>(text);
    read_all::<Vec<i32>>(text);
    read_all::<Rest>(text);
    drop(daz_core::parse_duration(text));
}

fn read_all<T: FromArgs>(text: &str) {
    let mut args = Args::new(text);
    for _ in 0..=text.len() {
        let before = args.position();
        if T::from_args(&mut args).is_err() || args.is_empty() || args.position() == before {
            return;
        }
    }
    panic!(
        "{text:?}: reading {} never ended",
        std::any::type_name::<T>()
    );
}

/// A pattern and a topic (the input split at its first newline), as a
/// module subscribes and a peer publishes.
///
/// Properties: a valid topic is a pattern matching itself; a literal
/// pattern matches exactly its own text; every pattern covers itself;
/// a pattern covering another matches whatever that one matches.
pub fn topic(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (left, right) = text.split_once('\n').unwrap_or((text, ""));
    let pattern = Pattern::new(left);
    let topic = Topic::new(right);
    let other = Pattern::new(right);
    if let Ok(topic) = &topic {
        let own = Pattern::new(topic.as_str());
        assert!(
            own.is_ok_and(|p| p.is_literal() && p.matches(topic)),
            "topic {topic:?} is not a pattern matching itself"
        );
        assert_eq!(topic.segments().count(), right.split('.').count());
    }
    let Ok(pattern) = pattern else {
        return;
    };
    assert!(
        pattern.covers(&pattern),
        "{pattern:?} does not cover itself"
    );
    if let Ok(topic) = &topic {
        let matched = pattern.matches(topic);
        if pattern.is_literal() {
            assert_eq!(
                matched,
                pattern.as_str() == topic.as_str(),
                "{left:?} / {right:?}"
            );
        }
        if let Ok(other) = &other
            && pattern.covers(other)
            && other.matches(topic)
        {
            assert!(matched, "{left:?} covers {right:?} but does not match it");
        }
    }
}

/// A configuration file, in the format the first byte picks, then every
/// section read as JSON and the core sections read as their types, then an
/// environment override whose value is the same text.
pub fn config(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let format = match first % 3 {
        0 => Format::Toml,
        1 => Format::Yaml,
        _ => Format::Json,
    };
    let Ok(config) = Config::parse(text, format) else {
        return;
    };
    read_sections(&config);
    let value = text.lines().next().unwrap_or_default();
    for key in ["DAZ_RUNTIME__SHUTDOWN_TIMEOUT", "DAZ_X__Y__Z", "DAZ_BUS"] {
        if let Ok(with_env) = config.clone().with_env([(key, value)]) {
            read_sections(&with_env);
        }
    }
}

fn read_sections(config: &Config) {
    let names: Vec<String> = config.sections().map(str::to_owned).collect();
    for name in &names {
        assert!(config.has_section(name), "{name:?} listed but absent");
        drop(config.section::<serde_json::Value>(name));
    }
    drop(config.section::<RuntimeConfig>("runtime"));
    drop(config.section::<BusConfig>("bus"));
    drop(config.check_sections(["a", "cytube"]));
}
