use daz_core::{EventPayload, Topic};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Tick;

impl EventPayload for Tick {
    const TOPIC: Topic = Topic::from_static("demo.tick");
}

fn main() {
    assert_eq!(Tick::TOPIC.as_str(), "demo.tick");
}
