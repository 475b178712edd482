#[derive(serde::Serialize, serde::Deserialize, daz_core::Event)]
#[event(topic = "cytube.event.*")]
struct AnyEvent;

fn main() {}
