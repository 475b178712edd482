//! CyTube frame decoding: 1,000,000 recorded `chatMsg` frames decoded to
//! typed events against `serde_json::from_str::<serde_json::Value>` of the
//! same payloads.
//!
//! Run with: `cargo bench -p daz-bench --bench cytube` (add `-- --quick`
//! for a smoke run, `-- --events N` or `-- --rounds N`).

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use daz_bench::{Options, compare, median, rate};
use daz_cytube::codec::Incoming;
use daz_cytube::event::ServerEvent;

type Fallible<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// The `chatMsg` frames the real server sent in the recorded scenarios.
fn recorded_chat_frames() -> Fallible<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../daz-cytube/tests/captures");
    let mut frames = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.extension().and_then(|e| e.to_str()) != Some("jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path)?.lines() {
            let record: serde_json::Value = serde_json::from_str(line)?;
            if record["dir"] != "in" {
                continue;
            }
            if let Some(frame) = record["frame"].as_str()
                && frame.starts_with("42[\"chatMsg\"")
            {
                frames.push(frame.to_owned());
            }
        }
    }
    if frames.is_empty() {
        return Err("no recorded chatMsg frames found".into());
    }
    Ok(frames)
}

fn main() -> Fallible {
    let options = Options::from_args(1_000_000, &["decode"])?;
    let frames = recorded_chat_frames()?;
    let n = usize::try_from(options.events)?;
    let (mut typed, mut untyped) = (Vec::new(), Vec::new());
    println!(
        "cytube decoding: {n} chatMsg frames ({} distinct, recorded from a real server)",
        frames.len()
    );
    for _ in 0..options.rounds {
        let started = Instant::now();
        let mut texts = 0usize;
        for frame in frames.iter().cycle().take(n) {
            match Incoming::decode(black_box(frame))? {
                Incoming::Event(ServerEvent::ChatMsg(chat)) => texts += chat.text.len(),
                other => return Err(format!("{frame} decoded to {other:?}").into()),
            }
        }
        typed.push(started.elapsed().as_secs_f64());
        let started = Instant::now();
        let mut values = 0usize;
        for frame in frames.iter().cycle().take(n) {
            let payload = frame.get(2..).ok_or("short frame")?;
            let value: serde_json::Value = serde_json::from_str(black_box(payload))?;
            values += value.as_array().map_or(0, Vec::len);
        }
        untyped.push(started.elapsed().as_secs_f64());
        black_box((texts, values));
    }
    let (typed, untyped) = (median(typed), median(untyped));
    #[allow(clippy::cast_precision_loss, reason = "a rate")]
    let per = |secs: f64| rate(n as f64 / secs);
    let ratio = untyped / typed;
    compare(
        "decode chatMsg, typed vs Value (speed)",
        &per(typed),
        &per(untyped),
        ratio,
        ">= 1.0",
        ratio >= 1.0,
    );
    Ok(())
}
