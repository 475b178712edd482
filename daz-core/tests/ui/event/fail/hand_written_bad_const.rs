use daz_core::{EventPayload, Topic};

#[derive(serde::Serialize, serde::Deserialize)]
struct Tick;

impl EventPayload for Tick {
    const TOPIC: Topic = Topic::from_static("demo..tick");
}

fn main() {
    let _ = Tick::TOPIC;
}
